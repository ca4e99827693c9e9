"""Calendar days in the site's time zone: the unit sessions and rollups are recomputed in."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day as aware datetimes."""
    start = datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=start.tzinfo)


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def days_between(start: date, end: date) -> list[date]:
    """Every day from start to end, both included."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
