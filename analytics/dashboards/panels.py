"""What a dashboard shows: panels of a chart and the table with its numbers, and the shared
look of the figures (Chinese or English labels come from gettext at build time)."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from analytics.dashboards.labels import metric_label

FONT = "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"


@dataclass
class Table:
    """A table of exactly the numbers a chart draws; exports write the same rows."""

    caption: str
    columns: list[str]
    rows: list[list]
    # Columns whose header is a row header (<th scope="row">): the first one, usually.
    row_header: bool = True
    # Per column, the ``sort`` value its header links to ("" for a column that does not sort).
    sort_keys: list[str] = field(default_factory=list)
    # Per column, the link of its header (filled in by the view from ``sort_keys``).
    header_links: list[str] = field(default_factory=list)

    @property
    def headers(self) -> list[tuple[str, str]]:
        links = self.header_links or [""] * len(self.columns)
        return list(zip(self.columns, links, strict=True))


@dataclass
class Panel:
    slug: str
    title: str
    table: Table
    figure: go.Figure | None = None
    empty: str = ""  # what to do when there is nothing to show
    links: list[str | None] = field(default_factory=list)  # per row, a detail link or None

    @property
    def figure_json(self) -> str:
        """The figure as JSON safe inside a <script> element (titles are user text)."""
        if self.figure is None:
            return ""
        text = self.figure.to_json()
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

    @property
    def row_items(self) -> list[tuple[object, list, str | None]]:
        """(first cell, other cells, detail link) per row, for the template."""
        links = self.links or [None] * len(self.table.rows)
        return [(row[0], row[1:], link) for row, link in zip(self.table.rows, links, strict=True)]


def layout(figure: go.Figure, *, y_title: str = "", height: int = 320) -> go.Figure:
    figure.update_layout(
        height=height,
        margin={"l": 48, "r": 16, "t": 16, "b": 40},
        font={"family": FONT, "size": 12},
        legend={"orientation": "h", "y": -0.2},
        yaxis_title=y_title,
        template="plotly_white",
    )
    return figure


def bar(labels: Sequence, values: Sequence, *, name: str, horizontal: bool = False) -> go.Figure:
    if horizontal:
        trace = go.Bar(x=list(values), y=list(labels), name=name, orientation="h")
        figure = layout(go.Figure(trace), height=max(240, 28 * len(labels) + 60))
        figure.update_yaxes(autorange="reversed")
        return figure
    return layout(go.Figure(go.Bar(x=list(labels), y=list(values), name=name)), y_title=name)


def minutes(ms: int) -> float:
    """Milliseconds of active reading as minutes, one decimal."""
    return round(ms / 60000, 1)


def empty_message() -> str:
    return _(
        "Nothing recorded for this range and these filters. Widen the date range or clear a "
        "filter; new reading shows here once the next rollup has run (every few minutes)."
    )


def engagement_series_panel(series: Sequence, metrics: Sequence[str]) -> Panel:
    """Daily lines of ``metrics`` and the table under them (with active reading time): one
    builder for the overview and an article's page, whose day rows share these attributes."""
    days = [row.day.isoformat() for row in series]
    figure = go.Figure(
        [
            go.Scatter(
                x=days,
                y=[getattr(row, metric) for row in series],
                name=metric_label(metric),
                mode="lines+markers",
            )
            for metric in metrics
        ]
    )
    table = Table(
        _("Engagement per day"),
        [_("Day"), *map(metric_label, (*metrics, "active_ms"))],
        [
            [row.day.isoformat(), *(getattr(row, m) for m in metrics), minutes(row.active_ms)]
            for row in series
        ],
    )
    has_data = any(row.views for row in series)
    return Panel(
        "series",
        _("Engagement over time"),
        table,
        layout(figure),
        "" if has_data else empty_message(),
    )
