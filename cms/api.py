"""Wagtail API v2 router: live pages, images and the Material dictionary.

Documents are not listed: a supplier's test report is reached through the article that
publishes it, never enumerated.
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from content.models import Material


class MaterialsAPIViewSet(BaseAPIViewSet):
    """The Material dictionary snippet, read-only, for mini-program and app front ends."""

    model = Material
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
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
api_router.register_endpoint("materials", MaterialsAPIViewSet)
