"""The engagement overview staff see in the admin: recent days, top articles, filtered bots."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum
from django.utils import timezone
from wagtail.models import Page

from analytics.models import DailyRollup, Dimension, FilteredHit

METRICS = ("views", "visitors", "engaged_reads", "active_ms", "shares", "share_reach", "downloads")


@dataclass(frozen=True)
class Overview:
    start: date
    end: date
    days: list[dict]  # one row of site totals per day, newest first
    channels: list[dict]
    top_articles: list[dict]
    filtered: list[dict]


def overview(days: int = 7, today: date | None = None) -> Overview:
    end = today or timezone.localdate()
    start = end - timedelta(days=days - 1)
    rollups = DailyRollup.objects.filter(day__gte=start, day__lte=end)
    site = rollups.filter(dimension=Dimension.SITE).order_by("-day").values("day", *METRICS)
    totals = {m: Sum(m) for m in ("views", "visitors", "engaged_reads", "shares", "downloads")}
    channels = (
        rollups.filter(dimension=Dimension.CHANNEL)
        .values("key")
        .annotate(**totals)
        .order_by("-views", "key")
    )
    articles = list(
        rollups.filter(dimension=Dimension.ARTICLE)
        .values("key")
        .annotate(**totals)
        .order_by("-views", "key")[:10]
    )
    titles = dict(Page.objects.filter(pk__in=[int(a["key"]) for a in articles]).values_list(
        "pk", "title"
    ))  # fmt: skip
    for article in articles:
        article["title"] = titles.get(int(article["key"]), f"#{article['key']}")
    filtered = (
        FilteredHit.objects.filter(day__gte=start, day__lte=end)
        .values("reason")
        .annotate(events=Sum("events"))
        .order_by("-events")
    )
    return Overview(start, end, list(site), list(channels), articles, list(filtered))
