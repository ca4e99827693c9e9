"""Page lifecycle and dictionary edits enqueue index updates once the transaction commits.

A bulk writer (the article import) wraps its batch in ``deferred_article_updates()``: article
publishes and removals then collect page ids instead of enqueueing a task each, and the writer
indexes the whole batch in one ``indexing.index_pages`` call once it commits.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from content.models import ArticlePage, Material, SupplierPage, TopicSynonymGroup
from search import tasks
from search.analysis import vocabulary_changed

_deferred: ContextVar[set[int] | None] = ContextVar("search_deferred_articles", default=None)


@contextmanager
def deferred_article_updates() -> Iterator[set[int]]:
    """Within this block, collect the ids of articles published, unpublished or deleted into
    the set it yields rather than enqueueing one index task per page. The caller must pass
    them to ``indexing.index_pages`` (which indexes the live ones and removes the others)."""
    page_ids: set[int] = set()
    token = _deferred.set(page_ids)
    try:
        yield page_ids
    finally:
        _deferred.reset(token)


def _later(task, *args) -> None:
    transaction.on_commit(lambda: task.delay(*args))


def article_published(sender, instance, **kwargs) -> None:
    deferred = _deferred.get()
    if deferred is not None:
        deferred.add(instance.pk)
        return
    _later(tasks.index_pages, [instance.pk])


def article_gone(sender, instance, **kwargs) -> None:
    deferred = _deferred.get()
    if deferred is not None:
        deferred.add(instance.pk)
        return
    _later(tasks.remove_pages, [instance.pk])


def supplier_changed(sender, instance, **kwargs) -> None:
    """A supplier's name or verified badge shows in its articles' documents."""
    _later(tasks.reindex_below, instance.pk)


def page_moved(sender, instance, **kwargs) -> None:
    _later(tasks.reindex_below, instance.pk)


def restriction_changed(sender, instance, **kwargs) -> None:
    """A page made private (or public again) takes its articles out of (or into) search."""
    _later(tasks.reindex_below, instance.page_id)


def material_deleting(sender, instance, **kwargs) -> None:
    instance._article_ids = list(instance.articles.values_list("pk", flat=True))


def material_deleted(sender, instance, **kwargs) -> None:
    vocabulary_changed()
    _later(tasks.index_pages, list(getattr(instance, "_article_ids", [])))


def material_saved(sender, instance, **kwargs) -> None:
    vocabulary_changed()
    _later(tasks.reindex_material, instance.pk)


def synonyms_changed(sender, instance, **kwargs) -> None:
    """Queries read every word of a group, so an edit is live once analyzers rebuild; articles
    indexed earlier keep their old canonical word until they are next indexed."""
    vocabulary_changed()


def connect() -> None:
    page_published.connect(article_published, sender=ArticlePage, dispatch_uid="search-publish")
    page_unpublished.connect(article_gone, sender=ArticlePage, dispatch_uid="search-unpublish")
    post_delete.connect(article_gone, sender=ArticlePage, dispatch_uid="search-delete")
    page_published.connect(supplier_changed, sender=SupplierPage, dispatch_uid="search-supplier")
    post_page_move.connect(page_moved, dispatch_uid="search-move")
    post_save.connect(material_saved, sender=Material, dispatch_uid="search-material")
    pre_delete.connect(material_deleting, sender=Material, dispatch_uid="search-material-pre")
    post_delete.connect(material_deleted, sender=Material, dispatch_uid="search-material-del")
    post_save.connect(synonyms_changed, sender=TopicSynonymGroup, dispatch_uid="search-synonyms")
    post_delete.connect(
        synonyms_changed, sender=TopicSynonymGroup, dispatch_uid="search-synonyms-del"
    )
    page_slug_changed.connect(page_moved, dispatch_uid="search-slug")
    post_save.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="search-pvr")
    post_delete.connect(
        restriction_changed, sender=PageViewRestriction, dispatch_uid="search-pvr-del"
    )
