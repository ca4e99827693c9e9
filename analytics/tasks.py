"""Celery tasks of analytics: each recomputes whole days (or a day's companies) or purges by
date, so running one twice is harmless."""

import smtplib
from datetime import date

from celery import shared_task
from django.db import IntegrityError, OperationalError

from analytics import credits, inquiry_mail, privacy, processing, weekly_mail
from analytics.queries.cache import bump_dashboard_version
from analytics.weekly import Week

# IntegrityError: two runs over the same day inserting at once; the retry recomputes the day.
RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, IntegrityError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 8,
}


@shared_task(**RETRY)
def process_days(days: list[str]) -> int:
    return sum(processing.process_day(date.fromisoformat(day)) for day in days)


@shared_task(**RETRY)
def process_recent() -> int:
    """The periodic run: only the days that events received since the last run touched."""
    return len(processing.process_pending())


@shared_task(**RETRY)
def reroll_accounts(days: list[str], account_ids: list[int]) -> int:
    """After an identity change: only the rows of the companies it moved visitors between."""
    return sum(processing.reroll_accounts(date.fromisoformat(d), account_ids) for d in days)


@shared_task(**RETRY)
def purge_expired_events() -> dict[str, int]:
    return privacy.purge_expired()


# Email: SMTP trouble is transient (server down, refused connection, timeout); retry it.
MAIL_RETRY = {
    "acks_late": True,
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


@shared_task(**MAIL_RETRY)
def send_inquiry_notice(inquiry_id: int) -> int:
    return inquiry_mail.send_inquiry_notice(inquiry_id)


@shared_task(**RETRY)
def attribute_accounts(account_ids: list[int]) -> int:
    """Recompute these buyer companies' stored attribution credit (idempotent); cached
    dashboards that sum it (attributed revenue, sourcing returns) are stale from then on."""
    written = credits.materialise_accounts(account_ids)
    bump_dashboard_version()
    return written


@shared_task(**RETRY)
def send_weekly_summaries(week_start: str | None = None) -> int:
    """The Monday run: one task per supplier for the last full week (or the week of
    ``week_start``), so one supplier's mail trouble retries only that supplier."""
    week = Week.of(date.fromisoformat(week_start)) if week_start else Week.last_full()
    supplier_ids = list(weekly_mail.summary_suppliers().values_list("pk", flat=True))
    for supplier_id in supplier_ids:
        send_supplier_weekly_summary.delay(supplier_id, week.start.isoformat())
    return len(supplier_ids)


# A retry sends only to the users not sent yet: each delivery is recorded (WeeklySummaryDelivery).
@shared_task(**{**MAIL_RETRY, "autoretry_for": (smtplib.SMTPException, OSError, OperationalError)})
def send_supplier_weekly_summary(supplier_id: int, week_start: str) -> int:
    supplier = weekly_mail.summary_suppliers().filter(pk=supplier_id).first()
    if supplier is None:  # deleted, or its workspace group removed, since the run was planned
        return 0
    return weekly_mail.send_supplier_summary(supplier, Week.of(date.fromisoformat(week_start))).sent
