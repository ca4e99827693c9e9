"""Inquiries, orders and attributed revenue for a dashboard input: the one place each conversion
metric is read, scoped like the engagement figures (supplier, material, kind).

A filter a conversion cannot honour leaves that figure out (None) rather than showing a number
that ignores it: orders carry no article, so an article-kind filter cannot narrow them, and no
conversion knows the reader's channel (attributed revenue can: its credit sits on the reads).
"""

from decimal import Decimal

from django.db.models import Q, Sum

from analytics.attribution import ORDER
from analytics.days import day_bounds
from analytics.models import REVENUE_STATUSES, Inquiry, Order
from analytics.queries.params import DashboardInput
from analytics.queries.scope import scoped_credit

KPI_MODEL = "linear"


def _window(inp: DashboardInput, field: str) -> Q:
    return Q(**{f"{field}__gte": day_bounds(inp.start)[0], f"{field}__lt": day_bounds(inp.end)[1]})


def count_inquiries(inp: DashboardInput) -> int | None:
    """Inquiries received in the input's range and scope (an inquiry from an article counts for
    the article's kind; one sent from a supplier page has no kind)."""
    if inp.channel:
        return None
    inquiries = Inquiry.objects.filter(_window(inp, "created_at"))
    if inp.supplier_id:
        inquiries = inquiries.filter(supplier_id=inp.supplier_id)
    if inp.material_id:
        inquiries = inquiries.filter(material_id=inp.material_id)
    if inp.kind:
        inquiries = inquiries.filter(page__articlepage__kind=inp.kind)
    return inquiries.count()


def _orders(inp: DashboardInput):
    if inp.channel or inp.kind:
        return None
    orders = Order.objects.filter(_window(inp, "ordered_at"), status__in=REVENUE_STATUSES)
    if inp.supplier_id:
        orders = orders.filter(supplier_id=inp.supplier_id)
    if inp.material_id:
        orders = orders.filter(material_id=inp.material_id)
    return orders


def count_orders(inp: DashboardInput) -> int | None:
    """Orders placed in the range and scope that still carry revenue (not cancelled/refunded)."""
    orders = _orders(inp)
    return None if orders is None else orders.count()


def order_revenue(inp: DashboardInput) -> Decimal | None:
    """Revenue of those orders (amounts of paid, delivered and accepted orders)."""
    orders = _orders(inp)
    if orders is None:
        return None
    return orders.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def attributed_revenue(inp: DashboardInput) -> Decimal:
    """Order revenue the linear model credits to content in the range and scope, from the stored
    credit (``AttributionCredit``; an article's credit is split over its materials, so material
    sums are exact). The KPI shows one model: linear, every read of the journey alike."""
    credit = scoped_credit(inp).filter(model=KPI_MODEL, conversion_kind=ORDER)
    total = credit.aggregate(total=Sum("value"))["total"] or 0.0
    return Decimal(str(round(total, 2))).quantize(Decimal("0.01"))
