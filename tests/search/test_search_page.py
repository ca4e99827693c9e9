"""The search page: results, facets as links, empty state help, logged clicks."""

from search.models import SearchClick, SearchLog


def test_results_with_snippets_and_facet_links(client, corpus):
    html = client.get("/search/", {"q": "岷县"}).content.decode()

    assert "岷县黄芪统货新货上市" in html
    assert "岷县当归统货报价" in html
    assert "<mark>岷县</mark>" in html
    assert 'href="?q=%E5%B2%B7%E5%8E%BF&amp;material=%E5%BD%93%E5%BD%92"' in html


def test_filter_in_the_url_narrows_results(client, corpus):
    html = client.get("/search/", {"q": "岷县", "material": "当归"}).content.decode()

    assert "岷县当归统货报价" in html
    assert "岷县黄芪统货新货上市" not in html


def test_empty_state_suggests_materials_and_related_searches(client, corpus):
    for visitor in ("v1", "v2"):  # an earlier search that found articles, by two visitors
        client.get("/search/", {"q": "黄芪 岷县"}, HTTP_COOKIE=f"yy_vid={visitor}")
    client.get("/search/", {"q": "岷县 广告电话13800000000"}, HTTP_COOKIE="yy_vid=v3")

    filtered_out = client.get("/search/", {"q": "岷县", "kind": "technology"}).content.decode()
    unknown = client.get("/search/", {"q": "黄精"}).content.decode()

    assert "没有匹配的文章" in filtered_out
    assert '<a class="chip" href="?q=%E9%BB%84%E8%8A%AA%20%E5%B2%B7%E5%8E%BF">黄芪 岷县</a>' in (
        filtered_out
    )
    assert "13800000000" not in filtered_out  # one visitor's search is never shown to others
    assert '<a class="chip" href="?q=%E9%BB%84%E8%8A%AA">黄芪</a>' in unknown
    assert '<a class="chip" href="?q=%E9%BB%84%E8%8A%A9">黄芩</a>' in unknown


def test_click_is_logged_and_redirects(client, corpus):
    client.get("/search/", {"q": "花旗参"})
    log = SearchLog.objects.get(query="花旗参")
    page = corpus["西洋参进口与国产对比"]

    response = client.get("/search/go/", {"log": log.pk, "page": page.pk, "pos": 1})

    assert response.status_code == 302
    assert response["Location"] == page.url
    click = SearchClick.objects.get()
    assert (click.log_id, click.page_id, click.position) == (log.pk, page.pk, 1)


def test_malformed_click_links_are_404_and_write_nothing(client, corpus):
    assert client.get("/search/go/", {"log": "x", "page": "1"}).status_code == 404
    assert client.get("/search/go/", {"log": 1, "page": 999999}).status_code == 404
    assert not SearchClick.objects.exists()


def test_page_works_with_bad_paging_and_without_query(client, corpus):
    assert client.get("/search/", {"q": "黄芪", "page": "abc"}).status_code == 200
    assert client.get("/search/", {"q": "黄芪", "page": "99999"}).status_code == 200
    assert client.get("/search/").status_code == 200
