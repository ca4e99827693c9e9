"""Buyer companies dashboards: the scored table of companies with the score explained, and one
company's buying-group timeline drawn as a plotly timeline."""

import plotly.graph_objects as go
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.dashboards.labels import channel_label
from analytics.dashboards.panels import Panel, Table, bar, layout
from analytics.queries.buyers import (
    BREADTH_FULL,
    DEPTH_FULL,
    WEIGHTS,
    CompanyTable,
    CompanyTimeline,
    Score,
    Step,
)

SORTABLE = ("score", "last_read", "reads", "contacts", "articles", "inquiries", "orders")
STEP_LABELS = {
    "read": gettext_lazy("Engaged read"),
    "inquiry": gettext_lazy("Inquiry"),
    "order": gettext_lazy("Order placed"),
}
SYMBOLS = {"read": "circle", "inquiry": "diamond", "order": "star"}


def _points(score: Score) -> list[float]:
    return [round(score.recency, 1), round(score.depth, 1), round(score.breadth, 1)]


def score_columns() -> list[str]:
    return [_("Recency points"), _("Depth points"), _("Breadth points")]


def company_table_panel(result: CompanyTable) -> Panel:
    columns = [
        _("Company"),
        _("Engagement score"),
        *score_columns(),
        _("Last engaged read"),
        _("Engaged reads"),
        _("Contacts who read"),
        _("Articles read"),
        _("Inquiries"),
        _("Orders"),
    ]
    rows = [
        [
            result.names.get(c.account_id, f"#{c.account_id}"),
            c.score.total,
            *_points(c.score),
            c.last_read.isoformat() if c.last_read else "",
            c.reads,
            c.contacts,
            c.articles,
            c.inquiries,
            c.orders,
        ]
        for c in result.lines
    ]
    table = Table(
        _("Buyer companies by engagement, page %(page)s of %(pages)s")
        % {"page": result.page, "pages": result.pages},
        columns,
        rows,
        sort_keys=[
            "",
            "score",
            "",
            "",
            "",
            "last_read",
            "reads",
            "contacts",
            "articles",
            "inquiries",
            "orders",
        ],
    )
    figure = bar(
        [row[0] for row in rows],
        [row[1] for row in rows],
        name=_("Engagement score"),
        horizontal=True,
    )
    figure.update_xaxes(range=[0, 100])
    empty = _(
        "No buyer company read, inquired or ordered in this range and scope. Widen the date "
        "range or clear a filter; a reader counts for a company once they send an inquiry or "
        "their order names them."
    )
    links = [reverse("analytics_dashboard_buyer", args=[c.account_id]) for c in result.lines]
    return Panel("companies", _("Buyer companies"), table, figure, "" if rows else empty, links)


def score_rules_panel() -> Panel:
    """ENGAGEMENT_SCORE in words and numbers, as a table of its three parts."""
    rows = [
        [
            _("Recency"),
            _("1 − days from the last engaged read to the range's last day ÷ days in the range"),
            _("a read on the range's last day"),
            WEIGHTS["recency"],
        ],
        [
            _("Depth"),
            _("engaged reads by anyone in the company, up to %(n)s") % {"n": DEPTH_FULL},
            _("%(n)s or more engaged reads") % {"n": DEPTH_FULL},
            WEIGHTS["depth"],
        ],
        [
            _("Breadth"),
            _("contacts of the buying group with an engaged read, up to %(n)s")
            % {"n": BREADTH_FULL},
            _("%(n)s or more contacts reading") % {"n": BREADTH_FULL},
            WEIGHTS["breadth"],
        ],
    ]
    table = Table(
        _(
            "How the engagement score (0–100) is made: each part's share of its full marks "
            "times its points, added up"
        ),
        [_("Part"), _("Measure"), _("Full marks at"), _("Points")],
        rows,
    )
    return Panel("score-rules", _("How the score is computed"), table)


def _local(step: Step) -> str:
    return timezone.localtime(step.at).strftime("%Y-%m-%d %H:%M")


def _detail(step: Step) -> str:
    if step.kind == "read":
        return channel_label(step.detail)
    if step.kind == "order":
        return f"{step.detail} · {step.reference} · ¥{step.amount}"
    return step.detail


def _who(step: Step) -> str:
    return step.contact or _("(no contact named)")


def timeline_panel(result: CompanyTimeline) -> Panel:
    rows = [
        [i, _local(s), _who(s), str(STEP_LABELS[s.kind]), s.what, _detail(s)]
        for i, s in enumerate(result.steps, start=1)
    ]
    traces = []
    for kind, label in STEP_LABELS.items():
        steps = [(i, s) for i, s in enumerate(result.steps, start=1) if s.kind == kind]
        if steps:
            traces.append(
                go.Scatter(
                    x=[_local(s) for _i, s in steps],
                    y=[_who(s) for _i, s in steps],
                    text=[f"{i}. {s.what}" for i, s in steps],
                    mode="markers",
                    name=str(label),
                    marker={"symbol": SYMBOLS[kind], "size": 12},
                    hovertemplate="%{x}<br>%{y}<br>%{text}<extra></extra>",
                )
            )
    figure = layout(go.Figure(traces), height=max(260, 60 * len({r[2] for r in rows}) + 120))
    figure.update_xaxes(type="date")
    table = Table(
        _("Buying group timeline: every step in order"),
        [
            _("Step"),
            _("Time"),
            _("Contact"),
            _("What happened"),
            _("Article or material"),
            _("Channel or supplier"),
        ],
        rows,
    )
    empty = _(
        "This company read none of the articles in scope and sent no inquiry or order in this "
        "range. Widen the date range or clear a filter."
    )
    return Panel("timeline", _("Buying group timeline"), table, figure, "" if rows else empty)


def company_score_panel(result: CompanyTimeline) -> Panel:
    score = result.score
    table = Table(
        _("This company's engagement score"),
        [_("Engagement score"), *score_columns(), _("Engaged reads"), _("Contacts who read")],
        [[score.total, *_points(score), result.reads, result.contacts]],
    )
    return Panel("company-score", _("Engagement score"), table)


def company_panels(result: CompanyTimeline) -> list[Panel]:
    return [company_score_panel(result), timeline_panel(result), score_rules_panel()]
