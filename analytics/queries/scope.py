"""Which rollup rows and sessions a dashboard input covers: the supplier scope and the filters
turned into row filters, in one place so no view can forget them."""

from django.conf import settings
from django.db.models import Case, Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from analytics.days import day_bounds
from analytics.models import (
    REVENUE_STATUSES,
    AttributionCredit,
    CompanyRead,
    DailyRollup,
    Dimension,
    EventType,
    Inquiry,
    Order,
    RawEvent,
    Session,
    Visitor,
)
from analytics.queries.params import DashboardInput
from content.models import ArticlePage


def scoped_articles(inp: DashboardInput) -> QuerySet:
    """The articles the input covers (all of them when nothing narrows it)."""
    articles = ArticlePage.objects.all()
    if inp.supplier_id:
        articles = articles.filter(supplier_id=inp.supplier_id)
    if inp.material_id:
        articles = articles.filter(materials=inp.material_id)
    if inp.kind:
        articles = articles.filter(kind=inp.kind)
    return articles


def scoped_credit(inp: DashboardInput) -> QuerySet:
    """Stored attribution credit of conversions in the range that the input covers: credit on
    the supplier's articles only (a supplier's users never see credit on anyone else's), on the
    material (an article's credit is split over its materials, so a material's rows are exact),
    on articles of the kind, and through reads that arrived on the channel."""
    credit = AttributionCredit.objects.filter(day__gte=inp.start, day__lte=inp.end)
    if inp.supplier_id:
        credit = credit.filter(supplier_id=inp.supplier_id)
    if inp.material_id:
        credit = credit.filter(material_id=inp.material_id)
    if inp.kind:
        credit = credit.filter(article_id__in=scoped_articles(inp).values("pk"))
    if inp.channel:
        credit = credit.filter(channel=inp.channel)
    return credit


def scoped_article_keys(inp: DashboardInput) -> list[str] | None:
    """Rollup keys of the articles in scope, or None when every article counts."""
    if not inp.article_filtered:
        return None
    return [str(pk) for pk in scoped_articles(inp).values_list("pk", flat=True)]


def engagement_rows(inp: DashboardInput, keys: list[str] | None) -> QuerySet:
    """The rollup rows whose sum is the scope's engagement, for any day.

    A single filter reads its own dimension (a supplier's or material's daily unique readers are
    exact there); a combination adds up the articles in scope. Channel narrows only site-wide
    figures: the rollups do not split an article's views by channel.
    """
    rows = DailyRollup.objects.all()
    if inp.supplier_id and not (inp.material_id or inp.kind):
        return rows.filter(dimension=Dimension.SUPPLIER, key=str(inp.supplier_id))
    if inp.material_id and not (inp.supplier_id or inp.kind):
        return rows.filter(dimension=Dimension.MATERIAL, key=str(inp.material_id))
    if keys is not None:
        return rows.filter(dimension=Dimension.ARTICLE, key__in=keys)
    if inp.channel:
        return rows.filter(dimension=Dimension.CHANNEL, key=inp.channel)
    return rows.filter(dimension=Dimension.SITE, key="all")


def article_rows(inp: DashboardInput, keys: list[str] | None) -> QuerySet:
    rows = DailyRollup.objects.filter(
        dimension=Dimension.ARTICLE, day__gte=inp.start, day__lte=inp.end
    )
    return rows if keys is None else rows.filter(key__in=keys)


def scoped_sessions(inp: DashboardInput, keys: list[str] | None) -> QuerySet:
    """Sessions started in the range whose entry page is in scope."""
    sessions = Session.objects.filter(
        started_at__gte=day_bounds(inp.start)[0], started_at__lt=day_bounds(inp.end)[1]
    )
    if keys is not None:
        sessions = sessions.filter(entry_page_id__in=[int(k) for k in keys])
    return sessions


def channel_filter_ignored(inp: DashboardInput) -> bool:
    """A channel chosen together with article filters narrows only the channel mix."""
    return bool(inp.channel and inp.article_filtered)


def channel_mix(sessions: QuerySet) -> list[tuple[str, int, int]]:
    """(channel, visits, pageviews), most visits first; visits through a share count as "share"."""
    kind = Case(When(~Q(share_token=""), then=Value("share")), default=F("channel"))
    rows = (
        sessions.annotate(kind=kind)
        .values("kind")
        .annotate(visits=Count("pk"), pageviews=Sum("pageviews"))
        .order_by("-visits", "kind")
    )
    return [(r["kind"], r["visits"], r["pageviews"]) for r in rows]


def _range(inp: DashboardInput, field: str, *, from_start: bool = True) -> Q:
    bounds = {f"{field}__lt": day_bounds(inp.end)[1]}
    if from_start:
        bounds[f"{field}__gte"] = day_bounds(inp.start)[0]
    return Q(**bounds)


def company_reads(
    inp: DashboardInput, account_id: int | None = None, *, from_start: bool = True
) -> QuerySet:
    """Buyer companies' engaged reads of in-scope articles up to the end of the range (from its
    start unless ``from_start`` is False: first touches look back), from the daily
    ``CompanyRead`` rollup: rows of ``account_id``, ``contact_id``, ``page_id``, ``channel``,
    ``reads``, ``first_at``, ``last_at`` per day. A supplier's scope keeps its own articles;
    the channel filter keeps reads that came through it."""
    reads = CompanyRead.objects.filter(
        day__lte=inp.end, page_id__in=scoped_articles(inp).values("pk")
    )
    if from_start:
        reads = reads.filter(day__gte=inp.start)
    if account_id is not None:
        reads = reads.filter(account_id=account_id)
    if inp.channel:
        reads = reads.filter(channel=inp.channel)
    return reads


def scoped_company_reads(
    inp: DashboardInput, account_id: int | None = None, *, from_start: bool = True
) -> QuerySet:
    """Each engaged read of in-scope articles by known contacts of buyer companies, up to the
    end of the range (from its start unless ``from_start`` is False), as rows of ``account``,
    ``contact``, ``page_id``, ``occurred_at``, ``channel``: one company's timeline, which
    shows every read at its time. Aggregates read ``company_reads`` (the daily rollup).

    Pageviews of browsers linked to a company's contact (``RawEvent``, through its
    ``(visitor_id, occurred_at)`` index), each judged engaged by its follow-ups' largest active
    time and scroll (DESIGN.md's rule, as the rollups apply it). A supplier's scope keeps its
    own articles only; the channel filter keeps reads that came through it.
    """
    linked = Visitor.objects.filter(contact__account__isnull=False)
    if account_id is not None:
        linked = linked.filter(contact__account_id=account_id)
    follow_ups = (
        RawEvent.objects.filter(pageview_id=OuterRef("event_id"))
        .exclude(type=EventType.PAGEVIEW)
        .values("pageview_id")
    )
    visitor = Visitor.objects.filter(visitor_id=OuterRef("visitor_id"))
    reads = RawEvent.objects.filter(
        _range(inp, "occurred_at", from_start=from_start),
        type=EventType.PAGEVIEW,
        visitor_id__in=linked.values("visitor_id"),
        page_id__in=scoped_articles(inp).values("pk"),
    )
    if inp.channel:
        reads = reads.filter(channel=inp.channel)
    return (
        reads.annotate(
            active=Coalesce(Subquery(follow_ups.annotate(m=Max("engaged_ms")).values("m")), 0),
            scroll=Coalesce(Subquery(follow_ups.annotate(m=Max("scroll_pct")).values("m")), 0),
        )
        .filter(
            Q(active__gte=settings.ANALYTICS_ENGAGED_SECONDS * 1000)
            | Q(scroll__gte=settings.ANALYTICS_ENGAGED_SCROLL_PCT)
        )
        .annotate(
            account=Subquery(visitor.values("contact__account_id")),
            contact=Subquery(visitor.values("contact_id")),
        )
    )


def scoped_company_inquiries(inp: DashboardInput, *, from_start: bool = True) -> QuerySet:
    """Inquiries of buyer companies in the range sent to the scope's supplier, about its
    material. Kind and channel choose which reads count, not conversions (which know neither)."""
    inquiries = Inquiry.objects.filter(_range(inp, "created_at", from_start=from_start))
    inquiries = inquiries.filter(account__isnull=False)
    if inp.supplier_id:
        inquiries = inquiries.filter(supplier_id=inp.supplier_id)
    if inp.material_id:
        inquiries = inquiries.filter(material_id=inp.material_id)
    return inquiries


def scoped_company_orders(inp: DashboardInput, *, from_start: bool = True) -> QuerySet:
    """Orders in the range from the scope's supplier that still carry revenue (as the overview
    counts them), of its material."""
    orders = Order.objects.filter(
        _range(inp, "ordered_at", from_start=from_start), status__in=REVENUE_STATUSES
    )
    if inp.supplier_id:
        orders = orders.filter(supplier_id=inp.supplier_id)
    if inp.material_id:
        orders = orders.filter(material_id=inp.material_id)
    return orders
