"""The overview dashboard's numbers: KPIs against the previous period, the daily series, the
channel mix, top articles, top buyer companies and who is reading now."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, Sum

from analytics.days import days_between
from analytics.models import Account, DailyRollup, Dimension
from analytics.queries import conversions
from analytics.queries.cache import cached
from analytics.queries.params import DashboardInput
from analytics.queries.scope import (
    article_rows,
    channel_mix,
    engagement_rows,
    scoped_article_keys,
    scoped_sessions,
)
from content.models import ArticlePage

ENGAGEMENT = ("views", "visitors", "engaged_reads", "active_ms")
TOP = 10


@dataclass(frozen=True)
class Kpi:
    key: str  # views | visitors | engaged_reads | active_ms | inquiries | orders | revenue
    value: float
    previous: float

    @property
    def change(self) -> float | None:
        """Change against the previous period in percent; None when it had nothing."""
        if not self.previous:
            return None
        return round((self.value - self.previous) * 100 / self.previous, 1)


@dataclass(frozen=True)
class DayRow:
    day: date
    views: int
    visitors: int
    engaged_reads: int
    active_ms: int


@dataclass(frozen=True)
class ChannelRow:
    channel: str  # a Session channel, or "share" for visits that arrived through a share
    visits: int
    pageviews: int


@dataclass(frozen=True)
class ArticleRow:
    page_id: int
    title: str
    views: int
    visitors: int
    engaged_reads: int
    shares: int


@dataclass(frozen=True)
class CompanyRow:
    account_id: int
    name: str
    views: int
    engaged_reads: int


@dataclass(frozen=True)
class Overview:
    inp: DashboardInput
    kpis: list[Kpi]
    series: list[DayRow]
    channels: list[ChannelRow]
    top_articles: list[ArticleRow]
    # None when the scope cannot tell buyer companies apart: the rollups count a company's
    # reading site-wide, not per article, so only platform staff looking at everything see them.
    companies: list[CompanyRow] | None
    notes: list[str] = field(default_factory=list)


def _kpis(inp: DashboardInput, keys: list[str] | None) -> list[Kpi]:
    before = inp.previous()
    current = Q(day__gte=inp.start, day__lte=inp.end)
    previous = Q(day__gte=before.start, day__lte=before.end)
    sums = {f"{m}_now": Sum(m, filter=current) for m in ENGAGEMENT}
    sums |= {f"{m}_before": Sum(m, filter=previous) for m in ENGAGEMENT}
    totals = engagement_rows(inp, keys).filter(day__gte=before.start, day__lte=inp.end)
    totals = totals.aggregate(**sums)
    kpis = [Kpi(m, totals[f"{m}_now"] or 0, totals[f"{m}_before"] or 0) for m in ENGAGEMENT]
    for key, metric in (
        ("inquiries", conversions.count_inquiries),
        ("orders", conversions.count_orders),
        ("revenue", conversions.attributed_revenue),
    ):
        value = metric(inp)
        if value is not None:
            kpis.append(Kpi(key, value, metric(before) or 0))
    return kpis


def _series(inp: DashboardInput, keys: list[str] | None) -> list[DayRow]:
    rows = (
        engagement_rows(inp, keys)
        .filter(day__gte=inp.start, day__lte=inp.end)
        .values("day")
        .annotate(**{m: Sum(m) for m in ENGAGEMENT})
    )
    by_day = {row["day"]: row for row in rows}
    empty = dict.fromkeys(ENGAGEMENT, 0)
    return [
        DayRow(day, *(by_day.get(day, empty)[m] for m in ENGAGEMENT))
        for day in days_between(inp.start, inp.end)
    ]


def _channels(inp: DashboardInput, keys: list[str] | None) -> list[ChannelRow]:
    return [ChannelRow(*row) for row in channel_mix(scoped_sessions(inp, keys))]


def top_articles(inp: DashboardInput, keys: list[str] | None, limit: int = TOP) -> list:
    rows = list(
        article_rows(inp, keys)
        .values("key")
        .annotate(
            views=Sum("views"),
            visitors=Sum("visitors"),
            engaged_reads=Sum("engaged_reads"),
            shares=Sum("shares"),
        )
        .order_by("-views", "key")[:limit]
    )
    titles = dict(
        ArticlePage.objects.filter(pk__in=[int(r["key"]) for r in rows]).values_list("pk", "title")
    )
    return [
        ArticleRow(
            int(r["key"]),
            titles.get(int(r["key"]), f"#{r['key']}"),
            r["views"],
            r["visitors"],
            r["engaged_reads"],
            r["shares"],
        )
        for r in rows
    ]


def _companies(inp: DashboardInput) -> list[CompanyRow] | None:
    if inp.article_filtered or inp.forced_supplier:
        return None
    rows = list(
        DailyRollup.objects.filter(
            dimension=Dimension.ACCOUNT, day__gte=inp.start, day__lte=inp.end
        )
        .values("key")
        .annotate(views=Sum("views"), engaged_reads=Sum("engaged_reads"))
        .order_by("-views", "key")[:TOP]
    )
    names = dict(
        Account.objects.filter(pk__in=[int(r["key"]) for r in rows]).values_list("pk", "name")
    )
    return [
        CompanyRow(
            int(r["key"]), names.get(int(r["key"]), f"#{r['key']}"), r["views"], r["engaged_reads"]
        )
        for r in rows
    ]


def compute_overview(inp: DashboardInput) -> Overview:
    keys = scoped_article_keys(inp)
    return Overview(
        inp=inp,
        kpis=_kpis(inp, keys),
        series=_series(inp, keys),
        channels=_channels(inp, keys),
        top_articles=top_articles(inp, keys),
        companies=_companies(inp),
    )


def overview(inp: DashboardInput) -> Overview:
    """The overview for ``inp``, from the cache while no rollup has run since."""
    return cached("overview", inp.cache_key(), lambda: compute_overview(inp))
