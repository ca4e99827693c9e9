"""Running a search: parse, ask the engine, relax when nothing matches, fill results, log."""

import dataclasses
import datetime as dt
import time
from dataclasses import dataclass, field

from django.http import HttpRequest

from content.visitors import bot_reason, request_daily_id, request_network_id
from search.analysis import get_analyzer, normalize
from search.engines import get_engine
from search.engines.base import FACET_NAMES, EngineQuery, EngineResult
from search.highlight import snippet
from search.models import SearchDocument, SearchLog

MAX_QUERY_LENGTH = 200
MAX_PAGE_SIZE = 100


@dataclass
class SearchRequest:
    q: str = ""
    kind: str = ""
    material: str = ""
    supplier: str = ""
    origin: str = ""
    tag: str = ""
    year: str = ""
    page: int = 1
    page_size: int = 20

    @property
    def filters(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FACET_NAMES if getattr(self, name)}


@dataclass
class SearchResultItem:
    id: int
    external_id: str
    title: str
    url: str
    kind: str
    supplier: str
    materials: list[str]
    snippet: str
    published_at: dt.date
    score: float
    verified: bool = False
    cover_url: str = ""


@dataclass
class SearchResponse:
    query: str
    normalized: str
    total: int
    engine: str
    results: list[SearchResultItem]
    facets: dict[str, list[tuple[str, int]]]
    page: int
    page_size: int
    relaxed: bool = False
    latency_ms: float = 0.0
    log_id: int | None = None
    terms: list[str] = field(default_factory=list)
    facets_approximate: bool = False  # counts estimated from a sample: shown as 约

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class Searcher:
    """Who searched, for the log: the tracker's cookie id, the server's daily id, the bot test."""

    visitor_id: str = ""
    daily_id: str = ""
    bot_reason: str = ""
    network_id: str = ""


def searcher_of(request: HttpRequest) -> Searcher:
    """The same crawler test (crawlerdetect, cached per user agent) and daily id as /collect."""
    user_agent = request.headers.get("User-Agent", "")
    return Searcher(
        visitor_id=request.COOKIES.get("yy_vid", "")[:64],
        daily_id=request_daily_id(request),
        bot_reason=bot_reason(user_agent, request.headers),
        network_id=request_network_id(request),
    )


def search_articles(
    request: SearchRequest,
    *,
    source: str = "web",
    searcher: Searcher = Searcher(),  # frozen: one shared default is safe
    log: bool = True,
) -> SearchResponse:
    """Answer ``request`` from the configured engine; every word must match, and when nothing
    does, any word may (``relaxed``)."""
    request = _without_nul(request)
    started = time.perf_counter()
    q = request.q.strip()[:MAX_QUERY_LENGTH]
    groups = get_analyzer().query_groups(q) if q else []
    query = EngineQuery(
        groups=groups,
        filters=request.filters,
        offset=(request.page - 1) * request.page_size,
        limit=request.page_size,
    )
    result, relaxed = _run(query, nothing_to_find=bool(q and not groups))
    terms = [token for group in groups for token in group]
    response = SearchResponse(
        query=q,
        normalized=" ".join("|".join(g) for g in groups),
        total=result.total,
        engine=result.engine,
        results=_items(result.hits, terms),
        facets=result.facets,
        page=request.page,
        page_size=request.page_size,
        relaxed=relaxed,
        terms=terms,
        facets_approximate=result.facets_approximate,
    )
    response.latency_ms = round((time.perf_counter() - started) * 1000, 2)
    if log and (q or request.filters):
        response.log_id = _log(request, response, source, searcher)
    return response


def _run(query: EngineQuery, *, nothing_to_find: bool = False) -> tuple[EngineResult, bool]:
    """Every group must match; when nothing does and there are several, any may (relaxed).
    ``relaxed`` is only reported when the relaxed search found something."""
    engine = get_engine()
    if nothing_to_find:  # only punctuation, emoji or stop words: nothing to look for
        return EngineResult(total=0, hits=[], facets={}, engine=engine.name), False
    result = engine.search(query)
    if result.total == 0 and len(query.groups) > 1 and query.match_all_groups:
        relaxed = engine.search(dataclasses.replace(query, match_all_groups=False))
        if relaxed.total:
            return relaxed, True
    return result, False


def rank_pages(q: str, limit: int, *, match_all_groups: bool = True) -> list[int]:
    """Ids of the live articles matching ``q``, best first, at most ``limit`` (for APIs that
    page and filter the articles themselves); no log, no snippets."""
    q = q.strip()[:MAX_QUERY_LENGTH]
    groups = get_analyzer().query_groups(q)
    query = EngineQuery(groups=groups, limit=limit, match_all_groups=match_all_groups)
    result, _relaxed = _run(query, nothing_to_find=not groups)
    return [hit.page_id for hit in result.hits]


def _items(hits, terms: list[str]) -> list[SearchResultItem]:
    documents = SearchDocument.objects.in_bulk([hit.page_id for hit in hits])
    items = []
    for hit in hits:
        doc = documents.get(hit.page_id)
        if doc is None:  # indexed elsewhere but not here yet; skip rather than fail
            continue
        items.append(
            SearchResultItem(
                id=doc.page_id,
                external_id=doc.external_id,
                title=doc.title,
                url=doc.url,
                kind=doc.kind,
                supplier=doc.supplier,
                materials=doc.materials,
                snippet=snippet([doc.summary, doc.body_text], terms),
                published_at=doc.published_at,
                score=round(hit.score, 4),
                verified=doc.verified,
            )
        )
    return items


def _without_nul(request: SearchRequest) -> SearchRequest:
    """The request without NUL characters: PostgreSQL refuses them in any text value, so a
    ``?q=%00`` failed the search and its log (a 500) instead of searching for nothing."""
    texts = {
        f.name: value.replace("\x00", "")
        for f in dataclasses.fields(request)
        if isinstance(value := getattr(request, f.name), str) and "\x00" in value
    }
    return dataclasses.replace(request, **texts) if texts else request


def _log(request: SearchRequest, response: SearchResponse, source: str, who: Searcher) -> int:
    entry = SearchLog.objects.create(
        query=response.query,
        normalized=normalize(response.normalized)[:400],
        filters=request.filters,
        page=request.page,
        result_count=response.total,
        engine=response.engine,
        latency_ms=response.latency_ms,
        source=source,
        visitor_id=who.visitor_id[:64],
        daily_id=who.daily_id,
        network_id=who.network_id,
        bot_reason=who.bot_reason,
    )
    return entry.pk


def suggest(prefix: str, limit: int = 8) -> list[str]:
    prefix = prefix.replace("\x00", "").strip()[:50]  # PostgreSQL refuses NUL in text
    return get_engine().suggest(prefix, limit) if prefix else []
