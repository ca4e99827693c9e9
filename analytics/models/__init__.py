"""Analytics models, re-exported so callers import from ``analytics.models``."""

from analytics.models.attribution import AttributionCredit
from analytics.models.conversions import Inquiry, InquiryStatus, InquiryUnit
from analytics.models.events import EventType, FilteredHit, RawEvent
from analytics.models.identity import Account, Contact, IdentityChange, Visitor
from analytics.models.orders import (
    REVENUE_STATUSES,
    Order,
    OrderStatus,
    OrderStatusChange,
    OrderUnit,
)
from analytics.models.reports import WeeklySummaryDelivery
from analytics.models.returns import ContentCost, SupplierApiToken
from analytics.models.rollups import (
    CompanyRead,
    DailyRollup,
    Dimension,
    RetentionPurge,
    RollupMark,
    Session,
    ShareToken,
)

__all__ = [
    "REVENUE_STATUSES",
    "Account",
    "AttributionCredit",
    "CompanyRead",
    "Contact",
    "ContentCost",
    "DailyRollup",
    "Dimension",
    "EventType",
    "FilteredHit",
    "IdentityChange",
    "Inquiry",
    "InquiryStatus",
    "InquiryUnit",
    "Order",
    "OrderStatus",
    "OrderStatusChange",
    "OrderUnit",
    "RawEvent",
    "RetentionPurge",
    "RollupMark",
    "Session",
    "ShareToken",
    "SupplierApiToken",
    "Visitor",
    "WeeklySummaryDelivery",
]
