"""The one way money is shown: ``{{ amount|money }}`` → ``¥1,234.50``."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

CURRENCY_SIGNS = {"CNY": "¥"}
CENT = Decimal("0.01")


@register.filter
def money(value: object, currency: str = "CNY") -> str:
    """Two decimals, thousands separated by commas, the currency's sign in front.

    An empty or non-numeric value (a draft quote without its prices) shows as nothing.
    """
    if value is None or value == "" or isinstance(value, bool):
        return ""
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    if not amount.is_finite():
        return ""
    sign = CURRENCY_SIGNS.get(currency, f"{currency} ")
    return f"-{sign}{-amount:,.2f}" if amount < 0 else f"{sign}{amount:,.2f}"


@register.filter
def quantity(value: object) -> str:
    """A stored quantity as typed: ``100.000`` → ``100``, ``2.500`` → ``2.5`` (never ``1E+2``,
    which is what ``Decimal.normalize()`` prints for round hundreds)."""
    if value is None or value == "" or isinstance(value, bool):
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    if not number.is_finite():
        return ""
    return format(number.normalize(), "f")
