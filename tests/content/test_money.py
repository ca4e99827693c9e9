"""Money in templates: one filter, two decimals, thousands separators, the currency sign."""

import datetime as dt
from decimal import Decimal

import pytest

from content.blocks import QuoteBlock
from content.templatetags.money import money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("58.5"), "¥58.50"),
        (Decimal("52"), "¥52.00"),
        (Decimal("1234567.891"), "¥1,234,567.89"),
        (Decimal("0.005"), "¥0.01"),
        (12500, "¥12,500.00"),
        ("3999.9", "¥3,999.90"),
        (Decimal("-1500"), "-¥1,500.00"),
        (None, ""),
        ("", ""),
        ("abc", ""),
        (Decimal("NaN"), ""),
    ],
    ids=[
        "one-decimal",
        "whole",
        "millions",
        "half-cent-up",
        "int",
        "text",
        "negative",
        "none",
        "empty",
        "not-a-number",
        "nan",
    ],
)
def test_money_formats_two_decimals_with_thousands(value, expected):
    assert money(value) == expected


def test_money_names_other_currencies():
    assert money(Decimal("1200"), "USD") == "USD 1,200.00"


def test_quote_block_shows_both_prices_as_money():
    block = QuoteBlock()
    value = block.to_python(
        {
            "price_low": "1250",
            "price_high": "1380.5",
            "unit": "元/吨",
            "moq": "5吨",
            "valid_until": dt.date(2026, 12, 31).isoformat(),
            "note": "",
        }
    )

    html = block.render(value)

    assert "¥1,250.00 – ¥1,380.50" in html
