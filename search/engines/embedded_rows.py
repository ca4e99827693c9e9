"""The embedded engine's table writes: document rows, facets and suggestions in multi-row SQL.

The ORM's ``bulk_create`` compiled every value of every row through the query compiler (a
fifth of an index build's write on SQLite), and psycopg's ``executemany`` sends one statement a
row, each waited for (more than half of the write on PostgreSQL). Here each table takes a few
multi-row statements a batch, values prepared once per column kind.
"""

from collections.abc import Callable, Iterable, Sequence

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from search.analysis import CJK_RUN, to_pinyin
from search.engines.base import IndexDocument
from search.models import SearchDocument, SearchFacet, SearchSuggestion

DOC = SearchDocument._meta.db_table
FACET = SearchFacet._meta.db_table
SUGGESTION = SearchSuggestion._meta.db_table
# (column, field) of every stored document column, in the table's order; ``indexed_at`` is the
# write's time, the others are the IndexDocument attribute of the field's name.
COLUMNS = [(f.column, f) for f in SearchDocument._meta.concrete_fields]
PREPARED = ("JSONField", "DateField", "DateTimeField")  # values the backend adapts
ROWS_PER_STATEMENT = 500  # bounded statement size where parameters are not the limit


def upsert_documents(
    cursor: CursorWrapper, documents: Sequence[IndexDocument], vector: tuple[str, str] | None
) -> None:
    """Insert or update each document's row (by page id). ``vector``, if given, is a column
    and its SQL expression over the four token fields (PostgreSQL's ``tsvector``), written
    with the row so it is not written twice."""
    quote = connection.ops.quote_name
    columns = [quote(column) for column, _ in COLUMNS]
    marks = ["%s"] * len(COLUMNS)
    if vector:
        columns.append(quote(vector[0]))
        marks.append(vector[1])
    now = timezone.now()
    getters = [_getter(field, now) for _, field in COLUMNS]
    rows = []
    for document in documents:
        row = [get(document) for get in getters]
        if vector:
            row += [
                document.title_tokens,
                document.material_tokens,
                document.meta_tokens,
                document.body_tokens,
            ]
        rows.append(row)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != quote("page_id"))
    _insert(
        cursor,
        f"INSERT INTO {DOC} ({', '.join(columns)}) VALUES",
        f"({', '.join(marks)})",
        rows,
        f"ON CONFLICT ({quote('page_id')}) DO UPDATE SET {updates}",
    )


def _getter(field, now) -> Callable[[IndexDocument], object]:
    """How a row takes this field's value from a document, adapted for the database."""
    if field.attname == "indexed_at":
        value = field.get_db_prep_save(now, connection)
        return lambda document: value
    if field.get_internal_type() in PREPARED:
        name, prepare = field.attname, field.get_db_prep_save
        return lambda document: prepare(getattr(document, name), connection)
    name = field.attname
    return lambda document: getattr(document, name)


def replace_facets_and_suggestions(documents: Sequence[IndexDocument]) -> None:
    """Each document's facet values and suggestion keys instead of those it had. Plain SQL:
    a queryset ``delete()`` fetched every row to delete (Wagtail listens to every model's
    deletes, which rules out Django's fast path)."""
    ids = [d.page_id for d in documents]
    if not ids:
        return
    facets = [
        (d.page_id, name, value[:255])
        for d in documents
        for name, values in d.facets.items()
        for value in values
    ]
    suggestions = [
        (d.page_id, key[:255], term[:255]) for d in documents for key, term in suggestion_keys(d)
    ]
    marks = ",".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FACET} WHERE document_id IN ({marks})", ids)
        cursor.execute(f"DELETE FROM {SUGGESTION} WHERE document_id IN ({marks})", ids)
        _insert(
            cursor, f"INSERT INTO {FACET} (document_id, name, value) VALUES", "(%s, %s, %s)", facets
        )
        _insert(
            cursor,
            f'INSERT INTO {SUGGESTION} (document_id, "key", term) VALUES',
            "(%s, %s, %s)",
            suggestions,
        )


def suggestion_keys(d: IndexDocument) -> list[tuple[str, str]]:
    """(key, term) pairs: each Chinese term under itself and under its pinyin."""
    pairs = []
    for term in d.suggest_terms:
        pairs.append((term.replace(" ", ""), term))
        if CJK_RUN.search(term):
            full, initials = to_pinyin(term)
            pairs.append((full, term))
            if len(term) <= 6:  # initials only for names: "hq" for 黄芪, not for whole titles
                pairs.append((initials, term))
    return list(dict.fromkeys(p for p in pairs if p[0]))


def _insert(
    cursor: CursorWrapper, head: str, row: str, rows: Iterable[Sequence], tail: str = ""
) -> None:
    """``head`` then as many ``row`` tuples a statement as the database's limit on bound
    parameters allows (999 on SQLite), then ``tail``."""
    rows = list(rows)
    if not rows:
        return
    width = len(rows[0])
    limit = connection.features.max_query_params or ROWS_PER_STATEMENT * width
    size = max(1, min(ROWS_PER_STATEMENT, limit // width))
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        values = ", ".join([row] * len(chunk))
        cursor.execute(f"{head} {values} {tail}", [value for each in chunk for value in each])
