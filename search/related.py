"""Help for searches that found nothing: materials the words resemble, searches that worked."""

from django.db.models import Count

from search.analysis import get_analyzer, normalize, to_pinyin
from search.models import SearchLog


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
    """Earlier searches with results that share a word with this one, most frequent first."""
    groups = get_analyzer().query_groups(query)
    words = {token for group in groups for token in group}
    if not words:
        return []
    logs = SearchLog.objects.filter(result_count__gt=0).exclude(query=query)
    candidates = logs.values("query").annotate(n=Count("id")).order_by("-n", "query")[:500]
    found = [
        row["query"] for row in candidates if any(word in normalize(row["query"]) for word in words)
    ]
    return found[:limit]
