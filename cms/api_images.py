"""The images endpoint of the content API: public images only, as renditions, safe search."""

import unicodedata

from rest_framework.filters import BaseFilterBackend
from wagtail.api import APIField
from wagtail.api.v2.filters import FieldsFilter, OrderingFilter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet
from wagtail.images.api.fields import ImageRenditionField
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError

from cms.api_paging import BoundedPagination
from content.media_access import public_images

SEARCH_MAX_LENGTH = 100
SEARCH_OPERATORS = {"and", "or"}


class PlainSearchFilter(BaseFilterBackend):
    """``?search=`` as plain words: any text answers results or a 400 naming the parameter.

    The SQLite engine wraps each word in double quotes without escaping the ones inside it,
    so a ``"`` in the text ended the MATCH string early (a 500). Quotes carry no meaning in a
    plain-text search, so they separate words like spaces do; text with no word left matches
    nothing. Control characters (NUL among them, which PostgreSQL refuses) are refused.
    """

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        text = request.GET["search"]
        if len(text) > SEARCH_MAX_LENGTH:
            raise BadRequestError(f"search: at most {SEARCH_MAX_LENGTH} characters")
        if any(unicodedata.category(char) == "Cc" for char in text):
            raise BadRequestError("search: control characters are not allowed")
        operator = request.GET.get("search_operator")
        if operator is not None and operator not in SEARCH_OPERATORS:
            raise BadRequestError("search_operator: must be 'and' or 'or'")
        if getattr(queryset, "_filtered_by_tag", False):
            raise BadRequestError("search: cannot be combined with a tags filter")
        words = text.replace('"', " ").split()
        if not words:
            return queryset.none()
        try:
            return get_search_backend().search(
                " ".join(words),
                queryset,
                operator=operator,
                order_by_relevance="order" not in request.GET,
            )
        except (FilterFieldError, OrderByFieldError) as exc:
            raise BadRequestError(f"search: {exc}") from exc


class PublicImagesAPIViewSet(ImagesAPIViewSet):
    """Images live pages use (``content.media_access``), each as a rendition, never the original.

    Wagtail's ``download_url`` (the original file) is left out of every field list, the images
    nested in the pages endpoint included; ``rendition`` is a bounded copy anyone may fetch.
    The listing is the same for every user: drafts' images are reviewed in the admin.
    """

    pagination_class = BoundedPagination
    filter_backends = [FieldsFilter, OrderingFilter, PlainSearchFilter]
    body_fields = [
        *BaseAPIViewSet.body_fields,
        "title",
        "width",
        "height",
        APIField("rendition", serializer=ImageRenditionField("max-1200x1200", source="*")),
    ]
    meta_fields = [*BaseAPIViewSet.meta_fields, "tags"]
    listing_default_fields = [*BaseAPIViewSet.listing_default_fields, "title", "tags", "rendition"]
    nested_default_fields = [*BaseAPIViewSet.nested_default_fields, "title", "rendition"]

    def get_queryset(self):
        return public_images().order_by("id")
