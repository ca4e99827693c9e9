"""Public pages: home, article, supplier, material hub, insights, 404, feeds, sitemap, QR."""

import pytest
import qrcode
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from content.materials import ensure_material_hubs
from content.models import ArticlePage, InsightsIndexPage, MaterialPage
from tests.factories import ArticlePageFactory


@pytest.fixture
def published(supplier_a, materials):
    """Two live articles about 黄芪 from supplier A, one with a spec table and quote."""
    ensure_material_hubs()
    body = [
        ("heading", "质量指标"),
        ("paragraph", RichText("<p>黄芪甲苷含量稳定。</p>")),
        (
            "spec_table",
            {
                "caption": "检测结果",
                "standard": "《中国药典》2020年版一部",
                "rows": [
                    {"item": "水分", "value": "9.1", "limit": "≤ 10.0", "unit": "%", "passed": True}
                ],
            },
        ),
        (
            "quote",
            {
                "price_low": "38.00",
                "price_high": "45.00",
                "unit": "元/公斤",
                "moq": "500公斤",
                "valid_until": "2026-12-31",
                "note": "含税",
            },
        ),
    ]
    first = ArticlePageFactory(parent=supplier_a.page, title="岷县黄芪新货上市", body=body)
    second = ArticlePageFactory(
        parent=supplier_a.page,
        title="黄芪种植技术要点",
        origin="内蒙古",
        summary="仿野生种植要点。",
        kind="technology",
    )
    for article in (first, second):
        article.materials = [materials["黄芪"]]
        article.save_revision().publish()
    return first, second


def test_article_page_renders_blocks_share_and_related(client, published):
    first, second = published

    response = client.get(first.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>岷县黄芪新货上市</h1>" in html
    assert "≤ 10.0" in html
    assert "¥38.00 – ¥45.00" in html
    assert f'src="/qr/{first.pk}.svg"' in html
    assert 'property="og:title" content="岷县黄芪新货上市"' in html
    assert second.title in html  # related by shared material
    assert "甘肃岷州药业有限公司" in html


def test_article_page_query_count_is_bounded(client, published, django_assert_num_queries):
    first, _ = published
    client.cookies["sessionid"] = "anonymous"  # any session cookie bypasses the page cache
    client.get(first.url)  # warm the site and locale caches

    # site, home, route, page, view restrictions, materials, tags, related, their materials
    with django_assert_num_queries(9):
        response = client.get(first.url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response


def test_a_restricted_supplier_keeps_its_articles_out_of_listings_and_related(
    client, published, supplier_b, materials
):
    first, _ = published
    hidden = ArticlePageFactory(parent=supplier_b.page, title="受限的黄芪文章")
    hidden.materials = [materials["黄芪"]]
    hidden.save_revision().publish()
    assert hidden in first.related_articles()
    restriction = PageViewRestriction.objects.create(
        page=supplier_b.page, restriction_type=PageViewRestriction.LOGIN
    )

    assert hidden not in first.related_articles()
    assert hidden not in ArticlePage.objects.for_listing()
    assert set(ArticlePage.objects.public()) == {first, published[1]}
    assert list(hidden.get_view_restrictions()) == [restriction]
    assert list(first.get_view_restrictions()) == []
    assert client.get(hidden.url).status_code == 302  # to the login page
    assert client.get(first.url).status_code == 200


def test_home_lists_latest_articles_and_materials(client, published):
    html = client.get("/").content.decode()

    assert "岷县黄芪新货上市" in html
    assert "黄芪种植技术要点" in html
    assert 'href="/materials/huangqi/"' in html


def test_supplier_page_filters_by_kind(client, published, supplier_a):
    html = client.get(supplier_a.page.url + "?kind=technology").content.decode()

    assert "黄芪种植技术要点" in html
    assert "岷县黄芪新货上市" not in html


def test_material_hub_lists_its_articles(client, published, materials):
    hub = MaterialPage.objects.get(material=materials["黄芪"])

    html = client.get(hub.url).content.decode()

    assert "Astragali Radix" in html
    assert "北芪、绵芪、黄耆" in html
    assert "岷县黄芪新货上市" in html
    other = MaterialPage.objects.get(material=materials["黄芩"])
    assert "岷县黄芪新货上市" not in client.get(other.url).content.decode()


def test_insights_index_paginates(client, site):
    index = InsightsIndexPage.objects.get()
    for n in range(13):
        ArticlePageFactory(parent=index, title=f"行业洞察 {n:02d}", kind="technology")

    page1 = client.get(index.url).content.decode()
    page2 = client.get(index.url + "?page=2").content.decode()
    bad = client.get(index.url + "?page=abc")

    assert page1.count('class="card"') == 12
    assert page2.count('class="card"') == 1
    assert bad.status_code == 200


@pytest.mark.parametrize("path", ["/no-such-page/", "/suppliers/nobody/"])
def test_unknown_page_is_a_helpful_404(client, site, path):
    response = client.get(path)

    assert response.status_code == 404
    assert 'name="q"' in response.content.decode()


def test_rss_and_sitemap_list_new_articles(client, published):
    first, _ = published

    feed = client.get("/feed/articles/").content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()

    assert "<title>岷县黄芪新货上市</title>" in feed
    assert "<category>黄芪</category>" in feed
    assert first.full_url in sitemap


def test_qr_code_is_svg_for_live_pages_only(client, published):
    first, _ = published
    draft = ArticlePageFactory(parent=first.get_parent(), title="草稿", live=False)

    ok = client.get(f"/qr/{first.pk}.svg")
    missing = client.get(f"/qr/{draft.pk}.svg")

    assert ok.status_code == 200
    assert ok["Content-Type"] == "image/svg+xml"
    assert ok.content.startswith(b"<?xml") or b"<svg" in ok.content[:200]
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("query", "suffix"),
    [
        ({"s": "Ab3_x-9ZqK12"}, "?s=Ab3_x-9ZqK12"),
        ({}, ""),
        ({"s": "abc"}, ""),
        ({"s": "abc def<script>"}, ""),
        ({"s": "abcdefgh\n"}, ""),
    ],
    ids=["token", "none", "too-short", "not-a-token", "trailing-newline"],
)
def test_qr_code_carries_a_valid_share_token_only(
    client, published, monkeypatch, settings, query, suffix
):
    first, _ = published
    encoded = []
    make = qrcode.make
    monkeypatch.setattr(qrcode, "make", lambda data, **kw: encoded.append(data) or make(data, **kw))

    response = client.get(f"/qr/{first.pk}.svg", query)

    assert response.status_code == 200
    assert encoded == [f"{settings.SITE_URL}{first.url}{suffix}"]
    assert response["Cache-Control"] == "public, max-age=86400"


def test_share_link_and_qr_code_use_site_url_whatever_host_is_asked(
    client, published, settings, monkeypatch
):
    # given a site on SITE_URL and a request naming another host (the QR code is cached a day)
    first, _ = published
    settings.SITE_URL = "https://yaoyun.example"
    encoded = []
    make = qrcode.make
    monkeypatch.setattr(qrcode, "make", lambda data, **kw: encoded.append(data) or make(data, **kw))

    # when both are asked for under a forged Host header
    page = client.get(first.url, HTTP_HOST="attacker.example")
    qr = client.get(f"/qr/{first.pk}.svg", {"s": "Ab3_x-9ZqK12"}, HTTP_HOST="attacker.example")

    # then both carry the site's own address
    assert (page.status_code, qr.status_code) == (200, 200)
    assert page.context["share_url"] == f"https://yaoyun.example{first.url}"
    assert f'value="https://yaoyun.example{first.url}"' in page.content.decode()
    assert "attacker.example" not in page.context["share_url"]
    assert encoded == [f"https://yaoyun.example{first.url}?s=Ab3_x-9ZqK12"]


def test_each_share_token_gets_its_own_qr_code(client, published):
    first, _ = published

    a = client.get(f"/qr/{first.pk}.svg", {"s": "tokenAAAAAA"})
    b = client.get(f"/qr/{first.pk}.svg", {"s": "tokenBBBBBB"})

    assert a.content != b.content  # the page cache must not hand out another share's code


def test_english_ui_is_available(client, published):
    first, _ = published
    switched = client.get("/lang/en/", {"next": first.url})
    assert switched["Location"] == first.url

    html = client.get(first.url).content.decode()

    assert 'lang="en"' in html
    assert "Send an inquiry" in html


def test_chinese_is_the_default_ui(client, published):
    first, _ = published

    html = client.get(first.url).content.decode()

    assert 'lang="zh-CN"' in html
    assert "发送询价" in html
    assert ArticlePage.objects.live().count() == 2
