"""Keeping the index in step with live articles: index, remove, reindex, rebuild, health."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from content.models import ArticlePage
from search.analysis import get_analyzer
from search.documents import build_document
from search.engines import get_engine, write_engines

BATCH_SIZE = 200  # pages per query and per bulk write: bounded memory, few round trips


def _live_articles():
    return (
        ArticlePage.objects.live()
        .public()
        .select_related("supplier")
        .prefetch_related("materials", "tagged_items__tag")
    )


def index_pages(page_ids: Iterable[int]) -> int:
    """Index these articles if live and public, remove them otherwise; return how many indexed."""
    page_ids = list(dict.fromkeys(page_ids))
    if not page_ids:  # e.g. a new material no article uses yet: nothing to analyse
        return 0
    analyzer = get_analyzer()
    indexed = 0
    for start in range(0, len(page_ids), BATCH_SIZE):
        batch = page_ids[start : start + BATCH_SIZE]
        pages = list(_live_articles().filter(pk__in=batch))
        documents = [build_document(page, analyzer) for page in pages]
        gone = sorted(set(batch) - {page.pk for page in pages})
        for engine in write_engines():
            engine.index(documents)
            engine.delete(gone)
        indexed += len(documents)
    return indexed


def remove_pages(page_ids: Iterable[int]) -> None:
    for engine in write_engines():
        engine.delete(list(page_ids))


def articles_with_material(material_id: int) -> list[int]:
    return list(ArticlePage.objects.filter(materials=material_id).values_list("pk", flat=True))


def articles_below(page_id: int) -> list[int]:
    """Article ids at or under a page (a moved or renamed supplier changes their URLs)."""
    from wagtail.models import Page

    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return []
    return list(
        ArticlePage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True)
    )


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Index every live article again, then drop documents of pages no longer live.

    Nothing is emptied first, so searches keep answering from the old documents while a
    rebuild runs.
    """
    from search.models import SearchDocument

    ids = list(_live_articles().order_by("pk").values_list("pk", flat=True))
    total = 0
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        total += index_pages(batch)
        if progress:
            progress(len(batch))
    live = set(ids)
    stale = [
        pk for pk in SearchDocument.objects.values_list("page_id", flat=True) if pk not in live
    ]
    remove_pages(stale)
    return total


@dataclass
class IndexHealth:
    engine: str
    documents: int
    published: int
    healthy: bool
    detail: str

    @property
    def in_sync(self) -> bool:
        return self.documents == self.published


def index_health() -> IndexHealth:
    engine = get_engine()
    healthy, detail = getattr(engine, "healthy", True), getattr(engine, "last_error", "")
    try:
        documents = engine.count()
    except Exception as exc:  # an unreachable cluster is a health state, not a page error
        documents, healthy, detail = 0, False, str(exc)
    return IndexHealth(
        engine=engine.name,
        documents=documents,
        published=ArticlePage.objects.live().public().count(),
        healthy=healthy,
        detail=detail,
    )
