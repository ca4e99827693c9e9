"""Overview dashboard: KPI cards, the daily series, channel mix, top articles and companies."""

from dataclasses import dataclass

import plotly.graph_objects as go
from django.urls import reverse
from django.utils.translation import gettext as _

from analytics.dashboards.labels import channel_label, metric_label
from analytics.dashboards.panels import (
    Panel,
    Table,
    bar,
    empty_message,
    engagement_series_panel,
    layout,
    minutes,
)
from analytics.queries.engagement import Overview
from content.templatetags.money import money


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    value: float
    previous: float
    change: float | None

    @property
    def display(self) -> str:
        """The card's figure as people read it: ¥68,000.00, 4,553, 2,716.7 (minutes)."""
        if self.key == "revenue":
            return money(self.value)
        if isinstance(self.value, float) and not self.value.is_integer():
            return f"{self.value:,.1f}"
        return f"{self.value:,.0f}"


def kpi_cards(result: Overview) -> list[Card]:
    cards = []
    for kpi in result.kpis:
        value, previous = kpi.value, kpi.previous
        if kpi.key == "active_ms":
            value, previous = minutes(value), minutes(previous)
        cards.append(Card(kpi.key, metric_label(kpi.key), value, previous, kpi.change))
    return cards


def kpi_panel(result: Overview) -> Panel:
    cards = kpi_cards(result)
    rows = [[c.label, c.value, c.previous, "" if c.change is None else c.change] for c in cards]
    table = Table(
        _("Key figures against the previous period"),
        [_("Figure"), _("This period"), _("Previous period"), _("Change (%)")],
        rows,
    )
    return Panel("kpis", _("Key figures"), table)


def series_panel(result: Overview) -> Panel:
    return engagement_series_panel(result.series, ("views", "visitors", "engaged_reads"))


FUNNEL = ("views", "engaged_reads", "inquiries", "orders")


def _percent(part: float, whole: float) -> float | str:
    return round(100 * part / whole, 1) if whole else ""


def funnel_panel(result: Overview) -> Panel:
    """Views → engaged reads → inquiries → orders in the range, each step's share of the step
    before and of the views (inquiries and orders as the key figures count them)."""
    values = {k.key: k.value for k in result.kpis}
    steps = [(metric_label(key), values.get(key, 0)) for key in FUNNEL]
    rows = [
        [label, value, _percent(value, steps[i - 1][1]) if i else "", _percent(value, steps[0][1])]
        for i, (label, value) in enumerate(steps)
    ]
    table = Table(
        _("From views to orders: each step and its share of the step before and of the views"),
        [_("Step"), _("Count"), _("Of the step before (%)"), _("Of views (%)")],
        rows,
    )
    figure = None
    if steps[0][1]:
        figure = layout(
            go.Figure(
                go.Funnel(
                    y=[label for label, _value in steps],
                    x=[value for _label, value in steps],
                    # two decimals: a few inquiries of thousands of views must not read 0 %
                    texttemplate="%{value}<br>%{percentInitial:.2%}",
                )
            ),
            height=280,
        )
    return Panel("funnel", _("Funnel"), table, figure, "" if steps[0][1] else empty_message())


def channel_panel(result: Overview) -> Panel:
    labels = [channel_label(c.channel) for c in result.channels]
    figure = go.Figure(
        go.Pie(labels=labels, values=[c.visits for c in result.channels], hole=0.4, sort=False)
    )
    table = Table(
        _("Visits by channel (entry page in scope)"),
        [_("Channel"), _("Visits"), _("Pageviews")],
        [[label, c.visits, c.pageviews] for label, c in zip(labels, result.channels, strict=True)],
    )
    return Panel(
        "channels",
        _("Channel mix"),
        table,
        layout(figure),
        "" if result.channels else empty_message(),
    )


def top_articles_panel(result: Overview) -> Panel:
    rows = result.top_articles
    table = Table(
        _("Most read articles"),
        [
            _("Article"),
            metric_label("views"),
            metric_label("visitors"),
            metric_label("engaged_reads"),
            metric_label("shares"),
        ],
        [[a.title, a.views, a.visitors, a.engaged_reads, a.shares] for a in rows],
    )
    figure = bar(
        [a.title for a in rows],
        [a.views for a in rows],
        name=metric_label("views"),
        horizontal=True,
    )
    links = [reverse("analytics_dashboard_article", args=[a.page_id]) for a in rows]
    return Panel(
        "top-articles", _("Top articles"), table, figure, "" if rows else empty_message(), links
    )


def companies_panel(result: Overview) -> Panel | None:
    if result.companies is None:
        return None
    rows = result.companies
    table = Table(
        _("Buyer companies that read the most"),
        [_("Company"), metric_label("views"), metric_label("engaged_reads")],
        [[c.name, c.views, c.engaged_reads] for c in rows],
    )
    figure = bar(
        [c.name for c in rows], [c.views for c in rows], name=metric_label("views"), horizontal=True
    )
    empty = _("No reader has been matched to a buyer company in this range yet.")
    return Panel("companies", _("Top buyer companies"), table, figure, "" if rows else empty)


def overview_panels(result: Overview) -> list[Panel]:
    panels = [
        kpi_panel(result),
        series_panel(result),
        funnel_panel(result),
        channel_panel(result),
        top_articles_panel(result),
    ]
    companies = companies_panel(result)
    return panels if companies is None else [*panels, companies]
