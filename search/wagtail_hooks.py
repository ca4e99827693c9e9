"""Admin: search index health (documents vs published articles, engine state) and a rebuild."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from content.staff import StaffMenuItem, platform_staff_view
from search import tasks
from search.indexing import index_health
from search.models import SearchLog

PEOPLE_SOURCES = ("web", "api")  # "cli" is staff trying the engine


def zero_result_queries(limit: int = 20) -> list[dict]:
    """Words people searched for that found nothing at all, most often first.

    Left out: crawlers and scripts (``bot_reason``), the command line, searches with nothing to
    look for (a blank or punctuation-only query normalises to ""), and searches narrowed by a
    filter: "北芪 within one supplier's 2023 articles" finding nothing says nothing about 北芪,
    yet grouped by query alone it listed 北芪 as a zero-result search (the search form keeps the
    active filters when a new query is typed, so such searches are common).
    """
    return list(
        SearchLog.objects.filter(
            result_count=0, bot_reason="", source__in=PEOPLE_SOURCES, filters={}
        )
        .exclude(normalized="")
        .values("query")
        .annotate(n=Count("id"))
        .order_by("-n", "query")[:limit]
    )


@platform_staff_view
def search_health(request: HttpRequest) -> HttpResponse:
    zero = zero_result_queries()
    return TemplateResponse(
        request, "search/admin/health.html", {"health": index_health(), "zero_result_queries": zero}
    )


@require_POST
@platform_staff_view
def search_rebuild(request: HttpRequest) -> HttpResponse:
    tasks.rebuild_index.delay()
    messages.success(request, _("Rebuild queued; the index refills in the background."))
    return redirect("search_health")


@hooks.register("register_admin_urls")
def register_search_urls() -> list:
    return [
        path("search-index/", search_health, name="search_health"),
        path("search-index/rebuild/", search_rebuild, name="search_rebuild"),
    ]


@hooks.register("register_admin_menu_item")
def search_health_menu_item() -> MenuItem:
    return StaffMenuItem(_("Search index"), reverse("search_health"), icon_name="search", order=900)
