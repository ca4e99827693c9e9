"""Synthetic raw events in bulk: a seeded, random day of reading for the rollup reference test
and the rollup benchmark, written with executemany (SQLite) or COPY (PostgreSQL).

The day holds what makes rollups hard: follow-ups reported after midnight (and some after the
six-hour window), pauses of exactly the session gap, equal timestamps, sub-second times, share
chains, unknown pages and follow-ups of pageviews that were never stored.
"""

import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction

from analytics.days import day_bounds
from analytics.models import RawEvent

CHANNELS = ("direct", "search", "wechat", "internal", "social", "referral", "campaign")
BATCH = 20_000  # rows per executemany: big enough to amortise, small enough for memory
FIELDS = [f for f in RawEvent._meta.concrete_fields if not f.primary_key]


@dataclass(frozen=True)
class Population:
    """Who reads what: the page ids of the site (plus None and an unknown id) and visitor ids."""

    page_ids: Sequence[int | None]
    visitor_ids: Sequence[str]


class _Day:
    """Builds rows for one day; every row is a dict of RawEvent's field names."""

    def __init__(self, rng: random.Random, day: date, population: Population) -> None:
        self.rng, self.population = rng, population
        self.start = day_bounds(day)[0].astimezone(UTC)  # UTC arithmetic: no zone lookups
        self.tokens: list[str] = []
        self.last_seen: dict[str, datetime] = {}

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def moment(self, visitor: str) -> datetime:
        """Mostly uniform over the day; sometimes just before it, just before midnight, or
        exactly one session gap (or one microsecond more) after the visitor's last event."""
        r = self.rng.random()
        last = self.last_seen.get(visitor)
        if last and r < 0.05:
            return last + timedelta(minutes=30, microseconds=self.rng.choice((0, 0, 1)))
        if r < 0.08:
            return self.start - timedelta(seconds=self.rng.randrange(1, 4 * 3600))
        if r < 0.15:
            return self.start + timedelta(days=1) - timedelta(seconds=self.rng.randrange(1, 3600))
        micro = self.rng.choice((0, 0, 0, self.rng.randrange(1_000_000)))
        return self.start + timedelta(seconds=self.rng.randrange(86_400), microseconds=micro)

    def base(self, kind: str, at: datetime, visitor: str, page_id: int | None) -> dict:
        self.last_seen[visitor] = max(at, self.last_seen.get(visitor, at))
        return {
            "event_id": self.uuid(), "type": kind, "occurred_at": at, "received_at": at,
            "visitor_id": visitor, "visitor_kind": "cookie", "user_id": None,
            "pageview_id": None, "page_id": page_id, "url": "https://example.com/p/",
            "referrer": "", "channel": "direct", "source": "", "utm_medium": "",
            "utm_campaign": "", "share_token": "", "method": "", "target": "",
            "engaged_ms": None, "scroll_pct": None, "device": "desktop", "browser": "chrome",
            "ip_prefix": "",
        }  # fmt: skip

    def read(self) -> list[dict]:
        """One pageview and its follow-ups (none, or a few: engagement, scroll, share, …)."""
        rng = self.rng
        visitor = rng.choice(self.population.visitor_ids)
        page_id = rng.choice(self.population.page_ids)
        at = self.moment(visitor)
        view = self.base("pageview", at, visitor, page_id)
        view["channel"] = rng.choice(CHANNELS)
        if self.tokens and rng.random() < 0.1:
            view["share_token"], view["channel"] = rng.choice(self.tokens), "wechat"
        rows = [view]
        for _ in range(rng.choice((0, 1, 2, 2, 3, 4))):
            rows.append(self.follow_up(view))
        if rng.random() < 0.01:  # a follow-up whose pageview was never stored
            orphan = self.follow_up(view)
            orphan["pageview_id"] = self.uuid()
            rows.append(orphan)
        return rows

    def follow_up(self, view: dict) -> dict:
        rng = self.rng
        r = rng.random()
        late = timedelta(hours=rng.choice((5, 6, 7))) if r < 0.02 else timedelta(0)
        at = view["occurred_at"] + late + timedelta(seconds=rng.choice((0, rng.randrange(3600))))
        kind = rng.choices(
            ("engagement", "scroll", "share", "download", "click"), (50, 30, 8, 6, 6)
        )[0]
        row = self.base(kind, at, view["visitor_id"], view["page_id"])
        row["pageview_id"] = view["event_id"]
        if kind == "engagement":
            row["engaged_ms"] = rng.randrange(0, 120_000)
            row["scroll_pct"] = rng.choice((None, rng.randrange(0, 101)))
        elif kind == "scroll":
            row["scroll_pct"] = rng.choice((25, 50, 75, 100))
        elif kind == "share":
            row["share_token"] = f"T{rng.getrandbits(60):015x}"
            row["method"] = rng.choice(("copy", "wechat"))
            self.tokens.append(row["share_token"])
        else:
            row["target"] = "https://example.org/file.pdf"
        return row


def synthetic_day(day: date, events: int, population: Population, seed: int) -> Iterator[dict]:
    """About ``events`` rows around ``day`` (reads are emitted whole, so a few more)."""
    builder, made = _Day(random.Random(seed), day, population), 0
    while made < events:
        rows = builder.read()
        made += len(rows)
        yield from rows


def insert_synthetic(rows: Iterator[dict]) -> int:
    """Write rows as fast as the backend takes them: COPY on PostgreSQL, executemany on SQLite."""
    if connection.vendor == "postgresql":
        return _copy(rows)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(RawEvent._meta.db_table),
        ", ".join(quote(f.column) for f in FIELDS),
        ", ".join(["%s"] * len(FIELDS)),
    )
    names = [f.attname for f in FIELDS]
    count, batch = 0, []
    with transaction.atomic(), connection.cursor() as cursor:
        for row in rows:
            row["event_id"] = row["event_id"].hex
            if row["pageview_id"]:
                row["pageview_id"] = row["pageview_id"].hex
            for key in ("occurred_at", "received_at"):
                row[key] = _sqlite_moment(row[key])
            batch.append([row[n] for n in names])
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        cursor.executemany(sql, batch)
    return count + len(batch)


def _sqlite_moment(value: datetime) -> str:
    """What Django stores for an aware datetime on SQLite, without a zone lookup for UTC ones."""
    if value.tzinfo is UTC:
        return str(value.replace(tzinfo=None))
    return connection.ops.adapt_datetimefield_value(value)


def _copy(rows: Iterator[dict]) -> int:
    columns = ", ".join(connection.ops.quote_name(f.column) for f in FIELDS)
    names = [f.attname for f in FIELDS]
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        sql = f"COPY {connection.ops.quote_name(RawEvent._meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row([row[n] for n in names])
                count += 1
    return count
