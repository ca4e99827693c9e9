"""``/api/v1/search/``: typed search and suggestion endpoints (django-ninja)."""

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from search.queries import (
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    SearchRequest,
    SearchResponse,
    search_articles,
    searcher_of,
    suggest,
)

router = Router(tags=["search"])
MAX_RESULT_WINDOW = 10_000  # deeper than any reader pages; Elasticsearch's default window


class SearchParams(Schema):
    q: str = Field("", max_length=2000, description="Words, aliases, pinyin or Latin names")
    kind: str = Field("", pattern=r"^(|product|technology)$")
    material: str = Field("", max_length=40)
    supplier: str = Field("", max_length=255)
    origin: str = Field("", max_length=60)
    tag: str = Field("", max_length=100)
    year: str = Field("", pattern=r"^(|\d{4})$")
    page: int = Field(1, ge=1, le=1000)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class ResultOut(Schema):
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


class SearchOut(Schema):
    query: str
    total: int
    engine: str
    page: int
    page_size: int
    relaxed: bool
    optional: list[str] = Field(
        description="Query words some results lack: fewer than 10 articles contain every word,"
        " so articles with every other word follow those that do"
    )
    complete_matches: int | None = Field(
        description="With optional words: how many results, first in order, contain every word"
    )
    results: list[ResultOut]
    facets: dict[str, list[dict]]
    facets_approximate: bool


class SuggestOut(Schema):
    query: str
    suggestions: list[str]


def response_payload(response: SearchResponse) -> dict:
    """The JSON shape shared by the API and ``search_articles --json``."""
    return {
        "query": response.query,
        "total": response.total,
        "engine": response.engine,
        "page": response.page,
        "page_size": response.page_size,
        "relaxed": response.relaxed,
        "optional": response.optional,
        "complete_matches": response.complete_matches,
        "results": [
            {
                "id": r.id,
                "external_id": r.external_id,
                "title": r.title,
                "url": r.url,
                "kind": r.kind,
                "supplier": r.supplier,
                "materials": r.materials,
                "snippet": r.snippet,
                "published_at": r.published_at.isoformat(),
                "score": r.score,
            }
            for r in response.results
        ],
        "facets": {
            name: [{"value": value, "count": count} for value, count in values]
            for name, values in response.facets.items()
        },
        # The total and the order are exact; facet counts of a very large match set are
        # estimated from a sample, and this says so.
        "facets_approximate": response.facets_approximate,
    }


@router.get("/", response=SearchOut, summary="Search articles")
def search(request: HttpRequest, params: Query[SearchParams]) -> dict:
    data = params.dict()
    if data["page"] * data["page_size"] > MAX_RESULT_WINDOW:
        raise HttpError(400, f"page × page_size must not exceed {MAX_RESULT_WINDOW}")
    data["q"] = data["q"][:MAX_QUERY_LENGTH]
    response = search_articles(SearchRequest(**data), source="api", searcher=searcher_of(request))
    return response_payload(response)


@router.get("/suggest/", response=SuggestOut, summary="Completions for a search box")
def suggestions(request: HttpRequest, q: str = Query("", max_length=50)) -> dict:
    return {"query": q, "suggestions": suggest(q)}
