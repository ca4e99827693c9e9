"""The daily pipeline over raw events: identities seen logged in, share tokens, sessions,
rollups. Each step replaces or upserts what it derives, so any day can be processed again."""

import logging
from datetime import date, datetime, timedelta

from django.utils import timezone

from analytics.credits import enqueue_attribution
from analytics.days import day_bounds, local_day
from analytics.identity import link_user_visitors
from analytics.journeys import accounts_read_between
from analytics.privacy import purge_horizon
from analytics.rollups import FOLLOW_UP_WINDOW, rollup_day
from analytics.sessions import build_sessions
from analytics.shares import register_share_tokens

log = logging.getLogger(__name__)


def process_day(day: date) -> bool:
    """Derive everything for one day; False when its raw events were purged (rollups kept)."""
    start, end = day_bounds(day)
    horizon = purge_horizon()
    if horizon and start < horizon:
        log.info("skipping %s: raw events before %s were purged", day, horizon)
        return False
    link_user_visitors(start, end)
    register_share_tokens(start, end)
    build_sessions(day)
    rollup_day(day)
    enqueue_attribution(accounts_read_between(start, end))
    return True


def recent_days(now: datetime | None = None) -> list[date]:
    """Days live events can still change: today, and yesterday while its readers may still be
    sending engagement for pages opened before midnight."""
    now = timezone.localtime(now or timezone.now())
    today = local_day(now)
    days = [today]
    if now - day_bounds(today)[0] < FOLLOW_UP_WINDOW + timedelta(minutes=10):
        days.insert(0, today - timedelta(days=1))
    return days
