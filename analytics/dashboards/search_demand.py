"""Search demand dashboard: top queries, poorly answered queries, click-through by position."""

from django.utils.translation import gettext as _

from analytics.dashboards.panels import Panel, Table, bar, layout
from analytics.queries.search_demand import FEW_RESULTS, QueryRow, SearchDemand


def _query_table(caption: str, rows: list[QueryRow]) -> Table:
    return Table(
        caption,
        [_("Query"), _("Searches"), _("People"), _("Most results")],
        [[r.query, r.searches, r.people, r.results] for r in rows],
    )


def top_queries_panel(result: SearchDemand) -> Panel:
    rows = result.top_queries
    caption = (
        _("Queries that opened your articles")
        if result.inp.supplier_id
        else _("Most searched queries")
    )
    figure = bar(
        [r.query for r in rows], [r.searches for r in rows], name=_("Searches"), horizontal=True
    )
    empty = _("No searches in this range. Widen the date range; searches by bots are not counted.")
    return Panel(
        "top-queries", _("Top queries"), _query_table(caption, rows), figure, "" if rows else empty
    )


def unanswered_panel(result: SearchDemand) -> Panel:
    rows = result.unanswered
    caption = _("Queries with at most %(n)s results: demand no article answers yet") % {
        "n": FEW_RESULTS
    }
    figure = bar(
        [r.query for r in rows], [r.searches for r in rows], name=_("Searches"), horizontal=True
    )
    empty = _("Every search in this range found enough results.")
    return Panel(
        "unanswered",
        _("Zero or few results"),
        _query_table(caption, rows),
        figure,
        "" if rows else empty,
    )


def positions_panel(result: SearchDemand) -> Panel:
    rows = result.positions
    caption = (
        _("Clicks on your articles by position on the first results page")
        if result.inp.supplier_id
        else _("Click-through by position on the first results page")
    )
    table = Table(
        caption,
        [_("Position"), _("Searches showing it"), _("Clicks"), _("Click-through (%)")],
        [[r.position, r.searches, r.clicks, r.ctr] for r in rows],
    )
    figure = layout(
        bar([str(r.position) for r in rows], [r.ctr for r in rows], name=_("Click-through (%)"))
    )
    figure.update_xaxes(title_text=_("Position"), type="category")
    has_data = any(r.searches for r in rows)
    empty = _("No first-page searches in this range yet.")
    return Panel(
        "positions", _("Click-through by position"), table, figure, "" if has_data else empty
    )


def search_panels(result: SearchDemand) -> list[Panel]:
    return [top_queries_panel(result), unanswered_panel(result), positions_panel(result)]
