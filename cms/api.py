"""Wagtail API v2 router: live pages, images and the Material dictionary.

Documents are not listed: a supplier's test report is reached through the article that
publishes it, never enumerated. ``?search=`` on pages goes through the platform's own search
(the analysis pipeline and the configured engine), so aliases, pinyin and English names work
there as on ``/search/``.
"""

from collections.abc import Iterator, Sequence

from django.db.models import QuerySet
from rest_framework.filters import BaseFilterBackend
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet

from cms.api_images import PublicImagesAPIViewSet
from cms.api_paging import BoundedPagination
from content.models import Material
from search.queries import rank_pages

# Matches read from the engine for one request: the filters (type, child_of…) and paging apply
# to these, so a client can page through the best thousand, far more than any reader does.
PAGE_SEARCH_WINDOW = 1000
SEARCH_OPERATORS = {"and": True, "or": False}  # operator → every word must match


class RankedPages:
    """Pages in the order the engine ranked them; counts and slices as the paginator needs."""

    def __init__(self, queryset: QuerySet, page_ids: Sequence[int]) -> None:
        self.queryset = queryset
        self.page_ids = list(page_ids)

    def count(self) -> int:
        return len(self.page_ids)

    def __len__(self) -> int:
        return len(self.page_ids)

    def __getitem__(self, window: slice) -> list:
        ids = self.page_ids[window]
        pages = self.queryset.in_bulk(ids)
        return [pages[page_id] for page_id in ids if page_id in pages]

    def __iter__(self) -> Iterator:
        return iter(self[:])


class ArticleSearchFilter(BaseFilterBackend):
    """``?search=``: live articles the platform's search finds, by relevance unless ``order``
    is given; any text is accepted (the pipeline drops what it cannot read)."""

    def filter_queryset(self, request, queryset: QuerySet, view) -> QuerySet | RankedPages:
        if "search" not in request.GET:
            return queryset
        if getattr(queryset, "_filtered_by_tag", False):
            raise BadRequestError("filtering by tag with a search query is not supported")
        operator = request.GET.get("search_operator") or "and"
        if operator not in SEARCH_OPERATORS:
            raise BadRequestError("search_operator must be 'and' or 'or'")
        ranked = rank_pages(
            request.GET["search"],
            PAGE_SEARCH_WINDOW,
            match_all_groups=SEARCH_OPERATORS[operator],
        )
        allowed = set(queryset.filter(pk__in=ranked).values_list("pk", flat=True))
        if "order" in request.GET:
            return queryset.filter(pk__in=allowed)
        return RankedPages(queryset, [page_id for page_id in ranked if page_id in allowed])


class LivePagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint (live, public pages) with the platform's search."""

    pagination_class = BoundedPagination
    filter_backends = [
        ArticleSearchFilter if backend is SearchFilter else backend
        for backend in PagesAPIViewSet.filter_backends
    ]


class MaterialsAPIViewSet(BaseAPIViewSet):
    """The Material dictionary snippet, read-only, for mini-program and app front ends."""

    model = Material
    pagination_class = BoundedPagination
    body_fields = [
        *BaseAPIViewSet.body_fields,
        "name",
        "traditional",
        "pinyin",
        "latin",
        "english",
        "category",
        "aliases",
        "origins",
    ]
    listing_default_fields = [*BaseAPIViewSet.listing_default_fields, "name", "pinyin", "category"]
    name = "materials"

    def get_queryset(self):
        return Material.objects.order_by("pinyin", "name")


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", LivePagesAPIViewSet)
api_router.register_endpoint("images", PublicImagesAPIViewSet)
api_router.register_endpoint("materials", MaterialsAPIViewSet)
