"""The one place the set-based rollups differ between SQLite and PostgreSQL, and the helpers
that turn Python values and models into SQL either accepts."""

from datetime import date, datetime

from django.db import connection
from django.db.models import Model


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
