"""Inquiries, orders and attributed revenue for a dashboard input: the one place each conversion
metric is read, so the Inquiry and Order models plug in here when they land.

Until those models exist every function answers None and the dashboards leave the conversion
figures out altogether: an empty figure must never pass for a real zero.
"""

from decimal import Decimal

from django.apps import apps

from analytics.queries.params import DashboardInput


def conversions_recorded() -> bool:
    """Whether the platform records inquiries and orders yet."""
    try:
        apps.get_model("analytics", "Inquiry")
        apps.get_model("analytics", "Order")
    except LookupError:
        return False
    return True


def count_inquiries(inp: DashboardInput) -> int | None:
    """Inquiries in the input's range and scope; None while inquiries are not recorded."""
    if not conversions_recorded():
        return None
    raise NotImplementedError("point count_inquiries at the Inquiry model")  # integrator


def count_orders(inp: DashboardInput) -> int | None:
    """Orders in the input's range and scope; None while orders are not recorded."""
    if not conversions_recorded():
        return None
    raise NotImplementedError("point count_orders at the Order model")  # integrator


def attributed_revenue(inp: DashboardInput) -> Decimal | None:
    """Revenue credited to content in the range and scope; None while orders are not recorded."""
    if not conversions_recorded():
        return None
    raise NotImplementedError("point attributed_revenue at the attribution results")  # integrator
