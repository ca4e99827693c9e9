"""Multi-row INSERTs of unsaved model instances, values prepared by their fields alone.

What ``bulk_create`` and ``Model._base_manager._insert`` write, without the query compiler:
it compiled every value of every row (about a tenth of a bulk import on SQLite), and on
PostgreSQL Django 5.2 sends a batch as arrays through ``UNNEST``, which psycopg's client-side
binding quotes element by element with a regular expression, one substitution per backslash
and quote; a revision's JSON escapes every Chinese character, so that was a fifth of an
import there. Here each value is quoted once, by the driver (libpq on PostgreSQL).
"""

from collections.abc import Sequence

from django.db import connection
from django.db.models import Field, Model

MAX_ROWS = 500  # rows a statement where bound parameters are not the limit


def insert_rows(
    model: type[Model], objs: Sequence[Model], fields: Sequence[Field], *, returning: bool = False
) -> None:
    """INSERT ``fields`` of each of ``objs`` into ``model``'s table; with ``returning``, set
    each object's primary key from the database (objects in the order of their rows).

    For plain column values only: no expressions, no fields with their own placeholder.
    """
    if not objs:
        return
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), model._meta.pk
    columns = ", ".join(quote(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = f" RETURNING {quote(pk.column)}" if returning else ""
    limit = connection.features.max_query_params or MAX_ROWS * len(fields)
    size = max(1, min(MAX_ROWS, limit // max(len(fields), 1)))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            params = [
                field.get_db_prep_save(field.pre_save(obj, add=True), connection)
                for obj in chunk
                for field in fields
            ]
            values = ", ".join([row] * len(chunk))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}{tail}", params)
            if returning:
                for obj, (key,) in zip(chunk, cursor.fetchall(), strict=True):
                    setattr(obj, pk.attname, key)
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
