"""Orders from buyers' trade systems (webhook, CSV) and the history of each order's status."""

from decimal import Decimal

from django.db import models
from django.db.models import Case, DecimalField, F, Value, When
from django.utils.translation import gettext_lazy as _

from analytics.models.identity import Account, Contact


class OrderStatus(models.TextChoices):
    PAID = "paid", _("paid")
    DELIVERED = "delivered", _("delivered")
    ACCEPTED = "accepted", _("accepted")
    CANCELLED = "cancelled", _("cancelled")
    REFUNDED = "refunded", _("refunded")


class OrderUnit(models.TextChoices):
    KG = "kg", "kg"
    TONNE = "吨", "吨"
    PIECE = "件", "件"
    CASE = "箱", "箱"


# Orders in these states carry their amount as revenue; cancelled and refunded ones count 0.
REVENUE_STATUSES = (OrderStatus.PAID, OrderStatus.DELIVERED, OrderStatus.ACCEPTED)


class OrderQuerySet(models.QuerySet):
    def with_revenue(self) -> "OrderQuerySet":
        """Annotate ``revenue``: the amount, or 0 once the order is cancelled or refunded."""
        return self.annotate(
            revenue=Case(
                When(status__in=REVENUE_STATUSES, then=F("amount")),
                default=Value(Decimal("0.00")),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            )
        )


class Order(models.Model):
    """One order as the buyer's trade system reported it last; ``order_id`` is its natural key."""

    order_id = models.CharField(_("order id"), max_length=64, unique=True)
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="orders", verbose_name=_("buyer company")
    )
    buyer_company = models.CharField(_("buyer company as sent"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    # Personal data: a privacy erase blanks these two and unlinks the contact (the order stays).
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone (E.164)"), max_length=20, blank=True)
    supplier = models.ForeignKey(
        "content.SupplierPage", on_delete=models.PROTECT, related_name="orders"
    )
    material = models.ForeignKey("content.Material", on_delete=models.PROTECT, related_name="+")
    spec = models.CharField(_("specification"), max_length=100, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=4, choices=OrderUnit.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    # The conversion moment attribution uses: the time sent, or the end of the local day when
    # only a date was sent (so that day's reads count).
    ordered_at = models.DateTimeField(_("ordered at"))
    # The inquiry this order followed, as the sender named it. A plain value until the Inquiry
    # model lands; the integrator may turn it into a nullable foreign key.
    inquiry_id_ref = models.CharField(_("inquiry id"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-ordered_at", "-id"]
        indexes = [
            models.Index(fields=["supplier", "-ordered_at"], name="order_supplier_time"),
            models.Index(fields=["account", "ordered_at"], name="order_account_time"),
        ]

    def __str__(self) -> str:
        return self.order_id


class OrderStatusChange(models.Model):
    """Each status or amount an order has had, when it was recorded and from where."""

    class Source(models.TextChoices):
        WEBHOOK = "webhook", _("webhook")
        CSV = "csv", _("CSV import")
        ADMIN = "admin", _("admin upload")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=10, choices=OrderStatus.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=8, choices=Source.choices)

    class Meta:
        ordering = ["order", "at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.status} {self.amount}"
