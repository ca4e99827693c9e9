"""The public search page (works without JavaScript) and the logged result-click redirect."""

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from content.staff import is_platform_staff
from search.discovery import popular_materials, recent_searches
from search.engines.base import FACET_NAMES
from search.models import SearchClick, SearchDocument, SearchLog
from search.queries import SearchRequest, SearchResponse, search_articles, searcher_of
from search.related import related_searches, suggest_materials

PAGE_SIZE = 10


def search_page(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    search = None
    if params.q or params.filters:
        search = search_articles(params, source="web", searcher=searcher_of(request))
        search = _clamp_page(params, search)
    context = {
        "params": params,
        "search": search,
        "facets": _facet_links(params, search) if search else [],
        "active_filters": _active_filters(params),
        "pages": _page_links(params, search) if search else {},
        "show_engine": is_platform_staff(request.user),
    }
    if search is None:
        context["popular_materials"] = popular_materials()
        context["recent_searches"] = recent_searches()
    elif search.total == 0:
        context["material_suggestions"] = suggest_materials(params.q)
        context["related_searches"] = related_searches(params.q)
    return TemplateResponse(request, "search/search.html", context)


def _clamp_page(params: SearchRequest, search: SearchResponse) -> SearchResponse:
    """A page past the last one (an old link, a typed number) shows the last page; the search
    is logged once, as asked."""
    if params.page <= search.pages:
        return search
    params.page = search.pages
    clamped = search_articles(params, log=False)
    clamped.log_id = search.log_id
    return clamped


def _params(request: HttpRequest) -> SearchRequest:
    """Lenient parsing for people: a bad page number means page 1, unknown kinds are ignored."""
    get = request.GET
    try:
        page = min(max(int(get.get("page", 1)), 1), 1000)
    except ValueError:
        page = 1
    kind = get.get("kind", "")
    return SearchRequest(
        q=get.get("q", "").strip()[:200],
        kind=kind if kind in ("product", "technology") else "",
        material=get.get("material", "")[:40],
        supplier=get.get("supplier", "")[:255],
        origin=get.get("origin", "")[:60],
        tag=get.get("tag", "")[:100],
        year=get.get("year", "")[:4] if get.get("year", "").isdigit() else "",
        page=page,
        page_size=PAGE_SIZE,
    )


def _query_string(params: SearchRequest, **changes: str | int) -> str:
    values = {"q": params.q, **params.filters, "page": params.page, **changes}
    return "?" + urlencode({k: v for k, v in values.items() if v and not (k == "page" and v == 1)})


def _facet_links(params: SearchRequest, search) -> list[dict]:
    groups = []
    for name in FACET_NAMES:
        current = getattr(params, name)
        values = [
            {
                "value": value,
                "count": count,
                "active": value == current,
                "url": _query_string(
                    params, **{name: "" if value == current else value, "page": 1}
                ),
            }
            for value, count in search.facets.get(name, [])
        ]
        if values:
            groups.append({"name": name, "values": values})
    return groups


def _active_filters(params: SearchRequest) -> list[dict]:
    return [
        {"name": name, "value": value, "remove_url": _query_string(params, **{name: "", "page": 1})}
        for name, value in params.filters.items()
    ]


def _page_links(params: SearchRequest, search) -> dict:
    return {
        "previous": _query_string(params, page=params.page - 1) if params.page > 1 else "",
        "next": _query_string(params, page=params.page + 1) if params.page < search.pages else "",
    }


def result_click(request: HttpRequest) -> HttpResponse:
    """``/search/go/?log=…&page=…&pos=…``: record which result was opened, then go there."""
    try:
        log_id, page_id = int(request.GET["log"]), int(request.GET["page"])
        position = max(int(request.GET.get("pos", 0)), 0)
    except (KeyError, ValueError) as exc:
        raise Http404("Malformed result link") from exc
    document = SearchDocument.objects.filter(page_id=page_id).only("url").first()
    if document is None:
        raise Http404("No such result")
    if SearchLog.objects.filter(pk=log_id).exists():
        SearchClick.objects.create(log_id=log_id, page_id=page_id, position=position)
    return HttpResponseRedirect(document.url)
