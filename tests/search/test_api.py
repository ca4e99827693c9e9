"""/api/v1/search: the contract of DESIGN.md, errors as JSON, OpenAPI schema, logging."""

import pytest

from search.models import SearchLog
from tests.search.conftest import SHIPPED_TOPICS


def test_search_contract(client, corpus):
    body = client.get("/api/v1/search/", {"q": "北芪", "page_size": 5}).json()

    assert set(body) == {
        "query",
        "total",
        "engine",
        "page",
        "page_size",
        "relaxed",
        "optional",
        "complete_matches",
        "results",
        "facets",
        "facets_approximate",
    }
    assert body["query"] == "北芪"
    assert body["engine"] in ("embedded-sqlite", "embedded-postgresql")
    assert body["total"] == 2
    first = body["results"][0]
    assert set(first) == {
        "id",
        "external_id",
        "title",
        "url",
        "kind",
        "supplier",
        "materials",
        "snippet",
        "published_at",
        "score",
    }
    assert first["materials"] == ["黄芪"]
    assert first["supplier"] == "甘肃岷州药业有限公司"
    assert {"value": "黄芪", "count": 2} in body["facets"]["material"]


def test_search_logs_query_engine_and_latency(client, corpus):
    client.get(
        "/api/v1/search/", {"q": "田七 价格", "kind": "product"}, HTTP_COOKIE="yy_vid=visitor-1"
    )

    log = SearchLog.objects.get()
    assert (log.query, log.normalized, log.source) == (
        "田七 价格",
        "田七|三七 " + "|".join(SHIPPED_TOPICS["价格"]),
        "api",
    )
    assert log.filters == {"kind": "product"}
    assert log.result_count == 1
    assert log.visitor_id == "visitor-1"
    assert log.latency_ms > 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"kind": "news"}, "kind"),
        ({"year": "20x6"}, "year"),
        ({"q": "长" * 2001}, "q"),
    ],
    ids=["page-text", "page-zero", "size-zero", "size-too-big", "bad-kind", "bad-year", "long-q"],
)
def test_bad_input_is_400_with_field(client, site, params, field):
    response = client.get("/api/v1/search/", params)

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_input"
    assert [d["field"] for d in body["detail"]] == [field]
    assert not SearchLog.objects.exists()


@pytest.mark.parametrize(
    ("q", "total"),
    [
        ("", 6),
        ("🌿🌿", 0),
        ('" * ( ) NEAR OR', 0),
        ("长" * 2000, 0),
        ("%00", 0),
        ("<script>岷县", 2),
    ],
    ids=["empty-lists-all", "emoji", "operators", "2000-chars", "nul", "markup"],
)
def test_odd_queries_never_fail(client, corpus, q, total):
    response = client.get("/api/v1/search/", {"q": q})

    assert response.status_code == 200
    assert response.json()["total"] == total


def test_paging_beyond_the_result_window_is_400(client, site):
    response = client.get("/api/v1/search/", {"q": "黄芪", "page": 1000, "page_size": 100})

    assert response.status_code == 400
    assert response.json() == {
        "error": "http_error",
        "detail": [{"field": "", "message": "page × page_size must not exceed 10000"}],
    }


def test_suggest_endpoint(client, corpus):
    body = client.get("/api/v1/search/suggest/", {"q": "huangq"}).json()

    assert body["query"] == "huangq"
    assert "黄芪" in body["suggestions"]


def test_openapi_schema_is_published(client, site):
    schema = client.get("/api/v1/openapi.json").json()

    assert "/api/v1/search/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/search/"]["get"]["parameters"]}
    assert params == {
        "q",
        "kind",
        "material",
        "supplier",
        "origin",
        "tag",
        "year",
        "page",
        "page_size",
    }
