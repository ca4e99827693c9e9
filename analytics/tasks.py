"""Celery tasks of analytics: each recomputes whole days (or a day's companies) or purges by
date, so running one twice is harmless."""

import smtplib
from datetime import date

from celery import shared_task
from django.db import IntegrityError, OperationalError

from analytics import credits, inquiry_mail, privacy, processing
from analytics.queries.cache import bump_dashboard_version

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
@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def send_inquiry_notice(inquiry_id: int) -> int:
    return inquiry_mail.send_inquiry_notice(inquiry_id)


@shared_task(**RETRY)
def attribute_accounts(account_ids: list[int]) -> int:
    """Recompute these buyer companies' stored attribution credit (idempotent); cached
    dashboards that sum it (attributed revenue, sourcing returns) are stale from then on."""
    written = credits.materialise_accounts(account_ids)
    bump_dashboard_version()
    return written
