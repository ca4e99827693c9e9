"""The engaged-read rule (DESIGN.md's definition), shared by rollups and attribution."""

from collections.abc import Callable

from django.conf import settings


def engaged_rule() -> Callable[[int | None, int | None], bool]:
    """``rule(active_ms, scroll_pct)``: True for an engaged read, i.e. when the pageview's active
    time or its deepest scroll reaches the configured threshold (``ANALYTICS_ENGAGED_SECONDS``,
    ``ANALYTICS_ENGAGED_SCROLL_PCT``). The thresholds are read once, here: callers that judge
    a million pageviews take the rule once rather than read settings for each."""
    active = settings.ANALYTICS_ENGAGED_SECONDS * 1000
    scroll = settings.ANALYTICS_ENGAGED_SCROLL_PCT
    return lambda active_ms, scroll_pct: (active_ms or 0) >= active or (scroll_pct or 0) >= scroll


def is_engaged(active_ms: int | None, scroll_pct: int | None) -> bool:
    return engaged_rule()(active_ms, scroll_pct)
