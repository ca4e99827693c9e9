"""Who is reading right now: distinct visitors with any event in the last few minutes.

The one dashboard figure read from raw events: rollups lag by minutes, and a five-minute window
on the ``occurred_at`` index is small at any volume.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from analytics.models import RawEvent

WINDOW_MINUTES = 5


@dataclass(frozen=True)
class ReadingNow:
    visitors: int
    pages: list[tuple[int, int]]  # (page id, visitors), busiest first
    minutes: int = WINDOW_MINUTES


def reading_now(
    limit: int = 10, minutes: int = WINDOW_MINUTES, page_ids: list[int] | None = None
) -> ReadingNow:
    """Visitors of the last ``minutes``; of ``page_ids`` only, when given."""
    recent = RawEvent.objects.filter(occurred_at__gte=timezone.now() - timedelta(minutes=minutes))
    if page_ids is not None:
        recent = recent.filter(page_id__in=page_ids)
    visitors = recent.values("visitor_id").distinct().count()
    pages = (
        recent.filter(page_id__isnull=False)
        .values("page_id")
        .annotate(n=Count("visitor_id", distinct=True))
        .order_by("-n", "page_id")[:limit]
    )
    return ReadingNow(visitors, [(row["page_id"], row["n"]) for row in pages], minutes)
