"""The event schema /collect and import_events share: strict types, sizes and per-type fields."""

import json
import re
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from analytics.models import EventType
from content.share_links import SHARE_TOKEN

MAX_URL = 2048
SHARE_METHODS = ("copy", "qr", "native", "wechat", "link")
ID_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")
# Characters a browser always percent-encodes in an address: any of them means the value was
# made up by hand (``<script>`` in a URL is refused here, not escaped later).
URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f<>\"`\\]")
INVALID_TEXT = "is not valid text (contains a lone UTF-16 surrogate)"
REQUIRED = {
    EventType.PAGEVIEW: (),
    EventType.ENGAGEMENT: ("pageview_id", "engaged_ms"),
    EventType.SCROLL: ("pageview_id", "scroll_pct"),
    EventType.SHARE: ("pageview_id", "share_token", "method"),
    EventType.CLICK: ("pageview_id", "target"),
    EventType.DOWNLOAD: ("pageview_id", "target"),
}


class SchemaError(Exception):
    """Every problem found, as ``{"field", "message"}`` items of the API's error shape."""

    def __init__(self, detail: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{d['field']}: {d['message']}" for d in detail))
        self.detail = detail


def _is_text(value: str) -> bool:
    """False for a string no database can store: JSON's ``\\ud800`` escapes decode to lone
    surrogates, which are not Unicode text: the insert would fail on them."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _uuid(value: Any) -> uuid.UUID:
    if not isinstance(value, str) or len(value) != 36:
        raise ValueError("must be a UUID string like 8f0c…-…")
    return uuid.UUID(value)


def _url(value: Any, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    if value == "" and allow_empty:
        return value
    if len(value) > MAX_URL:
        raise ValueError(f"longer than {MAX_URL} characters")
    if URL_FORBIDDEN.search(value):
        raise ValueError("contains characters that are not allowed in a URL")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an absolute http(s) URL")
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked for it
    except ValueError:
        raise ValueError("has a port that is not a number from 0 to 65535") from None
    return value


def _int(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("must be an integer")
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value

    return check


def _pattern(regex: re.Pattern, what: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not regex.fullmatch(value):  # no trailing newline
            raise ValueError(f"must be {what}")
        return value

    return check


def _choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return value

    return check


def _timestamp(value: Any) -> datetime:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise ValueError("must be an ISO 8601 date and time, e.g. 2026-05-01T09:30:00+08:00")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed > timezone.now() + timedelta(minutes=5):
        raise ValueError("is in the future")
    return parsed


def _user_agent(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 512:
        raise ValueError("must be a string of at most 512 characters")
    return value


FIELDS: dict[str, Callable[[Any], Any]] = {
    "event_id": _uuid,
    "type": _choice(tuple(EventType.values)),
    "url": _url,
    "page_id": _int(1, 2**31 - 1),
    "visitor_id": _pattern(ID_RE, "8–64 letters, digits, '-' or '_'"),
    "referrer": lambda v: _url(v, allow_empty=True),
    "engaged_ms": _int(0, 24 * 3600 * 1000),
    "scroll_pct": _int(0, 100),
    "share_token": _pattern(SHARE_TOKEN, "6–32 letters, digits, '-' or '_'"),
    "pageview_id": _uuid,
    "target": _url,
    "method": _choice(SHARE_METHODS),
}
# import_events adds an explicit time and, optionally, the user agent the reader had.
IMPORT_FIELDS = {**FIELDS, "ts": _timestamp, "user_agent": _user_agent}


def validate_event(raw: Any, where: str, *, fields: dict = FIELDS) -> dict[str, Any]:
    """One event, cleaned; raises SchemaError naming each bad field as ``where.field``."""
    if not isinstance(raw, dict):
        raise SchemaError([{"field": where, "message": "each event must be a JSON object"}])
    errors = [
        {"field": f"{where}.{name}", "message": "unknown field"}
        for name in raw
        if name not in fields
    ]
    event: dict[str, Any] = {}
    for name, value in raw.items():
        if name in fields and value is not None:
            if isinstance(value, str) and not _is_text(value):
                errors.append({"field": f"{where}.{name}", "message": INVALID_TEXT})
                continue
            try:
                event[name] = fields[name](value)
            except ValueError as exc:
                errors.append({"field": f"{where}.{name}", "message": str(exc)})
    kind = event.get("type")
    required = ("event_id", "type", "url", *REQUIRED.get(kind, ()))
    if fields is IMPORT_FIELDS:
        required += ("ts", "visitor_id")
    errors += [
        {"field": f"{where}.{name}", "message": "is required"}
        for name in required
        if name not in event and not any(e["field"] == f"{where}.{name}" for e in errors)
    ]
    if errors:
        raise SchemaError(errors)
    return event


def parse_batch(body: bytes, max_events: int) -> list[dict[str, Any]]:
    """A POST body (one event object or a list of them) as clean events, or SchemaError."""
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SchemaError([{"field": "body", "message": f"not UTF-8 at byte {exc.start}"}]) from exc
    except json.JSONDecodeError as exc:
        message = f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise SchemaError([{"field": "body", "message": message}]) from exc
    except RecursionError as exc:
        raise SchemaError([{"field": "body", "message": "nested too deeply"}]) from exc
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data:
        raise SchemaError([{"field": "body", "message": "expected an event or a list of events"}])
    if len(data) > max_events:
        message = f"{len(data)} events; at most {max_events} per request"
        raise SchemaError([{"field": "body", "message": message}])
    events, errors = [], []
    for i, raw in enumerate(data):
        try:
            events.append(validate_event(raw, f"events[{i}]"))
        except SchemaError as exc:
            errors += exc.detail
    if errors:
        raise SchemaError(errors)
    return events
