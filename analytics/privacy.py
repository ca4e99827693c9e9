"""Personal-data requests (export or erase one person, PIPL) and the retention of raw events and
search logs. Export and erase read the same list of rows, so whatever one finds the other does."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import phonenumbers
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session as LoginSession
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from wagtail.models import ModelLogEntry

from analytics.conversions import inquiry_phone
from analytics.days import day_bounds, local_day
from analytics.identity import survivor
from analytics.models import (
    Contact,
    EventType,
    IdentityChange,
    Inquiry,
    Order,
    RawEvent,
    RetentionPurge,
    Session,
    ShareToken,
    Visitor,
)
from content.visitors import CONTACT_DETAILS
from search.models import SearchClick, SearchLog

PURGE_BATCH = 5000
ERASED_SHARER = "erased"
# What an erase blanks on an inquiry: the supplier keeps that a company asked for a material
# (its inbox and attribution counts stay true), never who asked or what they wrote.
INQUIRY_PERSONAL = {"contact": None, "visitor_id": "", "contact_name": "", "phone": "",
                    "email": "", "message": "", "notes": "", "ip_prefix": ""}  # fmt: skip
# Columns never exported: a login's password hash answers no question about the person.
SECRET_FIELDS = {"password"}


class PrivacyError(Exception):
    """A request that cannot be carried out as asked (nothing has been changed)."""


@dataclass(frozen=True)
class Person:
    """Everything that identifies one person: their contacts (the one asked about and every
    contact merged into it), browsers, logins, and the emails and phones they gave."""

    contact_ids: list[int]
    visitor_ids: list[str]
    user_ids: list[int]
    emails: list[str]
    phones: list[str]
    names: list[str]


def find_person(contact: Contact | None, identifiers: Iterable[str] = ()) -> Person:
    """The person behind ``contact`` as stored now; ``identifiers`` (an email or a phone they
    gave) still find searches that typed them once the contact itself is gone. A contact merged
    into another stands for the contact that survived the merge."""
    current = Contact.objects.filter(pk=contact.pk).first() if contact and contact.pk else None
    contact_ids = _merged_family(survivor(current).pk) if current else []
    contacts = list(Contact.objects.filter(pk__in=contact_ids).order_by("pk"))
    known = [*contacts, contact] if contact else contacts
    user_ids = sorted({c.user_id for c in contacts if c.user_id})
    linked = set(
        Visitor.objects.filter(contact_id__in=contact_ids).values_list("visitor_id", flat=True)
    )
    logged_in = set(
        RawEvent.objects.filter(user_id__in=user_ids)
        .values_list("visitor_id", flat=True)
        .distinct()
    )
    # A shared browser that identity gave to someone else stays theirs.
    others = Visitor.objects.filter(visitor_id__in=logged_in, contact__isnull=False).exclude(
        contact_id__in=contact_ids
    )
    logged_in -= set(others.values_list("visitor_id", flat=True))
    given = [i for i in identifiers if i]
    return Person(
        contact_ids=contact_ids,
        visitor_ids=sorted(linked | logged_in),
        user_ids=user_ids,
        emails=_unique([c.email for c in known] + [i for i in given if "@" in i]),
        phones=_unique([c.phone for c in known] + [i for i in given if "@" not in i]),
        names=_unique(c.name for c in known),
    )


def _merged_family(contact_id: int) -> list[int]:
    """The contact and every contact merged into it, however many merges deep."""
    family = set(Contact.objects.filter(pk=contact_id).values_list("pk", flat=True))
    frontier = list(family)
    while frontier:
        frontier = list(
            Contact.objects.filter(merged_into_id__in=frontier)
            .exclude(pk__in=family)
            .values_list("pk", flat=True)
        )
        family.update(frontier)
    return sorted(family)


def _unique(values: Iterable[str | None]) -> list[str]:
    return sorted({v for v in values if v})


def personal_rows(person: Person) -> dict[str, models.QuerySet]:
    """Every row that stores something of this person, by table (model label), in the order an
    erase deletes them. A table that comes to hold people's data must be added here."""
    visitors, contacts = person.visitor_ids, person.contact_ids
    typed = Q(pk__in=[])
    for detail in person.emails + person.phones:
        typed |= Q(query__icontains=detail) | Q(normalized__icontains=detail)
    searches = SearchLog.objects.filter(Q(visitor_id__in=visitors) | typed)
    asked = Q(contact_id__in=contacts) | Q(visitor_id__in=visitors) | Q(email__in=person.emails)
    asked |= Q(phone__in=[p for p in map(inquiry_phone, person.phones) if p])
    orders = Order.objects.filter(
        Q(contact_id__in=contacts)
        | Q(contact_email__in=person.emails)
        | Q(contact_phone__in=_e164(person.phones))
    )
    querysets = [
        Inquiry.objects.filter(asked),
        orders,
        SearchClick.objects.filter(log__in=searches),
        searches,
        ShareToken.objects.filter(sharer_visitor_id__in=visitors),
        IdentityChange.objects.filter(
            Q(visitor_id__in=visitors)
            | Q(contact_id__in=contacts)
            | Q(previous_contact_id__in=contacts)
        ),
        _admin_log_of(person),
        RawEvent.objects.filter(Q(visitor_id__in=visitors) | Q(user_id__in=person.user_ids)),
        Session.objects.filter(visitor_id__in=visitors),
        Visitor.objects.filter(visitor_id__in=visitors),
        Contact.objects.filter(pk__in=contacts),
        get_user_model().objects.filter(pk__in=person.user_ids),
    ]
    return {qs.model._meta.label: qs.order_by("pk") for qs in querysets}


def _admin_log_of(person: Person) -> models.QuerySet:
    """Wagtail's admin log of the person's contacts and login: an admin create or edit writes
    a row whose label is the contact's name, email or phone (the user's name)."""
    kinds = ContentType.objects.get_for_models(Contact, get_user_model())
    about = Q(pk__in=[])
    for model, ids in ((Contact, person.contact_ids), (get_user_model(), person.user_ids)):
        if ids:
            about |= Q(content_type=kinds[model], object_id__in=[str(i) for i in ids])
    return ModelLogEntry.objects.filter(about)


def _e164(phones: list[str]) -> list[str]:
    """The phones as orders store them (E.164; mainland numbers without +86 are read as such)."""
    found = []
    for phone in phones:
        try:
            found.append(
                phonenumbers.format_number(
                    phonenumbers.parse(phone, "CN"), phonenumbers.PhoneNumberFormat.E164
                )
            )
        except phonenumbers.NumberParseException:
            continue
    return found


def export_contact(contact: Contact | None, identifiers: Iterable[str] = ()) -> dict[str, Any]:
    """Everything stored about one person, as JSON-ready data: every row of every table."""
    person = find_person(contact, identifiers)
    account = (
        Contact.objects.filter(pk__in=person.contact_ids, account__isnull=False)
        .select_related("account")
        .first()
    )
    return {
        "person": {
            "emails": person.emails,
            "phones": person.phones,
            "names": person.names,
            "company": account.account.name if account else None,
        },
        "tables": {
            label: [_row(obj) for obj in queryset]
            for label, queryset in personal_rows(person).items()
        },
    }


def _row(obj: models.Model) -> dict[str, Any]:
    values = {
        field.attname: field.value_from_object(obj)
        for field in obj._meta.concrete_fields
        if field.name not in SECRET_FIELDS
    }
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def holds_nothing(person: Person) -> bool:
    return not any(qs.exists() for qs in personal_rows(person).values())


@transaction.atomic
def erase_contact(contact: Contact | None, identifiers: Iterable[str] = ()) -> dict[str, int]:
    """Delete everything of one person in one transaction, then re-roll the days they read on.

    Their share tokens stay, with the sharer erased, because other readers arrived through them;
    their inquiries stay for the supplier without the person's name, phone, email or message;
    their orders stay too (business records of the buyer company and the supplier: amounts and
    company kept for attribution and accounts), with the contact's email and phone blanked and
    the contact unlinked.
    Rollups of purged days keep their counts (anonymous; their raw events are gone). Erasing
    someone already erased deletes nothing.
    """
    person = find_person(contact, identifiers)
    _refuse_admin_users(person.user_ids)
    rows = personal_rows(person)
    days = _pageview_days(rows[RawEvent._meta.label])
    counts = dict.fromkeys([*rows, LoginSession._meta.label], 0)
    counts[ShareToken._meta.label] = rows.pop(ShareToken._meta.label).update(
        sharer_visitor_id=ERASED_SHARER
    )
    counts[Inquiry._meta.label] = rows.pop(Inquiry._meta.label).update(**INQUIRY_PERSONAL)
    counts[Order._meta.label] = rows.pop(Order._meta.label).update(
        contact=None, contact_email="", contact_phone=""
    )
    for queryset in rows.values():
        for label, deleted in queryset.delete()[1].items():
            counts[label] = counts.get(label, 0) + deleted
    counts[LoginSession._meta.label] = _end_logins(person.user_ids)
    if days:
        transaction.on_commit(lambda: _reroll(days))
    return counts


def _refuse_admin_users(user_ids: list[int]) -> None:
    users = get_user_model().objects
    admin = users.filter(pk__in=user_ids).filter(
        Q(is_staff=True) | Q(pk__in=users.with_perm("wagtailadmin.access_admin"))
    )
    user = admin.first()
    if user:
        raise PrivacyError(
            f"{user.get_username()} can use the admin; take that login out of the admin "
            "before erasing the person"
        )


def _pageview_days(events: models.QuerySet) -> list[date]:
    moments = events.filter(type=EventType.PAGEVIEW).values_list("occurred_at", flat=True)
    return sorted({local_day(m) for m in moments})


def _end_logins(user_ids: list[int]) -> int:
    """Delete the login sessions of these users (session data is encoded, so it is read here)."""
    if not user_ids:
        return 0
    wanted = {str(pk) for pk in user_ids}
    keys = [
        s.session_key
        for s in LoginSession.objects.filter(expire_date__gt=timezone.now()).iterator()
        if s.get_decoded().get("_auth_user_id") in wanted
    ]
    return LoginSession.objects.filter(session_key__in=keys).delete()[0]


def _reroll(days: list[date]) -> None:
    from analytics.tasks import process_days  # tasks import this module

    process_days.delay([d.isoformat() for d in days])


def purge_horizon() -> datetime | None:
    """Raw events before this moment have been purged; their days must not be recomputed."""
    return RetentionPurge.objects.aggregate(h=Max("purged_before"))["h"]


def retention_cutoff(now: datetime | None = None) -> datetime | None:
    """Start of the oldest day still kept (None when retention is off). Whole days only, so no
    day is left half purged under a rollup that can no longer change."""
    days = settings.ANALYTICS_RAW_RETENTION_DAYS
    if days <= 0:
        return None
    return day_bounds(local_day((now or timezone.now()) - timedelta(days=days)))[0]


def purge_expired(now: datetime | None = None) -> dict[str, int]:
    """The daily retention run: old search logs lose their link to a person, then old raw
    events and sessions are deleted."""
    deleted, unlinked = expire_search_logs(now)
    return {
        "events": purge_raw_events(now),
        "search_logs_deleted": deleted,
        "search_logs_unlinked": unlinked,
    }


def expire_search_logs(now: datetime | None = None) -> tuple[int, int]:
    """Searches older than the retention keep their text for demand counts but lose the visitor,
    daily and network ids; those whose text holds an email or a phone number are deleted (with
    their clicks).

    Only the days since the previous run are read, so the regular expression never rescans
    the whole log. Returns (deleted, unlinked).
    """
    cutoff = retention_cutoff(now)
    if cutoff is None:
        return 0, 0
    expired = SearchLog.objects.filter(created_at__lt=cutoff)
    since = purge_horizon()
    if since:
        expired = expired.filter(created_at__gte=since)
    deleted = expired.filter(query__regex=CONTACT_DETAILS).delete()[1].get(SearchLog._meta.label, 0)
    # The server's daily and network ids are pseudonymous too: they go with the visitor id.
    unlinked = expired.exclude(visitor_id="", daily_id="", network_id="").update(
        visitor_id="", daily_id="", network_id=""
    )
    return deleted, unlinked


def purge_raw_events(now: datetime | None = None) -> int:
    """Delete raw events and sessions older than the retention setting, in batches."""
    cutoff = retention_cutoff(now)
    if cutoff is None:
        return 0
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
