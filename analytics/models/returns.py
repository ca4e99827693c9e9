"""What sourcing returns need beyond reads and conversions: the cost of content, and the API
tokens a supplier's own systems read their returns with."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ContentCost(models.Model):
    """What platform marketing spent on one article, or on one supplier's promotion package,
    over a period (both days included)."""

    article = models.ForeignKey(
        "content.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("article"),
    )
    supplier = models.ForeignKey(
        "content.SupplierPage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("supplier (promotion package)"),
    )
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("content cost")
        verbose_name_plural = _("content costs")
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, supplier__isnull=True)
                | Q(article__isnull=True, supplier__isnull=False),
                name="contentcost_one_target",
            ),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="contentcost_period"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="contentcost_amount"),
        ]
        indexes = [models.Index(fields=["start", "end"], name="contentcost_period_idx")]

    def __str__(self) -> str:
        target = self.article or self.supplier
        return f"{target} {self.amount} CNY {self.start}–{self.end}"


class SupplierApiToken(models.Model):
    """A bearer token for one supplier's systems. Only its SHA-256 is stored; the token itself
    is shown once, when platform staff issue it."""

    supplier = models.ForeignKey(
        "content.SupplierPage",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("supplier"),
    )
    label = models.CharField(_("label"), max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("supplier API token")
        verbose_name_plural = _("supplier API tokens")

    def __str__(self) -> str:
        return f"{self.supplier} · {self.prefix}…"
