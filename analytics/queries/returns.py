"""Sourcing returns for the dashboard: stored attribution credit by article, supplier, material or
channel under every rule-based model, return on content cost, and median time to inquiry and
order, all for one dashboard input (range, supplier scope, filters).

Credit comes only from ``AttributionCredit`` (materialised by ``analytics.credits``), never from
journeys replayed on request; Markov credit is not stored (see ``analytics.credits``), so the
dashboard sends readers to the ``attribution`` command for it. Costs, ROI and the median waits are
``analytics.returns``' own functions, so the dashboard and ``/api/v1/analytics/returns/`` agree.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Sum

from analytics.attribution import INQUIRY, ORDER, Options
from analytics.credits import STORED_MODELS
from analytics.queries.cache import cached
from analytics.queries.params import DashboardInput
from analytics.queries.scope import scoped_articles, scoped_credit
from analytics.returns import (
    ArticleIndex,
    ReturnsQuery,
    content_costs,
    conversion_waits,
    return_on_cost,
)
from content.models import ArticlePage, Material, SupplierPage

BY = ("article", "supplier", "material", "channel")
BY_COLUMN = {
    "article": "article_id",
    "supplier": "supplier_id",
    "material": "material_id",
    "channel": "channel",
}
DEFAULT_MODEL = "linear"
# W-shaped credits orders that followed an inquiry; it gives inquiries nothing.
INQUIRY_MODELS = tuple(model for model in STORED_MODELS if model != "w_shaped")
NONE_KEY = "none"  # credit on an article without a supplier or a material


@dataclass(frozen=True)
class ReturnsInput:
    """A dashboard input, what to group credit by, and the model the main chart shows."""

    dashboard: DashboardInput
    by: str = "article"
    model: str = DEFAULT_MODEL

    def cache_key(self) -> str:
        return f"{self.dashboard.cache_key()}:{self.by}:{self.model}"


@dataclass(frozen=True)
class ModelCredit:
    inquiries: float = 0.0  # credited share of inquiries (fractions summed)
    orders: float = 0.0  # credited share of orders
    revenue: float = 0.0  # credited share of their revenue, CNY (0 for cancelled, refunded)


@dataclass(frozen=True)
class CreditRow:
    key: str
    label: str
    models: dict[str, ModelCredit]  # every stored model, those with no credit as zeros


@dataclass(frozen=True)
class CostRow:
    key: str
    label: str
    cost: Decimal  # content cost prorated to the range
    revenue: Decimal  # revenue the chosen model credits to it
    roi: float | None  # (revenue − cost) / cost


@dataclass(frozen=True)
class WaitRow:
    key: str
    label: str
    days_to_inquiry: float | None  # median, from the company's first engaged read
    days_to_order: float | None


@dataclass(frozen=True)
class SourcingReturns:
    inp: ReturnsInput
    rows: list[CreditRow]  # most revenue under the chosen model first
    totals: dict[str, ModelCredit]  # per model, over every row
    costs: list[CostRow] | None  # None by channel: costs are not spent per channel
    waits: list[WaitRow] | None  # None by channel: conversions carry no channel
    options: Options  # the parameters the stored credit was computed with


def _credit_sums(inp: ReturnsInput) -> dict[str, dict[str, ModelCredit]]:
    """key → model → credit, in one grouped query over the scope's stored credit."""
    column = BY_COLUMN[inp.by]
    sums = (
        scoped_credit(inp.dashboard)
        .filter(model__in=STORED_MODELS)
        .values_list(column, "model", "conversion_kind")
        .annotate(conversions=Sum("credit"), value=Sum("value"))
        .order_by()
    )
    raw: dict[str, dict[str, dict[str, tuple[float, float]]]] = {}
    for key, model, kind, conversions, value in sums:
        kinds = raw.setdefault(NONE_KEY if key is None else str(key), {}).setdefault(model, {})
        kinds[kind] = (conversions, value)
    return {
        key: {
            model: ModelCredit(
                inquiries=round(kinds.get(model, {}).get(INQUIRY, (0.0, 0.0))[0], 2),
                orders=round(kinds.get(model, {}).get(ORDER, (0.0, 0.0))[0], 2),
                revenue=round(kinds.get(model, {}).get(ORDER, (0.0, 0.0))[1], 2),
            )
            for model in STORED_MODELS
        }
        for key, kinds in raw.items()
    }


def _index(inp: DashboardInput) -> ArticleIndex:
    """The articles in scope (supplier, material, kind) with their supplier and materials."""
    rows = list(scoped_articles(inp).values_list("pk", "supplier_id", "title"))
    links = ArticlePage.materials.through.objects.filter(articlepage_id__in=[r[0] for r in rows])
    materials: dict[int, list[int]] = {}
    for pk, material in links.order_by("articlepage_id", "material_id").values_list(
        "articlepage_id", "material_id"
    ):
        materials.setdefault(pk, []).append(material)
    if inp.material_id:  # an article's cost and waits count only towards the chosen material
        materials = {pk: [inp.material_id] for pk in materials}
    return ArticleIndex(
        supplier={pk: s for pk, s, _t in rows},
        materials=materials,
        titles={pk: t for pk, _s, t in rows},
    )


def _labels(by: str, keys: set[str], index: ArticleIndex) -> dict[str, str]:
    """Names of the keys (the channel code as it is: the dashboard translates it)."""
    ids = [int(k) for k in keys if k.isdigit()]
    if by == "article":
        names = dict(index.titles)
        missing = [pk for pk in ids if pk not in names]
        if missing:  # credit on an article that has since left the scope's page tree
            names |= dict(ArticlePage.objects.filter(pk__in=missing).values_list("pk", "title"))
    elif by == "supplier":
        names = dict(SupplierPage.objects.filter(pk__in=ids).values_list("pk", "title"))
    elif by == "material":
        names = dict(Material.objects.filter(pk__in=ids).values_list("pk", "name"))
    else:
        return {key: key for key in keys}
    return {key: names.get(int(key), f"#{key}") if key.isdigit() else key for key in keys}


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


def compute_sourcing_returns(inp: ReturnsInput) -> SourcingReturns:
    dashboard = inp.dashboard
    credit = _credit_sums(inp)
    costs: dict[str, Decimal] | None = None
    waits: dict[str, tuple[float | None, float | None]] | None = None
    index = ArticleIndex({}, {}, {})
    if inp.by != "channel":
        index = _index(replace(dashboard, channel=""))
        suppliers = None if dashboard.supplier_id is None else frozenset({dashboard.supplier_id})
        query = ReturnsQuery(dashboard.start, dashboard.end, inp.by, suppliers)
        costs = {k: v for k, v in content_costs(query, index).items() if v}
        waits = conversion_waits(query, index)
        if inp.by == "material" and dashboard.material_id:
            waits = {k: v for k, v in waits.items() if k == str(dashboard.material_id)}
    labels = _labels(inp.by, {*credit, *(costs or {}), *(waits or {})}, index)
    rows = [CreditRow(key, labels[key], models) for key, models in credit.items()]
    rows.sort(key=lambda r: (-r.models[inp.model].revenue, -r.models[inp.model].inquiries, r.label))
    totals = {
        model: ModelCredit(
            round(sum(r.models[model].inquiries for r in rows), 2),
            round(sum(r.models[model].orders for r in rows), 2),
            round(sum(r.models[model].revenue for r in rows), 2),
        )
        for model in STORED_MODELS
    }
    return SourcingReturns(
        inp=inp,
        rows=rows,
        totals=totals,
        costs=None if costs is None else _cost_rows(inp, costs, credit, labels),
        waits=None if waits is None else _wait_rows(waits, labels),
        options=Options(),
    )


def _cost_rows(
    inp: ReturnsInput,
    costs: dict[str, Decimal],
    credit: dict[str, dict[str, ModelCredit]],
    labels: dict[str, str],
) -> list[CostRow]:
    rows = []
    for key, cost in costs.items():
        revenue = _money(credit[key][inp.model].revenue) if key in credit else Decimal("0.00")
        rows.append(CostRow(key, labels[key], cost, revenue, return_on_cost(revenue, cost)))
    return sorted(rows, key=lambda r: (-(r.roi or 0.0), r.label))


def _wait_rows(
    waits: dict[str, tuple[float | None, float | None]], labels: dict[str, str]
) -> list[WaitRow]:
    rows = [
        WaitRow(key, labels[key], inquiry, order)
        for key, (inquiry, order) in waits.items()
        if inquiry is not None or order is not None
    ]
    return sorted(rows, key=lambda r: r.label)


def sourcing_returns(inp: ReturnsInput) -> SourcingReturns:
    """The sourcing returns of ``inp``, from the cache while no rollup has run since."""
    return cached("returns", inp.cache_key(), lambda: compute_sourcing_returns(inp))
