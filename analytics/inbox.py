"""The inquiry inbox in the admin: a supplier's users see and answer their own supplier's
inquiries only (the queryset is narrowed on the server), platform staff see every supplier's."""

from urllib.parse import quote

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem

from analytics.models import Inquiry, InquiryStatus
from content.models import SupplierPage
from content.staff import is_platform_staff
from content.templatetags.money import quantity

PAGE_SIZE = 25


def own_suppliers(user) -> QuerySet[SupplierPage]:
    """The suppliers whose workspace group ``user`` is in (usually one)."""
    if not user.is_authenticated:
        return SupplierPage.objects.none()
    return SupplierPage.objects.filter(group__in=user.groups.all())


def visible_inquiries(user) -> QuerySet[Inquiry]:
    """Every inquiry platform staff may see; a supplier user's own supplier's; else none."""
    if is_platform_staff(user):
        return Inquiry.objects.all()
    return Inquiry.objects.filter(supplier__in=own_suppliers(user))


class InboxMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return is_platform_staff(request.user) or own_suppliers(request.user).exists()


class InquiryUpdateForm(forms.ModelForm):
    class Meta:
        model = Inquiry
        fields = ["status", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}


def inbox(request: HttpRequest) -> HttpResponse:
    """Newest first, filtered by status (and by supplier for platform staff), 25 a page."""
    inquiries = visible_inquiries(request.user).select_related("supplier", "material")
    status = request.GET.get("status", "")
    if status in InquiryStatus.values:
        inquiries = inquiries.filter(status=status)
    staff = is_platform_staff(request.user)
    supplier = request.GET.get("supplier", "")
    if staff and supplier.isdigit():
        inquiries = inquiries.filter(supplier_id=int(supplier))
    page = Paginator(inquiries.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("p")
    )
    context = {
        "page_obj": page,
        "statuses": InquiryStatus.choices,
        "status": status,
        "staff": staff,
        "suppliers": SupplierPage.objects.order_by("title").only("pk", "title") if staff else [],
        "supplier": supplier,
    }
    return TemplateResponse(request, "analytics/admin/inquiry_inbox.html", context)


@require_http_methods(["GET", "POST"])
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One inquiry: what the buyer asked, status and notes, and a prefilled reply by email.
    Another supplier's inquiry is 404 (not 403): its existence is not told either."""
    inquiry = get_object_or_404(
        visible_inquiries(request.user).select_related("supplier", "material", "page"), pk=pk
    )
    form = InquiryUpdateForm(request.POST or None, instance=inquiry)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Inquiry updated."))
        return redirect("analytics_inquiry", pk=inquiry.pk)
    context = {"inquiry": inquiry, "form": form, "reply_url": reply_link(inquiry)}
    return TemplateResponse(request, "analytics/admin/inquiry_detail.html", context)


def reply_link(inquiry: Inquiry) -> str:
    """A mailto: link to the buyer with the subject and their request quoted."""
    if not inquiry.email:
        return ""
    subject = _("Re: your inquiry for %(material)s") % {"material": inquiry.material.name}
    body = _("Dear %(name)s,\n\nThank you for your inquiry: %(material)s %(spec)s, "
             "%(quantity)s %(unit)s.\n\n") % {
        "name": inquiry.contact_name,
        "material": inquiry.material.name,
        "spec": inquiry.spec,
        "quantity": quantity(inquiry.quantity),
        "unit": inquiry.unit,
    }  # fmt: skip
    return f"mailto:{quote(inquiry.email)}?subject={quote(subject)}&body={quote(body)}"
