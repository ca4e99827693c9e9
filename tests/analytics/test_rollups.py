"""Sessions and daily rollups against a hand-computed day, re-runs, and identity after the fact."""

import json
import uuid
from datetime import date

import pytest

from analytics.backfill import import_events
from analytics.identity import identify
from analytics.models import DailyRollup, Session, ShareToken
from analytics.processing import process_day
from tests.analytics.helpers import WECHAT
from tests.factories import ArticlePageFactory

DAY = date(2026, 5, 1)
BAIDU = "https://www.baidu.com/s?wd=黄芪"
METRICS = (
    "views", "visitors", "engaged_reads", "active_ms", "scroll_25", "scroll_50", "scroll_75",
    "scroll_100", "shares", "share_views", "share_reach", "downloads", "outbound_clicks",
)  # fmt: skip


@pytest.fixture
def articles(supplier_a, supplier_b, materials):
    a = ArticlePageFactory(parent=supplier_a.page, title="岷县黄芪")
    a.materials.set([materials["黄芪"]])
    b = ArticlePageFactory(parent=supplier_b.page, title="文山三七")
    b.materials.set([materials["三七"], materials["人参"]])
    for page in (a, b):
        page.save_revision().publish()
    return a, b


def _line(kind: str, ts: str, visitor: str, page, **fields) -> str:
    event = {
        "event_id": str(uuid.uuid4()),
        "type": kind,
        "ts": f"2026-{ts}+08:00",
        "visitor_id": visitor,
        "url": f"http://localhost{page.url}",
        "page_id": page.pk,
        **fields,
    }
    return json.dumps(event)


def _read(
    visitor, page, at, engaged_at, engaged_ms, scroll, referrer="", **view
) -> tuple[list[str], str]:
    pv = str(uuid.uuid4())
    lines = [_line("pageview", at, visitor, page, referrer=referrer, **view)]
    lines[0] = lines[0].replace(json.loads(lines[0])["event_id"], pv)
    lines.append(
        _line(
            "engagement",
            engaged_at,
            visitor,
            page,
            pageview_id=pv,
            engaged_ms=engaged_ms,
            scroll_pct=scroll,
        )
    )
    return lines, pv


@pytest.fixture
def history(articles):
    """The hand-computed day (comments give each pageview's active time and scroll depth)."""
    a, b = articles
    lines: list[str] = []
    r1, pv1 = _read("visitor-1", a, "05-01T09:00:00", "05-01T09:00:40", 40_000, 80, BAIDU)
    lines += r1
    lines.append(
        _line(
            "download",
            "05-01T09:01:00",
            "visitor-1",
            a,
            pageview_id=pv1,
            target="http://localhost/documents/1/report.pdf",
        )
    )
    r2, pv2 = _read(
        "visitor-1", b, "05-01T09:10:00", "05-01T09:10:30", 5_000, 30, f"http://localhost{a.url}"
    )
    lines += r2
    lines.append(
        _line(
            "share",
            "05-01T09:11:00",
            "visitor-1",
            b,
            pageview_id=pv2,
            share_token="TOKEN1abc",
            method="copy",
        )
    )
    lines += _read("visitor-1", a, "05-01T10:00:00", "05-01T10:01:00", 10_000, 100)[0]
    lines += _read(
        "visitor-2", b, "05-01T11:00:00", "05-01T11:00:40", 31_000, 20, share_token="TOKEN1abc",
        user_agent=WECHAT,
    )[0]  # fmt: skip
    # Opened before midnight, engagement reported after: counts on the pageview's day.
    lines += _read("visitor-2", a, "05-01T23:50:00", "05-02T00:10:00", 60_000, 50)[0]
    lines += _read("visitor-3", a, "05-02T08:00:00", "05-02T08:00:20", 20_000, 10)[0]
    report = import_events(lines)
    assert not report.problems
    assert report.stored == len(lines)
    process_day(DAY)
    process_day(date(2026, 5, 2))
    return a, b


def _rollups(day: date = DAY) -> dict:
    return {
        (r["dimension"], r["key"]): tuple(r[m] for m in METRICS)
        for r in DailyRollup.objects.filter(day=day).values("dimension", "key", *METRICS)
    }


def test_rollups_match_the_hand_computed_day(history, supplier_a, supplier_b, materials):
    a, b = history
    #          views vis engaged active   s25 s50 s75 s100 shr sv reach dl out
    article_a = (3, 2, 3, 110_000, 3, 3, 2, 1, 0, 0, 0, 1, 0)
    article_b = (2, 2, 1, 36_000, 1, 0, 0, 0, 1, 1, 1, 0, 0)
    expected = {
        ("site", "all"): (5, 2, 4, 146_000, 4, 3, 2, 1, 1, 1, 1, 1, 0),
        ("article", str(a.pk)): article_a,
        ("article", str(b.pk)): article_b,
        ("supplier", str(supplier_a.page.pk)): article_a,
        ("supplier", str(supplier_b.page.pk)): article_b,
        ("material", str(materials["黄芪"].pk)): article_a,
        ("material", str(materials["三七"].pk)): article_b,
        ("material", str(materials["人参"].pk)): article_b,
        ("channel", "search"): (1, 1, 1, 40_000, 1, 1, 1, 0, 0, 0, 0, 1, 0),
        ("channel", "internal"): (1, 1, 0, 5_000, 1, 0, 0, 0, 1, 0, 0, 0, 0),
        ("channel", "direct"): (2, 2, 2, 70_000, 2, 2, 1, 1, 0, 0, 0, 0, 0),
        ("channel", "wechat"): (1, 1, 1, 31_000, 0, 0, 0, 0, 0, 1, 1, 0, 0),
    }
    assert _rollups() == expected
    next_day = _rollups(date(2026, 5, 2))
    assert next_day[("site", "all")] == (1, 1, 0, 20_000, 0, 0, 0, 0, 0, 0, 0, 0, 0)


def test_sessions_split_at_thirty_minutes_and_belong_to_their_start_day(history):
    a, b = history
    rows = list(
        Session.objects.order_by("started_at").values_list(
            "visitor_id", "pageviews", "events", "engaged_ms", "entry_page_id", "channel"
        )
    )
    assert rows == [
        ("visitor-1", 2, 6, 45_000, a.pk, "search"),
        ("visitor-1", 1, 2, 10_000, a.pk, "direct"),
        ("visitor-2", 1, 2, 31_000, b.pk, "wechat"),
        ("visitor-2", 1, 2, 60_000, a.pk, "direct"),  # ends after midnight
        ("visitor-3", 1, 2, 20_000, a.pk, "direct"),
    ]
    late = Session.objects.get(visitor_id="visitor-2", entry_page_id=a.pk)
    assert late.ended_at.isoformat() == "2026-05-01T16:10:00+00:00"


def test_rerunning_a_day_changes_nothing(history):
    before_rollups = _rollups()
    before_sessions = list(Session.objects.order_by("started_at").values())

    process_day(DAY)
    process_day(DAY)

    assert _rollups() == before_rollups
    after = list(Session.objects.order_by("started_at").values())
    assert [{**s, "id": 0} for s in after] == [{**s, "id": 0} for s in before_sessions]
    assert ShareToken.objects.count() == 1


def test_share_token_is_registered_with_its_sharer(history):
    _, b = history
    token = ShareToken.objects.get()
    assert (token.token, token.page_id, token.sharer_visitor_id, token.method) == (
        "TOKEN1abc",
        b.pk,
        "visitor-1",
        "copy",
    )
    assert token.parent_token == ""


def test_identifying_a_visitor_later_brings_their_history_to_the_company(
    history, django_capture_on_commit_callbacks
):
    assert not DailyRollup.objects.filter(dimension="account").exists()

    with django_capture_on_commit_callbacks(execute=True):
        contact = identify(
            "visitor-1", email="li.ming@jiuzhou-pharma.com", name="李明", company="九州药业"
        )

    account = contact.account
    assert (account.name, account.email_domain) == ("九州药业", "jiuzhou-pharma.com")
    # visitor-1's three pageviews of the day: 40 s + 5 s + 10 s, two of them engaged.
    assert _rollups()[("account", str(account.pk))] == (
        3, 1, 2, 55_000, 3, 2, 2, 1, 1, 0, 0, 1, 0,
    )  # fmt: skip
    assert _rollups()[("site", "all")][0] == 5  # the totals do not change
