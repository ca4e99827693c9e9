"""Sending the weekly summaries: to each supplier's active users with an email address, each in
the language they chose for the admin, and to each user at most once a week."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from analytics.models import WeeklySummaryDelivery
from analytics.weekly import (
    RenderedSummary,
    Week,
    WeeklySummary,
    build_summary,
    render_summary,
)
from content.models import SupplierPage

# A claim older than this without a sent mark belongs to a sender that died (worker killed
# between claiming and marking); another run may take it over. Far above EMAIL_TIMEOUT.
CLAIM_TIMEOUT = timedelta(minutes=15)


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str
    language: str


@dataclass(frozen=True)
class Delivery:
    """What one supplier's run did: messages sent, and users skipped as already sent."""

    sent: int
    already_sent: int


def summary_suppliers() -> QuerySet[SupplierPage]:
    """Suppliers with a workspace group: the only ones that can have users to write to."""
    return SupplierPage.objects.filter(group__isnull=False).order_by("pk")


def recipients(supplier: SupplierPage) -> list[Recipient]:
    """Active users of the supplier's group with an email address (one message per address),
    with the admin language each chose in Wagtail's profile, else the site's (Chinese)."""
    if not supplier.group_id:
        return []
    rows = (
        get_user_model()
        .objects.filter(groups=supplier.group_id, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", "email", "wagtail_userprofile__preferred_language")
    )
    languages = dict(settings.LANGUAGES)
    found: dict[str, Recipient] = {}
    for pk, email, language in rows:
        language = language if language in languages else settings.LANGUAGE_CODE
        found.setdefault(email.lower(), Recipient(pk, email, language))
    return list(found.values())


def _claim(supplier: SupplierPage, user_id: int, week: Week) -> int | None:
    """The delivery row this run may send for, or None when it went (or is going) already."""
    now = timezone.now()
    key = {"supplier": supplier, "user_id": user_id, "week_start": week.start}
    try:
        with transaction.atomic():
            return WeeklySummaryDelivery.objects.create(**key, claimed_at=now).pk
    except IntegrityError:
        pass
    # Concurrent takers: the conditional UPDATE lets exactly one of them through.
    abandoned = WeeklySummaryDelivery.objects.filter(
        **key, sent_at__isnull=True, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    if abandoned.update(claimed_at=now):
        return WeeklySummaryDelivery.objects.get(**key).pk
    return None


def _send_claimed(delivery_id: int, message: EmailMultiAlternatives) -> None:
    """Send, then mark sent; a failed send gives the claim back so a retry sends it."""
    try:
        message.send()
    except Exception:
        WeeklySummaryDelivery.objects.filter(pk=delivery_id, sent_at__isnull=True).delete()
        raise
    WeeklySummaryDelivery.objects.filter(pk=delivery_id).update(sent_at=timezone.now())


def send_supplier_summary(supplier: SupplierPage, week: Week) -> Delivery:
    """Send ``supplier``'s summary of ``week`` to each of its users not yet sent it."""
    summary: WeeklySummary | None = None
    rendered: dict[str, RenderedSummary] = {}
    sent = already = 0
    with get_connection() as connection:
        for recipient in recipients(supplier):
            delivery_id = _claim(supplier, recipient.user_id, week)
            if delivery_id is None:
                already += 1
                continue
            summary = summary or build_summary(supplier, week)
            if recipient.language not in rendered:
                rendered[recipient.language] = render_summary(summary, recipient.language)
            message = rendered[recipient.language].message([recipient.email], connection)
            _send_claimed(delivery_id, message)
            sent += 1
    return Delivery(sent, already)
