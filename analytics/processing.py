"""The daily pipeline over raw events: identities seen logged in, share tokens, sessions,
rollups. Each step replaces or upserts what it derives, so any day can be processed again; the
periodic run processes only the days that events received since its last run touched."""

import logging
from collections.abc import Collection
from datetime import date, datetime, timedelta

from django.db.models.functions import TruncHour
from django.utils import timezone

from analytics.credits import enqueue_attribution
from analytics.days import day_bounds, local_day
from analytics.identity import link_user_visitors
from analytics.journeys import accounts_changed_since, accounts_read_between
from analytics.models import RawEvent, RollupMark
from analytics.privacy import purge_horizon
from analytics.queries.cache import bump_dashboard_version
from analytics.rollups import FOLLOW_UP_WINDOW, rollup_day
from analytics.sessions import build_sessions
from analytics.shares import register_share_tokens

log = logging.getLogger(__name__)

# Events are stamped with received_at before their transaction commits; one still committing
# when a run reads is found by the next run, which looks back this far past its mark.
MARGIN = timedelta(minutes=10)


def process_day(day: date, attribute: bool = True) -> bool:
    """Derive everything for one day; False when its raw events were purged (rollups kept).
    With ``attribute`` (an explicit reprocessing) every company read that day is queued for
    re-attribution; the periodic run queues only the companies that changed instead."""
    start, end = day_bounds(day)
    horizon = purge_horizon()
    if horizon and start < horizon:
        log.info("skipping %s: raw events before %s were purged", day, horizon)
        return False
    link_user_visitors(start, end)
    register_share_tokens(start, end)
    build_sessions(day)
    rollup_day(day)
    bump_dashboard_version()
    if attribute:
        enqueue_attribution(accounts_read_between(start, end))
    return True


def reroll_accounts(day: date, account_ids: Collection[int]) -> bool:
    """After an identity change: recompute only these companies' rows of the day."""
    horizon = purge_horizon()
    if horizon and day_bounds(day)[0] < horizon:
        return False
    rollup_day(day, accounts=account_ids)
    bump_dashboard_version()
    return True


def touched_days(since: datetime) -> list[date]:
    """The days events received since ``since`` change: the day each occurred on and, for one
    in a day's first hours, the day before (its pageview's day, its session's start day)."""
    hours = (
        RawEvent.objects.filter(received_at__gte=since)
        .annotate(hour=TruncHour("occurred_at"))
        .values_list("hour", flat=True)
        .distinct()
    )
    days: set[date] = set()
    for hour in hours:  # at most 24 a day: the window is whole hours, so hours decide exactly
        days |= {local_day(hour), local_day(hour - FOLLOW_UP_WINDOW)}
    return sorted(days)


def process_pending(now: datetime | None = None) -> list[date]:
    """Process the days touched since the last run, queue re-attribution of the companies that
    changed since then (``accounts_changed_since``) and move the mark on; returns those days.

    With no mark yet (a fresh install) the run looks back to the start of yesterday; older
    history is processed with ``rollup_engagement``.
    """
    now = now or timezone.now()
    mark = RollupMark.objects.order_by("-received_through").first()
    if mark:
        since = mark.received_through - MARGIN
    else:
        since = day_bounds(local_day(now) - timedelta(days=1))[0]
    days = [day for day in touched_days(since) if process_day(day, attribute=False)]
    # Queued before the mark moves: a run that fails here is repeated whole by the next one,
    # and re-attributing a company twice writes the same rows.
    enqueue_attribution(accounts_changed_since(since))
    if mark is None:
        RollupMark.objects.create(received_through=now)
    elif now > mark.received_through:  # a late, overlapping run never moves the mark back
        RollupMark.objects.filter(pk=mark.pk).update(received_through=now, ran_at=timezone.now())
    return days
