"""Which weekly summary emails went to whom, so a retried or repeated run sends none twice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WeeklySummaryDelivery(models.Model):
    """One user's weekly summary of one supplier for the week starting on ``week_start`` (a
    Monday). The row is claimed before sending and marked sent after; a claim whose sender died
    before marking it (``sent_at`` still empty long after ``claimed_at``) may be claimed again.
    """

    supplier = models.ForeignKey(
        "content.SupplierPage",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("supplier"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    week_start = models.DateField(_("week (Monday)"))
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("weekly summary sent")
        verbose_name_plural = _("weekly summaries sent")
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "user", "week_start"], name="weekly_summary_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id} → {self.user_id} {self.week_start}"
