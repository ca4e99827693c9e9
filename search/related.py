"""Help for searches that found nothing: materials the words resemble, searches that worked."""

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from content.visitors import CONTACT_DETAILS
from search.analysis import get_analyzer, normalize, to_pinyin
from search.models import SearchLog

RELATED_DAYS = 90
RELATED_MIN_VISITORS = 2


def suggest_materials(query: str, limit: int = 6) -> list[str]:
    """Materials sharing a Chinese character or a pinyin prefix with the query's words."""
    from content.models import Material

    text = normalize(query).replace(" ", "")
    if not text:
        return []
    chars = {c for c in text if "\u3400" <= c <= "\u9fff"}
    full = to_pinyin(text)[0] or text
    scored = []
    for material in Material.objects.only("name", "pinyin"):
        overlap = len(chars & set(material.name))
        pinyin_hit = bool(material.pinyin) and (
            material.pinyin.startswith(full[:4]) or full.startswith(material.pinyin)
        )
        if overlap or pinyin_hit:
            scored.append((-(overlap * 2 + pinyin_hit), material.pinyin, material.name))
    return [name for *_, name in sorted(scored)[:limit]]


def related_searches(query: str, limit: int = 6) -> list[str]:
    """Recent searches with results that share a word with this one, most visitors first.

    Only searches made by several different people are shown: one person's typing (a phone
    number, an advert) never reaches other readers, and searches holding an email or a phone
    number are never shown. People are told apart by the daily network id the server derives
    from the address (/24, IPv6 /48), not by the tracker's cookie or the User-Agent (a script
    can send any it likes), and crawlers' searches do not count.
    """
    groups = get_analyzer().query_groups(query)
    words = {token for group in groups for token in group}
    if not words:
        return []
    since = timezone.now() - dt.timedelta(days=RELATED_DAYS)
    candidates = (
        SearchLog.objects.filter(result_count__gt=0, created_at__gte=since, bot_reason="")
        .exclude(query=query)
        .exclude(network_id="")
        .exclude(query__regex=CONTACT_DETAILS)
        .values("query")
        .annotate(n=Count("network_id", distinct=True))
        .filter(n__gte=RELATED_MIN_VISITORS)
        .order_by("-n", "query")[:500]
    )
    found = [row["query"] for row in candidates if any(w in normalize(row["query"]) for w in words)]
    return found[:limit]
