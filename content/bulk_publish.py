"""Publishing many new articles at once: the rows Wagtail's ``add_child``, ``save_revision``
and ``publish`` write for each page, written a table at a time.

Per page, Wagtail's path costs about a hundred queries (tree path, full validation with a query
per foreign key and constraint, slug check, two saves of three tables, revision round trip,
log entries); this writes the same rows in about a dozen statements for a whole batch. The
caller has validated every field (``article_lines.parse_line``) and chosen slugs free among the
parent's children, so nothing here validates again. ``page_published`` is still sent for each
page once its rows exist, so every receiver (search, page cache, /collect's path map) sees a
publish as it would from the admin (whole-cache invalidations run once, see
``commit_hooks``).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.log_actions import get_active_log_context
from wagtail.models import COMMENTS_RELATION_NAME, Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.signals import page_published

from content.bulk_rows import insert_rows
from content.commit_hooks import coalesced_on_commit
from content.models import ArticlePage, ArticleTag, Material


@dataclass
class NewArticle:
    """An unsaved article (title, slug, fields and ``supplier`` set) and its relations."""

    page: ArticlePage
    materials: list[Material] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def publish_new_articles(articles: Sequence[NewArticle]) -> list[ArticlePage]:
    """Add each article as the last child of its ``supplier`` page, live, with one revision,
    its materials, tags, references and the create and publish log entries; return the pages.

    Must run inside a transaction: a failure part-way leaves rows the caller rolls back.
    """
    if not articles:
        return []
    now = timezone.now()
    pages = [article.page for article in articles]
    _place_in_tree(pages)
    for page in pages:
        page.draft_title, page.live, page.has_unpublished_changes = page.title, True, False
        page.first_published_at = page.last_published_at = now
        page.latest_revision_created_at = now
    _insert_pages(pages)
    _insert_relations(articles)
    revisions = _insert_revisions(pages, now)
    _point_at_revisions(pages, revisions)
    _insert_references(pages)
    _insert_log_entries(pages, revisions, now)
    with coalesced_on_commit():
        for page, revision in zip(pages, revisions, strict=True):
            page_published.send(sender=ArticlePage, instance=page, revision=revision)
    return pages


def _batch_size(columns: int) -> int:
    """Rows per INSERT that stay under the database's limit on bound parameters."""
    limit = connection.features.max_query_params or 100_000
    return max(1, min(500, limit // max(columns, 1)))


def _place_in_tree(pages: list[ArticlePage]) -> None:
    """Tree path, depth and URL path after each parent's current last child, as treebeard's
    ``add_child`` computes them one page at a time; parents' ``numchild`` updated."""
    by_parent: dict[int, list[ArticlePage]] = defaultdict(list)
    for page in pages:
        by_parent[page.supplier_id].append(page)
    parents = Page.objects.in_bulk(list(by_parent))
    for parent_id, children in by_parent.items():
        parent = parents[parent_id]
        last = (
            Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        step = Page._str2int(last[-Page.steplen :]) if last else 0
        for child in children:
            step += 1
            child.depth = parent.depth + 1
            child.path = Page._get_path(parent.path, child.depth, step)
            child.numchild = 0
            child.url_path = f"{parent.url_path}{child.slug}/"
            child.locale_id = parent.locale_id
        Page.objects.filter(pk=parent_id).update(numchild=F("numchild") + len(children))


def _insert_pages(pages: list[ArticlePage]) -> None:
    """Multi-row INSERTs into each table of the page's model chain (Page, then ArticlePage):
    Django's ``bulk_create`` refuses multi-table models."""
    page_fields = [f for f in Page._meta.local_concrete_fields if not f.primary_key]
    insert_rows(Page, pages, page_fields, returning=True)
    for page in pages:
        page.page_ptr_id = page.id
    insert_rows(ArticlePage, pages, list(ArticlePage._meta.local_concrete_fields))


def _insert_relations(articles: Sequence[NewArticle]) -> None:
    """Material links and tagged items, as the page's cluster relations would commit them,
    also set on each page in memory, where its revision and references read them."""
    materials_field = ArticlePage._meta.get_field("materials")
    through = materials_field.remote_field.through
    source, target = materials_field.m2m_field_name(), materials_field.m2m_reverse_field_name()
    through.objects.bulk_create(
        [
            through(**{f"{source}_id": a.page.pk, f"{target}_id": material.pk})
            for a in articles
            for material in a.materials
        ],
        batch_size=_batch_size(2),
    )
    names = list(dict.fromkeys(name for a in articles for name in a.tags))
    tags = {tag.name: tag for tag in ArticlePage().tags._to_tag_model_instances(names, {})}
    tagged = {
        a.page.pk: [
            ArticleTag(content_object=a.page, tag=tags[name]) for name in dict.fromkeys(a.tags)
        ]
        for a in articles
    }
    ArticleTag.objects.bulk_create(
        [item for items in tagged.values() for item in items], batch_size=_batch_size(2)
    )
    for article in articles:
        page = article.page
        page.materials = article.materials
        page.tagged_items = tagged[page.pk]
        setattr(page, COMMENTS_RELATION_NAME, [])


def _insert_revisions(pages: list[ArticlePage], now: dt.datetime) -> list[Revision]:
    """One revision a page, its content as ``save_revision`` serialises a page ``add_child``
    just saved (not yet published: no revision, no publish dates)."""
    page_type = ContentType.objects.get_for_model(Page)
    article_type = ContentType.objects.get_for_model(ArticlePage)
    revisions = []
    for page in pages:
        page.first_published_at = page.last_published_at = None
        page.latest_revision_created_at = None
        content = page.serializable_data()
        page.first_published_at = page.last_published_at = now
        page.latest_revision_created_at = now
        revisions.append(
            Revision(
                content_type=article_type,
                base_content_type=page_type,
                object_id=str(page.pk),
                created_at=now,
                user=None,
                approved_go_live_at=None,
                content=content,
                object_str=str(page),
            )
        )
    fields = [f for f in Revision._meta.concrete_fields if not f.primary_key]
    insert_rows(Revision, revisions, fields, returning=True)
    return revisions


def _point_at_revisions(pages: list[ArticlePage], revisions: list[Revision]) -> None:
    """Latest and live revision of every page, in one UPDATE: each new page has one."""
    page_type = ContentType.objects.get_for_model(Page)
    newest = Revision.objects.filter(
        base_content_type=page_type, object_id=Cast(OuterRef("pk"), CharField())
    ).order_by("-pk")
    Page.objects.filter(pk__in=[page.pk for page in pages]).update(
        latest_revision_id=Subquery(newest.values("pk")[:1]),
        live_revision_id=Subquery(newest.values("pk")[:1]),
    )
    for page, revision in zip(pages, revisions, strict=True):
        page.latest_revision = page.live_revision = revision


def _insert_references(pages: list[ArticlePage]) -> None:
    """Wagtail's reference index rows, as ``ReferenceIndex.create_or_update_for_object``
    writes them for a page with none recorded yet."""
    page_type = ContentType.objects.get_for_model(Page)
    article_type = ContentType.objects.get_for_model(ArticlePage, for_concrete_model=False)
    rows = [
        ReferenceIndex(
            content_type=article_type,
            base_content_type=page_type,
            object_id=page.pk,
            to_content_type_id=to_type,
            to_object_id=to_id,
            model_path=model_path,
            content_path=content_path,
            content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
        )
        for page in pages
        for to_type, to_id, model_path, content_path in set(
            ReferenceIndex._extract_references_from_object(page)
        )
    ]
    ReferenceIndex.objects.bulk_create(
        rows,
        batch_size=_batch_size(8),
        ignore_conflicts=connection.features.supports_ignore_conflicts,
    )


def _insert_log_entries(
    pages: list[ArticlePage], revisions: list[Revision], now: dt.datetime
) -> None:
    """The history the admin shows: "created", then "published" with the revision."""
    article_type = ContentType.objects.get_for_model(ArticlePage)
    uuid = get_active_log_context().uuid
    entries = []
    for page, revision in zip(pages, revisions, strict=True):
        common = {
            "content_type": article_type,
            "label": page.get_admin_display_title(),
            "timestamp": now,
            "uuid": uuid,
            "user": None,
            "page": page,
            "content_changed": True,
            "data": {},
        }
        entries.append(PageLogEntry(action="wagtail.create", **common))
        entries.append(PageLogEntry(action="wagtail.publish", revision=revision, **common))
    fields = [f for f in PageLogEntry._meta.concrete_fields if not f.primary_key]
    insert_rows(PageLogEntry, entries, fields)
