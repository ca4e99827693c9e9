"""Identity stitching: browsers → known contacts → buyer companies; every change logged and
reversible, and each one re-rolls the days it touches so earlier history joins the company."""

import re
import uuid
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from analytics.credits import enqueue_attribution
from analytics.models import Account, Contact, IdentityChange, RawEvent, Visitor

# Mailbox providers: an address there says nothing about the buyer's company.
FREE_MAIL = {
    "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn", "sohu.com",
    "aliyun.com", "139.com", "189.cn", "gmail.com", "outlook.com", "hotmail.com", "live.com",
    "yahoo.com", "icloud.com", "me.com",
}  # fmt: skip
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


class IdentityError(ValueError):
    """Input that cannot identify anyone (no email, phone or user; malformed values)."""


def normalize_email(email: str) -> str:
    email = email.strip().lower()
    if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
        raise IdentityError(f"email {email!r} is not an address")
    return email


def normalize_phone(phone: str) -> str:
    digits = re.sub(r"[\s()+-]", "", phone)
    digits = digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
    if not digits.isdigit() or not 7 <= len(digits) <= 15:
        raise IdentityError(f"phone {phone!r} is not a phone number")
    return digits


def company_account(name: str = "", credit_code: str = "", email: str = "") -> Account | None:
    """The buyer company named by a credit code, a company email domain or a name, if any."""
    credit_code = credit_code.strip().upper()
    if credit_code and not CREDIT_CODE.match(credit_code):
        raise IdentityError(f"unified social credit code {credit_code!r} is malformed")
    domain = email.rsplit("@", 1)[-1] if email else ""
    domain = "" if domain in FREE_MAIL else domain
    lookups = [("credit_code", credit_code), ("email_domain", domain), ("name", name.strip())]
    for field, value in lookups:
        if value:
            account = Account.objects.filter(**{field: value}).first()
            if account and credit_code and account.credit_code not in (None, "", credit_code):
                continue  # a different credit code is a different company, whatever its domain
            if account:
                _fill(account, credit_code=credit_code, email_domain=domain)
                return account
    if not (credit_code or domain or name.strip()):
        return None
    if domain and Account.objects.filter(email_domain=domain).exists():
        domain = ""  # the domain's company is another one (its credit code differs)
    return Account.objects.create(
        name=name.strip() or domain or credit_code,
        credit_code=credit_code or None,
        email_domain=domain or None,
    )


def _fill(obj: Account | Contact, **values: object) -> None:
    """Set blank fields from values. Known facts are never overwritten, and a unique value that
    another row holds is left there (a merged contact keeps its email so the merge can be
    undone; an account keeps the domain it was found by)."""
    model = type(obj)
    others = model.objects.exclude(pk=obj.pk)
    changed = [
        key
        for key, value in values.items()
        if value
        and not getattr(obj, key)
        and not (model._meta.get_field(key).unique and others.filter(**{key: value}).exists())
    ]
    for key in changed:
        setattr(obj, key, values[key])
    if changed:
        obj.save(update_fields=changed)


def survivor(contact: Contact) -> Contact:
    while contact.merged_into_id:
        contact = contact.merged_into
    return contact


@transaction.atomic
def identify(
    visitor_id: str,
    *,
    email: str = "",
    phone: str = "",
    name: str = "",
    company: str = "",
    credit_code: str = "",
    user_id: int | None = None,
    reason: str = "",
) -> Contact:
    """Make ``visitor_id`` a browser of the contact these details name, creating what is new."""
    email = normalize_email(email) if email else ""
    phone = normalize_phone(phone) if phone else ""
    if not (email or phone or user_id):
        raise IdentityError("an email, a phone number or a user is needed to identify someone")
    matches = _matching_contacts(email, phone, user_id)
    contact = matches[0] if matches else Contact.objects.create()
    for other in matches[1:]:
        merge_contacts(contact, other, reason=f"same person: {reason}")
    _fill(contact, email=email or None, phone=phone or None, name=name.strip(), user_id=user_id)
    account = company_account(company, credit_code, email)
    if account and not contact.account_id:
        _fill(contact, account=account)
        # Browsers linked before the company was known bring their history to it now.
        known = list(contact.visitors.values_list("visitor_id", flat=True))
        if known:
            transaction.on_commit(lambda: reroll_visitor_days(known, {account.pk}))
    link_visitor(visitor_id, contact, reason=reason or "identified")
    return contact


@transaction.atomic
def identify_contact(
    *,
    email: str = "",
    phone: str = "",
    name: str = "",
    account: Account | None = None,
    reason: str = "",
) -> Contact:
    """The contact these details name, found, merged or created as ``identify`` does, for
    records that come without a browser (orders from a trade system); no visitor is linked."""
    email = normalize_email(email) if email else ""
    phone = normalize_phone(phone) if phone else ""
    if not (email or phone):
        raise IdentityError("an email or a phone number is needed to identify someone")
    matches = _matching_contacts(email, phone, None)
    contact = matches[0] if matches else Contact.objects.create()
    for other in matches[1:]:
        merge_contacts(contact, other, reason=f"same person: {reason}")
    _fill(contact, email=email or None, phone=phone or None, name=name.strip())
    if account and not contact.account_id:
        _fill(contact, account=account)
    return contact


def _matching_contacts(email: str, phone: str, user_id: int | None) -> list[Contact]:
    found: list[Contact] = []
    for field, value in (("user_id", user_id), ("email", email), ("phone", phone)):
        contact = Contact.objects.filter(**{field: value}).first() if value else None
        if contact:
            contact = survivor(contact)
            if contact not in found:
                found.append(contact)
    return sorted(found, key=lambda c: c.pk)


def link_visitor(visitor_id: str, contact: Contact, *, reason: str = "") -> uuid.UUID | None:
    """Point a visitor at a contact (logged); re-rolls the days of the visitor's history."""
    visitor = _visitor(visitor_id)
    if visitor.contact_id == contact.pk:
        return None
    change_id = uuid.uuid4()
    _move([visitor], contact, change_id, IdentityChange.Action.LINK, reason)
    return change_id


@transaction.atomic
def merge_contacts(keep: Contact, drop: Contact, *, reason: str = "") -> uuid.UUID:
    """Move every visitor of ``drop`` to ``keep``; ``drop`` stays, marked, so undo can restore."""
    change_id = uuid.uuid4()
    _move(list(drop.visitors.all()), keep, change_id, IdentityChange.Action.MERGE, reason)
    IdentityChange.objects.create(
        change_id=change_id,
        action=IdentityChange.Action.MERGE,
        visitor_id="",
        contact=keep,
        previous_contact=drop,
        reason=reason,
    )
    drop.merged_into = keep
    drop.save(update_fields=["merged_into"])
    return change_id


@transaction.atomic
def undo_change(change_id: uuid.UUID) -> int:
    """Reverse one logged change; a visitor moved again since keeps its newer link."""
    rows = list(IdentityChange.objects.filter(change_id=change_id, undone_at__isnull=True))
    undo_id, moved = uuid.uuid4(), 0
    for row in rows:
        if not row.visitor_id:  # the merge marker: un-merge the contact
            Contact.objects.filter(pk=row.previous_contact_id, merged_into=row.contact_id).update(
                merged_into=None
            )
            continue
        visitor = Visitor.objects.filter(visitor_id=row.visitor_id, contact=row.contact).first()
        if visitor:
            target = row.previous_contact
            _move([visitor], target, undo_id, IdentityChange.Action.UNDO, f"undo {change_id}")
            moved += 1
    IdentityChange.objects.filter(pk__in=[r.pk for r in rows]).update(undone_at=timezone.now())
    return moved


def _visitor(visitor_id: str) -> Visitor:
    first = RawEvent.objects.filter(visitor_id=visitor_id).aggregate(first=Min("occurred_at"))
    visitor, _ = Visitor.objects.get_or_create(
        visitor_id=visitor_id, defaults={"first_seen": first["first"] or timezone.now()}
    )
    return visitor


def _move(
    visitors: list[Visitor], contact: Contact | None, change_id: uuid.UUID, action: str, reason: str
) -> None:
    before = {v.contact_id for v in visitors}
    for visitor in visitors:
        IdentityChange.objects.create(
            change_id=change_id,
            action=action,
            visitor_id=visitor.visitor_id,
            contact=contact,
            previous_contact_id=visitor.contact_id,
            reason=reason[:100],
        )
        visitor.contact = contact
        visitor.save(update_fields=["contact"])
    ids = [v.visitor_id for v in visitors]
    # Only the companies visitors left and joined change; the day's other rows stay as they are,
    # and both companies re-attribute (the reads move from one to the other).
    contacts = before | {contact.pk if contact else None}
    accounts = set(
        Contact.objects.filter(pk__in=contacts - {None}, account__isnull=False).values_list(
            "account_id", flat=True
        )
    )
    transaction.on_commit(lambda: reroll_visitor_days(ids, accounts))
    enqueue_attribution(accounts)


def visitor_days(visitor_ids: list[str]) -> list[date]:
    """The local days on which these visitors have pageviews (what an identity change touches)."""
    days = (
        RawEvent.objects.filter(visitor_id__in=visitor_ids, type="pageview")
        .annotate(day=TruncDate("occurred_at"))
        .values_list("day", flat=True)
        .distinct()
    )
    return sorted(days)


def reroll_visitor_days(visitor_ids: list[str], account_ids: set[int]) -> None:
    """Queue the recomputation of these companies' rows on every day the visitors read on."""
    from analytics.tasks import reroll_accounts  # tasks import this module

    days = visitor_days(visitor_ids) if account_ids else []
    if days:
        reroll_accounts.delay([d.isoformat() for d in days], sorted(account_ids))


def link_user_visitors(start: datetime, end: datetime) -> int:
    """Visitors seen logged in as a buyer in [start, end) become that user's contact.

    Staff, moderators and supplier users (anyone who may use the admin) are not buyers.
    """
    pairs = set(
        RawEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end, user_id__isnull=False)
        .values_list("visitor_id", "user_id")
        .distinct()
    )
    known = set(
        Visitor.objects.filter(
            visitor_id__in={v for v, _ in pairs}, contact__user_id__isnull=False
        ).values_list("visitor_id", "contact__user_id")
    )
    user_ids = {u for _, u in pairs - known}
    admin_users = get_user_model().objects.with_perm("wagtailadmin.access_admin")
    buyers = get_user_model().objects.filter(pk__in=user_ids).exclude(pk__in=admin_users)
    users = buyers.in_bulk()
    linked = 0
    for visitor_id, user_id in sorted(pairs - known):
        user = users.get(user_id)
        if user:
            identify(
                visitor_id,
                user_id=user.pk,
                email=user.email or "",
                name=user.get_full_name(),
                reason="logged in",
            )
            linked += 1
    return linked
