"""The one place the set-based rollups differ between SQLite and PostgreSQL, and the helpers
that turn Python values and models into SQL either accepts."""

from datetime import date, datetime

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Model

# PostgreSQL's default work_mem (4 MB) sends the sorts and hashes of a million-event day to
# disk; a rollup transaction may use this much memory per sort instead.
ROLLUP_WORK_MEM = "256MB"


def prepare_rollup(cursor: CursorWrapper) -> None:
    """Settings for one rollup transaction (call inside it: SET LOCAL ends with it)."""
    if connection.vendor == "postgresql":
        cursor.execute(f"SET LOCAL work_mem = '{ROLLUP_WORK_MEM}'")


def epoch_microseconds(column: str) -> str:
    """An exact integer: microseconds since 1970 of a timestamp column.

    SQLite stores UTC text ('YYYY-MM-DD HH:MM:SS[.ffffff]'); julianday() keeps only milliseconds,
    so whole seconds come from it (rounded, exact) and the microseconds from the text itself.
    """
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {column}) * 1000000 AS BIGINT)"
    return (
        f"(CAST(round((julianday(substr({column}, 1, 19)) - 2440587.5) * 86400) AS INTEGER)"
        f" * 1000000 + CAST(substr({column} || '.000000', 21, 6) AS INTEGER))"
    )


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[Model], field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def moment(value: datetime) -> object:
    """An aware datetime as the backend stores it (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def day_value(value: date) -> object:
    return connection.ops.adapt_datefield_value(value)
