"""Attribution's file formats: journey lines and aggregated paths in, the JSON result out.

Journey file (JSON Lines, one buyer company a line)::

    {"account": "...",
     "touches": [{"contact": "...", "article": "a101", "ts": "2024-06-03T08:00Z"}],
     "events": [{"type": "inquiry", "contact": "...", "ts": "..."},
                {"type": "order", "contact": "...", "ts": "...", "value": 48000}]}

Paths file: ChannelAttribution's CSV, columns ``path`` (articles joined by ``>``),
``total_conversions``, and optionally ``total_conversion_value`` and ``total_null``.
Every problem is reported with its line and field; a file with any problem is not attributed.
"""

import csv
import io
import json
import math
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from analytics.attribution import INQUIRY, ORDER, Attribution, Conversion, Journey, Touch
from analytics.markov import PathRow
from content.importers import ImportProblem, LineError

LINE_FIELDS = {"account", "touches", "events"}
TOUCH_FIELDS = {"contact", "article", "ts"}
EVENT_FIELDS = {"type", "contact", "ts", "value"}
PATH_COLUMNS = ("path", "total_conversions", "total_conversion_value", "total_null")
REQUIRED_COLUMNS = ("path", "total_conversions")


def _text(value: Any, field: str, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if value is None:
        raise LineError(field, "is required")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # page ids exported from the database are numbers
    if not isinstance(value, str) or not value.strip():
        raise LineError(field, "must be a non-empty string")
    return value.strip()


def _moment(value: Any, field: str) -> Any:
    if value is None:
        raise LineError(field, "is required")
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise LineError(field, "must be an ISO 8601 date and time, e.g. 2024-06-03T08:00:00+08:00")
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _amount(value: Any, field: str) -> Decimal:
    """A non-negative finite number, given as a JSON number or a decimal string."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise LineError(field, "must be a non-negative number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise LineError(field, "must be a non-negative number") from None
    if not number.is_finite() or number < 0:
        raise LineError(field, "must be a non-negative number")
    return number


def _object(value: Any, field: str, known: set[str]) -> dict:
    if not isinstance(value, dict):
        raise LineError(field, "must be a JSON object")
    unknown = sorted(set(value) - known)
    if unknown:
        raise LineError(f"{field}.{unknown[0]}".lstrip("."), "is not a known field")
    return value


def _list(data: dict, field: str) -> list:
    value = data.get(field)
    if not isinstance(value, list):
        raise LineError(field, "is required" if value is None else "must be a list")
    return value


def _touch(data: Any, field: str) -> Touch:
    data = _object(data, field, TOUCH_FIELDS)
    return Touch(
        contact=_text(data.get("contact"), f"{field}.contact"),
        article=_text(data.get("article"), f"{field}.article"),
        ts=_moment(data.get("ts"), f"{field}.ts"),
    )


def _event(data: Any, field: str) -> Conversion:
    data = _object(data, field, EVENT_FIELDS)
    kind = data.get("type")
    if kind not in (INQUIRY, ORDER):
        raise LineError(f"{field}.type", "must be inquiry or order")
    value = data.get("value")
    if value is None and kind == ORDER:
        raise LineError(f"{field}.value", "is required for an order")
    return Conversion(
        kind=kind,
        contact=_text(data.get("contact"), f"{field}.contact", required=False),
        ts=_moment(data.get("ts"), f"{field}.ts"),
        value=Decimal(0) if value is None else _amount(value, f"{field}.value"),
    )


def parse_journey(raw: str) -> Journey:
    """One journey line, or LineError naming the first bad field."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LineError("", f"not JSON: {exc.msg}") from exc
    except RecursionError as exc:
        raise LineError("", "nested too deeply") from exc
    data = _object(data, "", LINE_FIELDS)
    account = _text(data.get("account"), "account")
    touches = [_touch(t, f"touches[{i}]") for i, t in enumerate(_list(data, "touches"))]
    events = [_event(e, f"events[{i}]") for i, e in enumerate(_list(data, "events"))]
    return Journey(account, touches, events)


def read_journeys(lines: Iterable[str]) -> tuple[list[Journey], list[ImportProblem]]:
    """Every journey of a JSON Lines file and every problem (line, field, reason); blank lines
    are skipped and one account may have only one line."""
    journeys, problems, seen = [], [], {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            journey = parse_journey(raw)
            if journey.account in seen:
                raise LineError("account", f"already given on line {seen[journey.account]}")
        except LineError as exc:
            problems.append(ImportProblem(number, exc.field, exc.message))
            continue
        seen[journey.account] = number
        journeys.append(journey)
    return journeys, problems


def parse_path(text: str) -> tuple[str, ...]:
    if not text.strip():
        raise LineError("path", "is required")
    articles = tuple(part.strip() for part in text.split(">"))
    if not all(articles):
        raise LineError("path", 'has an empty article between ">" separators')
    return articles


def _path_row(row: dict[str, str | None]) -> PathRow:
    articles = parse_path(row["path"] or "")
    counts = {}
    for column in PATH_COLUMNS[1:]:
        cell = (row.get(column) or "").strip()
        if not cell and column in REQUIRED_COLUMNS:
            raise LineError(column, "is required")
        counts[column] = _amount(cell or "0", column)
    if counts["total_conversions"] == 0 and counts["total_conversion_value"] > 0:
        raise LineError("total_conversion_value", "must be 0 when total_conversions is 0")
    return PathRow(
        articles=articles,
        conversions=float(counts["total_conversions"]),
        value=float(counts["total_conversion_value"]),
        nulls=float(counts["total_null"]),
    )


def read_paths(text: str) -> tuple[list[PathRow], list[ImportProblem]]:
    """Every row of a paths CSV and every problem, by row number (the header is row 1)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [ImportProblem(1, "", f"missing column(s): {', '.join(missing)}")]
    rows, problems = [], []
    for row in reader:
        if not any((cell or "").strip() for cell in row.values() if isinstance(cell, str)):
            continue
        try:
            rows.append(_path_row(row))
        except LineError as exc:
            problems.append(ImportProblem(reader.line_num, exc.field, exc.message))
    return rows, problems


def _number(value: float) -> float | int:
    """Exact whole numbers print without a trailing .0; anything else unrounded."""
    return int(value) if math.isfinite(value) and value.is_integer() else value


def _touch_json(touch: Touch) -> dict:
    article = int(touch.article) if touch.article.isdigit() else touch.article
    return {"contact": touch.contact, "article": article, "ts": touch.ts.isoformat()}


def _event_json(event: Conversion) -> dict:
    data: dict = {"type": event.kind, "ts": event.ts.isoformat()}
    if event.contact:
        data["contact"] = event.contact
    if event.kind == ORDER:
        data["value"] = _number(float(event.value))
    return data


def journey_line(journey: Journey) -> str:
    """One journey as a line of the journey file (``parse_journey`` reads it back the same):
    touches in journey order, times with their microseconds and offset."""
    touches = sorted(journey.touches, key=lambda t: (t.ts, t.contact, t.article))
    events = sorted(journey.events, key=lambda e: (e.ts, e.kind))
    return json.dumps(
        {
            "account": journey.account,
            "touches": [_touch_json(touch) for touch in touches],
            "events": [_event_json(event) for event in events],
        },
        ensure_ascii=False,
    )


def attribution_json(result: Attribution) -> dict:
    """``{"models": {model: {conversion: {article: {"conversions", "value"[, removal effects]}}}}}``
    with articles in string order."""
    models: dict = {}
    for model, kinds in result.models.items():
        for kind, credits in kinds.items():
            rows = models.setdefault(model, {}).setdefault(kind, {})
            for article in sorted(credits):
                credit = credits[article]
                row = {"conversions": _number(credit.conversions), "value": _number(credit.value)}
                if credit.removal_effect is not None:
                    row["removal_effect"] = _number(credit.removal_effect)
                    row["removal_effect_value"] = _number(credit.removal_effect_value or 0.0)
                rows[article] = row
    return {"models": models}
