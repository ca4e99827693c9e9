"""Personal-data requests (export, erase per contact) and the retention purge of raw events."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from analytics.days import day_bounds, local_day
from analytics.models import (
    Contact,
    IdentityChange,
    RawEvent,
    RetentionPurge,
    Session,
    ShareToken,
    Visitor,
)

PURGE_BATCH = 5000
EXPORT_FIELDS = ("type", "occurred_at", "url", "referrer", "channel", "engaged_ms", "scroll_pct")


def export_contact(contact: Contact) -> dict[str, Any]:
    """Everything stored about one person, as JSON-ready data."""
    visitor_ids = list(contact.visitors.values_list("visitor_id", flat=True))
    events = RawEvent.objects.filter(visitor_id__in=visitor_ids).order_by("occurred_at")
    return {
        "contact": {
            "id": contact.pk,
            "name": contact.name,
            "email": contact.email,
            "phone": contact.phone,
            "company": contact.account.name if contact.account else None,
            "created_at": contact.created_at.isoformat(),
        },
        "browsers": visitor_ids,
        "events": [
            {**row, "occurred_at": row["occurred_at"].isoformat()}
            for row in events.values(*EXPORT_FIELDS)
        ],
        "identity_changes": [
            {"action": c.action, "browser": c.visitor_id, "at": c.created_at.isoformat()}
            for c in IdentityChange.objects.filter(visitor_id__in=visitor_ids)
        ],
    }


@transaction.atomic
def erase_contact(contact: Contact) -> dict[str, int]:
    """Delete the person and every raw trace of their browsers; rollups (counts) stay."""
    visitor_ids = list(contact.visitors.values_list("visitor_id", flat=True))
    counts = {
        "events": RawEvent.objects.filter(visitor_id__in=visitor_ids).delete()[0],
        "sessions": Session.objects.filter(visitor_id__in=visitor_ids).delete()[0],
        "identity_changes": IdentityChange.objects.filter(visitor_id__in=visitor_ids).delete()[0],
    }
    ShareToken.objects.filter(sharer_visitor_id__in=visitor_ids).update(sharer_visitor_id="erased")
    counts["browsers"] = Visitor.objects.filter(visitor_id__in=visitor_ids).delete()[0]
    Contact.objects.filter(merged_into=contact).update(merged_into=None)
    contact.delete()
    return counts


def purge_horizon():
    """Raw events before this moment have been purged; their days must not be recomputed."""
    return RetentionPurge.objects.aggregate(h=Max("purged_before"))["h"]


def purge_raw_events(now=None) -> int:
    """Delete raw events and sessions older than the retention setting, in batches."""
    days = settings.ANALYTICS_RAW_RETENTION_DAYS
    if days <= 0:
        return 0
    # Whole days only, so no day is left half purged under a rollup that can no longer change.
    cutoff = day_bounds(local_day((now or timezone.now()) - timedelta(days=days)))[0]
    deleted = 0
    while True:
        ids = list(
            RawEvent.objects.filter(occurred_at__lt=cutoff).values_list("pk", flat=True)[
                :PURGE_BATCH
            ]
        )
        if not ids:
            break
        deleted += RawEvent.objects.filter(pk__in=ids).delete()[0]
    Session.objects.filter(started_at__lt=cutoff).delete()
    RetentionPurge.objects.create(purged_before=cutoff, events_deleted=deleted)
    return deleted
