"""Admin views of orders: the CSV upload for platform staff, and the order listing (platform
staff see every order; a supplier's users only their own supplier's, filtered on the server)."""

from django import forms
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from analytics.models import Order, OrderStatus, OrderStatusChange
from analytics.order_import import OrderFileError, decode_csv, import_orders, read_rows
from content.models import SupplierPage
from content.staff import is_platform_staff, platform_staff_view

UPLOAD_MAX_BYTES = 5 * 1024 * 1024  # ~30,000 orders; bigger files go through import_orders
PAGE_SIZE = 50


def visible_orders(user) -> QuerySet | None:
    """Every order for platform staff; a supplier's users get their supplier's orders; anyone
    else None (refused)."""
    if is_platform_staff(user):
        return Order.objects.all()
    suppliers = SupplierPage.objects.filter(group__user=user)
    if not suppliers.exists():
        return None
    return Order.objects.filter(supplier__in=suppliers)


def sees_orders(user) -> bool:
    return visible_orders(user) is not None


class OrderUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 (with or without BOM); the first row names the columns."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB; import it with manage.py import_orders.")
                % {"size": UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        return upload


@platform_staff_view
def upload_orders(request: HttpRequest) -> HttpResponse:
    """Import an orders CSV and show the same per-row report as ``import_orders``."""
    form = OrderUploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            header, rows = read_rows(decode_csv(upload.read()))
        except OrderFileError as exc:
            form.add_error("file", str(exc))
        else:
            context["report"] = import_orders(header, rows, source=OrderStatusChange.Source.ADMIN)
            context["file_name"] = upload.name
    return TemplateResponse(request, "analytics/admin/order_upload.html", context)


@permission_required("wagtailadmin.access_admin", raise_exception=True)
def order_list(request: HttpRequest) -> HttpResponse:
    orders = visible_orders(request.user)
    if orders is None:
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status in OrderStatus.values:
        orders = orders.filter(status=status)
    orders = orders.with_revenue().select_related("supplier", "material", "account")
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("p"))
    context = {
        "page": page,
        "status": status,
        "statuses": OrderStatus.choices,
        "can_upload": is_platform_staff(request.user),
    }
    return TemplateResponse(request, "analytics/admin/orders.html", context)
