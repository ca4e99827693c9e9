"""CSV import of orders (``import_orders`` and the admin upload): the header checked once, each
row through ``validate_order``, each good row committed on its own, each bad row reported."""

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DatabaseError
from django.utils.translation import gettext as _

from analytics.orders import FIELDS, REQUIRED, FieldError, Lookups, save_order, validate_order

# The company may be named by either column, but the name column is always expected.
REQUIRED_COLUMNS = (*REQUIRED, "buyer_company")


class OrderFileError(ValueError):
    """A file that cannot be imported at all (not UTF-8, no header, wrong columns)."""


@dataclass
class RowProblem:
    """One error of one row; ``row`` counts the header as row 1, as a spreadsheet does."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        return f"row {self.row}{where}: {self.message}"


@dataclass
class OrderImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len({p.row for p in self.problems})

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.failed} row(s) failed"
        )


def decode_csv(raw: bytes) -> str:
    """The text of a UTF-8 CSV file, with or without the BOM Excel writes; anything else is
    refused rather than guessed (a GBK file decoded as something else corrupts names)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise OrderFileError(_("The file is UTF-16 text; save it as CSV UTF-8."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = _(
            "The file is not UTF-8 text (byte %(byte)d); save it as CSV UTF-8 "
            "(Excel: CSV UTF-8 (Comma delimited))."
        )
        raise OrderFileError(message % {"byte": exc.start}) from exc


def read_rows(text: str) -> tuple[list[str], list[list[str]]]:
    """The checked header and the data rows of a CSV text."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise OrderFileError(_("The file is not valid CSV: %(error)s") % {"error": exc}) from exc
    if not rows:
        raise OrderFileError(_("The file is empty; its first row must name the columns."))
    header = [name.strip() for name in rows[0]]
    check_header(header)
    return header, rows[1:]


def check_header(header: list[str]) -> None:
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        problems.append(_("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)})
    unknown = [name for name in header if name not in FIELDS]
    if unknown:
        message = _("Unknown column(s): %(columns)s (the columns are: %(expected)s).")
        problems.append(message % {"columns": ", ".join(unknown), "expected": ", ".join(FIELDS)})
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        problems.append(_("Repeated column(s): %(columns)s.") % {"columns": ", ".join(repeated)})
    if problems:
        raise OrderFileError(" ".join(problems))


def import_orders(
    header: list[str],
    rows: list[list[str]],
    *,
    source: str,
    on_row: Callable[[], None] | None = None,
) -> OrderImportReport:
    """Validate and record each row; a bad row is reported by row number, field and reason and
    nothing of it is written; good rows are committed one by one."""
    report, lookups = OrderImportReport(), Lookups()
    for number, values in enumerate(rows, start=2):
        if any(value.strip() for value in values):
            _import_row(number, header, values, source, lookups, report)
        if on_row:
            on_row()
    return report


def _import_row(
    number: int,
    header: list[str],
    values: list[str],
    source: str,
    lookups: Lookups,
    report: OrderImportReport,
) -> None:
    if len(values) > len(header):
        message = _("More values than columns in the header.")
        report.problems.append(RowProblem(number, "", message))
        return
    data, errors = validate_order(dict(zip(header, values, strict=False)), lookups)
    if errors:
        report.problems.extend(RowProblem(number, name, message) for name, message in errors)
        return
    try:
        recorded = save_order(data, source)
    except FieldError as exc:
        report.problems.append(RowProblem(number, exc.field, exc.message))
    except DatabaseError as exc:  # rolled back with the row's transaction
        report.problems.append(RowProblem(number, "", _("Not saved: %(error)s") % {"error": exc}))
    else:
        report.created += recorded.created
        report.updated += recorded.changed and not recorded.created
        report.unchanged += not recorded.changed
