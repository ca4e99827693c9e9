"""Inquiries (询价): one validation path for the form and the API, then recording with identity,
duplicate detection and rate limits; the supplier is told by email after commit."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as NumberError

from analytics.credits import enqueue_attribution
from analytics.enrich import truncate_ip
from analytics.identity import identify, survivor
from analytics.models import Inquiry, InquiryUnit
from analytics.throttle import Rate, hit
from content.materials import MaterialResolver
from content.models import ArticlePage, SupplierPage
from content.share_links import SHARE_TOKEN

FIELDS = (
    "material", "spec", "quantity", "unit", "delivery_date", "delivery_place", "target_price",
    "message", "contact_name", "company", "credit_code", "phone", "email", "page_id",
    "share_token", "supplier",
)  # fmt: skip
HONEYPOT = "website"  # hidden from people; a bot that fills every input fills it
DUPLICATE_WINDOW = timedelta(minutes=10)
MAX_LENGTHS = {
    "spec": 80, "delivery_place": 100, "message": 2000, "contact_name": 100, "company": 200,
    "supplier": 255,
}  # fmt: skip
MAX_QUANTITY = Decimal("99999999999")


Errors = list[dict[str, str]]


@dataclass(frozen=True)
class InquiryOrigin:
    """Who sent the inquiry, as the request tells: browser id and full address (never stored)."""

    visitor_id: str
    address: str = ""


class RateLimitedError(Exception):
    """Too many inquiries from one address or one contact; ``retry_after`` in seconds."""

    def __init__(self, field: str, retry_after: int) -> None:
        super().__init__(field)
        self.field = field
        self.retry_after = retry_after

    def message(self) -> str:
        minutes = max(1, -(-self.retry_after // 60))
        return ngettext(
            "You have sent many inquiries in a short time. Please wait %(minutes)d minute and "
            "send it again, or call the supplier.",
            "You have sent many inquiries in a short time. Please wait %(minutes)d minutes and "
            "send it again, or call the supplier.",
            minutes,
        ) % {"minutes": minutes}


def is_bot(data: Mapping[str, Any]) -> bool:
    """The honeypot field holds something: only a script fills an input nobody can see."""
    return bool(str(data.get(HONEYPOT) or "").strip())


def bot_errors() -> Errors:
    return [{"field": "", "message": _("Your inquiry could not be sent.")}]


def validate_inquiry(data: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    """Clean an inquiry's fields; each error names its field with a message in the active
    language. ``cleaned`` is complete only when ``errors`` is empty."""
    text = {name: str(data.get(name) if data.get(name) is not None else "").strip()
            for name in FIELDS}  # fmt: skip
    cleaned: dict[str, Any] = {}
    errors: Errors = []

    def fail(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    for field, limit in MAX_LENGTHS.items():
        if len(text[field]) > limit:
            fail(field, _("At most %(limit)d characters.") % {"limit": limit})
    for field in ("spec", "delivery_place", "message"):
        cleaned[field] = text[field]
    cleaned["material"] = _material(text["material"], fail)
    cleaned["quantity"] = _quantity(text["quantity"], fail)
    if text["unit"] not in InquiryUnit.values:
        fail("unit", _("Choose a unit: kg, 吨, 件 or 箱."))
    cleaned["unit"] = text["unit"]
    cleaned["delivery_date"] = _delivery_date(text["delivery_date"], fail)
    cleaned["target_price"] = _target_price(text["target_price"], fail)
    if not text["contact_name"]:
        fail("contact_name", _("Enter your name."))
    if not text["company"]:
        fail("company", _("Enter your company's name."))
    cleaned["contact_name"], cleaned["company"] = text["contact_name"], text["company"]
    cleaned["credit_code"] = _credit_code(text["credit_code"], fail)
    cleaned["phone"] = _phone(text["phone"], fail)
    cleaned["email"] = _email(text["email"], fail)
    if not text["phone"] and not text["email"]:
        fail("phone", _("Give a phone number or an email address so the supplier can answer."))
    if text["share_token"] and not SHARE_TOKEN.fullmatch(text["share_token"]):
        fail("share_token", _("This is not a share token of this site."))
    cleaned["share_token"] = text["share_token"]
    cleaned["page"], cleaned["supplier"] = _page_and_supplier(
        text["page_id"], text["supplier"], fail
    )
    return cleaned, errors


def _material(name: str, fail: Any) -> Any:
    if not name:
        fail("material", _("Enter the material."))
        return None
    material = MaterialResolver().resolve(name)
    if material is None:
        fail("material", _("“%(name)s” is not in the materials dictionary.") % {"name": name})
    return material


def _decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _quantity(value: str, fail: Any) -> Decimal | None:
    if not value:
        fail("quantity", _("Enter the quantity."))
        return None
    number = _decimal(value)
    if number is None:
        fail("quantity", _("The quantity must be a number."))
    elif number <= 0:
        fail("quantity", _("The quantity must be greater than 0."))
    elif number > MAX_QUANTITY:
        fail("quantity", _("The quantity is too large."))
    elif -number.as_tuple().exponent > 3:
        fail("quantity", _("The quantity may have at most 3 decimal places."))
    else:
        return number
    return None


def _delivery_date(value: str, fail: Any) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        fail("delivery_date", _("Enter the delivery date as YYYY-MM-DD."))
        return None
    if day < timezone.localdate():
        fail("delivery_date", _("The delivery date must not be in the past."))
        return None
    return day


def _target_price(value: str, fail: Any) -> Decimal | None:
    if not value:
        return None
    number = _decimal(value)
    if number is None:
        fail("target_price", _("The target price must be a number (CNY)."))
    elif number < 0:
        fail("target_price", _("The target price must not be negative."))
    elif -number.as_tuple().exponent > 2:
        fail("target_price", _("The target price may have at most 2 decimal places."))
    elif number >= Decimal("10000000000"):
        fail("target_price", _("The target price is too large."))
    else:
        return number
    return None


def _credit_code(value: str, fail: Any) -> str:
    if not value:
        return ""
    try:
        return uscc.validate(value)
    except InvalidChecksum:
        fail("credit_code", _("The check digit of this unified social credit code is wrong."))
    except NumberError:
        fail("credit_code", _("A unified social credit code has 18 digits and capital letters."))
    return ""


def _phone(value: str, fail: Any) -> str:
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        fail("phone", _("“%(phone)s” is not a valid phone number.") % {"phone": value})
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def contact_phone(e164: str) -> str:
    """The number as contacts hold it: a Chinese number in its national digits (how buyers
    write it, "13912345678", "01062345678"), any other in E.164."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164)
    if number.country_code != 86:
        return e164
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return "".join(ch for ch in national if ch.isdigit())


def inquiry_phone(phone: str) -> str:
    """A contact's phone written as inquiries store it (E.164), or "" when it is not one."""
    try:
        number = phonenumbers.parse(phone, "CN")
    except phonenumbers.NumberParseException:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _email(value: str, fail: Any) -> str:
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        fail("email", _("Enter a valid email address."))
        return ""
    return value.lower()


def _page_and_supplier(
    page_id: str, supplier_name: str, fail: Any
) -> tuple[Any, SupplierPage | None]:
    """The page it was sent from (a live article or supplier page) and the supplier it goes to."""
    page = None
    if page_id:
        if re.fullmatch(r"[0-9]{1,12}", page_id):
            page = (
                ArticlePage.objects.live().select_related("supplier").filter(pk=page_id).first()
                or SupplierPage.objects.live().filter(pk=page_id).first()
            )
        if page is None:
            fail("page_id", _("No published article or supplier page has this id."))
            return None, None
    supplier = page if isinstance(page, SupplierPage) else getattr(page, "supplier", None)
    if supplier is None and not supplier_name:
        fail("supplier", _("Name the supplier, or send the page_id of its article."))
        return page, None
    if supplier_name:
        named = SupplierPage.objects.live().filter(title=supplier_name).first()
        if named is None:
            fail("supplier", _("No supplier is named “%(name)s”.") % {"name": supplier_name})
            return page, None
        if supplier is not None and named.pk != supplier.pk:
            fail("supplier", _("This page belongs to another supplier."))
            return page, None
        supplier = named
    return page, supplier


@transaction.atomic
def record_inquiry(cleaned: dict[str, Any], origin: InquiryOrigin) -> tuple[Inquiry, bool]:
    """Store a validated inquiry for its supplier: (inquiry, created).

    The sender's browser becomes a browser of the contact they named, and the contact one of
    their company's (``identify`` re-rolls the days the browser read on, so the company's
    earlier reads join its journey). The same contact asking for the same material and spec
    again within 10 minutes gets the first inquiry back and nothing is written. Raises
    ``RateLimitedError`` (and writes nothing) when the address or the contact is over its limit.
    """
    contact = survivor(
        identify(
            origin.visitor_id,
            email=cleaned["email"],
            phone=contact_phone(cleaned["phone"]),
            name=cleaned["contact_name"],
            company=cleaned["company"],
            credit_code=cleaned["credit_code"],
            reason="inquiry",
        )
    )
    first = _duplicate_of(cleaned, contact.pk)
    if first is not None:
        return first, False
    _admit(origin.address, contact.pk)
    inquiry = Inquiry.objects.create(
        supplier=cleaned["supplier"],
        page=cleaned["page"],
        contact=contact,
        account_id=contact.account_id,
        visitor_id=origin.visitor_id,
        ip_prefix=truncate_ip(origin.address),
        **{f: cleaned[f] for f in FIELDS if f not in ("page_id", "supplier")},
    )
    transaction.on_commit(lambda: _notify(inquiry.pk))
    enqueue_attribution([inquiry.account_id])
    return inquiry, True


def _duplicate_of(cleaned: dict[str, Any], contact_id: int) -> Inquiry | None:
    same_person = Q(contact_id=contact_id)
    for field in ("email", "phone"):
        if cleaned[field]:
            same_person |= Q(**{field: cleaned[field]})
    return (
        Inquiry.objects.filter(
            same_person,
            material=cleaned["material"],
            spec=cleaned["spec"],
            created_at__gte=timezone.now() - DUPLICATE_WINDOW,
        )
        .order_by("created_at", "pk")
        .first()
    )


def _admit(address: str, contact_id: int) -> None:
    """Count the inquiry against its address and its contact; raise when either is over."""
    limits = (
        ("address", address, settings.INQUIRY_RATE_PER_ADDRESS),
        ("contact", str(contact_id), settings.INQUIRY_RATE_PER_CONTACT),
    )
    for scope, key, rate in limits:
        if key:
            verdict = hit(f"inquiry-{scope}", key, Rate.parse(rate))
            if not verdict.allowed:
                raise RateLimitedError(scope, verdict.retry_after)


def _notify(inquiry_id: int) -> None:
    from analytics.tasks import send_inquiry_notice  # tasks import this module

    send_inquiry_notice.delay(inquiry_id)
