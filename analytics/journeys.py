"""Journeys from the database: each buyer company's reads of articles, inquiries and orders as
the pure attribution layer's ``Journey`` objects (so files, the command and the database share
one set of models).

A touch is a pageview of an article page by any browser linked to a contact of the company,
at its server-stamped time; by default only engaged reads count (``analytics.engagement``'s
rule over the pageview's follow-up events, as rollups apply it), ``ATTRIBUTION_TOUCHES=views``
counts every view. The page id is trustworthy: /collect stores the page the url resolves to,
never the page id a client claims (``analytics.pages``, counted as FilteredHit ``page-id``).
Rollups read follow-ups only up to 6 hours past the end of the pageview's day (they recompute by
day); here a follow-up counts whenever it arrived. Identity is read as it stands now, so a
browser linked later brings its earlier reads into the company's journey.

Events are inquiries (at ``created_at``) and orders (at ``ordered_at``, worth their revenue:
the amount, or 0 once cancelled or refunded). Accounts, contacts and articles are their ids
as strings. Everything is read a batch of companies at a time, a few queries per batch.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.db.models import Q

from analytics.attribution import INQUIRY, ORDER, Conversion, Journey, Touch
from analytics.dialect import table
from analytics.models import (
    Account,
    Contact,
    EventType,
    IdentityChange,
    Inquiry,
    Order,
    RawEvent,
    Visitor,
)
from content.models import ArticlePage

# Companies per batch: bounds the IN lists (SQLite allows 32,766 parameters) and the memory
# one batch's reads take.
BATCH = 500


@dataclass(frozen=True, slots=True)
class Read(Touch):
    """A touch that also knows the channel its pageview came through."""

    channel: str = ""


@dataclass(frozen=True, slots=True)
class Event(Conversion):
    """A conversion that also knows which inquiry or order it is."""

    id: int = 0


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    supplier_id: int | None
    material_ids: tuple[int, ...]


def article_facts() -> dict[int, ArticleFacts]:
    """Every article page's supplier and materials (two queries)."""
    materials: dict[int, list[int]] = defaultdict(list)
    links = ArticlePage.materials.through.objects.order_by("material_id")
    for article_id, material_id in links.values_list("articlepage_id", "material_id"):
        materials[article_id].append(material_id)
    return {
        pk: ArticleFacts(supplier_id, tuple(materials.get(pk, ())))
        for pk, supplier_id in ArticlePage.objects.values_list("pk", "supplier_id")
    }


def account_batches(account_ids: Iterable[int] | None = None, size: int = BATCH) -> Iterator[list]:
    """The given companies (or every one) in sorted batches of ``size``."""
    ids = sorted(set(account_ids)) if account_ids is not None else None
    if ids is None:
        ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# One batch's touches in one statement: the companies' browsers, the follow-ups of their
# pageviews aggregated per pageview (only for engaged reads), and the pageviews joined to both.
# The database joins and filters, so no event id or row object crosses into Python.
READS = """
WITH people AS MATERIALIZED (
    SELECT vi.visitor_id, vi.contact_id, c.account_id
    FROM {visitor} vi JOIN {contact} c ON c.id = vi.contact_id
    WHERE c.account_id IN ({ids})
){follow}
SELECT p.account_id, p.contact_id, pv.page_id, pv.channel, pv.occurred_at
FROM {raw} pv JOIN people p ON p.visitor_id = pv.visitor_id{engaged}
WHERE pv.type = 'pageview' AND pv.page_id IS NOT NULL
  AND pv.visitor_id IN (SELECT visitor_id FROM people)"""

FOLLOW = """,
follow AS MATERIALIZED (
    SELECT pageview_id, MAX(engaged_ms) AS active_ms, MAX(scroll_pct) AS scroll
    FROM {raw}
    WHERE visitor_id IN (SELECT visitor_id FROM people)
      AND pageview_id IS NOT NULL AND type <> 'pageview'
    GROUP BY pageview_id
)"""

ENGAGED = """
JOIN follow f ON f.pageview_id = pv.event_id
 AND (COALESCE(f.active_ms, 0) >= %s OR COALESCE(f.scroll, 0) >= %s)"""


def _reads_statement(account_ids: list[int]) -> tuple[str, list[int]]:
    """The batch's reads query and its parameters (``ENGAGED`` is ``engaged_rule`` in SQL)."""
    names = {"raw": table(RawEvent), "visitor": table(Visitor), "contact": table(Contact)}
    ids = ", ".join(str(int(pk)) for pk in account_ids)  # ints only: safe to inline
    if settings.ATTRIBUTION_TOUCHES == "views":
        return READS.format(ids=ids, follow="", engaged="", **names), []
    params = [settings.ANALYTICS_ENGAGED_SECONDS * 1000, settings.ANALYTICS_ENGAGED_SCROLL_PCT]
    follow = FOLLOW.format(**names)
    return READS.format(ids=ids, follow=follow, engaged=ENGAGED, **names), params


def _aware(value: datetime | str) -> datetime:
    """A timestamp as the ORM would give it: SQLite answers raw SQL in naive UTC (a datetime
    through Django's column-type converter, text where the type is lost)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _reads(account_ids: list[int], articles: dict[int, ArticleFacts]) -> dict[int, list[Read]]:
    """Each company's touches: its contacts' article pageviews (engaged ones unless
    ``ATTRIBUTION_TOUCHES`` is ``views``), one query for the batch."""
    reads: dict[int, list[Read]] = defaultdict(list)
    if not account_ids:
        return reads
    sql, params = _reads_statement(account_ids)
    contacts: dict[int, str] = {}  # one string per contact and article, not one per touch
    pages: dict[int, str] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(10_000):
            for account_id, contact_id, page_id, channel, occurred_at in rows:
                if page_id not in articles:
                    continue
                contact = contacts.setdefault(contact_id, str(contact_id))
                article = pages.setdefault(page_id, str(page_id))
                reads[account_id].append(Read(contact, article, _aware(occurred_at), channel))
    return reads


def _events(account_ids: list[int]) -> dict[int, list[Event]]:
    """Each company's inquiries and orders (orders worth their revenue)."""
    events: dict[int, list[Event]] = defaultdict(list)
    inquiries = Inquiry.objects.filter(
        Q(account_id__in=account_ids) | Q(account__isnull=True, contact__account_id__in=account_ids)
    ).values_list("pk", "account_id", "contact__account_id", "contact_id", "created_at")
    for pk, account_id, contact_account_id, contact_id, created_at in inquiries:
        contact = "" if contact_id is None else str(contact_id)
        events[account_id or contact_account_id].append(Event(INQUIRY, contact, created_at, 0, pk))
    orders = (
        Order.objects.with_revenue()
        .filter(account_id__in=account_ids)
        .values_list("pk", "account_id", "contact_id", "ordered_at", "revenue")
    )
    for pk, account_id, contact_id, ordered_at, revenue in orders:
        contact = "" if contact_id is None else str(contact_id)
        events[account_id].append(Event(ORDER, contact, ordered_at, revenue, pk))
    return events


def build_journeys(
    account_ids: list[int], articles: dict[int, ArticleFacts] | None = None
) -> list[Journey]:
    """The journeys of these companies (one batch: a few queries), in account id order; a
    company with neither reads nor conversions has none."""
    articles = article_facts() if articles is None else articles
    reads, events = _reads(account_ids, articles), _events(account_ids)
    return [
        Journey(str(account_id), reads.get(account_id, []), events.get(account_id, []))
        for account_id in sorted(set(reads) | set(events))
    ]


def all_journeys(account_ids: Iterable[int] | None = None) -> Iterator[Journey]:
    """Journeys of the given companies (or all), a batch at a time."""
    articles = article_facts()
    for batch in account_batches(account_ids):
        yield from build_journeys(batch, articles)


def accounts_read_between(start: datetime, end: datetime) -> list[int]:
    """The companies whose contacts' browsers viewed a page in [start, end): the ones a
    recomputed day can change the journeys of."""
    browsers = RawEvent.objects.filter(
        type=EventType.PAGEVIEW, occurred_at__gte=start, occurred_at__lt=end
    ).values("visitor_id")
    return list(
        Visitor.objects.filter(visitor_id__in=browsers, contact__account_id__isnull=False)
        .values_list("contact__account_id", flat=True)
        .distinct()
    )


def accounts_changed_since(since: datetime) -> list[int]:
    """The companies whose journeys can have changed since ``since``: a browser of theirs sent
    an event (a read or its follow-up, which decides whether the read was engaged), or they got
    an inquiry, an order or an order update, or an identity link or undo moved a browser into
    or out of them. The periodic run re-attributes these rather than every company read on a
    touched day; the paths that change a journey also queue their companies at once, so this
    is the net under a lost task as well."""
    browsers = RawEvent.objects.filter(received_at__gte=since).values("visitor_id")
    readers = Visitor.objects.filter(visitor_id__in=browsers, contact__account_id__isnull=False)
    changes = IdentityChange.objects.filter(Q(created_at__gte=since) | Q(undone_at__gte=since))
    contacts = {
        pk for pair in changes.values_list("contact_id", "previous_contact_id") for pk in pair
    }
    inquiries = Inquiry.objects.filter(created_at__gte=since)
    ids = {
        *readers.values_list("contact__account_id", flat=True),
        *inquiries.values_list("account_id", flat=True),
        *inquiries.values_list("contact__account_id", flat=True),
        *Order.objects.filter(updated_at__gte=since).values_list("account_id", flat=True),
        *Contact.objects.filter(pk__in=contacts - {None}).values_list("account_id", flat=True),
    }
    return sorted(ids - {None})
