"""The filter bar every dashboard shares: date presets, custom range, supplier switcher (staff
only), material, kind and channel, and the links that keep them (navigation, exports)."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from analytics.dashboards.labels import CHANNEL_LABELS
from analytics.queries.params import PRESETS, DashboardInput
from content.models import ArticleKind, Material, SupplierPage

KEPT = ("days", "start", "end", "supplier", "material", "kind", "channel")
# A view's own choices (the sourcing-returns "by" and model switches) kept by its links.
CHOICES = ("sort", "page", "by", "model")


def query_string(request: HttpRequest, **changes: str) -> str:
    """The request's filters with ``changes`` applied (an empty value drops the parameter)."""
    params = request.GET.copy()
    for key in list(params):
        if key not in (*KEPT, *CHOICES):
            del params[key]
    for key, value in changes.items():
        params.pop(key, None)
        if value:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else ""


def _filters_only(request: HttpRequest) -> str:
    return query_string(request, sort="", page="", by="", model="")


def filter_context(request: HttpRequest, inp: DashboardInput) -> dict:
    keep = _filters_only(request)
    presets = [
        {
            "days": d,
            "label": _("%(days)s days") % {"days": d},
            "url": query_string(request, days=str(d), start="", end="", page=""),
            "active": not request.GET.get("start") and inp.days == d,
        }
        for d in PRESETS
    ]
    suppliers = (
        []
        if inp.forced_supplier
        else list(SupplierPage.objects.order_by("title").values("pk", "title"))
    )
    return {
        "inp": inp,
        "presets": presets,
        "suppliers": suppliers,
        "materials": list(Material.objects.order_by("pinyin", "name").values("pk", "name")),
        "kinds": ArticleKind.choices,
        "channels": [
            (code, str(label)) for code, label in CHANNEL_LABELS.items() if code != "share"
        ],
        "nav": [
            (reverse("analytics_dashboard_overview") + keep, _("Overview")),
            (reverse("analytics_dashboard_articles") + keep, _("Articles")),
            (reverse("analytics_dashboard_search") + keep, _("Search demand")),
            (reverse("analytics_dashboard_returns") + keep, _("Sourcing returns")),
            (reverse("analytics_dashboard_buyers") + keep, _("Buyer companies")),
            (reverse("analytics_dashboard_cohorts") + keep, _("Cohorts")),
        ],
        "csv_url": query_string(request, format="csv"),
        "xlsx_url": query_string(request, format="xlsx"),
    }
