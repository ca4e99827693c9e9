"""The engaged-read rule (DESIGN.md's definition), shared by rollups and attribution."""

from django.conf import settings


def is_engaged(active_ms: int | None, scroll_pct: int | None) -> bool:
    """A pageview is an engaged read when its active time or its deepest scroll reaches the
    configured threshold (``ANALYTICS_ENGAGED_SECONDS``, ``ANALYTICS_ENGAGED_SCROLL_PCT``)."""
    return (active_ms or 0) >= settings.ANALYTICS_ENGAGED_SECONDS * 1000 or (
        scroll_pct or 0
    ) >= settings.ANALYTICS_ENGAGED_SCROLL_PCT
