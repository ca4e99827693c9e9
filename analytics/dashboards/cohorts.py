"""Cohorts dashboard: the first-touch month × months-after matrix as a heatmap of the share of
each cohort converting, with the counts and percentages in the table under it."""

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from analytics.dashboards.panels import Panel, Table, layout
from analytics.queries.cohorts import Cohorts


def _month(offset: int) -> str:
    return _("Month %(n)s") % {"n": offset}


def cohort_panel(result: Cohorts) -> Panel:
    offsets = range(result.offsets)
    columns = [_("First-touch month"), _("Companies")]
    for k in offsets:
        columns += [_month(k), _("%(month)s (%%)") % {"month": _month(k)}]
    rows = []
    for row in result.rows:
        cells: list = [row.month.strftime("%Y-%m"), row.companies]
        for n, pct in zip(row.converted, row.percentages, strict=True):
            cells += ["" if n is None else n, "" if pct is None else pct]
        rows.append(cells)
    months = [row.month.strftime("%Y-%m") for row in result.rows]
    figure = go.Figure(
        go.Heatmap(
            z=[row.percentages for row in result.rows],
            x=[_month(k) for k in offsets],
            y=months,
            text=[["" if n is None else str(n) for n in row.converted] for row in result.rows],
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            zmax=100,
            colorbar={"title": {"text": "%"}},
            hovertemplate="%{y} · %{x}<br>%{text}<br>%{z}%<extra></extra>",
        )
    )
    layout(figure, height=max(260, 36 * len(months) + 120))
    figure.update_yaxes(autorange="reversed", type="category")
    table = Table(
        _(
            "Buyer companies by month of first touch, and how many of them inquired or "
            "ordered in each month after (count, and percent of the cohort)"
        ),
        columns,
        rows,
    )
    empty = _(
        "No buyer company made its first engaged read in this range and scope. Choose a longer "
        "range (90 or 365 days) or clear a filter; readers join a company once they inquire."
    )
    has_data = any(row.companies for row in result.rows)
    return Panel("cohorts", _("Cohorts"), table, figure, "" if has_data else empty)


def cohort_panels(result: Cohorts) -> list[Panel]:
    return [cohort_panel(result)]
