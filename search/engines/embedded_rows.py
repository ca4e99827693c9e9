"""The embedded engine's table writes: document rows, facets and suggestions in multi-row SQL.

The ORM's ``bulk_create`` compiled every value of every row through the query compiler (a
fifth of an index build's write on SQLite), and psycopg's ``executemany`` sends one statement a
row, each waited for (more than half of the write on PostgreSQL). Here each table takes a few
multi-row statements a batch, values prepared once per column kind.
"""

import datetime as dt
import json
from collections.abc import Sequence

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Field
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
FACET_FIELDS = [SearchFacet._meta.get_field(name) for name in ("document", "name", "value")]
SUGGESTION_FIELDS = [SearchSuggestion._meta.get_field(name) for name in ("document", "key", "term")]
PREPARED = ("JSONField", "DateField", "DateTimeField")  # values the backend adapts
ROWS_PER_STATEMENT = 500  # bounded statement size where parameters are not the limit


def upsert_documents(
    cursor: CursorWrapper, documents: Sequence[IndexDocument], vector: tuple[str, str] | None
) -> None:
    """Insert or update each document's row (by page id). ``vector``, if given, is a column
    and its SQL expression over the token columns (PostgreSQL's ``tsvector``), written with
    the row so it is not written twice."""
    quote = connection.ops.quote_name
    fields = [field for _, field in COLUMNS]
    now = timezone.now()
    rows = [
        [now if f.attname == "indexed_at" else getattr(d, f.attname) for f in fields]
        for d in documents
    ]
    columns = [quote(field.column) for field in fields] + ([quote(vector[0])] if vector else [])
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != quote("page_id"))
    _insert(
        cursor,
        DOC,
        fields,
        rows,
        computed=vector,
        tail=f"ON CONFLICT ({quote('page_id')}) DO UPDATE SET {updates}",
    )


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
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _replace_changed(cursor, FACET, FACET_FIELDS, ids, facets)
            _replace_changed(cursor, SUGGESTION, SUGGESTION_FIELDS, ids, suggestions)
            return
        marks = ",".join(["%s"] * len(ids))
        cursor.execute(f"DELETE FROM {FACET} WHERE document_id IN ({marks})", ids)
        cursor.execute(f"DELETE FROM {SUGGESTION} WHERE document_id IN ({marks})", ids)
        _insert(cursor, FACET, FACET_FIELDS, facets)
        _insert(cursor, SUGGESTION, SUGGESTION_FIELDS, suggestions)


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
    cursor: CursorWrapper,
    table: str,
    fields: Sequence[Field],
    rows: Sequence[Sequence],
    *,
    computed: tuple[str, str] | None = None,
    tail: str = "",
) -> None:
    """INSERT ``rows`` (values of ``fields``, in order), then ``tail``; ``computed`` is one
    more column and its SQL over the others' names (PostgreSQL only)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _insert_recordset(cursor, table, fields, rows, computed, tail)
        return
    if computed:
        raise ValueError("a computed column needs PostgreSQL")
    prepare = [
        field.get_db_prep_save if field.get_internal_type() in PREPARED else None
        for field in fields
    ]
    rows = [
        [v if prep is None else prep(v, connection) for prep, v in zip(prepare, row, strict=True)]
        for row in rows
    ]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(ROWS_PER_STATEMENT, connection.features.max_query_params // len(fields)))
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_marks] * len(chunk))} {tail}",
            [value for row in chunk for value in row],
        )


def _insert_recordset(
    cursor: CursorWrapper,
    table: str,
    fields: Sequence[Field],
    rows: Sequence[Sequence],
    computed: tuple[str, str] | None,
    tail: str,
) -> None:
    """All rows as one JSON parameter, read back by ``jsonb_to_recordset``. A statement with a
    placeholder a value cost psycopg's client-side binding a Python-level split of the query
    at every placeholder, and arrays (``UNNEST``) an escape per quote and backslash."""
    quote = connection.ops.quote_name
    names = [field.column for field in fields]
    types = ", ".join(f"{quote(field.column)} {field.db_type(connection)}" for field in fields)
    columns = [quote(name) for name in names]
    selected = [f"r.{column}" for column in columns]
    if computed:
        columns.append(quote(computed[0]))
        selected.append(computed[1])
    payload = json.dumps(
        [dict(zip(names, row, strict=True)) for row in rows], ensure_ascii=False, default=_json
    )
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(selected)}"
        f" FROM jsonb_to_recordset(%s::jsonb) AS r({types}) {tail}",
        [payload],
    )


def _replace_changed(
    cursor: CursorWrapper,
    table: str,
    fields: Sequence[Field],
    ids: Sequence[int],
    rows: Sequence[Sequence],
) -> None:
    """Replace the rows of those documents (``ids``; ``fields[0]`` is the document column)
    whose rows differ, as multisets, from ``rows``; one statement. A rebuild writes mostly
    what is already there, and deleting and inserting the same rows again cost a third of
    its database time at 3,000 articles (the foreign-key check of every row inserted among
    it). The rows each document ends with are the same as with delete and insert."""
    quote = connection.ops.quote_name
    document, *compared = [quote(field.column) for field in fields]
    types = ", ".join(f"{quote(field.column)} {field.db_type(connection)}" for field in fields)
    columns = ", ".join([document, *compared])
    payload = json.dumps(
        [dict(zip((f.column for f in fields), row, strict=True)) for row in rows],
        ensure_ascii=False,
    )

    def values(alias: str) -> str:  # one document's rows as a sorted array: a multiset
        keys = ", ".join(f"{alias}.{c}" for c in compared)
        return f"array_agg(ROW({keys}) ORDER BY {keys})"

    cursor.execute(
        f"WITH new AS MATERIALIZED (SELECT * FROM jsonb_to_recordset(%s::jsonb) AS r({types})),"
        f" changed AS MATERIALIZED (SELECT d.id FROM unnest(%s::integer[]) AS d(id)"
        f" WHERE (SELECT {values('n')} FROM new n WHERE n.{document} = d.id)"
        f" IS DISTINCT FROM (SELECT {values('t')} FROM {table} t WHERE t.{document} = d.id)),"
        f" gone AS (DELETE FROM {table} WHERE {document} IN (SELECT id FROM changed))"
        f" INSERT INTO {table} ({columns}) SELECT {columns} FROM new"
        f" WHERE {document} IN (SELECT id FROM changed)",
        [payload, list(ids)],
    )


def _json(value: object) -> str:
    """Dates and times as ISO text, which PostgreSQL reads back into their columns."""
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
