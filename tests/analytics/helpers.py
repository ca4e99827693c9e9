"""Builders for tracker events and the browsers that send them, shared by analytics tests."""

import csv
import io
import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.test import Client

from analytics.models import EventType, RawEvent

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
WECHAT = (
    "Mozilla/5.0 (Linux; Android 13; V2148A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47"
)
URL = "http://testserver/suppliers/a/huangqi/"


def event(type_: str = "pageview", **fields: Any) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "type": type_, "url": URL, **fields}


def reading(page_id: int | None = None, **pageview: Any) -> list[dict[str, Any]]:
    """What the tracker sends for one read: a pageview, an engagement and a scroll mark."""
    who = {"visitor_id": pageview.pop("visitor_id")} if "visitor_id" in pageview else {}
    view = event("pageview", page_id=page_id, **{"referrer": "", **pageview}, **who)
    view = {k: v for k, v in view.items() if v is not None}
    pv = view["event_id"]
    return [
        view,
        event("scroll", pageview_id=pv, scroll_pct=50, **who),
        event("engagement", pageview_id=pv, engaged_ms=42_000, scroll_pct=60, **who),
    ]


def post(client: Client, body: Any, *, agent: str = CHROME, raw: bool = False, **headers: Any):
    data = body if raw else json.dumps(body)
    return client.post(
        "/collect", data, content_type="text/plain", HTTP_USER_AGENT=agent, **headers
    )


def roll_company_reads() -> int:
    """Build the ``CompanyRead`` rollup of every day that has pageviews, as the periodic run
    does, without touching the other rollups (fixtures write those by hand)."""
    from analytics.days import local_day
    from analytics.models import RawEvent
    from analytics.rollups import rollup_company_reads

    moments = RawEvent.objects.filter(type="pageview").values_list("occurred_at", flat=True)
    return sum(rollup_company_reads(day) for day in sorted({local_day(m) for m in moments}))


def panel_of(response, slug: str):
    """The dashboard panel ``slug`` of a rendered dashboard response."""
    return next(p for p in response.context["panels"] if p.slug == slug)


def panel_rows(response, slug: str) -> list[list]:
    """The rows of panel ``slug``'s table, as the page and its exports show them."""
    return panel_of(response, slug).table.rows


def csv_tables(content: bytes) -> list[list[list[str]]]:
    """A dashboard's CSV export split into its tables (a blank line between two)."""
    tables, current = [], []
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        if not row:
            tables.append(current)
            current = []
        else:
            current.append(row)
    return [*tables, current]


def read(visitor: str, page, at: datetime, *, ms: int = 40_000, scroll: int = 30, channel="search"):
    """A pageview and its engagement follow-up, as /collect stores them."""
    pageview = uuid.uuid4()
    common = {
        "visitor_id": visitor,
        "visitor_kind": "cookie",
        "url": f"http://localhost{page.url}",
        "page_id": page.pk,
        "channel": channel,
        "device": "desktop",
        "browser": "chrome",
    }
    RawEvent.objects.create(
        event_id=pageview, type=EventType.PAGEVIEW, occurred_at=at, received_at=at, **common
    )
    later = at + timedelta(minutes=1)
    RawEvent.objects.create(
        event_id=uuid.uuid4(),
        type=EventType.ENGAGEMENT,
        pageview_id=pageview,
        engaged_ms=ms,
        scroll_pct=scroll,
        occurred_at=later,
        received_at=later,
        **common,
    )
