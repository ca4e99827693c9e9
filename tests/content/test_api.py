"""Wagtail API v2: live pages with article fields, images, and the Material dictionary."""

import pytest
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from tests.factories import ArticlePageFactory


@pytest.fixture
def article(supplier_a, materials):
    page = ArticlePageFactory(parent=supplier_a.page, title="文山三七 春七 现货", origin="云南文山")
    page.materials = [materials["三七"]]
    page.tags.add("春七")
    page.save_revision().publish()
    return page


def test_pages_endpoint_returns_article_fields(client, article):
    listing = client.get("/api/v2/pages/", {"type": "content.ArticlePage", "fields": "*"}).json()

    assert listing["meta"]["total_count"] == 1
    item = listing["items"][0]
    assert item["title"] == "文山三七 春七 现货"
    assert item["kind"] == "product"
    assert item["origin"] == "云南文山"
    assert item["tags"] == ["春七"]
    assert [m["id"] for m in item["materials"]] == [article.materials.get().pk]
    assert item["materials"][0]["meta"]["type"] == "content.Material"
    assert item["supplier"]["id"] == article.supplier.pk


def test_pages_endpoint_detail_and_filtering(client, article):
    detail = client.get(f"/api/v2/pages/{article.pk}/").json()
    filtered = client.get("/api/v2/pages/", {"type": "content.ArticlePage", "kind": "technology"})

    assert detail["meta"]["type"] == "content.ArticlePage"
    assert detail["publish_date"] == "2026-11-01"
    assert filtered.json()["meta"]["total_count"] == 0


def test_materials_snippet_endpoint(client, materials):
    listing = client.get("/api/v2/materials/", {"limit": 100}).json()
    detail = client.get(f"/api/v2/materials/{materials['三七'].pk}/").json()

    assert listing["meta"]["total_count"] == 6
    assert [m["name"] for m in listing["items"]][:2] == ["当归", "党参"]
    assert detail["aliases"] == ["田七", "参三七"]
    assert detail["latin"] == "Notoginseng Radix et Rhizoma"


def test_images_endpoint_lists_only_images_of_live_pages(
    client, settings, tmp_path, supplier_a, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    images = get_image_model().objects
    with django_capture_on_commit_callbacks(execute=True):
        cover = images.create(title="封面", file=get_test_image_file("cover.png"))
        images.create(title="未用图片", file=get_test_image_file("unused.png"))
        ArticlePageFactory(parent=supplier_a.page, cover_image=cover).save_revision().publish()

    listing = client.get("/api/v2/images/").json()

    assert [i["title"] for i in listing["items"]] == ["封面"]
    assert listing["items"][0]["rendition"]["url"].startswith("/media/images/cover.")
    assert "original_images" not in str(listing)


@pytest.mark.parametrize("query", ["limit=abc", "offset=-1", "limit=1000"])
def test_bad_paging_is_a_client_error(client, site, query):
    response = client.get(f"/api/v2/pages/?{query}")

    assert response.status_code == 400
    assert "message" in response.json()
