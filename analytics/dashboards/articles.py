"""Articles dashboards: the table of every article, and one article's detail with its share
chain drawn as a sunburst."""

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
from analytics.queries.articles import ArticleDetail, ArticleTable
from analytics.shares import Share, ShareTree
from analytics.templatetags.analytics_labels import share_method_label
from content.models import ArticleKind

SORTABLE = ("views", "visitors", "engaged_reads", "active_ms", "shares")
CREDITED = ("inquiries", "orders", "revenue")


def credited_columns() -> list[str]:
    """Headers of the credited funnel steps (the linear model, as the overview's KPI)."""
    return [_("Inquiries credited"), _("Orders credited"), _("Attributed revenue (CNY)")]


def article_table_panel(result: ArticleTable) -> Panel:
    kinds = dict(ArticleKind.choices)
    columns = [
        _("Article"),
        _("Supplier"),
        _("Kind"),
        *map(metric_label, SORTABLE),
        *credited_columns(),
    ]
    rows = [
        [
            a.title,
            a.supplier,
            str(kinds.get(a.kind, a.kind)),
            a.views,
            a.visitors,
            a.engaged_reads,
            minutes(a.active_ms),
            a.shares,
            round(a.inquiries, 2),
            round(a.orders, 2),
            round(a.revenue, 2),
        ]
        for a in result.lines
    ]
    table = Table(
        _("Articles, page %(page)s of %(pages)s") % {"page": result.page, "pages": result.pages},
        columns,
        rows,
        sort_keys=["title", "", "", *SORTABLE, *CREDITED],
    )
    figure = bar(
        [a.title for a in result.lines],
        [a.views for a in result.lines],
        name=metric_label("views"),
        horizontal=True,
    )
    empty = _(
        "No articles in this scope yet. Publish an article, or clear the material and kind filters."
    )
    links = [reverse("analytics_dashboard_article", args=[a.page_id]) for a in result.lines]
    return Panel("articles", _("Every article"), table, figure, "" if rows else empty, links)


def article_series_panel(result: ArticleDetail) -> Panel:
    return engagement_series_panel(result.series, ("views", "engaged_reads"))


def scroll_panel(result: ArticleDetail) -> Panel:
    labels = [_("Reached %(pct)s%%") % {"pct": pct} for pct in (25, 50, 75, 100)]
    values = [result.totals[f"scroll_{pct}"] for pct in (25, 50, 75, 100)]
    views = result.totals["views"]
    shares = [round(v * 100 / views, 1) if views else 0.0 for v in values]
    table = Table(
        _("Scroll depth: pageviews that reached each mark"),
        [_("Depth"), metric_label("views"), _("Share of views (%)")],
        [[label, v, s] for label, v, s in zip(labels, values, shares, strict=True)],
    )
    figure = bar(labels, values, name=metric_label("views"))
    return Panel("scroll", _("Scroll depth"), table, figure, "" if views else empty_message())


def channels_panel(result: ArticleDetail) -> Panel:
    labels = [channel_label(key) for key, _n in result.channels]
    visits = [n for _key, n in result.channels]
    figure = layout(go.Figure(go.Pie(labels=labels, values=visits, hole=0.4, sort=False)))
    table = Table(
        _("Visits that entered on this article, by channel"),
        [_("Channel"), _("Visits")],
        [[label, n] for label, n in zip(labels, visits, strict=True)],
    )
    return Panel("channels", _("Channels"), table, figure, "" if visits else empty_message())


def _who(visitor_id: str, account: str) -> str:
    return account or _("Reader %(id)s") % {"id": visitor_id[:6]}


def _share_nodes(tree: ShareTree, title: str) -> tuple[list, list[list]]:
    """Sunburst nodes (id, label, parent) and table rows (depth, sharer, method, day, readers)."""
    nodes = [("root", title, "")]
    rows: list[list] = []

    def walk(share: Share, parent: str, depth: int) -> None:
        node = f"s-{share.token}"
        sharer = _who(share.sharer_visitor_id, share.sharer_account)
        method = share_method_label(share.method)
        nodes.append((node, f"{sharer} · {method}", parent))
        rows.append(
            [depth, sharer, method, share.created_at.date().isoformat(), len(share.readers)]
        )
        for reader in share.readers:
            reader_node = f"{node}-r-{reader.visitor_id}"
            nodes.append((reader_node, _who(reader.visitor_id, reader.account), node))
            for child in reader.shares:
                walk(child, reader_node, depth + 1)

    for root in tree.roots:
        walk(root, "root", 1)
    return nodes, rows


def share_chain_panel(result: ArticleDetail) -> Panel:
    nodes, rows = _share_nodes(result.shares, result.title)
    table = Table(
        _("Shares of this article: who shared, how, and how many arrived"),
        [_("Generation"), _("Sharer"), _("Method"), _("Day"), _("Readers who arrived")],
        rows,
    )
    figure = None
    if rows:
        figure = go.Figure(
            go.Sunburst(
                ids=[n[0] for n in nodes],
                labels=[n[1] for n in nodes],
                parents=[n[2] for n in nodes],
                maxdepth=4,
            )
        )
        layout(figure, height=420)
    empty = _(
        "Nobody has shared this article yet. Share buttons and the QR code on the "
        "article start a chain."
    )
    return Panel("share-chain", _("Share chain"), table, figure, "" if rows else empty)


def companies_panel(result: ArticleDetail) -> Panel:
    """The buyer companies whose contacts read the article, most engaged reads first."""
    rows = [[c.name, c.reads, c.contacts, c.last_read.isoformat()] for c in result.companies]
    caption = _("Buyer companies that read this article: engaged reads by any of their contacts")
    if result.reading_companies > len(result.companies):
        caption = _("The %(shown)s buyer companies of %(all)s with the most engaged reads") % {
            "shown": len(result.companies),
            "all": result.reading_companies,
        }
    table = Table(
        caption, [_("Company"), metric_label("engaged_reads"), _("Contacts who read"),
                  _("Last engaged read")], rows,
    )  # fmt: skip
    figure = None
    if rows:
        figure = bar(
            [c.name for c in result.companies],
            [c.reads for c in result.companies],
            name=metric_label("engaged_reads"),
            horizontal=True,
        )
    empty = _(
        "No buyer company read this article in this range. A reader counts for a company once "
        "they send an inquiry or an order names them; widen the date range to look further back."
    )
    links = [reverse("analytics_dashboard_buyer", args=[c.account_id]) for c in result.companies]
    return Panel("companies", _("Buyer companies"), table, figure, "" if rows else empty, links)


def credited_panel(result: ArticleDetail) -> Panel:
    """Each company's inquiries and orders in the range, as far as they are credited here."""
    rows = [
        [c.name, round(c.inquiries, 2), round(c.orders, 2), round(c.revenue, 2)]
        for c in result.credited
    ]
    caption = _(
        "Inquiries and orders credited to this article by buyer company (linear model: every "
        "read of the journey alike)"
    )
    if result.credited_companies > len(result.credited):
        caption = _("The %(shown)s buyer companies of %(all)s whose conversions credit this "
                    "article the most revenue (linear model)") % {
            "shown": len(result.credited), "all": result.credited_companies,
        }  # fmt: skip
    table = Table(caption, [_("Company"), *credited_columns()], rows)
    figure = None
    if any(c.revenue for c in result.credited):
        figure = bar(
            [c.name for c in result.credited],
            [round(c.revenue, 2) for c in result.credited],
            name=_("Attributed revenue (CNY)"),
            horizontal=True,
        )
    empty = _(
        "No inquiry or order in this range is credited to this article yet. Credit is stored "
        "as inquiries and orders arrive; Sourcing returns compares every model."
    )
    title = _("Inquiries and orders credited")
    return Panel("credited", title, table, figure, "" if rows else empty)


def article_detail_panels(result: ArticleDetail) -> list[Panel]:
    return [
        article_series_panel(result),
        scroll_panel(result),
        channels_panel(result),
        share_chain_panel(result),
        companies_panel(result),
        credited_panel(result),
    ]
