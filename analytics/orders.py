"""Orders: the one validation path (webhook, CSV import, admin upload), idempotent recording by
``order_id`` with a status history, and the revenue an order carries for attribution."""

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from analytics.credits import enqueue_attribution
from analytics.identity import IdentityError, company_account, identify_contact, normalize_email
from analytics.models import (
    REVENUE_STATUSES,
    Order,
    OrderStatus,
    OrderStatusChange,
    OrderUnit,
)
from content.materials import MaterialResolver
from content.models import Material, SupplierPage

# The field names of the webhook body, the CSV header and DESIGN.md, in this order.
FIELDS = (
    "order_id", "buyer_company", "credit_code", "contact_email", "contact_phone", "supplier",
    "material", "spec", "quantity", "unit", "amount", "currency", "order_date", "inquiry_id",
    "status",
)  # fmt: skip
REQUIRED = (
    "order_id",
    "supplier",
    "material",
    "quantity",
    "unit",
    "amount",
    "order_date",
    "status",
)
CURRENCIES = ("CNY",)  # one currency until revenue is converted: sums never mix currencies
ORDER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$")
MAX_LEN = {"buyer_company": 200, "spec": 100, "inquiry_id": 64}
PHONE_REGION = "CN"
# Digits before the decimal point the columns hold (max_digits minus decimal_places).
QUANTITY_PLACES, QUANTITY_WHOLE = 3, 11
AMOUNT_PLACES, AMOUNT_WHOLE = 2, 12
# Status only moves forward; a cancelled or refunded order is final. A message that would move
# it back (a late retry of an older state) is refused instead of reviving revenue.
STATUS_RANK = {
    OrderStatus.PAID: 0,
    OrderStatus.DELIVERED: 1,
    OrderStatus.ACCEPTED: 2,
    OrderStatus.CANCELLED: 3,
    OrderStatus.REFUNDED: 3,
}
FINAL = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)

FieldErrors = list[tuple[str, str]]


class FieldError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class OrderData:
    """A validated order, ready to record."""

    order_id: str
    buyer_company: str
    credit_code: str
    contact_email: str
    contact_phone: str
    supplier: SupplierPage
    material: Material
    spec: str
    quantity: Decimal
    unit: str
    amount: Decimal
    currency: str
    ordered_at: dt.datetime
    inquiry_id: str
    status: str


class Lookups:
    """Suppliers and materials by name, read once per import rather than once per row."""

    def __init__(self) -> None:
        self.materials = MaterialResolver()
        self._suppliers: dict[str, SupplierPage | None] = {}

    def supplier(self, name: str) -> SupplierPage | None:
        if name not in self._suppliers:
            self._suppliers[name] = SupplierPage.objects.filter(title=name).first()
        return self._suppliers[name]


def validate_order(
    row: Mapping[str, Any], lookups: Lookups | None = None
) -> tuple[OrderData | None, FieldErrors]:
    """Check every field of one order (webhook body, CSV row or upload row); every error found
    is returned as (field, message), and the cleaned order only when there is none."""
    lookups = lookups or Lookups()
    errors: FieldErrors = [(name, _("Unknown field.")) for name in row if name not in FIELDS]
    values: dict[str, Any] = {}
    for name in FIELDS:
        try:
            values[name] = _clean(name, _text(row.get(name), name), lookups)
        except FieldError as exc:
            errors.append((exc.field, exc.message))
    named = values.get("buyer_company") or values.get("credit_code")
    if not named and "buyer_company" in values and "credit_code" in values:
        message = _("Give the buyer company's name or its unified social credit code.")
        errors.append(("buyer_company", message))
    if errors:
        return None, errors
    values["ordered_at"] = values.pop("order_date")
    return OrderData(**values), []


def _text(value: object, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    raise FieldError(name, _("Must be text or a number."))


def _clean(name: str, value: str, lookups: Lookups) -> Any:
    if not value:
        if name in REQUIRED:
            raise FieldError(name, _("This field is required."))
        return "CNY" if name == "currency" else ""
    limit = MAX_LEN.get(name)
    if limit and len(value) > limit:
        raise FieldError(name, _("At most %(limit)d characters.") % {"limit": limit})
    cleaner = CLEANERS.get(name)
    return cleaner(value, lookups) if cleaner else value


def _order_id(value: str, lookups: Lookups) -> str:
    if not ORDER_ID.match(value):
        raise FieldError(
            "order_id",
            _("Use 1 to 64 letters, digits and . _ : / - (starting with a letter or digit)."),
        )
    return value


def _credit_code(value: str, lookups: Lookups) -> str:
    code = uscc.compact(value)
    if not uscc.is_valid(code):
        raise FieldError(
            "credit_code",
            _("Not a valid unified social credit code (18 characters with a correct check digit)."),
        )
    return code


def _email(value: str, lookups: Lookups) -> str:
    try:
        validate_email(value)
        return normalize_email(value)
    except (ValidationError, IdentityError) as exc:
        raise FieldError("contact_email", _("Enter a valid email address.")) from exc


def _phone(value: str, lookups: Lookups) -> str:
    message = _("Enter a valid phone number (mainland China numbers may leave out +86).")
    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise FieldError("contact_phone", message) from exc
    if not phonenumbers.is_valid_number(number):
        raise FieldError("contact_phone", message)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _supplier(value: str, lookups: Lookups) -> SupplierPage:
    supplier = lookups.supplier(value)
    if supplier is None:
        message = _("No supplier is named %(name)s (use the exact name of its supplier page).")
        raise FieldError("supplier", message % {"name": value})
    return supplier


def _material(value: str, lookups: Lookups) -> Material:
    material = lookups.materials.resolve(value)
    if material is None:
        message = _("%(name)s is not in the material dictionary (names and aliases are accepted).")
        raise FieldError("material", message % {"name": value})
    return material


def _decimal(name: str, value: str, places: int, whole: int, example: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise FieldError(name, _("Enter a number, like %(example)s.") % {"example": example})
    if number.as_tuple().exponent < -places:
        raise FieldError(name, _("At most %(places)d decimal places.") % {"places": places})
    if abs(number) >= 10**whole:
        message = _("Too large (at most %(digits)d digits before the decimal point).")
        raise FieldError(name, message % {"digits": whole})
    return number


def _quantity(value: str, lookups: Lookups) -> Decimal:
    number = _decimal("quantity", value, QUANTITY_PLACES, QUANTITY_WHOLE, "500 or 12.5")
    if number <= 0:
        raise FieldError("quantity", _("Must be greater than 0."))
    return number


def _amount(value: str, lookups: Lookups) -> Decimal:
    number = _decimal("amount", value, AMOUNT_PLACES, AMOUNT_WHOLE, "48000 or 48000.00")
    if number < 0:
        raise FieldError("amount", _("Must not be negative."))
    return number.quantize(Decimal("0.01"))


def _unit(value: str, lookups: Lookups) -> str:
    unit = value.lower()
    if unit not in OrderUnit.values:
        choices = ", ".join(OrderUnit.values)
        raise FieldError("unit", _("Use one of: %(choices)s.") % {"choices": choices})
    return unit


def _currency(value: str, lookups: Lookups) -> str:
    currency = value.upper()
    if currency not in CURRENCIES:
        raise FieldError("currency", _("Only CNY is accepted."))
    return currency


def _status(value: str, lookups: Lookups) -> str:
    status = value.lower()
    if status not in OrderStatus.values:
        choices = ", ".join(OrderStatus.values)
        raise FieldError("status", _("Use one of: %(choices)s.") % {"choices": choices})
    return status


def _order_date(value: str, lookups: Lookups) -> dt.datetime:
    """An ISO date (taken as the end of that local day, so the day's reads count) or an ISO
    date and time (without an offset, in the platform's time zone)."""
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            moment = dt.datetime.combine(day, dt.time(23, 59, 59))
        else:
            moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise FieldError(
            "order_date", _("Enter an ISO date (2026-05-01) or date and time (2026-05-01T10:30).")
        ) from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if timezone.localdate(moment) > timezone.localdate():
        raise FieldError("order_date", _("The order date is in the future."))
    return moment


CLEANERS = {
    "order_id": _order_id,
    "credit_code": _credit_code,
    "contact_email": _email,
    "contact_phone": _phone,
    "supplier": _supplier,
    "material": _material,
    "quantity": _quantity,
    "amount": _amount,
    "unit": _unit,
    "currency": _currency,
    "status": _status,
    "order_date": _order_date,
}


class Recorded(NamedTuple):
    order: Order
    created: bool
    changed: bool


def record_order(data: OrderData, source: str) -> tuple[Order, bool]:
    """Create or update the order named by ``data.order_id``; return it and whether it was new.

    The same message again changes nothing (no write, no history). See ``save_order``.
    """
    recorded = save_order(data, source)
    return recorded.order, recorded.created


@transaction.atomic
def save_order(data: OrderData, source: str) -> Recorded:
    """Create, update or leave the order; a new order, or a new status or amount, appends a
    history row. Raises ``FieldError`` (status) when the status would move backwards."""
    order = Order.objects.select_for_update().filter(order_id=data.order_id).first()
    if order is None:
        try:
            with transaction.atomic():
                order = _create(data, source)
            enqueue_attribution([order.account_id])
            return Recorded(order, True, True)
        except IntegrityError:  # a concurrent delivery of the same order created it first
            order = Order.objects.select_for_update().filter(order_id=data.order_id).first()
            if order is None:
                raise
    _check_transition(order.status, data.status)
    wanted = _columns(data, order)
    changed = [key for key, value in wanted.items() if getattr(order, key) != value]
    if not changed:
        return Recorded(order, False, False)
    identity = {"buyer_company", "credit_code", "contact_email", "contact_phone"}
    for key in changed:
        setattr(order, key, wanted[key])
    before = order.account_id
    if identity & set(changed):
        order.account, order.contact = _buyer(data)
    order.save()
    # A new status (a refund: revenue 0), amount, time or buyer changes the credit it gave.
    enqueue_attribution([before, order.account_id])
    if {"status", "amount"} & set(changed):
        OrderStatusChange.objects.create(
            order=order, status=order.status, amount=order.amount, source=source
        )
    return Recorded(order, False, True)


def _create(data: OrderData, source: str) -> Order:
    account, contact = _buyer(data)
    order = Order.objects.create(
        order_id=data.order_id, account=account, contact=contact, **_columns(data, None)
    )
    if not order.buyer_company:
        order.buyer_company = account.name
        order.save(update_fields=["buyer_company"])
    OrderStatusChange.objects.create(
        order=order, status=order.status, amount=order.amount, source=source
    )
    return order


def _columns(data: OrderData, order: Order | None) -> dict[str, Any]:
    """The stored columns ``data`` asks for (a blank company name keeps the one stored)."""
    return {
        "buyer_company": data.buyer_company or (order.buyer_company if order else ""),
        "credit_code": data.credit_code,
        "contact_email": data.contact_email,
        "contact_phone": data.contact_phone,
        "supplier_id": data.supplier.pk,
        "material_id": data.material.pk,
        "spec": data.spec,
        "quantity": data.quantity,
        "unit": data.unit,
        "amount": data.amount,
        "currency": data.currency,
        "ordered_at": data.ordered_at,
        "inquiry_id_ref": data.inquiry_id,
        "status": data.status,
    }


def _buyer(data: OrderData) -> tuple[Any, Any]:
    """The buyer company (by credit code, company email domain, then name; created when new)
    and the contact (by email or phone, as identity stitching finds people)."""
    account = company_account(data.buyer_company, data.credit_code, data.contact_email)
    contact = None
    if data.contact_email or data.contact_phone:
        contact = identify_contact(
            email=data.contact_email,
            phone=data.contact_phone,
            account=account,
            reason=f"order {data.order_id}",
        )
    return account, contact


def _check_transition(current: str, new: str) -> None:
    if current == new:
        return
    if current in FINAL or STATUS_RANK[new] < STATUS_RANK[current]:
        message = _("The order is already %(current)s; it cannot become %(new)s.")
        raise FieldError("status", message % {"current": current, "new": new})


def order_revenue(order: Order) -> Decimal:
    """What the order counts for in attribution: its amount while paid, delivered or accepted;
    0 once cancelled or refunded (``Order.objects.with_revenue()`` is the same in SQL)."""
    return order.amount if order.status in REVENUE_STATUSES else Decimal("0.00")


def order_payload(order: Order, *, created: bool) -> dict[str, Any]:
    """The JSON shape of a stored order (webhook answer, listings)."""
    return {
        "order_id": order.order_id,
        "buyer_company": order.buyer_company,
        "credit_code": order.credit_code,
        "contact_email": order.contact_email,
        "contact_phone": order.contact_phone,
        "supplier": order.supplier.title,
        "material": order.material.name,
        "spec": order.spec,
        "quantity": format(order.quantity.normalize(), "f"),
        "unit": order.unit,
        "amount": f"{order.amount:.2f}",
        "currency": order.currency,
        "order_date": timezone.localdate(order.ordered_at).isoformat(),
        "ordered_at": timezone.localtime(order.ordered_at).isoformat(),
        "inquiry_id": order.inquiry_id_ref,
        "status": order.status,
        "revenue": f"{order_revenue(order):.2f}",
        "account_id": order.account_id,
        "created": created,
    }
