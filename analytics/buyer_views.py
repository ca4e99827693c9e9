"""Admin views of the buyer-company dashboards: companies by engagement score, one company's
buying-group timeline, and first-touch cohorts (rendered, or exported as CSV or Excel)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from analytics.dashboard_views import _respond, dashboard, paginate, sort_and_page
from analytics.dashboards.buyers import company_panels, company_table_panel, score_rules_panel
from analytics.dashboards.cohorts import cohort_panels
from analytics.dashboards.filters import query_string
from analytics.queries.buyers import (
    SORTS,
    WEIGHTS,
    CompanyOutOfScopeError,
    company_table,
    company_timeline,
)
from analytics.queries.cohorts import cohorts
from analytics.queries.params import DashboardInput
from content.admin_isolation import sees_every_workspace


def _scope_note() -> str:
    return _(
        "Kind and channel filters choose which reads count; inquiries and orders are narrowed "
        "by supplier and material only (they know no article kind or channel)."
    )


def _score_note() -> str:
    return (
        _(
            "Engagement score = %(recency)s × recency + %(depth)s × depth + %(breadth)s × breadth, "
            "0 to 100, from engaged reads of the articles in scope in this range; the table "
            "“How the score is computed” gives each part."
        )
        % WEIGHTS
    )


@dashboard
def buyers_view(request: HttpRequest, inp: DashboardInput) -> HttpResponse:
    sort, page = sort_and_page(request, SORTS, "-score")
    result = company_table(inp, sort, page)
    panel = company_table_panel(result)
    keep = query_string(request, sort="", page="")  # a company's timeline keeps the filters
    panel.links = [link + keep for link in panel.links]
    label = _("Page %(page)s of %(pages)s (%(total)s companies)") % {
        "page": result.page,
        "pages": result.pages,
        "total": result.total,
    }
    pager = paginate(request, panel, sort, result, label)
    context = {
        "title": _("Buyer companies"),
        "pager": pager,
        "extra_notes": [_score_note(), _scope_note()],
    }
    return _respond(request, inp, "buyer-companies", [panel, score_rules_panel()], context)


@dashboard
def buyer_view(request: HttpRequest, inp: DashboardInput, account_id: int) -> HttpResponse:
    try:
        result = company_timeline(inp, account_id)
    except CompanyOutOfScopeError:
        raise Http404("No such buyer company in your scope") from None
    notes = [_score_note(), _scope_note()]
    links = []
    if sees_every_workspace(request.user):
        links.append(
            (
                reverse("analytics_buying_group", args=[account_id]),
                _("The company's whole buying group, every supplier and all time"),
            )
        )
    context = {
        "title": result.name,
        "extra_notes": notes,
        "extra_links": links,
    }
    return _respond(request, inp, f"buyer-{account_id}", company_panels(result), context)


@dashboard
def cohorts_view(request: HttpRequest, inp: DashboardInput) -> HttpResponse:
    result = cohorts(inp)
    context = {
        "title": _("Cohorts"),
        "extra_notes": [
            _(
                "A company joins the cohort of the month of its first engaged read of an article "
                "in scope (ever recorded) when that falls in this range. Month 0 is that month; "
                "a company counts in month k when it inquired or ordered in scope at or after its "
                "first touch, k calendar months later. Empty cells lie after the range."
            ),
            _scope_note(),
        ],
    }
    return _respond(request, inp, "cohorts", cohort_panels(result), context)
