"""Every article in scope with its funnel (sortable, paginated), and one article's detail:
engagement over time, scroll depth, channels, its share chain, the buyer companies that read it
and the inquiries and orders credited to it."""

from dataclasses import dataclass, field, replace
from datetime import date

from django.db.models import Count, Max, Q, QuerySet, Sum

from analytics.days import days_between, local_day
from analytics.models import Account, DailyRollup, Dimension, Inquiry, Order
from analytics.queries.cache import cached
from analytics.queries.conversions import KPI_MODEL
from analytics.queries.params import DashboardInput
from analytics.queries.scope import (
    article_rows,
    channel_mix,
    company_reads,
    scoped_article_keys,
    scoped_articles,
    scoped_credit,
    scoped_sessions,
)
from analytics.shares import Share, ShareTree, share_tree

SORTS = (
    "title",
    "views",
    "visitors",
    "engaged_reads",
    "shares",
    "active_ms",
    "inquiries",
    "orders",
    "revenue",
)
PAGE_SIZE = 25
# A popular article has thousands of shares; a sunburst and a table of more chains than this are
# unreadable, and drawing them all took over a second per request (2,500 shares).
SHARE_CHAINS = 100
# The buyer companies listed on an article's page (most engaged first; most revenue credited
# first); the page says how many there are in all. A popular article's year has thousands.
ARTICLE_COMPANIES = 50
SCROLL = ("scroll_25", "scroll_50", "scroll_75", "scroll_100")
TOTALS = ("views", "visitors", "engaged_reads", "active_ms", "shares", *SCROLL)


class ArticleOutOfScopeError(LookupError):
    """The article does not exist or lies outside the user's supplier scope."""


@dataclass(frozen=True)
class ArticleLine:
    page_id: int
    title: str
    kind: str
    supplier: str
    views: int
    visitors: int
    engaged_reads: int
    active_ms: int
    shares: int
    # Stored credit under the KPI model (linear): fractions of inquiries and orders, and the
    # orders' revenue in CNY, unrounded.
    inquiries: float = 0.0
    orders: float = 0.0
    revenue: float = 0.0


@dataclass(frozen=True)
class ArticleTable:
    inp: DashboardInput
    lines: list[ArticleLine]  # this page only
    total: int  # articles in scope
    page: int
    pages: int
    sort: str


def _credit_sums(credit: QuerySet, key: str) -> dict[int, tuple[float, float, float]]:
    """Per ``key`` (article or company): (inquiries, orders, revenue) credited under the KPI
    model, the fractions and CNY unrounded."""
    sums: dict[int, tuple[float, float, float]] = {}
    rows = (
        credit.filter(model=KPI_MODEL)
        .values(key, "conversion_kind")
        .annotate(share=Sum("credit"), value=Sum("value"))
    )
    for row in rows:
        inquiries, orders, revenue = sums.get(row[key], (0.0, 0.0, 0.0))
        if row["conversion_kind"] == "order":
            orders, revenue = orders + row["share"], revenue + row["value"]
        else:
            inquiries += row["share"]
        sums[row[key]] = (inquiries, orders, revenue)
    return sums


def _all_lines(inp: DashboardInput) -> list[ArticleLine]:
    keys = scoped_article_keys(inp)
    sums = {m: Sum(m) for m in ("views", "visitors", "engaged_reads", "active_ms", "shares")}
    totals = {r["key"]: r for r in article_rows(inp, keys).values("key").annotate(**sums)}
    credit = _credit_sums(scoped_credit(inp), "article_id")
    empty = dict.fromkeys(sums, 0)
    articles = scoped_articles(inp).values_list("pk", "title", "kind", "supplier__title")
    return [
        ArticleLine(
            pk,
            title,
            kind,
            supplier or "",
            *(totals.get(str(pk), empty)[m] for m in sums),
            *credit.get(pk, (0.0, 0.0, 0.0)),
        )
        for pk, title, kind, supplier in articles
    ]


def article_table(inp: DashboardInput, sort: str = "-views", page: int = 1) -> ArticleTable:
    """One page of the scope's articles, sorted by ``sort`` (a field, ``-`` for descending)."""
    field = sort.removeprefix("-")
    lines = cached("article-lines", inp.cache_key(), lambda: _all_lines(inp))
    lines = sorted(lines, key=lambda line: line.page_id, reverse=True)  # newest first on ties
    lines.sort(key=lambda line: getattr(line, field), reverse=sort.startswith("-"))
    pages = max(1, -(-len(lines) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    chunk = lines[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return ArticleTable(inp, chunk, len(lines), page, pages, sort)


@dataclass(frozen=True)
class ArticleDay:
    day: date
    views: int
    engaged_reads: int
    active_ms: int


@dataclass(frozen=True)
class CompanyReads:
    """A buyer company's engaged reads of the article in the range (every contact's)."""

    account_id: int
    name: str
    reads: int
    contacts: int
    last_read: date


@dataclass(frozen=True)
class CompanyCredit:
    """What the KPI model credits to the article of one company's conversions in the range."""

    account_id: int
    name: str
    inquiries: float
    orders: float
    revenue: float


@dataclass(frozen=True)
class ArticleDetail:
    inp: DashboardInput
    page_id: int
    title: str
    series: list[ArticleDay]
    totals: dict[str, int]  # views, visitors, engaged_reads, active_ms, shares, scroll_*
    channels: list[tuple[str, int]]  # (channel or "share", visits entering on the article)
    shares: ShareTree  # the SHARE_CHAINS largest chains only
    share_chains: int = 0  # chains (root shares) the article has in all
    companies: list[CompanyReads] = field(default_factory=list)  # ARTICLE_COMPANIES at most
    reading_companies: int = 0  # companies that read it in all
    credited: list[CompanyCredit] = field(default_factory=list)  # ARTICLE_COMPANIES at most
    credited_companies: int = 0  # companies whose conversions credit it, in all


def _detail(inp: DashboardInput, page_id: int, title: str) -> ArticleDetail:
    rows = DailyRollup.objects.filter(
        dimension=Dimension.ARTICLE, key=str(page_id), day__gte=inp.start, day__lte=inp.end
    )
    by_day = {r["day"]: r for r in rows.values("day", "views", "engaged_reads", "active_ms")}
    empty = {"views": 0, "engaged_reads": 0, "active_ms": 0}
    series = [
        ArticleDay(day, *(by_day.get(day, empty)[m] for m in empty))
        for day in days_between(inp.start, inp.end)
    ]
    totals = {m: v or 0 for m, v in rows.aggregate(**{m: Sum(m) for m in TOTALS}).items()}
    sessions = scoped_sessions(inp, None).filter(entry_page_id=page_id)
    channels = [(key, visits) for key, visits, _ in channel_mix(sessions)]
    tree = share_tree(page_id)
    shown = _largest_chains(tree, SHARE_CHAINS)
    reads, credited = _company_reads(inp, page_id), _company_credit(inp, page_id)
    # most revenue, then orders, then inquiries; the older company first on a tie
    ranked = sorted(credited.items(), key=lambda i: (-i[1][2], -i[1][1], -i[1][0], i[0]))
    ranked = ranked[:ARTICLE_COMPANIES]
    names = dict(
        Account.objects.filter(
            pk__in={r["account_id"] for r in reads[:ARTICLE_COMPANIES]} | {pk for pk, _ in ranked}
        ).values_list("pk", "name")
    )
    companies = [
        CompanyReads(
            r["account_id"],
            names.get(r["account_id"], ""),
            r["reads"],
            r["contacts"],
            local_day(r["last"]),
        )
        for r in reads[:ARTICLE_COMPANIES]
    ]
    credit_lines = sorted(
        (CompanyCredit(pk, names.get(pk, ""), *sums) for pk, sums in ranked),
        key=lambda c: (-c.revenue, -c.orders, -c.inquiries, c.name),
    )
    return ArticleDetail(
        inp,
        page_id,
        title,
        series,
        totals,
        channels,
        shown,
        len(tree.roots),
        companies,
        len(reads),
        credit_lines,
        len(credited),
    )


def _company_reads(inp: DashboardInput, page_id: int) -> list[dict]:
    """Companies' engaged reads of the article, most first (then the latest, then by id)."""
    scope = replace(inp, material_id=None, kind="")  # the article is in scope already
    return list(
        company_reads(scope)
        .filter(page_id=page_id)
        .values("account_id")
        .annotate(
            reads=Sum("reads"), contacts=Count("contact_id", distinct=True), last=Max("last_at")
        )
        .order_by("-reads", "-last", "account_id")
    )


def _company_credit(inp: DashboardInput, page_id: int) -> dict[int, tuple[float, float, float]]:
    """Per company, what its conversions credit to the article. A supplier sees its own
    inquiries and orders only: a company's order with another supplier also credits the reads
    before it, and naming the company beside that revenue would tell of a competitor's sale."""
    scope = replace(inp, material_id=None, kind="")
    credit = scoped_credit(scope).filter(article_id=page_id)
    if inp.supplier_id:
        own_orders = Order.objects.filter(supplier_id=inp.supplier_id).values("pk")
        own_inquiries = Inquiry.objects.filter(supplier_id=inp.supplier_id).values("pk")
        credit = credit.filter(
            Q(conversion_kind="order", conversion_id__in=own_orders)
            | Q(conversion_kind="inquiry", conversion_id__in=own_inquiries)
        )
    return _credit_sums(credit, "account_id")


def _chain_size(share: Share) -> int:
    """Shares and arrivals in the chain that starts with ``share``."""
    return 1 + sum(1 + sum(_chain_size(s) for s in r.shares) for r in share.readers)


def _largest_chains(tree: ShareTree, limit: int) -> ShareTree:
    """The tree with its ``limit`` largest chains (earliest first on ties), in time order; the
    totals (readers, companies, cross-company arrivals) still count every chain."""
    if len(tree.roots) <= limit:
        return tree
    ranked = sorted(tree.roots, key=lambda s: (-_chain_size(s), s.created_at, s.token))
    kept = {s.token for s in ranked[:limit]}
    return replace(tree, roots=[s for s in tree.roots if s.token in kept])


def article_detail(inp: DashboardInput, page_id: int) -> ArticleDetail:
    """One article's dashboard; ArticleOutOfScopeError when it is not the scope's to see."""
    # Only the supplier scope decides: a material or kind filter must not hide a linked article.
    found = (
        scoped_articles(replace(inp, material_id=None, kind=""))
        .filter(pk=page_id)
        .values_list("title", flat=True)
        .first()
    )
    if found is None:
        raise ArticleOutOfScopeError(page_id)
    return cached(f"article-{page_id}", inp.cache_key(), lambda: _detail(inp, page_id, found))
