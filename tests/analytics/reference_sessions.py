"""The per-row Python sessionisation the SQL one replaced, kept as the slow reference."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings

from analytics.days import day_bounds
from analytics.models import EventType, RawEvent, Session

# How far around the day events are read: a session starting in the day is found exactly as long
# as it does not run on, without a pause, for more than this past the day's end.
SPAN = timedelta(days=1)
FIELDS = ("visitor_id", "occurred_at", "type", "pageview_id", "page_id", "channel", "source")
MORE = ("share_token", "engaged_ms", "event_id")


@dataclass
class _Open:
    visitor_id: str
    started_at: datetime
    ended_at: datetime
    events: int = 0
    entry: dict | None = None
    pageviews: int = 0
    engaged: dict = field(default_factory=dict)  # pageview id → its largest engaged_ms


def reference_sessions(day: date) -> list[Session]:
    """The sessions starting on ``day``, unsaved, built row by row."""
    start, end = day_bounds(day)
    gap = timedelta(minutes=settings.ANALYTICS_SESSION_GAP_MINUTES)
    visitors = (
        RawEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .values("visitor_id")
        .distinct()
    )
    rows = (
        RawEvent.objects.filter(
            visitor_id__in=visitors, occurred_at__gte=start - SPAN, occurred_at__lt=end + SPAN
        )
        .order_by("visitor_id", "occurred_at", "id")
        .values(*FIELDS, *MORE)
    )
    sessions: list[Session] = []
    current: _Open | None = None
    for row in rows.iterator(chunk_size=5000):
        if (
            current is None
            or row["visitor_id"] != current.visitor_id
            or row["occurred_at"] - current.ended_at > gap
        ):
            _close(current, start, end, sessions)
            current = _Open(row["visitor_id"], row["occurred_at"], row["occurred_at"])
        _add(current, row)
    _close(current, start, end, sessions)
    return sessions


def _add(session: _Open, row: dict) -> None:
    session.ended_at = row["occurred_at"]
    session.events += 1
    if row["type"] == EventType.PAGEVIEW:
        session.pageviews += 1
        session.entry = session.entry or row
    if row["engaged_ms"] is not None and row["pageview_id"] is not None:
        key = row["pageview_id"]
        session.engaged[key] = max(session.engaged.get(key, 0), row["engaged_ms"])


def _close(session: _Open | None, start: datetime, end: datetime, out: list[Session]) -> None:
    if session is None or not start <= session.started_at < end:
        return
    entry = session.entry or {}
    out.append(
        Session(
            visitor_id=session.visitor_id,
            started_at=session.started_at,
            ended_at=session.ended_at,
            pageviews=session.pageviews,
            events=session.events,
            engaged_ms=sum(session.engaged.values()),
            entry_page_id=entry.get("page_id"),
            channel=entry.get("channel", ""),
            source=entry.get("source", ""),
            share_token=entry.get("share_token", ""),
        )
    )
