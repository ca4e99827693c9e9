"""Admin: the engagement overview (reading now, recent days, channels, top articles, bots) and
an article's share chain, for platform staff; the inquiry inbox and orders (listing, CSV upload),
for each supplier and the staff."""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page
from wagtail.permissions import register_permission_policy

from analytics.buying_group_views import buying_group_view
from analytics.inbox import InboxMenuItem, inbox, inquiry_detail
from analytics.models import Account, Contact, ContentCost, IdentityChange, SupplierApiToken
from analytics.order_views import order_list, sees_orders, upload_orders
from analytics.queries.overview import overview
from analytics.queries.reading_now import reading_now
from analytics.returns_admin import PlatformStaffPolicy, ReturnsGroup
from analytics.shares import share_tree
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
        path("buyers/groups/<int:pk>/", buying_group_view, name="analytics_buying_group"),
    ]


@hooks.register("register_admin_menu_item")
def inbox_menu_item() -> MenuItem:
    return InboxMenuItem(_("Inquiries"), reverse("analytics_inbox"), icon_name="mail", order=200)


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
