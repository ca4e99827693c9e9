"""Where to start when the search box is empty: materials with most articles, popular searches."""

import datetime as dt

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from content.visitors import CONTACT_DETAILS
from search.engines import get_engine
from search.engines.base import EngineQuery
from search.models import SearchLog

CACHE_SECONDS = 300  # both lists change slowly; an empty search page costs no query for 5 min
RECENT_DAYS = 30
MIN_VISITORS = 2  # a search is shown only once several people made it (see related_searches)


def popular_materials(limit: int = 12) -> list[tuple[str, int]]:
    """(material, live articles) with most articles first, from the engine's facet counts."""
    key = f"search:popular-materials:{limit}"
    found = cache.get(key)
    if found is None:
        result = get_engine().search(EngineQuery(groups=[], limit=1))
        found = [(name, n) for name, n in result.facets.get("material", []) if n][:limit]
        cache.set(key, found, CACHE_SECONDS)
    return found


def recent_searches(limit: int = 10) -> list[str]:
    """Searches of the last days that found articles, made by several people (distinct daily
    network ids the server derives from the address, bots left out), most first: platform-wide,
    never one person's; a search holding an email or a phone number is never shown."""
    key = f"search:recent-searches:{limit}"
    found = cache.get(key)
    if found is None:
        since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
        rows = (
            SearchLog.objects.filter(result_count__gt=0, created_at__gte=since, bot_reason="")
            .exclude(query="")
            .exclude(network_id="")
            .exclude(query__regex=CONTACT_DETAILS)
            .values("query")
            .annotate(visitors=Count("network_id", distinct=True), last=Max("created_at"))
            .filter(visitors__gte=MIN_VISITORS)
            .order_by("-visitors", "-last", "query")[:limit]
        )
        found = [row["query"] for row in rows]
        cache.set(key, found, CACHE_SECONDS)
    return found
