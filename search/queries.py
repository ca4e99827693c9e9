"""Running a search: parse, ask the engine, relax when nothing matches, fill results, log."""

import dataclasses
import datetime as dt
import time
from dataclasses import dataclass, field

from django.http import HttpRequest

from content.visitors import bot_reason, request_daily_id, request_network_id
from search.analysis import Analyzer, get_analyzer, normalize
from search.engines import get_engine
from search.engines.base import FACET_NAMES, EngineQuery, EngineResult
from search.highlight import snippet
from search.models import SearchDocument, SearchLog

MAX_QUERY_LENGTH = 200
MAX_PAGE_SIZE = 100
# Fewer complete matches than this and words the vocabulary does not know become optional:
# a first page of results, not one or two articles that happen to contain 方法 or 好坏.
FEW_MATCHES = 10


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
    optional: list[str] = field(default_factory=list)  # words some results lack (方法, 好坏)
    complete_matches: int | None = None  # with ``optional``: results containing every word

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
    """Answer ``request`` from the configured engine: every word must match; when fewer than
    ``FEW_MATCHES`` articles do, articles with every known word follow them (``optional``);
    when nothing matches, any word may (``relaxed``)."""
    request = _without_nul(request)
    started = time.perf_counter()
    q = request.q.strip()[:MAX_QUERY_LENGTH]
    analyzer = get_analyzer()
    groups = analyzer.query_groups(q) if q else []
    query = EngineQuery(
        groups=groups,
        filters=request.filters,
        offset=(request.page - 1) * request.page_size,
        limit=request.page_size,
    )
    ran = _run(query, analyzer, nothing_to_find=bool(q and not groups))
    result = ran.result
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
        relaxed=ran.relaxed,
        terms=terms,
        facets_approximate=result.facets_approximate,
        optional=ran.optional,
        complete_matches=ran.complete_matches,
    )
    response.latency_ms = round((time.perf_counter() - started) * 1000, 2)
    if log and (q or request.filters):
        response.log_id = _log(request, response, source, searcher)
    return response


@dataclass
class _Ran:
    result: EngineResult
    relaxed: bool = False
    optional: list[str] = field(default_factory=list)
    complete_matches: int | None = None


def _run(query: EngineQuery, analyzer: Analyzer, *, nothing_to_find: bool = False) -> _Ran:
    """Every group must match. When fewer than ``FEW_MATCHES`` articles match them all, the
    complete matches come first and articles with fewer of the words follow (``_widened``).
    When that finds nothing either, any group may match (``relaxed``, only reported when the
    relaxed search found something)."""
    engine = get_engine()
    if nothing_to_find:  # only punctuation, emoji or stop words: nothing to look for
        return _Ran(EngineResult(total=0, hits=[], facets={}, engine=engine.name))
    result = engine.search(query)
    if result.total < FEW_MATCHES and query.match_all_groups:
        widened = _widened(engine, query, result, analyzer)
        if widened is not None:
            return widened
    if result.total == 0 and len(query.groups) > 1 and query.match_all_groups:
        relaxed = engine.search(dataclasses.replace(query, match_all_groups=False))
        if relaxed.total:
            return _Ran(relaxed, relaxed=True)
    return _Ran(result)


def _widened(engine, query: EngineQuery, result: EngineResult, analyzer: Analyzer) -> _Ran | None:
    """The complete matches, then the articles with every word the vocabulary knows (words it
    does not, such as 方法 in 黄芪炮制方法 or 好坏 in 红花怎么分辨好坏, become optional); when
    those are no more, the articles naming every material of the query (什么时候种党参 with no
    article on growing 党参: the other 党参 articles). None when neither finds more."""
    known = [g for g in query.groups if analyzer.is_known(g)]
    materials = [g for g in known if analyzer.names_material(g)]
    steps = [known] if materials == known else [known, materials]
    steps = [required for required in steps if 0 < len(required) < len(query.groups)]
    if not steps:
        return None
    complete = result
    if query.offset or query.limit < FEW_MATCHES:  # the page may not hold them all
        complete = engine.search(dataclasses.replace(query, offset=0, limit=FEW_MATCHES))
    for required in steps:
        widened = _with_optional_groups(engine, query, complete, required)
        if widened is not None:
            return _Ran(
                widened,
                relaxed=not complete.total,  # none had every word: as the relaxed search says
                optional=[_shown(g) for g in query.groups if g not in required],
                complete_matches=complete.total,
            )
    return None


def _shown(group: list[str]) -> str:
    """The word a page names for an optional group: the query's word, or for one character
    (种) the word its topic group stands for (种植)."""
    return group[1] if len(group[0]) == 1 and len(group) > 1 else group[0]


def _with_optional_groups(
    engine, query: EngineQuery, complete: EngineResult, required: list[list[str]]
) -> EngineResult | None:
    """The complete matches, then the other articles matching every ``required`` group, paged
    as ``query`` asks; None when those groups find no more than the complete matches.

    Facets and the total are the wider set's: every complete match is in it."""
    first = [hit.page_id for hit in complete.hits]
    wider = engine.search(
        dataclasses.replace(
            query, groups=required, offset=0, limit=query.offset + query.limit + len(first)
        )
    )
    if wider.total <= complete.total:
        return None
    taken = set(first)
    ranked = [*complete.hits, *(hit for hit in wider.hits if hit.page_id not in taken)]
    return dataclasses.replace(wider, hits=ranked[query.offset : query.offset + query.limit])


def rank_pages(q: str, limit: int, *, match_all_groups: bool = True) -> list[int]:
    """Ids of the live articles matching ``q``, best first, at most ``limit`` (for APIs that
    page and filter the articles themselves); no log, no snippets."""
    q = q.strip()[:MAX_QUERY_LENGTH]
    analyzer = get_analyzer()
    groups = analyzer.query_groups(q)
    query = EngineQuery(groups=groups, limit=limit, match_all_groups=match_all_groups)
    return [hit.page_id for hit in _run(query, analyzer, nothing_to_find=not groups).result.hits]


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
