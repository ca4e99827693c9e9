"""Sourcing returns dashboard: attribution under the chosen model, every model side by side with
the weights each applies written out, return on content cost, and the time to inquiry and order."""

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from analytics.attribution import (
    Options,
    first_touch_weights,
    last_touch_weights,
    u_shaped_weights,
    w_shaped_weights,
)
from analytics.credits import STORED_MODELS
from analytics.dashboards.labels import channel_label, model_label
from analytics.dashboards.panels import Panel, Table, bar, layout
from analytics.queries.returns import (
    INQUIRY_MODELS,
    NONE_KEY,
    CreditRow,
    SourcingReturns,
)


def by_label(by: str) -> str:
    return {
        "article": _("Article"),
        "supplier": _("Supplier"),
        "material": _("Material"),
        "channel": _("Channel"),
    }[by]


def _pct(weight: float) -> str:
    """A weight as a percentage without trailing zeros: 0.4 → "40", 1/3 → "33.3"."""
    return f"{round(weight * 100, 1):g}"


def model_weights(model: str, options: Options) -> str:
    """How ``model`` shares one conversion among the reads before it, in words, with the
    numbers taken from ``analytics.attribution`` itself (its weight functions and Options)."""
    if model == "first_touch":
        return _("%(pct)s %% to the first read") % {"pct": _pct(first_touch_weights(3)[0])}
    if model == "last_touch":
        return _("%(pct)s %% to the last read") % {"pct": _pct(last_touch_weights(3)[-1])}
    if model == "linear":
        return _(
            "an equal share for every read (1/n each), so an article read twice in four reads "
            "gets 2/4"
        )
    if model == "time_decay":
        return _(
            "each read weighs 2^(−age / %(days)s days), age the exact time before the "
            "conversion: a read %(days)s days earlier counts half as much as one just before it; "
            "the weights are scaled to add up to 100 %%"
        ) % {"days": f"{options.half_life.total_seconds() / 86400:g}"}
    if model == "u_shaped":
        three = u_shaped_weights(3)
        return _(
            "%(first)s %% first, %(last)s %% last, %(middle)s %% shared by the middle; "
            "a single read gets %(one)s %%, two reads %(two)s %% each"
        ) % {
            "first": _pct(three[0]),
            "last": _pct(three[-1]),
            "middle": _pct(sum(three[1:-1])),
            "one": _pct(u_shaped_weights(1)[0]),
            "two": _pct(u_shaped_weights(2)[0]),
        }
    if model == "w_shaped":
        four = w_shaped_weights(4, 1)  # roles at 0, 1 (lead creation) and 3; one other read
        return _(
            "orders that followed an inquiry only: %(role)s %% each to the first read, the last "
            "read at or before the inquiry (lead creation) and the last read (opportunity), "
            "%(others)s %% shared by the other reads; a read holding several roles gets their "
            "sum, and with no other reads each role gets %(alone)s %%"
        ) % {
            "role": _pct(four[0]),
            "others": _pct(four[2]),
            "alone": _pct(w_shaped_weights(3, 1)[0]),
        }
    return _(
        "the removal effect of each article in a Markov chain of every journey, solved exactly; "
        "it depends on every company's paths at once, so it is not stored: run "
        "“python manage.py attribution --model markov” for it"
    )


def _label(result: SourcingReturns, key: str, label: str) -> str:
    if key == NONE_KEY:
        return _("(none)")
    return channel_label(key) if result.inp.by == "channel" else label


def _labels(result: SourcingReturns, rows: list) -> list[str]:
    return [_label(result, r.key, r.label) for r in rows]


def attribution_panel(result: SourcingReturns) -> Panel:
    model, by = result.inp.model, result.inp.by
    labels = _labels(result, result.rows)
    credit = [r.models[model] for r in result.rows]
    table = Table(
        _("Credit under the %(model)s model by %(by)s")
        % {"model": model_label(model), "by": by_label(by)},
        [
            by_label(by),
            _("Inquiries credited"),
            _("Orders credited"),
            _("Attributed revenue (CNY)"),
        ],
        [
            [label, c.inquiries, c.orders, c.revenue]
            for label, c in zip(labels, credit, strict=True)
        ],
    )
    figure = bar(
        labels, [c.revenue for c in credit], name=_("Attributed revenue (CNY)"), horizontal=True
    )
    empty = _(
        "No inquiry or order in this range and scope is credited to content yet. Widen the date "
        "range or clear a filter; credit is stored as inquiries and orders arrive (after "
        "importing old orders, run “python manage.py attribution --rebuild”)."
    )
    title = _("Attribution: %(model)s") % {"model": model_label(model)}
    return Panel("attribution", title, table, figure, "" if table.rows else empty)


def _comparison_panel(
    result: SourcingReturns,
    slug: str,
    models: tuple,
    field: str,
    text: dict[str, str],
) -> Panel:
    """Every model's ``field`` side by side per key: a grouped bar chart and its table.
    ``text`` holds the panel's ``title``, the table's ``caption``, the ``axis`` title and what
    to say when no model credits anything (``empty``)."""
    labels = _labels(result, result.rows)
    rows: list[CreditRow] = result.rows
    figure = go.Figure(
        [
            go.Bar(x=labels, y=[getattr(r.models[m], field) for r in rows], name=model_label(m))
            for m in models
        ]
    )
    figure.update_layout(barmode="group")
    figure.update_yaxes(title_text=text["axis"])
    table = Table(
        text["caption"],
        [by_label(result.inp.by), *map(model_label, models)],
        [
            [label, *(getattr(r.models[m], field) for m in models)]
            for label, r in zip(labels, rows, strict=True)
        ],
    )
    credited = any(getattr(r.models[m], field) for r in rows for m in models)
    figure = layout(figure, height=380)
    return Panel(slug, text["title"], table, figure, "" if credited else text["empty"])


def revenue_comparison_panel(result: SourcingReturns) -> Panel:
    by = {"by": by_label(result.inp.by)}
    text = {
        "title": _("Model comparison: revenue"),
        "caption": _("Attributed revenue (CNY) by %(by)s under every model") % by,
        "axis": _("Attributed revenue (CNY)"),
        "empty": _("Nothing to compare: no credited order in this range and scope."),
    }
    return _comparison_panel(result, "compare-revenue", STORED_MODELS, "revenue", text)


def inquiry_comparison_panel(result: SourcingReturns) -> Panel:
    by = {"by": by_label(result.inp.by)}
    text = {
        "title": _("Model comparison: inquiries"),
        "caption": _(
            "Inquiries credited by %(by)s under every model (W-shaped credits orders only)"
        )
        % by,
        "axis": _("Inquiries credited"),
        "empty": _("Nothing to compare: no credited inquiry in this range and scope."),
    }
    return _comparison_panel(result, "compare-inquiries", INQUIRY_MODELS, "inquiries", text)


def weights_panel(result: SourcingReturns) -> Panel:
    options = result.options
    rows = [[model_label(m), model_weights(m, options)] for m in (*STORED_MODELS, "markov")]
    caption = _(
        "How each model shares one conversion among the company's reads: every read by any "
        "of its contacts at or before the conversion and at most %(days)s days before it"
    ) % {"days": options.lookback.days}
    table = Table(caption, [_("Model"), _("Weights it applies")], rows)
    return Panel("weights", _("The weights each model applies"), table)


def roi_panel(result: SourcingReturns) -> Panel:
    model, by = result.inp.model, result.inp.by
    rows = result.costs or []
    labels = _labels(result, rows)
    roi = [None if r.roi is None else round(r.roi * 100, 1) for r in rows]
    table = Table(
        _("Return on content cost under the %(model)s model: (revenue − cost) / cost")
        % {"model": model_label(model)},
        [
            by_label(by),
            _("Content cost (CNY)"),
            _("Attributed revenue (CNY)"),
            _("Return on cost (%)"),
        ],
        [
            [label, float(r.cost), float(r.revenue), "" if pct is None else pct]
            for label, r, pct in zip(labels, rows, roi, strict=True)
        ],
    )
    figure = bar(labels, [pct or 0.0 for pct in roi], name=_("Return on cost (%)"))
    if result.costs is None:
        empty = _(
            "Content costs are not spent per channel: group by article, supplier or material "
            "to see the return on content cost."
        )
    else:
        empty = _(
            "No content cost falls in this range. Platform marketing enters the cost of an "
            "article or of a supplier's promotion package under Sourcing returns → Content costs."
        )
    return Panel("roi", _("Return on content cost"), table, figure, "" if rows else empty)


def waits_panel(result: SourcingReturns) -> Panel:
    by = result.inp.by
    rows = result.waits or []
    labels = _labels(result, rows)
    table = Table(
        _("Median days from the buyer company's first engaged read to its inquiry and order"),
        [by_label(by), _("Median days to inquiry"), _("Median days to order")],
        [
            [
                label,
                "" if r.days_to_inquiry is None else r.days_to_inquiry,
                "" if r.days_to_order is None else r.days_to_order,
            ]
            for label, r in zip(labels, rows, strict=True)
        ],
    )
    figure = go.Figure(
        [
            go.Bar(x=labels, y=[r.days_to_inquiry for r in rows], name=_("To inquiry")),
            go.Bar(x=labels, y=[r.days_to_order for r in rows], name=_("To order")),
        ]
    )
    figure.update_layout(barmode="group")
    layout(figure, y_title=_("Days"))
    if result.waits is None:
        empty = _(
            "Inquiries and orders carry no channel: group by article, supplier or material to "
            "see the time to inquiry and order."
        )
    else:
        empty = _(
            "No inquiry or order in this range came from a buyer company whose reading was "
            "recorded. Contacts are linked to their company when they inquire."
        )
    return Panel(
        "time-to-convert", _("Time to inquiry and order"), table, figure, "" if rows else empty
    )


def returns_panels(result: SourcingReturns) -> list[Panel]:
    return [
        attribution_panel(result),
        revenue_comparison_panel(result),
        inquiry_comparison_panel(result),
        weights_panel(result),
        roi_panel(result),
        waits_panel(result),
    ]
