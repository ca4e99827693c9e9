"""Admin: the Analytics menu and home panel of the dashboards; the inquiry inbox and orders
(listing, CSV upload) for each supplier and the staff; the older engagement page (reading now,
recent days, channels, top articles, bots, an article's share chain) for platform staff."""

from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page
from wagtail.permissions import register_permission_policy

from analytics import buyer_views, dashboard_views
from analytics.buying_group_views import buying_group_view
from analytics.dashboards.overview import kpi_cards
from analytics.inbox import InboxMenuItem, inbox, inquiry_detail
from analytics.models import Account, Contact, ContentCost, IdentityChange, SupplierApiToken
from analytics.order_views import order_list, sees_orders, upload_orders
from analytics.queries.engagement import overview as engagement_overview
from analytics.queries.overview import overview
from analytics.queries.params import InputError, own_suppliers, parse_input
from analytics.queries.reading_now import reading_now
from analytics.returns_admin import PlatformStaffPolicy, ReturnsGroup
from analytics.shares import share_tree
from content.admin_isolation import sees_every_workspace
from content.staff import StaffMenuItem, platform_staff_view


@platform_staff_view
def engagement(request: HttpRequest) -> HttpResponse:
    now = reading_now()
    titles = dict(Page.objects.filter(pk__in=[p for p, _ in now.pages]).values_list("pk", "title"))
    context = {
        "now": now,
        "now_pages": [(titles.get(p, f"#{p}"), n) for p, n in now.pages],
        "overview": overview(),
    }
    page_id = request.GET.get("shares", "")
    if page_id.isdigit():
        context["tree"] = share_tree(int(page_id))
        context["tree_page"] = Page.objects.filter(pk=int(page_id)).first()
    return TemplateResponse(request, "analytics/admin/engagement.html", context)


@hooks.register("register_admin_urls")
def register_analytics_urls() -> list:
    return [
        path("engagement/", engagement, name="analytics_engagement"),
        path("inquiries/", inbox, name="analytics_inbox"),
        path("inquiries/<int:pk>/", inquiry_detail, name="analytics_inquiry"),
        path("orders/", order_list, name="analytics_orders"),
        path("orders/upload/", upload_orders, name="analytics_order_upload"),
        path("analytics/", dashboard_views.overview_view, name="analytics_dashboard_overview"),
        path(
            "analytics/articles/",
            dashboard_views.articles_view,
            name="analytics_dashboard_articles",
        ),
        path(
            "analytics/articles/<int:page_id>/",
            dashboard_views.article_view,
            name="analytics_dashboard_article",
        ),
        path("analytics/search/", dashboard_views.search_view, name="analytics_dashboard_search"),
        path(
            "analytics/returns/", dashboard_views.returns_view, name="analytics_dashboard_returns"
        ),
        path("buyers/groups/<int:pk>/", buying_group_view, name="analytics_buying_group"),
        *buyer_urls(),
    ]


def buyer_urls() -> list:
    """The buyer-company dashboards (``analytics.buyer_views``)."""
    return [
        path("analytics/buyers/", buyer_views.buyers_view, name="analytics_dashboard_buyers"),
        path(
            "analytics/buyers/<int:account_id>/",
            buyer_views.buyer_view,
            name="analytics_dashboard_buyer",
        ),
        path("analytics/cohorts/", buyer_views.cohorts_view, name="analytics_dashboard_cohorts"),
    ]


@hooks.register("register_admin_menu_item")
def inbox_menu_item() -> MenuItem:
    return InboxMenuItem(_("Inquiries"), reverse("analytics_inbox"), icon_name="mail", order=200)


def sees_dashboards(request: HttpRequest) -> bool:
    """Platform staff, moderators and suppliers' users; remembered for the request."""
    if not hasattr(request, "_sees_dashboards"):
        user = request.user
        request._sees_dashboards = sees_every_workspace(user) or bool(own_suppliers(user))
    return request._sees_dashboards


class DashboardMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return sees_dashboards(request)


@hooks.register("register_admin_menu_item")
def analytics_menu_item() -> MenuItem:
    items = [
        DashboardMenuItem(
            _("Overview"), reverse("analytics_dashboard_overview"), icon_name="view", order=10
        ),
        DashboardMenuItem(
            _("Articles"), reverse("analytics_dashboard_articles"), icon_name="doc-full", order=20
        ),
        DashboardMenuItem(
            _("Search demand"), reverse("analytics_dashboard_search"), icon_name="search", order=30
        ),
        DashboardMenuItem(
            _("Sourcing returns"),
            reverse("analytics_dashboard_returns"),
            icon_name="tag",
            order=40,
        ),
        DashboardMenuItem(
            _("Buyer companies"), reverse("analytics_dashboard_buyers"), icon_name="group", order=50
        ),
        DashboardMenuItem(
            _("Cohorts"), reverse("analytics_dashboard_cohorts"), icon_name="table", order=60
        ),
    ]
    return SubmenuMenuItem(
        _("Analytics"), Menu(items=items), icon_name="view", order=840, name="analytics"
    )


class AnalyticsHomePanel(Component):
    """The admin home's summary: the last seven days' key figures for the user's scope."""

    name = "analytics_summary"
    template_name = "analytics/dashboards/home_panel.html"
    order = 50

    def get_context_data(self, parent_context: dict) -> dict:
        request = parent_context["request"]
        try:
            inp = parse_input(QueryDict("days=7"), request.user)
        except InputError:  # cannot happen with a fixed query; keep the home page up regardless
            return {"cards": []}
        return {
            "cards": kpi_cards(engagement_overview(inp)),
            "inp": inp,
            "url": reverse("analytics_dashboard_overview") + "?days=7",
        }


@hooks.register("construct_homepage_panels")
def add_analytics_panel(request: HttpRequest, panels: list) -> None:
    if sees_dashboards(request):
        panels.append(AnalyticsHomePanel())


@hooks.register("register_admin_menu_item")
def engagement_menu_item() -> MenuItem:
    return StaffMenuItem(
        _("Engagement"), reverse("analytics_engagement"), icon_name="view", order=850
    )


class OrdersMenuItem(MenuItem):
    """Shown to platform staff and to a supplier's users (who see their own orders)."""

    def is_shown(self, request: HttpRequest) -> bool:
        return sees_orders(request.user)


@hooks.register("register_admin_menu_item")
def orders_menu_item() -> MenuItem:
    return OrdersMenuItem(_("Orders"), reverse("analytics_orders"), icon_name="doc-full", order=855)


class AccountViewSet(ModelViewSet):
    model = Account
    name = "buyer_companies"  # not "account": Wagtail's own /admin/account/ is the user's
    url_prefix = "buyers/companies"
    icon = "group"
    menu_label = _("Buyer companies")
    list_display = ["name", "credit_code", "email_domain", "created_at"]
    search_fields = ["name", "credit_code", "email_domain"]
    form_fields = ["name", "credit_code", "email_domain"]


class ContactViewSet(ModelViewSet):
    model = Contact
    name = "buyer_contacts"
    url_prefix = "buyers/contacts"
    icon = "user"
    menu_label = _("Contacts")
    list_display = ["__str__", "email", "phone", "account", "merged_into", "created_at"]
    list_filter = ["account"]
    search_fields = ["name", "email", "phone"]
    form_fields = ["name", "email", "phone", "account"]


class IdentityChangeViewSet(ModelViewSet):
    """The identity log; ``manage.py identity_undo CHANGE_ID`` reverses a change."""

    model = IdentityChange
    name = "identity_log"
    url_prefix = "buyers/identity-log"
    icon = "history"
    menu_label = _("Identity log")
    list_display = ["created_at", "action", "visitor_id", "contact", "previous_contact",
                    "reason", "undone_at", "change_id"]  # fmt: skip
    list_filter = ["action"]
    search_fields = ["visitor_id", "reason"]
    form_fields = ["reason"]


class BuyersGroup(ViewSetGroup):
    menu_label = _("Buyers")
    menu_icon = "group"
    menu_order = 860
    items = (AccountViewSet, ContactViewSet, IdentityChangeViewSet)


@hooks.register("register_admin_viewset")
def register_buyer_viewsets() -> ViewSetGroup:
    return BuyersGroup()


# Before the viewsets register: their views ask the registry for these models' policy.
register_permission_policy(ContentCost, PlatformStaffPolicy(ContentCost))
register_permission_policy(SupplierApiToken, PlatformStaffPolicy(SupplierApiToken))


@hooks.register("register_admin_viewset")
def register_returns_viewsets() -> ViewSetGroup:
    return ReturnsGroup()
