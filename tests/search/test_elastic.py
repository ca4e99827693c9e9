"""Elasticsearch engine without a server: mapping, request bodies, the fallback when it is down."""

import datetime as dt
import logging
from collections.abc import Callable, Iterator

import elasticsearch
import pytest

from search.engines.base import (
    EngineHit,
    EngineQuery,
    EngineResult,
    IndexDocument,
    SearchEngine,
)
from search.engines.elastic import (
    ArticleDocument,
    ElasticsearchEngine,
    prefix_pattern,
    suggest_entries,
    to_source,
)
from search.engines.fallback import FallbackEngine

UNREACHABLE_URL = "http://127.0.0.1:9"  # the discard port: nothing listens, connecting is refused
REFUSED = (
    "ConnectionError: HTTPConnection(host='127.0.0.1', port=9): "
    "Failed to establish a new connection: [Errno 111] Connection refused"
)
TEXT_FIELDS = ["title_tokens^4", "material_tokens^3", "meta_tokens^2", "body_tokens"]
TOKENS = {"analyzer": "yaoyun_pre_analysed", "type": "text"}
DISPLAY = {"index": False, "type": "text"}
KEYWORD = {"type": "keyword"}
FACET_AGGS = {
    "kind": {"terms": {"field": "kind", "size": 20}},
    "material": {"terms": {"field": "material", "size": 20}},
    "supplier": {"terms": {"field": "supplier", "size": 20}},
    "origin": {"terms": {"field": "origin", "size": 20}},
    "tag": {"terms": {"field": "tag", "size": 20}},
    "year": {"terms": {"field": "year", "size": 20}},
}
RANKING = [
    {"weight": 1},
    {"filter": {"term": {"verified": True}}, "weight": 0.1},
    {
        "linear": {"published_at": {"origin": "now", "scale": "365d", "decay": 0.5}},
        "weight": 0.15,
    },
]


def match(token: str) -> dict:
    return {"multi_match": {"query": token, "fields": TEXT_FIELDS}}


def any_of(*tokens: str) -> dict:
    return {"bool": {"minimum_should_match": 1, "should": [match(t) for t in tokens]}}


def article(page_id: int, **changes: object) -> IndexDocument:
    fields = {
        "page_id": page_id,
        "external_id": f"ext-{page_id}",
        "title": "甘肃岷县黄芪种植技术",
        "summary": "从选地到采收",
        "body_text": "选地 整地 播种",
        "url": f"/articles/{page_id}/",
        "kind": "technology",
        "supplier": "岷县药业",
        "supplier_id": 7,
        "verified": True,
        "materials": ["黄芪"],
        "origin": "甘肃",
        "grade": "统货",
        "tags": ["种植", "GAP"],
        "published_at": dt.date(2024, 5, 1),
        "title_tokens": "甘肃 岷县 黄芪 种植 技术",
        "material_tokens": "黄芪 北芪 huangqi",
        "meta_tokens": "甘肃 统货 种植 gap 岷县药业",
        "body_tokens": "选地 整地 播种",
        "suggest_terms": ["甘肃岷县黄芪种植技术", "黄芪", "huangqi"],
    }
    return IndexDocument(**{**fields, **changes})


class FakeEngine(SearchEngine):
    """The fallback side only: documents in a dict, every one a hit, titles as suggestions."""

    name = "fake"

    def __init__(self) -> None:
        self.documents: dict[int, IndexDocument] = {}

    def index(self, documents: list[IndexDocument]) -> None:
        self.documents.update((d.page_id, d) for d in documents)

    def delete(self, page_ids: list[int]) -> None:
        for page_id in page_ids:
            self.documents.pop(page_id, None)

    def search(self, query: EngineQuery) -> EngineResult:
        hits = [EngineHit(page_id, 1.0) for page_id in sorted(self.documents)]
        page = hits[query.offset : query.offset + query.limit]
        return EngineResult(total=len(hits), hits=page, facets={}, engine=self.name)

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        titles = [d.title for d in self.documents.values() if d.title.startswith(prefix)]
        return titles[:limit]

    def count(self) -> int:
        return len(self.documents)

    def clear(self) -> None:
        self.documents.clear()


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def fallback_log() -> Iterator[list[logging.LogRecord]]:
    """The fallback's log records, caught by hand: caplog is absent under ``-p no:logging``."""
    logger = logging.getLogger("search.engines.fallback")
    handler = ListHandler()
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


@pytest.fixture
def elastic() -> ElasticsearchEngine:
    return ElasticsearchEngine(UNREACHABLE_URL, alias="test-unit", timeout=0.5)


@pytest.fixture
def fake() -> FakeEngine:
    engine = FakeEngine()
    engine.index([article(1), article(2, title="黄芪切片规格")])
    return engine


def test_index_mapping_and_settings() -> None:
    assert ArticleDocument._index.to_dict() == {
        "settings": {
            "number_of_shards": 1,
            "auto_expand_replicas": "0-1",
            "analysis": {
                "analyzer": {
                    "yaoyun_pre_analysed": {
                        "type": "custom",
                        "tokenizer": "whitespace",
                        "filter": ["lowercase"],
                    }
                }
            },
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "page_id": {"type": "integer"},
                "title_tokens": TOKENS,
                "material_tokens": TOKENS,
                "meta_tokens": TOKENS,
                "body_tokens": TOKENS,
                "kind": KEYWORD,
                "material": KEYWORD,
                "supplier": KEYWORD,
                "origin": KEYWORD,
                "tag": KEYWORD,
                "year": KEYWORD,
                "verified": {"type": "boolean"},
                "published_at": {"type": "date"},
                "external_id": KEYWORD,
                "supplier_id": {"type": "integer"},
                "title": DISPLAY,
                "summary": DISPLAY,
                "url": DISPLAY,
                "suggest": KEYWORD,
            },
        },
    }


def test_source_carries_facets_tokens_and_suggestion_keys() -> None:
    # given an article without a supplier
    document = article(3, supplier="", supplier_id=None, verified=False)

    # when
    source = to_source(document)

    # then the empty supplier is left out rather than counted as a facet value
    assert source == {
        "page_id": 3,
        "title_tokens": "甘肃 岷县 黄芪 种植 技术",
        "material_tokens": "黄芪 北芪 huangqi",
        "meta_tokens": "甘肃 统货 种植 gap 岷县药业",
        "body_tokens": "选地 整地 播种",
        "verified": False,
        "published_at": dt.date(2024, 5, 1),
        "external_id": "ext-3",
        "title": "甘肃岷县黄芪种植技术",
        "summary": "从选地到采收",
        "url": "/articles/3/",
        "suggest": [
            "甘肃岷县黄芪种植技术\x1f甘肃岷县黄芪种植技术",
            "gansuminxianhuangqizhongzhijishu\x1f甘肃岷县黄芪种植技术",
            "黄芪\x1f黄芪",
            "huangqi\x1f黄芪",
            "hq\x1f黄芪",
            "huangqi\x1fhuangqi",
        ],
        "kind": ["technology"],
        "material": ["黄芪"],
        "origin": ["甘肃"],
        "tag": ["种植", "GAP"],
        "year": ["2024"],
    }


def test_search_body_for_two_groups_with_a_filter_and_a_page(
    elastic: ElasticsearchEngine,
) -> None:
    # given 北芪 OR 黄芪, AND 种植, among technology articles, third page of ten
    query = EngineQuery(
        groups=[["北芪", "黄芪"], ["种植"]], filters={"kind": "technology"}, offset=20, limit=10
    )

    # when
    body = elastic.build_search(query).to_dict()

    # then
    assert body == {
        "query": {
            "bool": {
                "filter": [{"term": {"kind": "technology"}}],
                "must": [
                    {
                        "function_score": {
                            "query": {"bool": {"must": [any_of("北芪", "黄芪"), any_of("种植")]}},
                            "functions": RANKING,
                            "score_mode": "sum",
                            "boost_mode": "multiply",
                        }
                    }
                ],
            }
        },
        "aggs": FACET_AGGS,
        "sort": ["_score", {"page_id": "desc"}],
        "track_total_hits": True,
        "from": 20,
        "size": 10,
        "_source": False,
    }


def test_relaxed_search_body_lets_any_group_match(elastic: ElasticsearchEngine) -> None:
    # given the same groups, once strict and once relaxed
    groups = [["北芪", "黄芪"], ["种植"]]
    strict = elastic.build_search(EngineQuery(groups=groups)).to_dict()

    # when
    relaxed = elastic.build_search(EngineQuery(groups=groups, match_all_groups=False)).to_dict()

    # then the groups become alternatives, and nothing else changes
    text = relaxed["query"]["function_score"].pop("query")
    assert text == {
        "bool": {"should": [any_of("北芪", "黄芪"), any_of("种植")], "minimum_should_match": 1}
    }
    assert strict["query"]["function_score"].pop("query") == {
        "bool": {"must": [any_of("北芪", "黄芪"), any_of("种植")]}
    }
    assert relaxed == strict


def test_search_body_without_words_ranks_every_article_and_skips_unusable_filters(
    elastic: ElasticsearchEngine,
) -> None:
    # given no words, an empty filter value and a filter that is no facet
    query = EngineQuery(groups=[], filters={"origin": "", "colour": "red", "year": "2024"})

    # when
    body = elastic.build_search(query).to_dict()

    # then
    assert body["query"] == {
        "bool": {
            "filter": [{"term": {"year": "2024"}}],
            "must": [
                {
                    "function_score": {
                        "query": {"match_all": {}},
                        "functions": RANKING,
                        "score_mode": "sum",
                        "boost_mode": "multiply",
                    }
                }
            ],
        }
    }
    assert (body["from"], body["size"]) == (0, 20)


def test_suggest_body_matches_keys_by_prefix(elastic: ElasticsearchEngine) -> None:
    assert elastic.build_suggest("hq", 8).to_dict() == {
        "query": {"prefix": {"suggest": "hq"}},
        "aggs": {
            "suggest": {
                "terms": {
                    "field": "suggest",
                    "size": 32,
                    "include": "hq.*",
                    "order": {"_key": "asc"},
                }
            }
        },
        "size": 0,
    }


@pytest.mark.parametrize(
    ("prefix", "pattern"),
    [("黄芪", "黄芪.*"), ("2-3cm", "2\\-3cm.*"), ('a.b*"', 'a\\.b\\*\\".*')],
    ids=["chinese", "hyphen", "regex-syntax"],
)
def test_prefix_pattern_takes_the_prefix_literally(prefix: str, pattern: str) -> None:
    assert prefix_pattern(prefix) == pattern


def test_suggestion_initials_only_for_short_names() -> None:
    assert suggest_entries(["黄芪", "黄芪种植技术指南"]) == [
        "黄芪\x1f黄芪",
        "huangqi\x1f黄芪",
        "hq\x1f黄芪",
        "黄芪种植技术指南\x1f黄芪种植技术指南",
        "huangqizhongzhijishuzhinan\x1f黄芪种植技术指南",
    ]


def test_fallback_engine_is_named_for_elasticsearch_while_healthy(
    elastic: ElasticsearchEngine, fake: FakeEngine
) -> None:
    engine = FallbackEngine(elastic, fake)

    assert (engine.name, engine.healthy, engine.last_error) == ("elasticsearch", True, "")


def test_search_answers_from_the_fallback_when_elasticsearch_is_unreachable(
    elastic: ElasticsearchEngine, fake: FakeEngine, fallback_log: list[logging.LogRecord]
) -> None:
    # given nothing listening where Elasticsearch should be
    engine = FallbackEngine(elastic, fake)

    # when
    result = engine.search(EngineQuery(groups=[["黄芪"]]))

    # then
    assert result == EngineResult(
        total=2, hits=[EngineHit(1, 1.0), EngineHit(2, 1.0)], facets={}, engine="fake (fallback)"
    )
    assert (engine.name, engine.healthy, engine.last_error) == ("fake (fallback)", False, REFUSED)
    assert [(r.levelname, r.getMessage()) for r in fallback_log] == [
        (
            "WARNING",
            f"search: Elasticsearch unreachable ({REFUSED}); answering from the embedded engine",
        )
    ]


def test_outage_warns_once_and_reads_keep_answering(
    elastic: ElasticsearchEngine, fake: FakeEngine, fallback_log: list[logging.LogRecord]
) -> None:
    # given
    engine = FallbackEngine(elastic, fake)

    # when
    answers = (engine.count(), engine.suggest("黄芪切"), engine.search(EngineQuery(groups=[])))

    # then
    assert answers[:2] == (2, ["黄芪切片规格"])
    assert answers[2].engine == "fake (fallback)"
    assert len(fallback_log) == 1


def test_index_during_an_outage_reaches_the_fallback_and_raises_for_a_retry(
    elastic: ElasticsearchEngine, fake: FakeEngine
) -> None:
    # given
    engine = FallbackEngine(elastic, fake)

    # when
    with pytest.raises(elasticsearch.ConnectionError):
        engine.index([article(3, title="当归产地")])

    # then
    assert sorted(fake.documents) == [1, 2, 3]
    assert fake.documents[3].title == "当归产地"
    assert engine.healthy is False


@pytest.mark.parametrize(
    ("write", "left"),
    [(lambda engine: engine.delete([1, 99]), [2]), (lambda engine: engine.clear(), [])],
    ids=["delete", "clear"],
)
def test_removals_during_an_outage_reach_the_fallback_and_raise(
    elastic: ElasticsearchEngine,
    fake: FakeEngine,
    write: Callable[[SearchEngine], None],
    left: list[int],
) -> None:
    # given
    engine = FallbackEngine(elastic, fake)

    # when
    with pytest.raises(elasticsearch.ConnectionError):
        write(engine)

    # then
    assert sorted(fake.documents) == left
