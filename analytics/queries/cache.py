"""Dashboard results in Django's cache, keyed by the query input and a version that every rollup
run bumps, so new rollups show at once and old entries simply expire."""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

VERSION_KEY = "analytics:dashboard-version"
# An entry outlives its version only until it expires; an hour bounds what stale keys cost.
TIMEOUT = 60 * 60

T = TypeVar("T")


def dashboard_version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def bump_dashboard_version() -> None:
    """Make every cached dashboard result stale; called after rollups are written."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value differs from the cached ones
        cache.set(VERSION_KEY, 2, timeout=None)


def cached(name: str, key: str, compute: Callable[[], T]) -> T:
    """``compute()``, or its result for (name, key) under the current version."""
    full_key = f"analytics:dash:{dashboard_version()}:{name}:{key}"
    result = cache.get(full_key)
    if result is None:
        result = compute()
        cache.set(full_key, result, TIMEOUT)
    return result
