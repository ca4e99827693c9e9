"""The public search page."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from content.models import ArticlePage
from search.basic import basic_search

MAX_QUERY = 200


def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    results = basic_search(query) if query else ArticlePage.objects.none()
    page = Paginator(results, 12).get_page(request.GET.get("page"))
    return TemplateResponse(request, "search/search.html", {"query": query, "results": page})
