"""Keeping the index in step with live articles: index, remove, reindex, rebuild, health."""

import gc
import multiprocessing
import multiprocessing.util
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, connections
from wagtail.models import Site

from content.models import ArticlePage, ArticleTag, Material, SupplierPage
from search.analysis import get_analyzer
from search.documents import build_document
from search.engines import get_engine, write_engines
from search.engines.base import IndexDocument
from search.engines.result_cache import mark_index_changed

BATCH_SIZE = 200  # pages per query and per bulk write: bounded memory, few round trips
# What a document reads of a page (its URL from ``url_path``): a whole page row was decoded
# into about fifty attributes, most of them Wagtail's own.
DOCUMENT_FIELDS = (
    "title",
    "url_path",
    "external_id",
    "supplier",
    "kind",
    "summary",
    "origin",
    "grade",
    "publish_date",
    "body",
)
MAX_WORKERS = 4  # analysis processes of a rebuild; more than the cores only adds switching


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
    indexed = 0
    for start in range(0, len(page_ids), BATCH_SIZE):
        batch = page_ids[start : start + BATCH_SIZE]
        indexed += write_documents(batch, build_documents(batch))
    return indexed


def build_documents(page_ids: list[int]) -> list[IndexDocument]:
    """The documents of those of these articles that are live and public (one batch)."""
    analyzer = get_analyzer()
    # Each supplier once, and only what a document takes from it: joined to every article,
    # each article built a whole supplier page (its profile text decoded) and that was half
    # the cost of loading a batch.
    pages = list(
        _live_articles()
        .select_related(None)
        .prefetch_related(None)
        .only(*DOCUMENT_FIELDS)
        .filter(pk__in=page_ids)
    )
    suppliers = SupplierPage.objects.only("title", "verified").in_bulk(
        {page.supplier_id for page in pages if page.supplier_id}
    )
    materials, tags = _relations([page.pk for page in pages])
    roots = Site.get_site_root_paths()
    for page in pages:
        if page.supplier_id in suppliers:
            page.supplier = suppliers[page.supplier_id]
        # Wagtail keeps the site root paths on the page it is asked the URL of, or reads them
        # from the cache (a file read, or a Redis round trip) for every page.
        page._wagtail_cached_site_root_paths = roots
    return [
        build_document(page, analyzer, materials=materials[page.pk], tags=tags[page.pk])
        for page in pages
    ]


def _relations(page_ids: list[int]) -> tuple[dict[int, list[Material]], dict[int, list[str]]]:
    """Each page's materials, in the order ``page.materials.all()`` gives (the Material
    ordering, as the database sorts it), and tag names in ``page.tags.all()``'s (the through
    rows' ids). Read as rows and each material built once a batch: the relations' prefetch
    built a queryset per page and a model instance per link, a third of loading a batch."""
    field = ArticlePage._meta.get_field("materials")
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    links = list(
        field.remote_field.through.objects.filter(**{f"{source}__in": page_ids}).values_list(
            source, target
        )
    )
    known = list(Material.objects.filter(pk__in={material for _, material in links}))
    rank = {material.pk: place for place, material in enumerate(known)}
    by_pk = {material.pk: material for material in known}
    materials: dict[int, list[Material]] = defaultdict(list)
    for page_id, material_id in sorted(links, key=lambda link: rank[link[1]]):
        materials[page_id].append(by_pk[material_id])
    tags: dict[int, list[str]] = defaultdict(list)
    rows = ArticleTag.objects.filter(content_object_id__in=page_ids).order_by("pk")
    for page_id, name in rows.values_list("content_object_id", "tag__name"):
        tags[page_id].append(name)
    return materials, tags


def write_documents(page_ids: list[int], documents: list[IndexDocument]) -> int:
    """Write a batch's documents to every engine and remove its pages that had none."""
    gone = sorted(set(page_ids) - {document.page_id for document in documents})
    for engine in write_engines():
        engine.index(documents)
        engine.delete(gone)
    return len(documents)


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


def default_workers() -> int:
    """One analysis process per core, up to MAX_WORKERS; none inside a daemonic process (a
    Celery prefork child may not start processes of its own)."""
    if multiprocessing.current_process().daemon:
        return 1
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def rebuild(progress: Callable[[int], None] | None = None, workers: int = 1) -> int:
    """Index every live article again, then drop documents of pages no longer live.

    Nothing is emptied first, so searches keep answering from the old documents while a
    rebuild runs. With ``workers`` > 1, that many processes each load, analyse and write
    whole batches; a page is in one batch only, so the index is the same as with one.
    """
    from search.models import SearchDocument

    ids = list(_live_articles().order_by("pk").values_list("pk", flat=True))
    batches = [ids[start : start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]
    total = 0
    for batch, indexed in _indexed(batches, workers):
        total += indexed
        if progress:
            progress(len(batch))
    live = set(ids)
    stale = [
        pk for pk in SearchDocument.objects.values_list("page_id", flat=True) if pk not in live
    ]
    remove_pages(stale)
    for engine in write_engines():
        engine.prune()
    return total


def index_batch(page_ids: list[int]) -> int:
    """Load, analyse and write one batch (what a rebuild's worker process does)."""
    return write_documents(page_ids, build_documents(page_ids))


def _indexed(batches: list[list[int]], workers: int) -> Iterator[tuple[list[int], int]]:
    """Each batch with how many of its pages were indexed, in order; indexed here, or by
    ``workers`` forked processes that inherit this process's analyzer (vocabulary, segmenter
    with its user words, caches). Each worker writes the batches it analysed, in its own
    connection and transaction: when this process wrote every batch the workers analysed,
    its writing was the whole rebuild's pace (an engine write takes longer than analysing a
    batch) and one core stood idle. Inside a transaction the workers could not see its
    writes (nor may its connection be closed), so the batches are indexed here."""
    if workers <= 1 or len(batches) <= 1 or connection.in_atomic_block:
        for batch in batches:
            yield batch, index_batch(batch)
        return
    get_analyzer()  # loaded once, before the fork
    connections.close_all()  # a connection must not be shared across a fork; each opens its own
    with _broker_pools_left_alone():
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_start_worker)
    with pool:
        # Only counts come back, so every batch may be handed out at once.
        yield from zip(batches, pool.imap(index_batch, batches), strict=True)
        pool.close()
        pool.join()  # workers exit (and drop their connections) before the pool is torn down
    # Each worker marked the index changed in its own process; a cache local to this one (a
    # test's) learns it here.
    mark_index_changed()


@contextmanager
def _broker_pools_left_alone() -> Iterator[None]:
    """Fork without kombu's after-fork cleanup of Celery's broker connection pools.

    That cleanup closes each inherited connection politely, and a channel this process left
    waiting on a BRPOP (a control ping's reply) is read first: from a socket this process
    shares, so the child waited on it for good and the rebuild's workers hung at start. Index
    workers never touch the broker; what they inherit of it is dropped when they exit."""
    registry = multiprocessing.util._afterfork_registry
    kombu = {
        key: hook
        for key, hook in list(registry.items())
        if getattr(key[2], "__module__", "").startswith("kombu.")
    }
    for key in kombu:
        registry.pop(key, None)
    try:
        yield
    finally:
        registry.update(kombu)


def _start_worker() -> None:
    """Leave what the fork inherited out of garbage collection: the collector would otherwise
    walk the parent's whole heap (Django, Wagtail, the vocabulary) over and over, and touching
    it copies the shared pages. Its database connection is closed as it exits, so the server
    sees a goodbye rather than a dropped socket."""
    gc.freeze()
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)


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
