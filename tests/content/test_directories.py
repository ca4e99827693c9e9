"""The supplier and material directories say what they list; English readers get English."""

import re

import pytest
from django.conf import settings
from django.test import RequestFactory

from content.materials import ensure_material_hubs
from content.models import HomePage, MaterialIndexPage
from content.site_setup import SUPPLIERS_INTRO
from content.workspaces import create_supplier
from tests.factories import ArticlePageFactory


def test_supplier_directory_puts_verified_first_and_says_how_many_are(client, site):
    create_supplier("安徽亳州药材有限公司", region="安徽省亳州市")
    create_supplier("甘肃岷州药业有限公司", region="甘肃省定西市", verified=True)

    response = client.get("/suppliers/")

    html = response.content.decode()
    assert response.status_code == 200
    assert SUPPLIERS_INTRO in html
    assert "认证供应商的产品与技术文章" not in html  # the old claim that all are verified
    assert "共 2 家供应商，其中 1 家经平台认证。" in html
    titles = re.findall(r'<h3><a href="[^"]+">([^<]+)</a>( <span class="verified-badge">)?', html)
    assert titles == [("甘肃岷州药业有限公司", ' <span class="verified-badge">'),
                      ("安徽亳州药材有限公司", "")]  # fmt: skip


@pytest.fixture
def hubs(site, materials, supplier_a):
    """Hubs for every material; 黄芪 has two live articles, 当归 only a draft."""
    ensure_material_hubs()
    for title in ("黄芪新货", "黄芪种植"):
        article = ArticlePageFactory(parent=supplier_a.page, title=title)
        article.materials = [materials["黄芪"]]
        article.save_revision().publish()
    draft = ArticlePageFactory(parent=supplier_a.page, title="当归草稿", live=False)
    draft.materials = [materials["当归"]]
    draft.save()
    return MaterialIndexPage.objects.get()


def test_material_directory_counts_live_articles_in_one_query(
    rf: RequestFactory, hubs, django_assert_num_queries
):
    with django_assert_num_queries(1):
        context = hubs.get_context(rf.get("/materials/"))

    groups = {
        label: (with_articles, empty) for label, with_articles, empty in context["material_groups"]
    }
    counts = {
        hub.material.name: hub.article_count
        for with_articles, empty in groups.values()
        for hub in with_articles + empty
    }
    assert counts == {"黄芪": 2, "黄芩": 0, "当归": 0, "三七": 0, "人参": 0, "党参": 0}
    assert context["material_counts"] == {"total": 6, "with_articles": 1}
    listed_with_articles = [h.material.name for w, _ in groups.values() for h in w]
    assert listed_with_articles == ["黄芪"]


def test_material_directory_shows_counts_and_folds_empty_materials(client, hubs):
    response = client.get("/materials/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "共 6 种药材，其中 1 种已有文章。" in html
    assert "huangqi · 2 篇文章" in html
    assert "5 种药材暂无文章" in html
    empty_lists = re.findall(r'<details class="no-articles">(.*?)</details>', html, re.S)
    assert "当归" in "".join(empty_lists)  # a draft does not count
    assert "黄芪" not in "".join(empty_lists)


def test_english_readers_get_the_home_hero_in_english(client, site):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    english = client.get("/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get("/").content.decode()

    intro = HomePage.objects.get().intro
    assert "New crops, grades, test reports and quotes from verified suppliers" in english
    assert intro not in english
    assert intro in chinese
    assert 'placeholder="e.g. 北芪 种植, 田七 价格"' in english
    assert 'placeholder="例如：北芪 种植、田七 价格"' in chinese
