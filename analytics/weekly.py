"""A supplier's weekly summary: last week's headline figures against the week before, its top
articles and new inquiries, from the dashboards' query layer, rendered as an email."""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from analytics.dashboards.labels import metric_label
from analytics.days import day_bounds
from analytics.models import Inquiry
from analytics.queries.engagement import ArticleRow, Kpi, overview
from analytics.queries.params import DashboardInput
from content.models import SupplierPage
from content.share_links import public_url
from content.templatetags.money import money, quantity

# The figures a supplier reads first, in this order (active reading time stays on the dashboard).
HEADLINE = ("views", "visitors", "engaged_reads", "inquiries", "orders", "revenue")
TOP_ARTICLES = 5
# An email lists this many inquiries; the inbox link shows the rest.
LISTED_INQUIRIES = 20


@dataclass(frozen=True)
class Week:
    """Monday to Sunday, both included, in the site's time zone."""

    start: date

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @classmethod
    def of(cls, day: date) -> "Week":
        return cls(day - timedelta(days=day.weekday()))

    @classmethod
    def last_full(cls, today: date | None = None) -> "Week":
        """The latest week that is over: the one before the week of ``today``."""
        return cls.of((today or timezone.localdate()) - timedelta(days=7))

    def is_over(self, today: date | None = None) -> bool:
        return self.end < (today or timezone.localdate())


@dataclass(frozen=True)
class Figure:
    """One headline figure as shown: label, this week, last week, change."""

    key: str
    label: str
    value: str
    previous: str
    change: str


@dataclass(frozen=True)
class WeeklySummary:
    supplier: SupplierPage
    week: Week
    kpis: list[Kpi]
    top_articles: list[ArticleRow]
    inquiry_count: int
    inquiries: list[Inquiry]  # the first LISTED_INQUIRIES of the week, oldest first

    @property
    def active(self) -> bool:
        """Whether anything happened: a read, an inquiry, an order or credited revenue."""
        return any(kpi.value for kpi in self.kpis)

    def dashboard_url(self) -> str:
        query = urlencode(
            {"start": self.week.start, "end": self.week.end, "supplier": self.supplier.pk}
        )
        return public_url(f"{reverse('analytics_dashboard_overview')}?{query}")

    def article_url(self, page_id: int) -> str:
        query = urlencode({"start": self.week.start, "end": self.week.end})
        return public_url(f"{reverse('analytics_dashboard_article', args=[page_id])}?{query}")


def build_summary(supplier: SupplierPage, week: Week) -> WeeklySummary:
    """The summary of ``supplier`` for ``week``, scoped to it as its own users' dashboards are."""
    inp = DashboardInput(week.start, week.end, supplier_id=supplier.pk, forced_supplier=True)
    result = overview(inp)
    kpis = {kpi.key: kpi for kpi in result.kpis}
    start, end = day_bounds(week.start)[0], day_bounds(week.end)[1]
    inquiries = (
        Inquiry.objects.filter(supplier=supplier, created_at__gte=start, created_at__lt=end)
        .select_related("material")
        .order_by("created_at", "pk")
    )
    return WeeklySummary(
        supplier=supplier,
        week=week,
        kpis=[kpis[key] for key in HEADLINE if key in kpis],
        top_articles=[row for row in result.top_articles[:TOP_ARTICLES] if row.views],
        inquiry_count=int(kpis["inquiries"].value),
        inquiries=list(inquiries[:LISTED_INQUIRIES]),
    )


def _amount(key: str, value: float) -> str:
    return money(value) if key == "revenue" else f"{int(value):,}"


def _change(kpi: Kpi) -> str:
    change = kpi.change
    if change is None:
        return _("new") if kpi.value else "–"
    return f"{change:+.1f}%" if change else "0.0%"


def figures(summary: WeeklySummary) -> list[Figure]:
    return [
        Figure(
            kpi.key,
            metric_label(kpi.key),
            _amount(kpi.key, kpi.value),
            _amount(kpi.key, kpi.previous),
            _change(kpi),
        )
        for kpi in summary.kpis
    ]


def _context(summary: WeeklySummary) -> dict:
    supplier = summary.supplier
    return {
        "summary": summary,
        "supplier": supplier,
        "figures": figures(summary),
        "articles": [(row, summary.article_url(row.page_id)) for row in summary.top_articles],
        "inquiries": [
            (
                inquiry,
                quantity(inquiry.quantity),
                public_url(reverse("analytics_inquiry", args=[inquiry.pk])),
            )
            for inquiry in summary.inquiries
        ],
        "more_inquiries": summary.inquiry_count - len(summary.inquiries),
        "dashboard_url": summary.dashboard_url(),
        "inbox_url": public_url(reverse("analytics_inbox")),
        "add_article_url": public_url(
            reverse("wagtailadmin_pages:add_subpage", args=[supplier.pk])
        ),
        "profile_url": public_url(reverse("wagtailadmin_pages:edit", args=[supplier.pk])),
    }


def subject(summary: WeeklySummary) -> str:
    week = summary.week
    names = {"supplier": summary.supplier.title, "start": week.start, "end": week.end}
    if summary.active:
        return _("Weekly summary for %(supplier)s, %(start)s to %(end)s") % names
    return _("No activity for %(supplier)s last week (%(start)s to %(end)s): what to do") % names


@dataclass(frozen=True)
class RenderedSummary:
    """The summary rendered in one language, ready to address to anyone."""

    subject: str
    text: str
    html: str

    def message(self, to: list[str], connection: object = None) -> EmailMultiAlternatives:
        """Plain text with the HTML as its alternative."""
        message = EmailMultiAlternatives(self.subject, self.text, to=to, connection=connection)
        message.attach_alternative(self.html, "text/html")
        return message


def render_summary(summary: WeeklySummary, language: str | None = None) -> RenderedSummary:
    """Subject, text and HTML in ``language`` (the site's, Chinese, by default)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = _context(summary)
        return RenderedSummary(
            subject(summary),
            render_to_string("analytics/weekly_summary_email.txt", context),
            render_to_string("analytics/weekly_summary_email.html", context),
        )
