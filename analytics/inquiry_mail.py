"""The email a supplier gets for a new inquiry: to its profile's address and its users only."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from analytics.models import Inquiry
from content.templatetags.money import quantity


def supplier_recipients(inquiry: Inquiry) -> list[str]:
    """The supplier's contact email and the active users of its workspace group."""
    supplier = inquiry.supplier
    addresses = [supplier.email] if supplier.email else []
    if supplier.group_id:
        users = get_user_model().objects.filter(groups=supplier.group_id, is_active=True)
        addresses += users.exclude(email="").values_list("email", flat=True).order_by("pk")
    return list(dict.fromkeys(a.lower() for a in addresses))


def send_inquiry_notice(inquiry_id: int) -> int:
    """Email the inquiry to its supplier; returns how many messages went (0 when no address)."""
    inquiry = Inquiry.objects.select_related("supplier", "material").filter(pk=inquiry_id).first()
    if inquiry is None:  # deleted (erased) before the worker got to it
        return 0
    recipients = supplier_recipients(inquiry)
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New inquiry: %(material)s %(quantity)s %(unit)s from %(company)s") % {
            "material": inquiry.material.name,
            "quantity": quantity(inquiry.quantity),
            "unit": inquiry.unit,
            "company": inquiry.company,
        }
        body = render_to_string(
            "analytics/inquiry_email.txt",
            {"inquiry": inquiry, "inbox_url": f"{settings.SITE_URL}/admin/inquiries/{inquiry.pk}/"},
        )
    return send_mail(subject, body, None, recipients)
