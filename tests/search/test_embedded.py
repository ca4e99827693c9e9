"""The embedded engine (FTS5 on SQLite, tsvector on PostgreSQL), through search_articles."""

import pytest

from search.engines import get_engine
from search.engines.base import EngineQuery
from search.indexing import index_health, index_pages
from search.queries import SearchRequest, search_articles


def titles(q: str, **filters) -> list[str]:
    response = search_articles(SearchRequest(q=q, **filters), log=False)
    return [r.title for r in response.results]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("北芪 种植", "蒙古黄芪仿野生种植技术要点"),
        ("黃芪 統貨", "岷县黄芪统货新货上市"),
        ("huangqi zhongzhi", "蒙古黄芪仿野生种植技术要点"),
        ("Astragali Radix 岷县", "岷县黄芪统货新货上市"),
        ("岷县当归 统货", "岷县当归统货报价"),
        ("田七 价格", "文山三七春七价格行情"),
        ("花旗参", "西洋参进口与国产对比"),
        ("0.5%", "岷县黄芪统货新货上市"),
    ],
)
def test_trade_queries_rank_the_right_article_first(corpus, query, first):
    assert titles(query)[0] == first


def test_distractors_stay_apart(corpus):
    assert "黄芩采收与炮制" not in titles("黄芪")
    assert set(titles("黄芩")) == {"黄芩采收与炮制"}
    assert titles("人参") == []


def test_relaxed_retry_when_no_article_has_every_word(corpus):
    material_first = search_articles(SearchRequest(q="黄芩 岷县"), log=False)
    any_word = search_articles(SearchRequest(q="人参 岷县"), log=False)  # no 人参 article

    assert (material_first.relaxed, material_first.optional) == (True, ["岷县"])
    assert [r.title for r in material_first.results] == ["黄芩采收与炮制"]
    assert (any_word.relaxed, any_word.optional) == (True, [])
    assert {r.title for r in any_word.results} == {"岷县黄芪统货新货上市", "岷县当归统货报价"}


def test_filters_and_facet_counts(corpus):
    response = search_articles(SearchRequest(q="岷县", kind="product"), log=False)

    assert response.total == 2
    assert dict(response.facets["kind"]) == {"product": 2}
    assert dict(response.facets["material"]) == {"黄芪": 1, "当归": 1}
    assert dict(response.facets["origin"]) == {"甘肃岷县": 2}
    assert dict(response.facets["year"]) == {"2026": 2}
    assert titles("岷县", material="当归") == ["岷县当归统货报价"]


def test_filters_without_words_list_everything_matching(corpus):
    response = search_articles(SearchRequest(material="黄芪"), log=False)

    assert response.total == 2


def test_snippet_marks_matched_terms(corpus):
    response = search_articles(SearchRequest(q="北芪"), log=False)

    snippets = {r.title: r.snippet for r in response.results}
    # 北芪 is searched as 北芪 or 黄芪; the summary says 黄芪
    assert snippets["蒙古黄芪仿野生种植技术要点"] == "蒙古<mark>黄芪</mark>仿野生种植技术要点。"


def test_pagination(corpus):
    first = search_articles(SearchRequest(q="岷县 黄芪 当归 三七", page_size=2), log=False)
    second = search_articles(SearchRequest(q="岷县 黄芪 当归 三七", page=2, page_size=2), log=False)

    assert first.total == second.total
    assert len(first.results) == 2
    assert {r.id for r in first.results}.isdisjoint({r.id for r in second.results})


@pytest.mark.parametrize(
    ("query", "total"),
    [
        ('"', 0),
        ('" * ( ) NEAR OR', 0),
        ("NEAR(黄芪 当归)", 3),
        ("title:黄芪", 2),
        ("黄芪*", 2),
        ("🌿", 0),
        ("黄芪 AND", 2),
        ("'; DROP TABLE search_fts; --", 0),
    ],
    ids=["quote", "fts-operators", "near", "column-filter", "prefix-star", "emoji", "and", "sql"],
)
def test_query_syntax_characters_are_plain_text(corpus, query, total):
    response = search_articles(SearchRequest(q=query), log=False)

    assert response.total == total


def test_suggestions_by_prefix_and_pinyin(corpus):
    engine = get_engine()

    assert engine.suggest("黄")[:2] == ["黄芩", "黄芪"]  # short names first, then titles
    assert "黄芪" in engine.suggest("huangq")
    assert "西洋参" in engine.suggest("xiyang")
    assert engine.suggest("") == []


def test_reindexing_is_idempotent_and_delete_ignores_unknown(corpus):
    engine = get_engine()
    ids = [p.pk for p in corpus.values()]

    index_pages(ids)
    index_pages(ids)
    engine.delete([999999])

    assert engine.count() == len(ids)
    assert index_health().in_sync


def test_engine_query_all_groups_must_match(corpus):
    result = get_engine().search(EngineQuery(groups=[["黄芪"], ["当归"]]))

    assert result.total == 0
