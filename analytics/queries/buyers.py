"""Buyer companies in scope with an engagement score each (sortable, paginated), and one
company's buying-group timeline: who read what, in what order, then inquired and ordered."""

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Max, Sum

from analytics.days import local_day
from analytics.models import Account, Contact
from analytics.queries.cache import cached
from analytics.queries.params import DashboardInput
from analytics.queries.scope import (
    company_reads,
    scoped_company_inquiries,
    scoped_company_orders,
    scoped_company_reads,
)
from content.models import ArticlePage

ENGAGEMENT_SCORE = """Engagement score of a buyer company, 0 to 100, over the dashboard's date
range and scope (a supplier's: engaged reads of its own articles only):

    score = 40 × recency + 30 × depth + 30 × breadth, rounded to one decimal

- recency = 1 − d ÷ D, where d is the number of days from the company's last engaged read to the
  range's last day and D the number of days in the range: 1 for a read on the last day, 1 − 6/7
  for a read on the first day of a 7-day range, 0 with no engaged read in the range;
- depth = min(engaged reads in the range, 10) ÷ 10: every engaged read by anyone in the company
  counts, ten or more give full marks;
- breadth = min(contacts with an engaged read in the range, 4) ÷ 4: how much of the buying group
  reads, four or more people give full marks.

Inquiries and orders are shown beside the score, not in it: the score says how warm a company is
before it converts. Example: in a 7-day range, a company whose two contacts made three engaged
reads, the last on the range's fifth day (d = 2), scores 40 × 5/7 + 30 × 0.3 + 30 × 0.5 = 52.6."""

WEIGHTS = {"recency": 40, "depth": 30, "breadth": 30}
DEPTH_FULL = 10  # engaged reads for full depth marks
BREADTH_FULL = 4  # reading contacts for full breadth marks
SORTS = ("score", "last_read", "reads", "contacts", "articles", "inquiries", "orders")
PAGE_SIZE = 25


class CompanyOutOfScopeError(LookupError):
    """The company does not exist or has nothing in the user's supplier scope."""


@dataclass(frozen=True)
class Score:
    recency: float  # points out of WEIGHTS["recency"], unrounded
    depth: float
    breadth: float

    @property
    def total(self) -> float:
        return round(self.recency + self.depth + self.breadth, 1)


def engagement_score(inp: DashboardInput, last_read: date | None, reads: int, contacts: int):
    """ENGAGEMENT_SCORE's points for one company (pure: no database)."""
    recency = 0.0 if last_read is None else 1 - (inp.end - last_read).days / inp.days
    return Score(
        WEIGHTS["recency"] * recency,
        WEIGHTS["depth"] * min(reads, DEPTH_FULL) / DEPTH_FULL,
        WEIGHTS["breadth"] * min(contacts, BREADTH_FULL) / BREADTH_FULL,
    )


@dataclass(frozen=True)
class CompanyLine:
    account_id: int
    score: Score
    last_read: date | None
    reads: int
    contacts: int
    articles: int
    inquiries: int
    orders: int


@dataclass(frozen=True)
class CompanyTable:
    inp: DashboardInput
    lines: list[CompanyLine]  # this page only
    names: dict[int, str]  # of this page's companies
    total: int
    page: int
    pages: int
    sort: str


def _counts(queryset) -> dict[int, int]:
    rows = queryset.values("account_id").annotate(n=Count("pk")).values_list("account_id", "n")
    return dict(rows)


def _all_lines(inp: DashboardInput) -> list[CompanyLine]:
    reads = {
        row["account_id"]: row
        for row in company_reads(inp)
        .values("account_id")
        .annotate(
            reads=Sum("reads"),
            contacts=Count("contact_id", distinct=True),
            articles=Count("page_id", distinct=True),
            last=Max("last_at"),
        )
    }
    inquiries = _counts(scoped_company_inquiries(inp))
    orders = _counts(scoped_company_orders(inp))
    lines = []
    for account_id in {*reads, *inquiries, *orders} - {None}:
        row = reads.get(account_id, {"reads": 0, "contacts": 0, "articles": 0, "last": None})
        last = local_day(row["last"]) if row["last"] else None
        lines.append(
            CompanyLine(
                account_id,
                engagement_score(inp, last, row["reads"], row["contacts"]),
                last,
                row["reads"],
                row["contacts"],
                row["articles"],
                inquiries.get(account_id, 0),
                orders.get(account_id, 0),
            )
        )
    return lines


def _sort_value(line: CompanyLine, field: str) -> object:
    if field == "score":
        return line.score.total
    if field == "last_read":
        return line.last_read or date.min
    return getattr(line, field)


def company_table(inp: DashboardInput, sort: str = "-score", page: int = 1) -> CompanyTable:
    """One page of the scope's buyer companies, sorted by ``sort`` (``-`` for descending)."""
    field = sort.removeprefix("-")
    lines = cached("buyer-lines", inp.cache_key(), lambda: _all_lines(inp))
    lines = sorted(lines, key=lambda line: line.account_id)  # oldest company first on ties
    lines.sort(key=lambda line: _sort_value(line, field), reverse=sort.startswith("-"))
    pages = max(1, -(-len(lines) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    chunk = lines[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    names = dict(
        Account.objects.filter(pk__in=[line.account_id for line in chunk]).values_list("pk", "name")
    ) if chunk else {}  # fmt: skip
    return CompanyTable(inp, chunk, names, len(lines), page, pages, sort)


@dataclass(frozen=True)
class Step:
    """One step of a buying group's timeline."""

    at: datetime
    kind: str  # read | inquiry | order
    contact_id: int | None
    contact: str
    what: str  # the article read, or the material asked about or ordered
    detail: str  # the read's channel code; the supplier of an inquiry or order
    amount: Decimal | None = None  # an order's amount
    reference: str = ""  # an order's id


@dataclass(frozen=True)
class CompanyTimeline:
    inp: DashboardInput
    account_id: int
    name: str
    steps: list[Step]  # by time
    score: Score
    reads: int
    contacts: int


def _in_scope(inp: DashboardInput, account_id: int) -> bool:
    """Whether the company read, inquired or ordered in the supplier's scope in the range."""
    scope = replace(inp, material_id=None, kind="", channel="")
    return (
        company_reads(scope, account_id).exists()
        or scoped_company_inquiries(scope).filter(account_id=account_id).exists()
        or scoped_company_orders(scope).filter(account_id=account_id).exists()
    )


def _steps(inp: DashboardInput, account_id: int) -> list[Step]:
    contacts = {c.pk: str(c) for c in Contact.objects.filter(account_id=account_id)}
    reads = list(
        scoped_company_reads(inp, account_id).values_list(
            "contact", "page_id", "occurred_at", "channel"
        )
    )
    titles = dict(
        ArticlePage.objects.filter(pk__in={r[1] for r in reads}).values_list("pk", "title")
    )
    steps = [
        Step(at, "read", contact, contacts.get(contact, ""), titles.get(page, f"#{page}"), channel)
        for contact, page, at, channel in reads
    ]
    inquiries = scoped_company_inquiries(inp).filter(account_id=account_id)
    for inquiry in inquiries.select_related("material", "supplier"):
        who = contacts.get(inquiry.contact_id, inquiry.contact_name)
        steps.append(
            Step(
                inquiry.created_at,
                "inquiry",
                inquiry.contact_id,
                who,
                inquiry.material.name,
                inquiry.supplier.title,
            )
        )
    orders = scoped_company_orders(inp).filter(account_id=account_id)
    for order in orders.select_related("material", "supplier"):
        who = contacts.get(order.contact_id, "")
        steps.append(
            Step(
                order.ordered_at,
                "order",
                order.contact_id,
                who,
                order.material.name,
                order.supplier.title,
                order.amount,
                order.order_id,
            )
        )
    rank = {"read": 0, "inquiry": 1, "order": 2}
    return sorted(steps, key=lambda s: (s.at, rank[s.kind], s.contact, s.what))


def _timeline(inp: DashboardInput, account_id: int, name: str) -> CompanyTimeline:
    steps = _steps(inp, account_id)
    reads = [s for s in steps if s.kind == "read"]
    last = local_day(reads[-1].at) if reads else None
    readers = len({s.contact_id for s in reads})
    score = engagement_score(inp, last, len(reads), readers)
    return CompanyTimeline(inp, account_id, name, steps, score, len(reads), readers)


def company_timeline(inp: DashboardInput, account_id: int) -> CompanyTimeline:
    """One company's timeline; CompanyOutOfScopeError when a supplier's user may not see it
    (the company touched nothing of the supplier's in the range) or it does not exist."""
    name = Account.objects.filter(pk=account_id).values_list("name", flat=True).first()
    if name is None or (inp.forced_supplier and not _in_scope(inp, account_id)):
        raise CompanyOutOfScopeError(account_id)
    return cached(f"buyer-{account_id}", inp.cache_key(), lambda: _timeline(inp, account_id, name))
