"""Admin views of the analytics dashboards: parse the query string, call one query, build the
panels, render them (or export their tables as CSV or Excel)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from analytics.credits import STORED_MODELS
from analytics.dashboards.articles import article_detail_panels, article_table_panel
from analytics.dashboards.exports import csv_response, xlsx_response
from analytics.dashboards.filters import filter_context, query_string
from analytics.dashboards.labels import model_label
from analytics.dashboards.overview import kpi_cards, overview_panels
from analytics.dashboards.panels import Panel, Table
from analytics.dashboards.returns import by_label, returns_panels
from analytics.dashboards.search_demand import search_panels
from analytics.queries.articles import (
    SORTS,
    ArticleOutOfScopeError,
    article_detail,
    article_table,
)
from analytics.queries.engagement import overview
from analytics.queries.params import DashboardInput, InputError, parse_input
from analytics.queries.reading_now import reading_now
from analytics.queries.returns import BY, DEFAULT_MODEL, ReturnsInput, sourcing_returns
from analytics.queries.scope import channel_filter_ignored, scoped_article_keys
from analytics.queries.search_demand import search_demand
from content.models import ArticlePage

FORMATS = ("", "html", "csv", "xlsx")


def _bad_request(field: str, message: str) -> HttpResponse:
    return HttpResponseBadRequest(f"{field}: {message}", content_type="text/plain; charset=utf-8")


def dashboard(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Admin access, the parsed and scoped input as ``inp``, 400 naming a bad field."""

    @permission_required("wagtailadmin.access_admin", raise_exception=True)
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.GET.get("format", "") not in FORMATS:
            return _bad_request("format", _("must be csv or xlsx"))
        try:
            inp = parse_input(request.GET, request.user)
            return view(request, inp, *args, **kwargs)
        except InputError as exc:
            return _bad_request(exc.field, exc.message)

    return wrapped


def sort_and_page(request: HttpRequest, sorts: tuple[str, ...], default: str) -> tuple[str, int]:
    """The sort (a field of ``sorts``, ``-`` for descending) and page a paginated table was
    asked for; InputError (a 400 naming the field) when either is not one."""
    sort = request.GET.get("sort", default)
    if sort.removeprefix("-") not in sorts:
        raise InputError("sort", _("must be one of %(sorts)s") % {"sorts": ", ".join(sorts)})
    page = request.GET.get("page", "1")
    if not page.isdigit() or len(page) > 6:
        raise InputError("page", _("must be a whole number"))
    return sort, int(page)


def paginate(request: HttpRequest, panel: Panel, sort: str, result, label: str) -> dict:
    """Point the panel's column headers at their sort (the current one reversed) and answer
    the pager of ``result`` (its ``page`` and ``pages``), both keeping the other parameters."""
    panel.table.header_links = [
        query_string(request, sort=_toggled(sort, key), page="") if key else ""
        for key in panel.table.sort_keys
    ]
    page, pages = result.page, result.pages
    return {
        "panel": panel.slug,
        "page": page,
        "label": label,
        "previous": query_string(request, page=str(page - 1)) if page > 1 else "",
        "next": query_string(request, page=str(page + 1)) if page < pages else "",
    }


def _respond(
    request: HttpRequest,
    inp: DashboardInput,
    name: str,
    panels: list[Panel],
    context: dict,
    *,
    channel_note: bool = True,
) -> HttpResponse:
    tables = [p.table for p in panels]
    export = request.GET.get("format", "")
    if export == "csv":
        return csv_response(tables, name)
    if export == "xlsx":
        return xlsx_response(tables, name)
    notes = []
    if channel_note and channel_filter_ignored(inp):
        notes.append(
            _(
                "The channel filter narrows site-wide figures only: rollups do not split "
                "an article's views by channel. It is ignored here."
            )
        )
    context = {**filter_context(request, inp), "panels": panels, "notes": notes, **context}
    return TemplateResponse(request, "analytics/dashboards/dashboard.html", context)


def _reading_now_panel(inp: DashboardInput) -> Panel:
    keys = scoped_article_keys(inp)
    now = reading_now(page_ids=None if keys is None else [int(k) for k in keys])
    titles = dict(
        ArticlePage.objects.filter(pk__in=[p for p, _n in now.pages]).values_list("pk", "title")
    )
    table = Table(
        _("Reading now: readers in the last %(minutes)s minutes") % {"minutes": now.minutes},
        [_("Article"), _("Readers")],
        [[titles.get(p, f"#{p}"), n] for p, n in now.pages if p in titles],
    )
    empty = _("Nobody is reading these articles right now.")
    return Panel("reading-now", _("Reading now"), table, empty="" if table.rows else empty)


@dashboard
def overview_view(request: HttpRequest, inp: DashboardInput) -> HttpResponse:
    result = overview(inp)
    panels = [*overview_panels(result), _reading_now_panel(inp)]
    context = {
        "title": _("Analytics overview"),
        "cards": kpi_cards(result),
    }
    return _respond(request, inp, "overview", panels, context)


@dashboard
def articles_view(request: HttpRequest, inp: DashboardInput) -> HttpResponse:
    sort, page = sort_and_page(request, SORTS, "-views")
    result = article_table(inp, sort, page)
    panel = article_table_panel(result)
    label = _("Page %(page)s of %(pages)s (%(total)s articles)") % {
        "page": result.page,
        "pages": result.pages,
        "total": result.total,
    }
    context = {"title": _("Articles"), "pager": paginate(request, panel, sort, result, label)}
    return _respond(request, inp, "articles", [panel], context)


def _toggled(current: str, key: str) -> str:
    """Clicking the sorted column again reverses it; a new column sorts largest first."""
    if current == f"-{key}":
        return key
    return key if key == "title" and current != key else f"-{key}"


@dashboard
def article_view(request: HttpRequest, inp: DashboardInput, page_id: int) -> HttpResponse:
    try:
        result = article_detail(inp, page_id)
    except ArticleOutOfScopeError:
        raise Http404("No such article in your scope") from None
    context = {"title": result.title, "article_totals": result.totals}
    if result.share_chains > len(result.shares.roots):
        note = _("The share chain shows the %(shown)s largest of %(all)s chains.") % {
            "shown": len(result.shares.roots),
            "all": result.share_chains,
        }
        context["extra_notes"] = [note]
    return _respond(request, inp, f"article-{page_id}", article_detail_panels(result), context)


@dashboard
def search_view(request: HttpRequest, inp: DashboardInput) -> HttpResponse:
    result = search_demand(inp)
    notes = [_("Material, kind and channel filters do not apply to searches.")]
    context = {"title": _("Search demand"), "extra_notes": notes, "searches": result.searches}
    return _respond(request, inp, "search-demand", search_panels(result), context)


def _switchers(request: HttpRequest, by: str, model: str) -> list[dict]:
    """The "by" and model switches: links that keep every filter and change one choice."""

    def options(field: str, values: tuple, current: str, label) -> list[dict]:
        return [
            {"url": query_string(request, **{field: v}), "label": label(v), "active": v == current}
            for v in values
        ]

    return [
        {"label": _("Credit by"), "options": options("by", BY, by, by_label)},
        {"label": _("Model"), "options": options("model", STORED_MODELS, model, model_label)},
    ]


@dashboard
def returns_view(request: HttpRequest, inp: DashboardInput) -> HttpResponse:
    by = request.GET.get("by", "") or "article"
    if by not in BY:
        return _bad_request("by", _("must be one of %(values)s") % {"values": ", ".join(BY)})
    model = request.GET.get("model", "") or DEFAULT_MODEL
    if model not in STORED_MODELS:
        message = _(
            "must be one of %(values)s (Markov credit comes from the attribution command)"
        ) % {"values": ", ".join(STORED_MODELS)}
        return _bad_request("model", message)
    result = sourcing_returns(ReturnsInput(inp, by, model))
    notes = [
        _(
            "Credit is stored per conversion, by the day of the inquiry or order; a cancelled "
            "or refunded order is worth nothing. Data-driven (Markov) credit is not stored: run "
            "“python manage.py attribution --model markov” for it."
        )
    ]
    if by != "article" and (inp.material_id or inp.kind):
        notes.append(
            _(
                "Times to inquiry and order follow the supplier filter; the material and kind "
                "filters narrow them only by article (and by the chosen material)."
            )
        )
    context = {
        "title": _("Sourcing returns"),
        "extra_notes": notes,
        "switchers": _switchers(request, by, model),
    }
    panels = returns_panels(result)
    return _respond(request, inp, "sourcing-returns", panels, context, channel_note=False)
