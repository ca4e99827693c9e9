"""Buyer companies' engaged reads from raw events (exact times, for first touch and journeys),
and the buying-group view: who in a company read what, in what order, then asked and bought."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Min, QuerySet

from analytics.models import Account, CompanyRead, EventType, Inquiry, Order, RawEvent, Visitor
from analytics.orders import order_revenue
from content.models import ArticlePage

FOLLOW_UP = timedelta(hours=6)  # as in the rollups: a read started before ``until`` may go on


@dataclass(frozen=True, slots=True)
class Read:
    """One engaged read by a known contact of a buyer company."""

    account_id: int
    contact_id: int
    page_id: int
    at: datetime


def account_visitors(account_ids: Iterable[int]) -> dict[str, tuple[int, int]]:
    """visitor id → (account, contact) for every browser linked to a contact of these companies,
    as identity stands now (the same reading the company rollups use)."""
    rows = Visitor.objects.filter(
        contact__account_id__in=list(account_ids), contact__isnull=False
    ).values_list("visitor_id", "contact__account_id", "contact_id")
    return {visitor: (account, contact) for visitor, account, contact in rows}


def engaged_reads(account_ids: Iterable[int], until: datetime) -> list[Read]:
    """Engaged reads (DESIGN.md's definition) before ``until`` by any contact of these companies,
    by time. Raw events only: reads older than the retention horizon are gone."""
    visitors = account_visitors(account_ids)
    if not visitors:
        return []
    pageviews = RawEvent.objects.filter(
        type=EventType.PAGEVIEW,
        visitor_id__in=list(visitors),
        occurred_at__lt=until,
        page_id__isnull=False,
    ).values_list("event_id", "visitor_id", "page_id", "occurred_at")
    views = {pv: (visitor, page, at) for pv, visitor, page, at in pageviews}
    depth: dict = defaultdict(lambda: [0, 0])  # pageview id → [active ms, deepest scroll]
    # By visitor, not by a list of every pageview id: one indexed range however long the history.
    follow_ups = (
        RawEvent.objects.filter(visitor_id__in=list(visitors), occurred_at__lt=until + FOLLOW_UP)
        .exclude(type=EventType.PAGEVIEW)
        .values_list("pageview_id", "engaged_ms", "scroll_pct")
    )
    for pageview_id, engaged_ms, scroll_pct in follow_ups:
        seen = depth[pageview_id]
        seen[0], seen[1] = max(seen[0], engaged_ms or 0), max(seen[1], scroll_pct or 0)
    reads = []
    for pageview_id, (visitor, page_id, at) in views.items():
        active_ms, scroll = depth.get(pageview_id, (0, 0))
        if is_engaged(active_ms, scroll):
            account, contact = visitors[visitor]
            reads.append(Read(account, contact, page_id, at))
    reads.sort(key=lambda read: (read.at, read.contact_id, read.page_id))
    return reads


def is_engaged(active_ms: int, scroll_pct: int) -> bool:
    return (
        active_ms >= settings.ANALYTICS_ENGAGED_SECONDS * 1000
        or scroll_pct >= settings.ANALYTICS_ENGAGED_SCROLL_PCT
    )


def first_touches(account_ids: Iterable[int], until: datetime) -> dict[int, datetime]:
    """Each company's first engaged read (any contact, any page) before ``until``, from the
    daily ``CompanyRead`` rollup (one grouped query, whatever the companies' history)."""
    rows = (
        CompanyRead.objects.filter(account_id__in=list(account_ids), first_at__lt=until)
        .values("account_id")
        .annotate(first=Min("first_at"))
        .values_list("account_id", "first")
    )
    return dict(rows)


@dataclass
class ContactReads:
    contact_id: int
    name: str
    reads: list[tuple[datetime, int, str]] = field(default_factory=list)  # at, page id, title


@dataclass
class BuyingGroup:
    account: Account
    contacts: list[ContactReads]
    inquiries: list[Inquiry]
    orders: list[tuple[Order, Decimal]]  # each order with the revenue it still carries


def buying_group(
    account: Account, until: datetime, suppliers: frozenset[int] | None = None
) -> BuyingGroup:
    """The company's contacts with what each read (titles, times, in order), then its
    inquiries and orders. For a supplier (``suppliers``) only that supplier's articles,
    inquiries and orders: what a buyer read of a competitor is not the supplier's business."""
    articles = ArticlePage.objects.all()
    if suppliers is not None:
        articles = articles.filter(supplier_id__in=suppliers)
    titles = dict(articles.values_list("pk", "title"))
    contacts = {c.pk: ContactReads(c.pk, str(c)) for c in account.contacts.order_by("pk")}
    for read in engaged_reads([account.pk], until):
        if read.page_id in titles and read.contact_id in contacts:
            contacts[read.contact_id].reads.append((read.at, read.page_id, titles[read.page_id]))
    inquiries = _scoped(account.inquiries.filter(created_at__lt=until), suppliers)
    orders = _scoped(account.orders.filter(ordered_at__lt=until), suppliers)
    return BuyingGroup(
        account=account,
        contacts=list(contacts.values()),
        inquiries=list(inquiries.select_related("material", "supplier").order_by("created_at")),
        orders=[
            (order, order_revenue(order))
            for order in orders.select_related("material", "supplier").order_by("ordered_at")
        ],
    )


def _scoped(queryset: QuerySet, suppliers: frozenset[int] | None) -> QuerySet:
    return queryset if suppliers is None else queryset.filter(supplier_id__in=suppliers)
