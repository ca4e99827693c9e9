"""JSON Lines import of articles: strict validation per line, many lines per transaction.

Lines are written in batches (``batch_size``, 200 by default), one transaction a batch. New
articles are published together by ``bulk_publish`` (a few statements a batch instead of about
a hundred queries a page); updates go through Wagtail one by one in a savepoint each, since they
merge with editors' work and respect moderation. A bad line writes nothing of itself and every
good line around it is kept: validation refuses it before anything is written, and a bulk write
the database refuses is redone line by line. Search documents, Wagtail's reference index and
Wagtail's own (admin) search index are not updated save by save (a task each) but once a batch:
references and the admin search index inside the batch's transaction, search documents in one
``index_pages`` call right after it commits.
"""

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.db.models.signals import post_save
from modelsearch.backends import get_search_backends
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.blocks import StreamValue
from wagtail.models import Page, ReferenceIndex
from wagtail.rich_text import RichText
from wagtail.signal_handlers import disable_reference_index_auto_update

from content.article_lines import (
    ArticleRecord,
    LineError,
    parse_line,
)
from content.bulk_publish import NewArticle, publish_new_articles
from content.materials import MaterialResolver
from content.models import ArticlePage, SupplierPage
from content.slugs import ascii_slug, free_slug
from content.workspaces import create_supplier
from search.indexing import index_pages
from search.signal_handlers import deferred_article_updates

# The id of the one body block an import owns (its ``body`` as rich text). Block ids survive
# editing in the admin, so a re-import finds this block and replaces it, and every block an
# editor added (spec tables, quotes, reports, images, headings, more text) keeps its place.
IMPORTED_BLOCK_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "yaoyun:import_articles:body"))
BATCH_SIZE = 200  # lines per transaction and per index write


class ImportFileError(ValueError):
    """A file an importer cannot read at all (missing, not UTF-8 text)."""


def read_lines(file: Path) -> list[str]:
    """The lines of a UTF-8 text file (a leading BOM dropped), as every JSON Lines import reads
    them. Only line breaks split lines: U+2028 inside a JSON string does not."""
    if not file.is_file():
        raise ImportFileError(f"{file}: no such file")
    with file.open(encoding="utf-8-sig", errors="strict") as handle:
        try:
            return handle.readlines()
        except UnicodeDecodeError as exc:
            message = f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})"
            raise ImportFileError(message) from exc


@dataclass
class ImportProblem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        return f"line {self.line}{where}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def import_articles(
    lines: Sequence[str],
    *,
    create_suppliers: bool = False,
    force: bool = False,
    on_line: Callable[[], None] | None = None,
    batch_size: int = BATCH_SIZE,
    start_after: int = 0,
    on_batch: Callable[[int, ImportReport], None] | None = None,
    report: ImportReport | None = None,
) -> ImportReport:
    """Create or update (by supplier + external_id) and publish one article per line.

    A bad line is reported with its number and reason and nothing of it is written; good lines
    are committed ``batch_size`` at a time and indexed once their batch commits, so a failure
    on line 900 keeps every good line around it. An article with changes waiting for
    moderation is reported, not published over, unless ``force``. A resumed import skips the
    lines up to ``start_after`` and adds to the ``report`` of the run it resumes; ``on_batch``
    gets the number of the last line of each batch and the report so far once the batch is
    committed and indexed.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    report = report or ImportReport()
    run = _Run(MaterialResolver(), create_suppliers, force)
    numbered = list(enumerate(lines, start=1))[start_after:]
    for begin in range(0, len(numbered), batch_size):
        batch = numbered[begin : begin + batch_size]
        _import_batch(batch, report, run, on_line)
        if on_batch:
            on_batch(batch[-1][0], report)
    return report


@dataclass
class _Run:
    """What every batch of one import shares: options and the dictionaries read once."""

    resolver: MaterialResolver
    create_suppliers: bool
    force: bool
    suppliers: dict[str, SupplierPage] = field(default_factory=dict)

    def supplier(self, name: str) -> SupplierPage:
        """The supplier page titled ``name`` (onboarded first with ``create_suppliers``)."""
        if name not in self.suppliers:
            supplier = SupplierPage.objects.filter(title=name).first()
            if supplier is None:
                if not self.create_suppliers:
                    raise LineError(
                        "supplier",
                        f"unknown supplier {name!r} (onboard it first, or pass --create-suppliers)",
                    )
                with transaction.atomic():
                    supplier = create_supplier(name).page
            self.suppliers[name] = supplier
        return self.suppliers[name]


@dataclass
class _Line:
    number: int
    record: ArticleRecord
    supplier: SupplierPage

    @property
    def key(self) -> tuple[int, str]:
        return self.supplier.pk, self.record.external_id


@dataclass
class _Batch:
    """One transaction's lines: new articles wait in ``pending`` and are published together."""

    report: ImportReport
    run: _Run
    saved: list[ArticlePage] = field(default_factory=list)
    saved_one_by_one: list[ArticlePage] = field(default_factory=list)
    pending: list[_Line] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    taken: dict[int, set[str]] = field(default_factory=dict)

    def fail(self, number: int, exc: Exception) -> None:
        if isinstance(exc, LineError):
            self.problems.append(ImportProblem(number, exc.field, exc.message))
        else:  # a DatabaseError, rolled back to the line's savepoint
            self.problems.append(ImportProblem(number, "", f"not saved: {exc}"))

    def save_one(self, line: _Line) -> None:
        """Wagtail's own path (a savepoint, ``save_revision``, ``publish``): updates, and
        new articles when their batch's bulk write failed."""
        try:
            article, created = _save_article(line.record, self.run.create_suppliers, self.run.force)
        except (LineError, DatabaseError) as exc:
            self.fail(line.number, exc)
        else:
            self.saved.append(article)
            self.saved_one_by_one.append(article)
            self.report.created += created
            self.report.updated += not created

    def flush(self) -> None:
        """Publish the pending new articles in one bulk write; if the database refuses it,
        one at a time, so only the lines at fault are lost."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        try:
            with transaction.atomic():
                bases = [ascii_slug(line.record.title) for line in pending]
                self._read_taken_slugs(pending, bases)
                articles = [self._new_article(*each) for each in zip(pending, bases, strict=True)]
                pages = publish_new_articles(articles)
        except DatabaseError:
            self.taken.clear()  # pages made one by one take slugs this batch has not seen
            for line in pending:
                self.save_one(line)
        else:
            self.saved.extend(pages)
            self.report.created += len(pages)

    def _read_taken_slugs(self, pending: list[_Line], bases: list[str]) -> None:
        """Add to ``taken`` the slugs of each supplier's children that the new articles' could
        collide with (those starting with one of their base slugs): a query per supplier."""
        wanted: dict[int, tuple[SupplierPage, set[str]]] = {}
        for line, base in zip(pending, bases, strict=True):
            wanted.setdefault(line.supplier.pk, (line.supplier, set()))[1].add(base)
        for supplier_pk, (supplier, prefixes) in wanted.items():
            collide = Q()
            for prefix in prefixes:
                collide |= Q(slug__startswith=prefix)
            children = Page.objects.filter(
                path__startswith=supplier.path, depth=supplier.depth + 1
            ).filter(collide)
            taken = self.taken.setdefault(supplier_pk, set())
            taken.update(children.values_list("slug", flat=True))

    def _new_article(self, line: _Line, base: str) -> NewArticle:
        """An unsaved page for ``line``, its slug ``base`` or the next free ``base-N``."""
        record, supplier = line.record, line.supplier
        page = ArticlePage(
            external_id=record.external_id,
            supplier=supplier,
            title=record.title,
            kind=record.kind,
            summary=record.summary,
            origin=record.origin,
            publish_date=record.published_at,
        )
        page.body = merge_body(page.body, record.body)
        taken, slug, n = self.taken[supplier.pk], base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        page.slug = slug
        return NewArticle(page, record.materials, record.tags)


def _import_batch(
    batch: list[tuple[int, str]],
    report: ImportReport,
    run: _Run,
    on_line: Callable[[], None] | None,
) -> None:
    """Write a batch in one transaction, then index its pages at once.

    New articles are published together (``bulk_publish``); updates, which must merge with
    what editors did in the admin and respect moderation, go through Wagtail one by one.
    """
    state = _Batch(report, run)
    with (
        deferred_article_updates() as published,
        disable_reference_index_auto_update(),
        _deferred_admin_search(ArticlePage),
        transaction.atomic(),
    ):
        lines = _parse_batch(batch, state, on_line)
        existing = _existing_keys(lines)
        for line in lines:
            if line.key in existing:
                if any(p.key == line.key for p in state.pending):
                    state.flush()  # the same article twice in a batch: the later line updates
                state.save_one(line)
            else:
                state.pending.append(line)
                existing.add(line.key)
        state.flush()
        for page in {page.pk: page for page in state.saved_one_by_one}.values():
            ReferenceIndex.create_or_update_for_object(page)  # the bulk write made the others'
        pages = list({page.pk: page for page in state.saved}.values())
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(ArticlePage, pages)
    report.problems.extend(sorted(state.problems, key=lambda problem: problem.line))
    index_pages(sorted(published))


def _parse_batch(
    batch: list[tuple[int, str]], state: _Batch, on_line: Callable[[], None] | None
) -> list[_Line]:
    lines = []
    for number, raw in batch:
        if raw.strip():
            try:
                record = parse_line(raw, state.run.resolver)
                lines.append(_Line(number, record, state.run.supplier(record.supplier)))
            except (LineError, DatabaseError) as exc:
                state.fail(number, exc)
        if on_line:
            on_line()
    return lines


def _existing_keys(lines: list[_Line]) -> set[tuple[int, str]]:
    """(supplier id, external id) of the batch's articles that are already stored."""
    if not lines:
        return set()
    found = ArticlePage.objects.filter(
        supplier__in={line.supplier.pk for line in lines},
        external_id__in={line.record.external_id for line in lines},
    ).values_list("supplier_id", "external_id")
    return set(found)


@contextmanager
def _deferred_admin_search(model: type) -> Iterator[None]:
    """Within: saving a ``model`` enqueues no admin-search update task (the caller adds the
    batch with ``add_bulk``). Signals are process-wide: this is for a command's own process."""
    connected = post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        yield
    finally:
        if connected:
            post_save.connect(post_save_signal_handler, sender=model)


def merge_body(body: StreamValue, html: str) -> StreamValue:
    """``body``'s blocks with the file's text in the block the import owns; the others kept.

    The owned block is the rich-text block with ``IMPORTED_BLOCK_ID`` (articles imported before
    the id existed got it from migration content 0006). With no owned block (a new article, or
    one whose imported text an editor deleted), the text goes first and every block is kept:
    a paragraph the editor wrote is never taken for the import's.
    """
    blocks = [(block.block_type, block.value, block.id) for block in body]
    imported = ("paragraph", RichText(html), IMPORTED_BLOCK_ID)
    owned = [i for i, (_, _, block_id) in enumerate(blocks) if block_id == IMPORTED_BLOCK_ID]
    if not owned:
        return StreamValue(body.stream_block, [imported, *blocks])
    kept = [block for i, block in enumerate(blocks) if i not in owned[1:]]
    kept[owned[0]] = imported
    return StreamValue(body.stream_block, kept)


def check_not_pending(article: ArticlePage) -> None:
    """Raise ``LineError`` when publishing would go over work the platform has not approved."""
    if article.current_workflow_state is not None:
        reason = "has changes waiting for moderation (a workflow is in progress)"
    elif not article.live:
        reason = "is not live (unpublished in the admin)"
    elif article.has_unpublished_changes:
        reason = "has a draft newer than the live version"
    else:
        return
    raise LineError(
        "external_id",
        f"{article.external_id!r} {reason}; not imported (pass --force to publish over it)",
    )


def save_article(
    record: ArticleRecord, *, create_suppliers: bool = False, force: bool = False
) -> bool:
    """Create or update the article and publish it; return True when it was created."""
    return _save_article(record, create_suppliers, force)[1]


@transaction.atomic
def _save_article(
    record: ArticleRecord, create_suppliers: bool, force: bool
) -> tuple[ArticlePage, bool]:
    """Create or update the article and publish it; return it and whether it was created.

    An update starts from the live version: the file's fields and its text block replace
    theirs, every block added in the admin stays (``merge_body``). Unless ``force``, an article
    with a pending workflow, a newer draft or taken offline is refused (``check_not_pending``);
    with ``force`` the import is published and Wagtail cancels the pending workflow.
    """
    supplier = SupplierPage.objects.filter(title=record.supplier).first()
    if supplier is None:
        if not create_suppliers:
            raise LineError(
                "supplier",
                f"unknown supplier {record.supplier!r} (onboard it first, "
                "or pass --create-suppliers)",
            )
        supplier = create_supplier(record.supplier).page
    article = ArticlePage.objects.filter(supplier=supplier, external_id=record.external_id).first()
    created = article is None
    if created:
        article = ArticlePage(external_id=record.external_id, supplier=supplier)
    elif not force:
        check_not_pending(article)
    article.title, article.kind, article.summary = record.title, record.kind, record.summary
    article.origin, article.publish_date = record.origin, record.published_at
    article.body = merge_body(article.body, record.body)
    article.materials = record.materials
    article.tags.set(record.tags, clear=True)
    if created:
        article.slug = free_slug(supplier, ascii_slug(record.title))
        supplier.add_child(instance=article)
    article.save_revision(clean=not created).publish()  # add_child validated a new page
    return article, created
