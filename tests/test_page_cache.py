"""The anonymous page cache: hits, per-language keys, bypass for editors, invalidation."""

import pytest

from tests.factories import ArticlePageFactory


@pytest.fixture
def article(supplier_a):
    page = ArticlePageFactory(parent=supplier_a.page, title="缓存测试文章")
    page.save_revision().publish()
    return page


def test_second_anonymous_view_is_served_from_cache(client, article, django_assert_num_queries):
    first = client.get(article.url)

    with django_assert_num_queries(0):
        second = client.get(article.url)

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content


def test_publishing_invalidates_cached_pages(client, article, django_capture_on_commit_callbacks):
    client.get(article.url)
    client.get("/")

    article.title = "改过标题的缓存测试文章"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()

    assert "改过标题的缓存测试文章" in client.get(article.url).content.decode()
    assert "改过标题的缓存测试文章" in client.get("/").content.decode()


def test_unpublishing_removes_page_from_cached_listings(
    client, article, django_capture_on_commit_callbacks
):
    assert "缓存测试文章" in client.get("/").content.decode()

    article.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()

    assert client.get(article.url).status_code == 404
    assert "缓存测试文章" not in client.get("/").content.decode()


def test_languages_are_cached_separately(client, article):
    chinese = client.get(article.url).content.decode()
    client.get("/lang/en/")
    english = client.get(article.url).content.decode()

    assert "发送询价" in chinese
    assert "Send an inquiry" in english


def test_logged_in_users_bypass_the_cache(client, article, supplier_a):
    client.get(article.url)
    client.force_login(supplier_a.user)

    response = client.get(article.url)

    assert "X-Page-Cache" not in response


def test_cache_is_not_bumped_before_commit(client, article, django_capture_on_commit_callbacks):
    client.get(article.url)

    with django_capture_on_commit_callbacks(execute=False):
        article.title = "尚未提交的标题"
        article.save_revision().publish()
        during = client.get(article.url)

    assert during["X-Page-Cache"] == "hit"


def test_cached_response_keeps_security_headers(client, article):
    first = client.get(article.url)
    second = client.get(article.url)

    assert second["X-Page-Cache"] == "hit"
    assert second["X-Frame-Options"] == first["X-Frame-Options"] == "DENY"
    assert second["Content-Language"] == "zh-hans"


def test_not_found_is_not_cached(client, site):
    client.get("/nothing/")

    assert "X-Page-Cache" not in client.get("/nothing/")


def test_language_switch_rejects_foreign_redirects(client, site):
    response = client.get("/lang/en/", {"next": "https://evil.example/"})

    assert response["Location"] == "/"
    assert client.get("/lang/xx/").status_code == 404


def test_share_tokens_and_campaign_tags_do_not_split_the_cache(client, article):
    first = client.get(article.url + "?s=tokenAAA111")
    forwarded = client.get(article.url + "?s=tokenBBB222&from=singlemessage&isappinstalled=0")
    tagged = client.get(article.url + "?utm_source=newsletter&utm_campaign=spring")
    paged = client.get(article.url + "?page=2")

    assert first["X-Page-Cache"] == "miss"
    assert forwarded["X-Page-Cache"] == "hit"
    assert tagged["X-Page-Cache"] == "hit"
    assert paged["X-Page-Cache"] == "miss"  # other parameters still make another page
