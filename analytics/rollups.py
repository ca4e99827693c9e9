"""Daily rollups: one day's pageviews and what followed them, per article, supplier, material,
channel and buyer company. A day is always recomputed whole, so re-running is harmless."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction

from analytics.days import day_bounds
from analytics.engagement import is_engaged
from analytics.models import DailyRollup, Dimension, EventType, RawEvent, Visitor
from content.models import ArticlePage, MaterialPage, SupplierPage

# Follow-up events (engagement, scroll, share, download, click) count on their pageview's day;
# a reader who opened a page before midnight is still reading it after.
FOLLOW_UP_WINDOW = timedelta(hours=6)
SCROLL_MARKS = (25, 50, 75, 100)


@dataclass
class _View:
    visitor_id: str
    page_id: int | None
    channel: str
    share_token: str
    active_ms: int = 0
    scroll: int = 0
    shares: int = 0
    downloads: int = 0
    clicks: int = 0


@dataclass
class _Totals:
    views: int = 0
    visitors: set = field(default_factory=set)
    engaged_reads: int = 0
    active_ms: int = 0
    scroll: list = field(default_factory=lambda: [0, 0, 0, 0])
    shares: int = 0
    share_views: int = 0
    share_reach: set = field(default_factory=set)
    downloads: int = 0
    outbound_clicks: int = 0


def page_dimensions(page_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    """For each page id: the article, supplier and material keys its views count towards."""
    ids = set(page_ids)
    dims: dict[int, list[tuple[str, str]]] = defaultdict(list)
    articles = ArticlePage.objects.filter(pk__in=ids).values_list("pk", "supplier_id")
    for pk, supplier_id in articles:
        dims[pk].append((Dimension.ARTICLE, str(pk)))
        if supplier_id:
            dims[pk].append((Dimension.SUPPLIER, str(supplier_id)))
    links = ArticlePage.materials.through.objects.filter(articlepage_id__in=ids)
    for pk, material_id in links.values_list("articlepage_id", "material_id"):
        dims[pk].append((Dimension.MATERIAL, str(material_id)))
    for pk in SupplierPage.objects.filter(pk__in=ids).values_list("pk", flat=True):
        dims[pk].append((Dimension.SUPPLIER, str(pk)))
    for pk, material_id in MaterialPage.objects.filter(pk__in=ids).values_list("pk", "material"):
        dims[pk].append((Dimension.MATERIAL, str(material_id)))
    return dims


def visitor_accounts(visitor_ids: Iterable[str]) -> dict[str, int]:
    """The buyer company each visitor is known to belong to, as identity stands now."""
    rows = Visitor.objects.filter(
        visitor_id__in=list(visitor_ids), contact__account__isnull=False
    ).values_list("visitor_id", "contact__account_id")
    return dict(rows)


def _views_of_day(day: date) -> dict:
    start, end = day_bounds(day)
    views = {
        row[0]: _View(*row[1:])
        for row in RawEvent.objects.filter(
            type=EventType.PAGEVIEW, occurred_at__gte=start, occurred_at__lt=end
        ).values_list("event_id", "visitor_id", "page_id", "channel", "share_token")
    }
    follow_ups = RawEvent.objects.filter(
        occurred_at__gte=start, occurred_at__lt=end + FOLLOW_UP_WINDOW
    ).exclude(type=EventType.PAGEVIEW)
    fields = ("pageview_id", "type", "engaged_ms", "scroll_pct")
    for pageview_id, kind, engaged_ms, scroll_pct in follow_ups.values_list(*fields):
        view = views.get(pageview_id)
        if view is None:
            continue
        view.active_ms = max(view.active_ms, engaged_ms or 0)
        view.scroll = max(view.scroll, scroll_pct or 0)
        view.shares += kind == EventType.SHARE
        view.downloads += kind == EventType.DOWNLOAD
        view.clicks += kind == EventType.CLICK
    return views


def _add(totals: _Totals, view: _View) -> None:
    totals.views += 1
    totals.visitors.add(view.visitor_id)
    totals.engaged_reads += is_engaged(view.active_ms, view.scroll)
    totals.active_ms += view.active_ms
    for i, mark in enumerate(SCROLL_MARKS):
        totals.scroll[i] += view.scroll >= mark
    totals.shares += view.shares
    totals.downloads += view.downloads
    totals.outbound_clicks += view.clicks
    if view.share_token:
        totals.share_views += 1
        totals.share_reach.add(view.visitor_id)


def compute_day(day: date) -> dict[tuple[str, str], _Totals]:
    """The day's totals per (dimension, key), from raw events and identity as they are now."""
    views = _views_of_day(day).values()
    pages = page_dimensions(v.page_id for v in views if v.page_id)
    accounts = visitor_accounts({v.visitor_id for v in views})
    totals: dict[tuple[str, str], _Totals] = defaultdict(_Totals)
    for view in views:
        keys = [(Dimension.SITE, "all"), (Dimension.CHANNEL, view.channel)]
        keys += pages.get(view.page_id, [])
        if view.visitor_id in accounts:
            keys.append((Dimension.ACCOUNT, str(accounts[view.visitor_id])))
        for key in keys:
            _add(totals[key], view)
    return totals


def rollup_day(day: date) -> int:
    """Replace the day's rollup rows with freshly computed ones; returns how many."""
    rows = [
        DailyRollup(
            day=day,
            dimension=dimension,
            key=key,
            views=t.views,
            visitors=len(t.visitors),
            engaged_reads=t.engaged_reads,
            active_ms=t.active_ms,
            scroll_25=t.scroll[0],
            scroll_50=t.scroll[1],
            scroll_75=t.scroll[2],
            scroll_100=t.scroll[3],
            shares=t.shares,
            share_views=t.share_views,
            share_reach=len(t.share_reach),
            downloads=t.downloads,
            outbound_clicks=t.outbound_clicks,
        )
        for (dimension, key), t in compute_day(day).items()
    ]
    with transaction.atomic():
        DailyRollup.objects.filter(day=day).delete()
        DailyRollup.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
