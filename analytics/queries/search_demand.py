"""What buyers search for: top queries, queries with no or few results (demand no supplier
answers yet) and click-through by result position, from the search logs without bots."""

from dataclasses import dataclass, replace

from django.db.models import Case, Count, F, Max, Q, QuerySet, When

from analytics.days import day_bounds
from analytics.queries.cache import cached
from analytics.queries.params import DashboardInput
from analytics.queries.scope import scoped_articles
from search.models import SearchClick, SearchLog

FEW_RESULTS = 3  # up to this many results a query counts as poorly answered
POSITIONS = 10  # the first results page
TOP = 20


@dataclass(frozen=True)
class QueryRow:
    query: str
    searches: int
    people: int  # distinct daily ids: a person counted once a day
    results: int  # the most results any of these searches had


@dataclass(frozen=True)
class PositionRow:
    position: int
    searches: int  # first-page searches with at least this many results
    clicks: int  # of those, how many had a click at this position (on the scope's articles)

    @property
    def ctr(self) -> float:
        return round(self.clicks * 100 / self.searches, 1) if self.searches else 0.0


@dataclass(frozen=True)
class SearchDemand:
    inp: DashboardInput
    top_queries: list[QueryRow]
    unanswered: list[QueryRow]
    positions: list[PositionRow]
    searches: int  # human searches in range (the scope's, for a supplier)


def _human_logs(inp: DashboardInput) -> QuerySet:
    start, end = day_bounds(inp.start)[0], day_bounds(inp.end)[1]
    return SearchLog.objects.filter(created_at__gte=start, created_at__lt=end, bot_reason="")


def _grouped(logs: QuerySet, limit: int) -> list[QueryRow]:
    term = Case(When(normalized="", then=F("query")), default=F("normalized"))
    rows = (
        logs.annotate(term=term)
        .values("term")
        .annotate(
            searches=Count("pk"),
            # people as related searches count them: by network, which a client cannot vary
            people=Count("network_id", distinct=True),
            results=Max("result_count"),
        )
        .order_by("-searches", "term")[:limit]
    )
    return [QueryRow(r["term"], r["searches"], r["people"], r["results"]) for r in rows]


def _positions(logs: QuerySet, page_ids: list[int] | None) -> list[PositionRow]:
    first_page = logs.filter(page=1)
    shown = first_page.aggregate(
        **{f"p{p}": Count("pk", filter=Q(result_count__gte=p)) for p in range(1, POSITIONS + 1)}
    )
    clicks = SearchClick.objects.filter(log__in=first_page, position__lte=POSITIONS)
    if page_ids is not None:
        clicks = clicks.filter(page_id__in=page_ids)
    counted = dict(
        clicks.values("position")
        .annotate(n=Count("log", distinct=True))
        .values_list("position", "n")
    )
    return [PositionRow(p, shown[f"p{p}"], counted.get(p, 0)) for p in range(1, POSITIONS + 1)]


def compute_search_demand(inp: DashboardInput) -> SearchDemand:
    logs = _human_logs(inp)
    page_ids = None
    scoped_logs = logs
    if inp.supplier_id:  # a supplier's searches are those that opened one of its articles
        page_ids = list(
            scoped_articles(replace(inp, material_id=None, kind="")).values_list("pk", flat=True)
        )
        clicked = SearchClick.objects.filter(page_id__in=page_ids).values("log_id")
        scoped_logs = logs.filter(pk__in=clicked)
    return SearchDemand(
        inp=inp,
        top_queries=_grouped(scoped_logs, TOP),
        # No article answers these, so they reveal no supplier's content to another.
        unanswered=_grouped(logs.filter(result_count__lte=FEW_RESULTS), TOP),
        positions=_positions(logs, page_ids),
        searches=scoped_logs.count(),
    )


def search_demand(inp: DashboardInput) -> SearchDemand:
    return cached("search", inp.cache_key(), lambda: compute_search_demand(inp))
