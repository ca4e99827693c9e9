"""Broad queries: facet counts estimated past a sample (约), cached rankings, exact totals."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from search.engines import embedded, get_engine, result_cache
from search.engines.base import FACET_NAMES, EngineQuery
from search.queries import SearchRequest, search_articles

# The three products of the corpus: consecutive page ids, so a sample of every second id is
# never empty, and one kind and one year, so their estimates are exact whichever ids it holds.
PRODUCTS = {"kind": "product"}
# No article has all three words: the relaxed search matches four articles.
WIDE = "黄芪 当归 三七"


@pytest.fixture
def tiny_sample(monkeypatch):
    """Estimate from a sample past 2 matches, so the six-article corpus has broad queries."""
    monkeypatch.setattr(embedded, "FACET_SAMPLE", 2)


def ranking(q: str, pages: int) -> list[tuple[int, list[int]]]:
    responses = [
        search_articles(SearchRequest(q=q, page=n, page_size=1), log=False)
        for n in range(1, pages + 1)
    ]
    return [(r.total, [item.id for item in r.results]) for r in responses]


def test_counts_below_the_sample_size_are_exact_and_said_so(client, corpus):
    body = client.get("/api/v1/search/", PRODUCTS).json()

    assert body["facets_approximate"] is False
    assert body["total"] == 3
    assert body["facets"]["kind"] == [{"value": "product", "count": 3}]
    assert sorted((f["value"], f["count"]) for f in body["facets"]["material"]) == [
        ("三七", 1),
        ("当归", 1),
        ("黄芪", 1),
    ]


def test_counts_past_the_sample_size_are_estimated_and_flagged(client, corpus, tiny_sample):
    body = client.get("/api/v1/search/", PRODUCTS).json()

    assert body["facets_approximate"] is True
    assert body["total"] == 3  # the total stays exact
    assert body["facets"]["kind"] == [{"value": "product", "count": 3}]
    assert body["facets"]["year"] == [{"value": "2026", "count": 3}]


def test_no_match_has_no_estimate(client, corpus, tiny_sample):
    body = client.get("/api/v1/search/", {"q": "人参"}).json()

    assert (body["total"], body["facets_approximate"]) == (0, False)


def test_result_order_totals_and_pages_do_not_depend_on_the_sample(corpus, monkeypatch):
    exact = ranking(WIDE, 5)
    monkeypatch.setattr(embedded, "FACET_SAMPLE", 2)

    sampled = ranking(WIDE, 5)
    approximate = search_articles(SearchRequest(q=WIDE), log=False).facets_approximate

    assert approximate is True
    assert sampled == exact
    assert [total for total, _ids in exact] == [4] * 5
    assert [len(ids) for _total, ids in exact] == [1, 1, 1, 1, 0]


def test_page_shows_approx_only_when_counts_are_estimated(client, corpus, monkeypatch):
    exact = client.get("/search/", PRODUCTS).content.decode()
    monkeypatch.setattr(embedded, "FACET_SAMPLE", 2)

    estimated = client.get("/search/", PRODUCTS).content.decode()

    assert 'class="approximate"' not in exact
    counts = estimated.count('<span class="meta small">')
    assert counts >= 3
    assert estimated.count('<span class="meta small"><abbr class="approximate"') == counts


@pytest.fixture
def cache_everything(monkeypatch):
    """Cache rankings of any query with a match, so the corpus has cached ones."""
    monkeypatch.setattr(result_cache, "CACHE_MATCHES", 1)


def test_a_cached_ranking_is_answered_without_ranking_again(corpus, cache_everything):
    first = search_articles(SearchRequest(q="岷县"), log=False)

    with CaptureQueriesContext(connection) as again:
        second = search_articles(SearchRequest(q="岷县"), log=False)

    assert [r.id for r in second.results] == [r.id for r in first.results]
    assert (second.total, second.facets) == (2, first.facets)
    assert [q["sql"].split()[0] for q in again.captured_queries] == ["SELECT"]  # the results
    assert "search_searchdocument" in again.captured_queries[0]["sql"]


def test_an_index_write_makes_cached_rankings_stale(
    corpus, cache_everything, django_capture_on_commit_callbacks
):
    before = search_articles(SearchRequest(q="岷县"), log=False)
    gone = corpus["岷县当归统货报价"].pk

    with django_capture_on_commit_callbacks(execute=True):
        get_engine().delete([gone])
    after = search_articles(SearchRequest(q="岷县"), log=False)

    assert before.total == 2
    assert after.total == 1
    assert gone not in [r.id for r in after.results]


def delete_then_fail(page_id: int) -> None:
    with transaction.atomic():
        get_engine().delete([page_id])
        raise RuntimeError


def test_a_rolled_back_write_keeps_the_version(
    corpus, cache_everything, django_capture_on_commit_callbacks
):
    version = result_cache.index_version()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        delete_then_fail(corpus["岷县当归统货报价"].pk)

    assert result_cache.index_version() == version
    assert search_articles(SearchRequest(q="岷县"), log=False).total == 2


def engine_statements(queries: list[dict]) -> list[str]:
    """The statements that read the engine's tables (not the settings around them)."""
    tables = ("search_searchdocument", "search_fts", "search_searchfacet")
    return [q["sql"] for q in queries if any(table in q["sql"] for table in tables)]


def test_ranking_counting_and_boosting_take_one_statement_and_facets_another(corpus):
    with CaptureQueriesContext(connection) as captured:
        result = get_engine().search(EngineQuery(groups=[["黄芪"]]))

    ranking, facets = engine_statements(captured.captured_queries)
    assert "count(*) OVER ()" in ranking
    assert "title_tokens" in ranking
    assert "search_searchfacet" in facets
    assert result.total == 2
    assert result.facets["material"] == [("黄芪", 2)]


def test_no_match_takes_no_facet_count(corpus):
    with CaptureQueriesContext(connection) as captured:
        result = get_engine().search(EngineQuery(groups=[["人参"]]))

    assert len(engine_statements(captured.captured_queries)) == 1
    assert (result.total, result.hits, result.facets_approximate) == (0, [], False)
    assert result.facets == {name: [] for name in FACET_NAMES}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner settings: PostgreSQL")
def test_the_planner_settings_of_a_search_end_with_it_inside_a_transaction(corpus):
    def settings() -> tuple[str, str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('jit')")
            return cursor.fetchone()

    before = settings()
    with transaction.atomic():
        get_engine().search(EngineQuery(groups=[["黄芪"]]))
        inside = settings()

    assert inside == before
