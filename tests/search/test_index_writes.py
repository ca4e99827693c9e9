"""The embedded engine's writes: a document's facet and suggestion rows after indexing it again."""

import pytest
from django.db import connection

from search.engines import result_cache
from search.engines.embedded import EmbeddedEngine
from search.engines.embedded_rows import suggestion_keys
from search.models import SearchFacet, SearchSuggestion
from tests.search.test_elastic import article


def facet_rows() -> list[tuple[int, str, str]]:
    return sorted(SearchFacet.objects.values_list("document_id", "name", "value"))


def suggestion_rows() -> list[tuple[int, str, str]]:
    return sorted(SearchSuggestion.objects.values_list("document_id", "key", "term"))


def expected_facets(*documents) -> list[tuple[int, str, str]]:
    return sorted(
        (d.page_id, name, value) for d in documents for name, vs in d.facets.items() for value in vs
    )


def test_indexing_again_leaves_each_document_exactly_its_new_rows(db):
    engine = EmbeddedEngine()
    same, retagged, emptied = article(1), article(2), article(3)
    engine.index([same, retagged, emptied])
    kept = dict(SearchFacet.objects.filter(document_id=1).values_list("value", "pk"))

    # given one document unchanged, one with a tag swapped and a title changed, one with
    # its facets and suggestions gone but its kind
    retagged = article(2, tags=["种植", "有机"], suggest_terms=["新标题", "黄芪"])
    emptied = article(3, materials=[], tags=[], origin="", supplier="", suggest_terms=[])
    engine.index([same, retagged, emptied])

    assert facet_rows() == expected_facets(same, retagged, emptied)
    documents = (same, retagged, emptied)
    assert suggestion_rows() == sorted(
        (d.page_id, key, term) for d in documents for key, term in suggestion_keys(d)
    )
    if connection.vendor == "postgresql":  # rows already right are not written again
        assert dict(SearchFacet.objects.filter(document_id=1).values_list("value", "pk")) == kept


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (["种植", "种植"], ["种植"]),
        (["种植"], ["种植", "种植"]),
        (["种植", "种植"], ["种植", "种植"]),
    ],
    ids=["two-to-one", "one-to-two", "two-to-two"],
)
def test_repeated_values_are_counted_as_written(db, before, after):
    # a value twice is two rows, as a delete and insert would leave them
    engine = EmbeddedEngine()
    engine.index([article(1, tags=before)])

    engine.index([article(1, tags=after)])

    assert list(SearchFacet.objects.filter(name="tag").values_list("value", flat=True)) == after


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_by_worker_processes_changes_the_index_version_here(monkeypatch):
    # each worker marks the index changed in its own process, where a cache local to this
    # process (the tests') never hears of it
    from content.demo import seed
    from search import indexing

    EmbeddedEngine().clear()
    seed(suppliers=2, articles=6, insights=0)
    monkeypatch.setattr(indexing, "BATCH_SIZE", 2)
    before = result_cache.index_version()

    assert indexing.rebuild(workers=2) == 6

    assert result_cache.index_version() != before
