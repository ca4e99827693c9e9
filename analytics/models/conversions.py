"""Conversions: inquiries (询价) a buyer sends a supplier; the inbox reads them newest first."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from analytics.models.identity import Account, Contact


class InquiryUnit(models.TextChoices):
    KG = "kg", "kg"
    TONNE = "吨", "吨"
    PIECE = "件", "件"
    CASE = "箱", "箱"


class InquiryStatus(models.TextChoices):
    NEW = "new", _("New")
    QUOTED = "quoted", _("Quoted")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class Inquiry(models.Model):
    """One buyer's request for a quote, addressed to one supplier."""

    supplier = models.ForeignKey(
        "content.SupplierPage",
        on_delete=models.CASCADE,
        related_name="inquiries",
        verbose_name=_("supplier"),
    )
    # The article or supplier page it was sent from; kept if the page is deleted later.
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    share_token = models.CharField(max_length=32, blank=True)
    material = models.ForeignKey(
        "content.Material", on_delete=models.PROTECT, related_name="+", verbose_name=_("material")
    )
    spec = models.CharField(_("spec / grade"), max_length=80, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=4, choices=InquiryUnit.choices)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    delivery_place = models.CharField(_("delivery place"), max_length=100, blank=True)
    target_price = models.DecimalField(
        _("target price (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=100)
    company = models.CharField(_("company"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)  # E.164
    email = models.EmailField(_("email"), blank=True)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="inquiries"
    )
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="inquiries"
    )
    visitor_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=InquiryStatus.choices, default=InquiryStatus.NEW
    )
    notes = models.TextField(_("notes"), blank=True)
    ip_prefix = models.CharField(max_length=48, blank=True)  # the /24 (/48), never the host
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["supplier", "-created_at"], name="inquiry_inbox"),
            models.Index(fields=["supplier", "status", "-created_at"], name="inquiry_inbox_status"),
            models.Index(fields=["contact", "material", "-created_at"], name="inquiry_duplicate"),
        ]

    def __str__(self) -> str:
        return f"{self.material} {self.quantity} {self.unit} — {self.company}"
