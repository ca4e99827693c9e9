"""Admin: search index health (documents vs published articles, engine state) and a rebuild."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from search import tasks
from search.indexing import index_health
from search.models import SearchLog

PERMISSION = "wagtailadmin.access_admin"


def _is_platform_staff(request: HttpRequest) -> bool:
    return request.user.is_superuser or request.user.has_perm("auth.add_group")


@permission_required(PERMISSION, raise_exception=True)
def search_health(request: HttpRequest) -> HttpResponse:
    if not _is_platform_staff(request):
        return redirect("wagtailadmin_home")
    zero = (
        SearchLog.objects.filter(result_count=0)
        .values("query")
        .annotate(n=Count("id"))
        .order_by("-n", "query")[:20]
    )
    return TemplateResponse(
        request, "search/admin/health.html", {"health": index_health(), "zero_result_queries": zero}
    )


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def search_rebuild(request: HttpRequest) -> HttpResponse:
    if not _is_platform_staff(request):
        return redirect("wagtailadmin_home")
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
    class StaffMenuItem(MenuItem):
        def is_shown(self, request: HttpRequest) -> bool:
            return _is_platform_staff(request)

    return StaffMenuItem(_("Search index"), reverse("search_health"), icon_name="search", order=900)
