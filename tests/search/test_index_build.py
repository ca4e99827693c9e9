"""The fast index build writes the documents the plain pipeline wrote, on the demo corpus.

bench/index_reference.py keeps the document builder as it was before the speed-up (each text
analysed afresh, pypinyin every time, tags through ``page.tags``, ORM rows for facets and
suggestions); these tests compare the new path with it, and the index written by analysis
processes with the index written by one.
"""

import dataclasses
import multiprocessing.util
import os
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils.html import strip_tags
from kombu.resource import _after_fork_cleanup_resource

from bench.index_reference import reference_document, reference_suggestion_keys
from content.demo import seed
from search import indexing
from search.analysis import get_analyzer
from search.documents import html_text
from search.engines.embedded import EmbeddedEngine
from search.indexing import _live_articles, build_documents, rebuild
from search.models import SearchDocument, SearchFacet, SearchSuggestion

SUPPLIERS, ARTICLES, INSIGHTS = 3, 18, 2


@pytest.fixture
def demo_ids(db) -> list[int]:
    """The demo corpus of seed_demo, small: suppliers' articles and insights, every block kind."""
    seed(suppliers=SUPPLIERS, articles=ARTICLES, insights=INSIGHTS)
    return list(_live_articles().order_by("pk").values_list("pk", flat=True))


def _reference(ids: list[int]) -> list:
    analyzer = get_analyzer()
    return [reference_document(page, analyzer) for page in _live_articles().filter(pk__in=ids)]


def _index_rows() -> dict[str, list]:
    """Everything the embedded engine stores, without row ids and timestamps."""
    documents = SearchDocument.objects.order_by("page_id").values()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # the text lives in the FTS5 table
            cursor.execute(
                "SELECT rowid, title, materials, meta, body FROM search_fts ORDER BY rowid"
            )
        else:  # PostgreSQL: in the documents table's weighted vector
            cursor.execute(
                f"SELECT page_id, search_vector::text FROM {SearchDocument._meta.db_table} "
                "ORDER BY page_id"
            )
        text = cursor.fetchall()
    return {
        "documents": [{k: v for k, v in d.items() if k != "indexed_at"} for d in documents],
        "facets": sorted(SearchFacet.objects.values_list("document_id", "name", "value")),
        "suggestions": sorted(SearchSuggestion.objects.values_list("document_id", "key", "term")),
        "text": text,
    }


def _text(d) -> tuple:
    """What the engine's text table holds for a reference document, on this database."""
    tokens = (d.title_tokens, d.material_tokens, d.meta_tokens, d.body_tokens)
    if connection.vendor == "sqlite":
        return (d.page_id, *tokens)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (setweight(to_tsvector('simple', %s), 'A')"
            " || setweight(to_tsvector('simple', %s), 'B')"
            " || setweight(to_tsvector('simple', %s), 'C')"
            " || setweight(to_tsvector('simple', %s), 'D'))::text",
            tokens,
        )
        return (d.page_id, cursor.fetchone()[0])


def test_documents_equal_the_reference_on_the_demo_corpus(demo_ids):
    blocks = Counter(
        block.block_type for page in _live_articles() for block in page.body
    )  # the corpus has every kind of block body_text reads

    built = build_documents(demo_ids)

    assert len(demo_ids) == ARTICLES + INSIGHTS
    assert {"heading", "paragraph", "spec_table", "quote", "report"} <= set(blocks)
    assert [dataclasses.asdict(d) for d in built] == [
        dataclasses.asdict(d) for d in _reference(demo_ids)
    ]
    assert all(d.tags and d.body_tokens and d.suggest_terms for d in built)


def test_a_batch_is_loaded_with_the_same_queries_whatever_its_size(
    demo_ids, django_assert_num_queries
):
    # tags were read with one query per article (page.tags ignores the tagged_items prefetch),
    # and each report's document (body_text reads none of it)
    build_documents(demo_ids[:1])  # the site root paths are cached from here on

    with django_assert_num_queries(5):  # articles, materials, tagged items, tags, suppliers
        few = build_documents(demo_ids[:3])
    with django_assert_num_queries(5):
        many = build_documents(demo_ids)

    assert [d.page_id for d in few] == demo_ids[:3]
    assert len(many) == len(demo_ids)


@pytest.mark.django_db(transaction=True)
def test_two_analysis_processes_write_the_index_one_process_writes(monkeypatch):
    # A transactional test's flush empties the tables, not SQLite's FTS5 table: rows an
    # earlier test (the import's resume test) indexed are cleared here first.
    EmbeddedEngine().clear()
    seed(suppliers=SUPPLIERS, articles=ARTICLES, insights=INSIGHTS)
    monkeypatch.setattr(indexing, "BATCH_SIZE", 3)  # seven batches for the two workers
    ids = list(_live_articles().order_by("pk").values_list("pk", flat=True))

    assert rebuild(workers=1) == len(ids)
    one = _index_rows()
    EmbeddedEngine().clear()
    assert rebuild(workers=2) == len(ids)
    two = _index_rows()

    assert two == one
    reference = _reference(ids)
    assert [d["page_id"] for d in two["documents"]] == ids
    assert two["text"] == [_text(d) for d in sorted(reference, key=lambda d: d.page_id)]
    assert two["suggestions"] == sorted(
        (d.page_id, key, term) for d in reference for key, term in reference_suggestion_keys(d)
    )
    assert two["facets"] == sorted(
        (d.page_id, name, value) for d in reference for name, vs in d.facets.items() for value in vs
    )


def test_inside_a_transaction_a_rebuild_with_workers_builds_in_this_process(corpus, monkeypatch):
    # forked workers could not see the transaction's articles, and closing its connection
    # for the fork would break it
    monkeypatch.setattr(indexing, "BATCH_SIZE", 2)
    SearchDocument.objects.all().delete()

    assert rebuild(workers=2) == len(corpus)
    assert connection.in_atomic_block
    assert sorted(SearchDocument.objects.values_list("title", flat=True)) == sorted(corpus)


@pytest.mark.django_db(transaction=True)
def test_the_command_rebuilds_with_workers_and_refuses_none(capsys):
    seed(suppliers=2, articles=6, insights=0)
    SearchDocument.objects.all().delete()

    with pytest.raises(CommandError, match="--workers must be at least 1, got 0"):
        call_command("rebuild_search_index", "--no-progress", "--workers", "0")
    assert SearchDocument.objects.count() == 0
    call_command("rebuild_search_index", "--no-progress", "--workers", "2")

    assert capsys.readouterr().out.strip().endswith("index holds 6 of 6 published")
    assert SearchDocument.objects.count() == 6


@pytest.mark.parametrize(
    "html",
    [
        '<h3>黄芪</h3><p class="lead">含量 &gt; 0.5%，水分 &lt;13%</p><br/><a href="/x">详情</a>',
        "<p>水分<13%，灰分>5%</p>",  # a bare < and >: the parser decides
        "<p>黄芪 &amp 当归 &nbsp</p>",  # references without a semicolon gain one
        "<p>A &amp; B&#39;s &#x27;C&#x27;</p>",
        "<!-- 备注 --><p>统货</p>",
        "<p data-id='3'>单引号</p><input disabled>",
        "<script>var a = 1 < 2;</script><p>正文</p>",
        "无标签的文本 & 符号",
        "",
    ],
    ids=[
        "plain",
        "bare-brackets",
        "no-semicolon",
        "references",
        "comment",
        "quotes",
        "script",
        "text",
        "empty",
    ],
)
def test_html_text_equals_strip_tags(html):
    assert html_text(html) == strip_tags(html)


def test_a_rebuild_drops_text_rows_whose_document_is_gone(demo_ids):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps the text in the documents table: nothing apart to drop")
    with connection.cursor() as cursor:  # left by a cascade from a deleted page, or a flush
        cursor.execute(
            "INSERT INTO search_fts(rowid, title, materials, meta, body) "
            "VALUES (%s, %s, %s, %s, %s)",
            [999_999, "黄芪", "黄芪", "", ""],
        )

    rebuild()

    assert [row[0] for row in _index_rows()["text"]] == demo_ids


@pytest.mark.django_db(transaction=True)
def test_workers_leave_the_broker_pools_to_this_process(tmp_path, monkeypatch):
    # kombu's after-fork cleanup read a reply this process's control ping left waiting on a
    # shared socket, and a rebuild's workers hung at start: they must not run it at all.
    class BrokerPool:
        def force_close_all(self) -> None:
            (tmp_path / f"closed-in-{os.getpid()}").write_text("")

    broker_pool = BrokerPool()
    multiprocessing.util.register_after_fork(broker_pool, _after_fork_cleanup_resource)
    EmbeddedEngine().clear()
    seed(suppliers=SUPPLIERS, articles=ARTICLES, insights=INSIGHTS)
    monkeypatch.setattr(indexing, "BATCH_SIZE", 3)

    assert rebuild(workers=2) == _live_articles().count()
    assert list(tmp_path.iterdir()) == []
    assert any(hook is broker_pool for hook in multiprocessing.util._afterfork_registry.values())
