"""Analytics models, re-exported so callers import from ``analytics.models``."""

from analytics.models.events import EventType, FilteredHit, RawEvent
from analytics.models.identity import Account, Contact, IdentityChange, Visitor
from analytics.models.rollups import (
    DailyRollup,
    Dimension,
    RetentionPurge,
    RollupMark,
    Session,
    ShareToken,
)

__all__ = [
    "Account",
    "Contact",
    "DailyRollup",
    "Dimension",
    "EventType",
    "FilteredHit",
    "IdentityChange",
    "RawEvent",
    "RetentionPurge",
    "RollupMark",
    "Session",
    "ShareToken",
    "Visitor",
]
