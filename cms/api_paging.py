"""Offset/limit paging for the content API with a bounded offset."""

from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.utils import BadRequestError

MAX_OFFSET = 1_000_000_000  # far past any listing; a larger one overflows SQLite's integers


class BoundedPagination(WagtailPagination):
    """Wagtail's offset/limit paging with a bounded offset (a 40-digit one answered 500)."""

    def paginate_queryset(self, queryset, request, view=None):
        offset = request.GET.get("offset", "0")
        if offset.isascii() and offset.isdigit() and int(offset) > MAX_OFFSET:
            raise BadRequestError(f"offset must be at most {MAX_OFFSET}")
        return super().paginate_queryset(queryset, request, view)
