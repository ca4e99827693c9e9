"""CSV and Excel files of the tables a dashboard shows, row for row."""

import csv
import io
import re

import xlsxwriter
from django.http import HttpResponse

from analytics.dashboards.panels import Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(tables: list[Table], name: str) -> HttpResponse:
    """Every table in one CSV file, each under its caption, separated by a blank line.

    UTF-8 with a byte-order mark, so Excel on Windows reads the Chinese labels correctly.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for i, table in enumerate(tables):
        if i:
            writer.writerow([])
        writer.writerow([table.caption])
        writer.writerow(table.columns)
        writer.writerows(table.rows)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    return _attachment(response, f"{name}.csv")


def _sheet_name(caption: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", caption)[:28] or "Sheet"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:26]}{n}", n + 1
    used.add(name)
    return name


def xlsx_response(tables: list[Table], name: str) -> HttpResponse:
    """One worksheet per table: its columns in bold, then its rows."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    used: set[str] = set()
    for table in tables:
        sheet = book.add_worksheet(_sheet_name(table.caption, used))
        sheet.write_row(0, 0, table.columns, bold)
        for i, row in enumerate(table.rows, start=1):
            sheet.write_row(i, 0, row)
        sheet.set_column(0, 0, 36)
    book.close()
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX), f"{name}.xlsx")
