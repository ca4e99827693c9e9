"""Sourcing returns: per article, supplier or material over a period, views → engaged reads →
inquiries → orders → revenue, the rates between them, revenue per 1,000 engaged reads, median
time from a company's first touch to its inquiry and its order, attributed revenue per model,
and the return on content cost."""

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum

from analytics.attribution import ORDER
from analytics.buying_group import first_touches
from analytics.days import day_bounds
from analytics.models import (
    AttributionCredit,
    ContentCost,
    DailyRollup,
    Dimension,
    Inquiry,
    Order,
)
from content.models import ArticlePage, Material, SupplierPage

BY = ("article", "supplier", "material")
CENT = Decimal("0.01")
Scope = frozenset[int] | None  # supplier ids a reader may see; None: every supplier (staff)


@dataclass(frozen=True)
class ReturnsQuery:
    start: date
    end: date  # included
    by: str = "article"
    suppliers: Scope = None


@dataclass
class ReturnsRow:
    key: str
    label: str
    views: int = 0
    engaged_reads: int = 0
    inquiries: int = 0
    orders: int = 0  # orders still carrying revenue (paid, delivered, accepted)
    lost_orders: int = 0  # cancelled or refunded: counted here, worth 0
    revenue: Decimal = Decimal("0.00")
    cost: Decimal = Decimal("0.00")
    days_to_inquiry: float | None = None  # median, from the company's first engaged read
    days_to_order: float | None = None
    attributed: dict[str, Decimal] = field(default_factory=dict)  # model → revenue

    @property
    def engaged_rate(self) -> float | None:
        return _rate(self.engaged_reads, self.views)

    @property
    def inquiry_rate(self) -> float | None:
        return _rate(self.inquiries, self.engaged_reads)

    @property
    def order_rate(self) -> float | None:
        return _rate(self.orders, self.inquiries)

    @property
    def revenue_per_1000_engaged(self) -> Decimal | None:
        if not self.engaged_reads:
            return None
        return (self.revenue * 1000 / self.engaged_reads).quantize(CENT, ROUND_HALF_UP)

    def roi(self, revenue: Decimal | None = None) -> float | None:
        """(revenue − cost) / cost; None without a cost."""
        return return_on_cost(self.revenue if revenue is None else revenue, self.cost)


def return_on_cost(revenue: Decimal, cost: Decimal) -> float | None:
    """(revenue − cost) / cost: 0 breaks even, 1 earned the cost twice; None without a cost."""
    if not cost:
        return None
    return float((revenue - cost) / cost)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class ArticleIndex:
    """The articles a reader may see, with the supplier and materials each counts towards."""

    supplier: dict[int, int]
    materials: dict[int, list[int]]
    titles: dict[int, str]

    def keys(self, by: str) -> dict[str, list[str]]:
        """article id → the keys under ``by`` its reads, credit and cost go to."""
        if by == "article":
            return {str(pk): [str(pk)] for pk in self.supplier}
        if by == "supplier":
            return {str(pk): [str(s)] for pk, s in self.supplier.items() if s}
        return {str(pk): [str(m) for m in self.materials.get(pk, [])] for pk in self.supplier}


def article_index(suppliers: Scope) -> ArticleIndex:
    articles = ArticlePage.objects.all()
    if suppliers is not None:
        articles = articles.filter(supplier_id__in=suppliers)
    rows = list(articles.values_list("pk", "supplier_id", "title"))
    materials: dict[int, list[int]] = defaultdict(list)
    links = ArticlePage.materials.through.objects.filter(articlepage_id__in=[r[0] for r in rows])
    for pk, material in links.order_by("articlepage_id", "material_id").values_list(
        "articlepage_id", "material_id"
    ):
        materials[pk].append(material)
    return ArticleIndex(
        supplier={pk: s for pk, s, _ in rows},
        materials=materials,
        titles={pk: t for pk, _, t in rows},
    )


def attributed_revenue(
    credits: Iterable[tuple[str, Decimal | float]], keys: Mapping[str, Sequence[str]]
) -> dict[str, Decimal]:
    """Revenue credited to articles (``(article id, value)`` pairs, one model, one period),
    summed under the keys each article counts towards (``ArticleIndex.keys(by)``). An article
    under several materials splits its credit evenly, so totals stay totals; an article not
    in ``keys`` (another supplier's, for a supplier's reader) is left out. Pure: the caller
    chooses where the credit comes from (computed journeys, or stored credit)."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for article, value in credits:
        targets = keys.get(str(article), [])
        for key in targets:
            totals[key] += Decimal(str(value)) / len(targets)
    return {key: value.quantize(CENT, ROUND_HALF_UP) for key, value in totals.items()}


def stored_order_credits(
    query: ReturnsQuery, models: Sequence[str]
) -> dict[str, list[tuple[str, float]]]:
    """Per model, the order revenue each article is credited with for orders placed in the
    period, summed from the stored credit (``AttributionCredit``, one grouped query); the input
    ``sourcing_returns`` takes. A supplier's reader gets the credit of its own orders, on
    whichever articles led to them (``attributed_revenue`` then keeps its own articles).
    Models with no credit in the period are left out."""
    rows = AttributionCredit.objects.filter(
        model__in=list(models), conversion_kind=ORDER, day__gte=query.start, day__lte=query.end
    )
    if query.suppliers is not None:
        own = Order.objects.filter(supplier_id__in=query.suppliers).values("pk")
        rows = rows.filter(conversion_id__in=own)
    sums = (
        rows.values_list("model", "article_id")
        .annotate(value=Sum("value"))
        .order_by("model", "article_id")
    )
    credits: dict[str, list[tuple[str, float]]] = {}
    for model, article, value in sums:
        credits.setdefault(model, []).append((str(article), value))
    return credits


def sourcing_returns(
    query: ReturnsQuery, credits: Mapping[str, Iterable[tuple[str, Decimal | float]]] | None = None
) -> list[ReturnsRow]:
    """Rows for every key with a view, a conversion or a cost in the period, by revenue then
    engaged reads. ``credits``: model name → article credit pairs (see ``attributed_revenue``)."""
    if query.by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}")
    index = article_index(query.suppliers)
    keys = index.keys(query.by)
    rows: dict[str, ReturnsRow] = {}

    def row(key: str) -> ReturnsRow:
        return rows.setdefault(key, ReturnsRow(key=key, label=""))

    _add_reads(query, keys, row)
    _add_conversions(query, index, row)
    _add_costs(query, index, row)
    for model, pairs in (credits or {}).items():
        for key, value in attributed_revenue(pairs, keys).items():
            row(key).attributed[model] = value
    _label(query.by, rows)
    return sorted(rows.values(), key=lambda r: (-r.revenue, -r.engaged_reads, r.label, r.key))


def _add_reads(query: ReturnsQuery, keys: dict[str, list[str]], row) -> None:
    """From the daily rollups. A supplier's reader gets materials summed from its own
    articles' rows: the material rollup also counts competitors' articles."""
    rollups = DailyRollup.objects.filter(day__gte=query.start, day__lte=query.end)
    own_materials = query.by == "material" and query.suppliers is not None
    if query.by == "supplier" and query.suppliers is not None:
        rollups = rollups.filter(
            dimension=Dimension.SUPPLIER, key__in=[str(s) for s in query.suppliers]
        )
    elif query.by == "article" or own_materials:
        rollups = rollups.filter(dimension=Dimension.ARTICLE, key__in=list(keys))
    else:
        rollups = rollups.filter(dimension=query.by)
    sums = rollups.values("key").annotate(v=Sum("views"), e=Sum("engaged_reads"))
    for total in sums.order_by("key"):
        for key in keys[total["key"]] if own_materials else [total["key"]]:
            target = row(key)
            target.views += total["v"]
            target.engaged_reads += total["e"]


def _period(query: ReturnsQuery) -> tuple[datetime, datetime]:
    return day_bounds(query.start)[0], day_bounds(query.end)[1]


def _add_conversions(query: ReturnsQuery, index: ArticleIndex, row) -> None:
    """Inquiries by when they arrived, orders by when they were placed; an article is the
    page the inquiry was sent from (an order through the inquiry it followed)."""
    start, end = _period(query)
    inquiries = Inquiry.objects.filter(created_at__gte=start, created_at__lt=end)
    orders = Order.objects.filter(ordered_at__gte=start, ordered_at__lt=end)
    if query.suppliers is not None:
        inquiries = inquiries.filter(supplier_id__in=query.suppliers)
        orders = orders.filter(supplier_id__in=query.suppliers)
    inquiry_rows = list(
        inquiries.values_list(
            "pk", "page_id", "supplier_id", "material_id", "account_id", "created_at"
        )
    )
    # Plain rows, not models: a year of a busy platform is tens of thousands of orders.
    order_rows = list(
        orders.with_revenue()
        .order_by("ordered_at", "pk")
        .values_list(
            "inquiry_id_ref", "supplier_id", "material_id", "account_id", "ordered_at", "revenue"
        )
    )
    # Only per-article keys need the page an order's inquiry came from.
    pages = _inquiry_pages([r[0] for r in order_rows]) if query.by == "article" else {}
    accounts = {r[4] for r in inquiry_rows if r[4]} | {r[3] for r in order_rows}
    touches = first_touches(accounts, end)
    waits: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    for _pk, page, supplier, material, account, at in inquiry_rows:
        for key in _keys(query.by, index, page, supplier, material):
            row(key).inquiries += 1
            _wait(waits[key][0], touches.get(account), at)
    for ref, supplier, material, account, ordered_at, revenue in order_rows:
        for key in _keys(query.by, index, pages.get(ref), supplier, material):
            target = row(key)
            target.revenue += revenue
            if revenue:
                target.orders += 1
                _wait(waits[key][1], touches.get(account), ordered_at)
            else:
                target.lost_orders += 1
    for key, (to_inquiry, to_order) in waits.items():
        rows_key = row(key)
        rows_key.days_to_inquiry = _median_days(to_inquiry)
        rows_key.days_to_order = _median_days(to_order)


def _inquiry_pages(refs: list[str]) -> dict[str, int | None]:
    """The page each order's inquiry was sent from (one query, whenever the inquiry came)."""
    ids = {int(ref) for ref in refs if ref.isdigit()}
    rows = Inquiry.objects.filter(pk__in=ids).values_list("pk", "page_id")
    return {str(pk): page for pk, page in rows}


def _keys(by: str, index: ArticleIndex, page, supplier: int, material: int) -> list[str]:
    if by == "article":
        return [str(page)] if page in index.supplier else []
    return [str(supplier if by == "supplier" else material)]


def _wait(waits: list, first: datetime | None, at: datetime) -> None:
    if first is not None and first <= at:
        waits.append(at - first)


def _median_days(waits: list[timedelta]) -> float | None:
    if not waits:
        return None
    return round(statistics.median(w.total_seconds() for w in waits) / 86400, 3)


def prorated_cost(cost: ContentCost, start: date, end: date) -> Decimal:
    """The share of a cost falling in [start, end]: its amount × overlapping days / its days."""
    overlap = (min(cost.end, end) - max(cost.start, start)).days + 1
    if overlap <= 0:
        return Decimal("0.00")
    days = (cost.end - cost.start).days + 1
    return (cost.amount * overlap / days).quantize(CENT, ROUND_HALF_UP)


def content_costs(query: ReturnsQuery, index: ArticleIndex) -> dict[str, Decimal]:
    """Content cost in the period per key of ``query.by``, prorated by days: article costs go
    to the article, its supplier, and evenly to its materials (only articles in ``index``); a
    supplier's promotion package goes to the supplier only (it names no article or material)."""
    costs = ContentCost.objects.filter(start__lte=query.end, end__gte=query.start)
    if query.suppliers is not None:
        costs = costs.filter(
            Q(supplier_id__in=query.suppliers) | Q(article__supplier_id__in=query.suppliers)
        )
    keys = index.keys(query.by)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for cost in costs.order_by("pk"):
        amount = prorated_cost(cost, query.start, query.end)
        if cost.article_id is not None:
            targets = keys.get(str(cost.article_id), [])
            for key in targets:
                totals[key] += (amount / len(targets)).quantize(CENT, ROUND_HALF_UP)
        elif query.by == "supplier":
            totals[str(cost.supplier_id)] += amount
    return dict(totals)


def _add_costs(query: ReturnsQuery, index: ArticleIndex, row) -> None:
    for key, amount in content_costs(query, index).items():
        row(key).cost += amount


def conversion_waits(
    query: ReturnsQuery, index: ArticleIndex
) -> dict[str, tuple[float | None, float | None]]:
    """Per key, the median days from the company's first engaged read to its inquiries and to
    its orders in the period (as ``sourcing_returns`` reports them; first reads come from the
    daily ``CompanyRead`` rollup through ``buying_group.first_touches``)."""
    rows: dict[str, ReturnsRow] = {}
    _add_conversions(query, index, lambda key: rows.setdefault(key, ReturnsRow(key=key, label="")))
    return {key: (r.days_to_inquiry, r.days_to_order) for key, r in rows.items()}


def _label(by: str, rows: dict[str, ReturnsRow]) -> None:
    ids = [int(k) for k in rows if k.isdigit()]
    if by == "material":
        names = dict(Material.objects.filter(pk__in=ids).values_list("pk", "name"))
    else:
        model = ArticlePage if by == "article" else SupplierPage
        names = dict(model.objects.filter(pk__in=ids).values_list("pk", "title"))
    for key, r in rows.items():
        r.label = names.get(int(key), key) if key.isdigit() else key
