"""Elasticsearch engine against a real server: schema, writes, search, facets, suggest, migrate."""

import datetime as dt
import os
import uuid
from collections.abc import Iterator

import elasticsearch
import pytest

from search.engines.base import EngineQuery
from search.engines.elastic import ElasticsearchEngine
from search.engines.fallback import FallbackEngine
from tests.search.test_elastic import FakeEngine, article

URL = os.environ.get("ELASTICSEARCH_URL", "")

pytestmark = [
    pytest.mark.elasticsearch,
    pytest.mark.skipif(not URL, reason="set ELASTICSEARCH_URL to run the live Elasticsearch suite"),
]

ARTICLES = [
    # 黄芪 by its standard name, in the title and as the material
    article(1),
    # the same herb under its trade alias 北芪 only, from another year and origin
    article(
        2,
        title="北芪切片规格",
        kind="market",
        origin="内蒙古",
        materials=["黄芪"],
        tags=["规格"],
        published_at=dt.date(2023, 3, 1),
        title_tokens="北芪 切片 规格",
        material_tokens="",
        meta_tokens="内蒙古 规格",
        body_tokens="北芪 切片 厚度",
        suggest_terms=["北芪切片规格", "北芪"],
    ),
    # another herb, no supplier
    article(
        3,
        title="当归产地行情",
        kind="market",
        supplier="",
        supplier_id=None,
        verified=False,
        materials=["当归"],
        tags=["行情"],
        title_tokens="当归 产地 行情",
        material_tokens="当归 danggui",
        meta_tokens="甘肃 行情",
        body_tokens="岷县 当归 价格",
        suggest_terms=["当归产地行情", "当归", "danggui"],
    ),
]


def drop_indices(client: elasticsearch.Elasticsearch, alias: str) -> None:
    """Delete this test's indices by name (servers refuse wildcard deletes by default)."""
    found = client.indices.resolve_index(name=f"{alias}*", expand_wildcards="all")
    names = [entry["name"] for entry in found["indices"]]
    if names:
        client.indices.delete(index=",".join(names))


@pytest.fixture
def engine() -> Iterator[ElasticsearchEngine]:
    alias = f"test-{uuid.uuid4().hex}"
    engine = ElasticsearchEngine(URL, alias=alias, timeout=30.0)
    yield engine
    drop_indices(engine.client, alias)


@pytest.fixture
def indexed(engine: ElasticsearchEngine) -> ElasticsearchEngine:
    engine.setup()
    engine.index(ARTICLES)
    engine.refresh()
    return engine


def ids(engine: ElasticsearchEngine, query: EngineQuery) -> list[int]:
    return sorted(hit.page_id for hit in engine.search(query).hits)


def test_setup_creates_the_first_version_once(engine: ElasticsearchEngine) -> None:
    # when
    first = engine.setup()
    second = engine.setup()

    # then
    assert first == second == f"{engine.alias}-v1"
    assert list(engine.client.indices.get_alias(name=engine.alias)) == [first]
    mapping = engine.client.indices.get_mapping(index=first)[first]["mappings"]
    assert mapping["properties"]["title_tokens"] == {
        "type": "text",
        "analyzer": "yaoyun_pre_analysed",
    }
    assert engine.count() == 0


def test_index_is_idempotent_by_page_id(indexed: ElasticsearchEngine) -> None:
    # when the same articles are written again
    indexed.index(ARTICLES)
    indexed.refresh()

    # then
    assert indexed.count() == 3


def test_alias_expanded_group_finds_both_names(indexed: ElasticsearchEngine) -> None:
    # article 2 says only 北芪; the query for 黄芪 arrives expanded with its alias
    assert ids(indexed, EngineQuery(groups=[["北芪", "黄芪"]])) == [1, 2]
    assert ids(indexed, EngineQuery(groups=[["黄芪"]])) == [1]


def test_groups_must_all_match_unless_relaxed(indexed: ElasticsearchEngine) -> None:
    groups = [["当归"], ["种植"]]

    assert ids(indexed, EngineQuery(groups=groups)) == []
    assert ids(indexed, EngineQuery(groups=groups, match_all_groups=False)) == [1, 3]


def test_title_match_outranks_body_match(indexed: ElasticsearchEngine) -> None:
    # given 岷县 in article 1's title tokens and in article 3's body tokens only
    result = indexed.search(EngineQuery(groups=[["岷县"]]))

    assert [hit.page_id for hit in result.hits] == [1, 3]
    assert result.hits[0].score > result.hits[1].score > 0


def test_facets_count_every_match(indexed: ElasticsearchEngine) -> None:
    # when a page of one still counts all three articles
    result = indexed.search(EngineQuery(groups=[], limit=1))

    # then
    assert (result.total, len(result.hits), result.engine) == (3, 1, "elasticsearch")
    assert result.facets == {
        "kind": [("market", 2), ("technology", 1)],
        "material": [("黄芪", 2), ("当归", 1)],
        "supplier": [("岷县药业", 2)],
        "origin": [("甘肃", 2), ("内蒙古", 1)],
        "tag": [("GAP", 1), ("种植", 1), ("行情", 1), ("规格", 1)],
        "year": [("2024", 2), ("2023", 1)],
    }


def test_filters_narrow_hits_and_facets(indexed: ElasticsearchEngine) -> None:
    # when
    result = indexed.search(EngineQuery(groups=[], filters={"origin": "甘肃", "kind": "market"}))

    # then
    assert (result.total, [hit.page_id for hit in result.hits]) == (1, [3])
    assert result.facets["kind"] == [("market", 1)]
    assert result.facets["supplier"] == []


def test_pages_follow_offset_and_limit(indexed: ElasticsearchEngine) -> None:
    everything = [hit.page_id for hit in indexed.search(EngineQuery(groups=[])).hits]

    second = indexed.search(EngineQuery(groups=[], offset=1, limit=1))

    assert (second.total, [hit.page_id for hit in second.hits]) == (3, everything[1:2])


def test_delete_ignores_unknown_ids(indexed: ElasticsearchEngine) -> None:
    # when
    indexed.delete([3, 999])
    indexed.refresh()

    # then
    assert indexed.count() == 2
    assert ids(indexed, EngineQuery(groups=[["当归"]])) == []


def test_clear_removes_every_document(indexed: ElasticsearchEngine) -> None:
    indexed.clear()

    assert indexed.count() == 0


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("黄", ["黄芪"]),
        ("北芪", ["北芪", "北芪切片规格"]),
        ("hq", ["黄芪"]),
        ("HUANG", ["黄芪", "huangqi"]),
        ("dang", ["当归", "当归产地行情", "danggui"]),
        ("甘肃岷县", ["甘肃岷县黄芪种植技术"]),
        ("xyz", []),
    ],
    ids=["chinese", "chinese-title", "initials", "pinyin-any-case", "pinyin-title", "title", "no"],
)
def test_suggest_completes_chinese_and_pinyin(
    indexed: ElasticsearchEngine, prefix: str, expected: list[str]
) -> None:
    assert indexed.suggest(prefix) == expected


def test_migrate_swaps_the_alias_and_keeps_documents(indexed: ElasticsearchEngine) -> None:
    # given
    old = f"{indexed.alias}-v1"

    # when
    new = indexed.migrate()

    # then
    assert new == f"{indexed.alias}-v2"
    assert list(indexed.client.indices.get_alias(name=indexed.alias)) == [new]
    assert not indexed.client.indices.exists(index=old)
    assert indexed.count() == 3
    assert ids(indexed, EngineQuery(groups=[["北芪", "黄芪"]])) == [1, 2]
    assert indexed.setup() == new


def test_fallback_engine_recovers_on_the_next_success(indexed: ElasticsearchEngine) -> None:
    # given an engine that saw an outage
    engine = FallbackEngine(indexed, FakeEngine())
    engine.healthy = False

    # when
    count = engine.count()

    # then
    assert (count, engine.healthy, engine.name) == (3, True, "elasticsearch")


def test_api_errors_are_not_hidden_by_the_fallback() -> None:
    # given an alias that was never set up
    missing = ElasticsearchEngine(URL, alias=f"test-{uuid.uuid4().hex}-missing")
    engine = FallbackEngine(missing, FakeEngine())

    # when
    with pytest.raises(elasticsearch.NotFoundError):
        engine.count()

    # then
    assert (engine.healthy, engine.last_error) == (True, "")
