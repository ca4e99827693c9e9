"""Celery tasks keeping the index in sync; each is idempotent and retried on transient errors."""

from celery import shared_task
from django.db import IntegrityError, OperationalError

from search import indexing

try:  # Elasticsearch is optional; its connection errors are transient too
    from elasticsearch import ConnectionError as ESConnectionError
    from elasticsearch import ConnectionTimeout as ESConnectionTimeout

    # IntegrityError: two workers inserting the same facet rows at once; a retry settles it.
    TRANSIENT: tuple[type[Exception], ...] = (
        OperationalError,
        IntegrityError,
        ConnectionError,
        ESConnectionError,
        ESConnectionTimeout,
    )
except ImportError:  # pragma: no cover
    TRANSIENT = (OperationalError, IntegrityError, ConnectionError)

RETRY = {
    "acks_late": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 8,
}


@shared_task(**RETRY)
def index_pages(page_ids: list[int]) -> int:
    return indexing.index_pages(page_ids)


@shared_task(**RETRY)
def remove_pages(page_ids: list[int]) -> None:
    indexing.remove_pages(page_ids)


@shared_task(**RETRY)
def reindex_material(material_id: int) -> int:
    return indexing.index_pages(indexing.articles_with_material(material_id))


@shared_task(**RETRY)
def reindex_below(page_id: int) -> int:
    return indexing.index_pages(indexing.articles_below(page_id))


@shared_task(**RETRY)
def rebuild_index() -> int:
    return indexing.rebuild()
