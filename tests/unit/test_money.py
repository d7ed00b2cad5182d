"""Amounts as people type them, and printed back to the cent."""

from decimal import Decimal

import pytest

from crm.errors import UserError
from crm.money import Money, format_amount, parse_amount, parse_currency


@pytest.mark.parametrize("text, expected", [
    ("300", "300.00"),
    ("0", "0.00"),
    ("-0", "0.00"),
    ("+5", "5.00"),
    ("2,000.00", "2000.00"),
    ("1,000", "1000.00"),
    ("1 500,50", "1500.50"),
    ("1.500,50", "1500.50"),  # German: dot groups, comma is the decimal point
    ("1,500.50", "1500.50"),
    ("1'000", "1000.00"),
    ("1\u00a0000", "1000.00"),
    ("1_000", "1000.00"),
    ("1,5", "1.50"),
    ("0,25", "0.25"),
    ("1.5", "1.50"),
    (".5", "0.50"),
    ("1.500.000", "1500000.00"),
    ("12.345", "12.35"),  # one dot is a decimal point; rounded half up to the cent
    ("999999999999.99", "999999999999.99"),
])
def test_amounts_people_type(text, expected):
    assert parse_amount(text) == Decimal(expected)
    assert str(parse_amount(text)) == expected


@pytest.mark.parametrize("text", ["", "abc", "12abc", "1e3", "nan", "Infinity", "€50", "50 EUR", "1,00,0",
                                  "12,34,567", "1.000,5.0", "--5", "0x10"])
def test_what_is_not_an_amount(text):
    with pytest.raises(UserError, match=r"^not an amount: "):
        parse_amount(text)


@pytest.mark.parametrize("text", ["-5", "-0.01", "-1,500.00"])
def test_negative_amounts_are_refused(text):
    with pytest.raises(UserError, match="must not be negative"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["1000000000000", "1" + "0" * 30])
def test_absurdly_large_amounts_are_refused(text):
    with pytest.raises(UserError, match="too large"):
        parse_amount(text)


def test_format_amount_groups_thousands_and_rounds_half_up():
    assert format_amount(Decimal("30000")) == "30,000.00"
    assert format_amount(Decimal("0.005")) == "0.01"
    assert format_amount(Decimal("-1234.5")) == "-1,234.50"
    assert str(Money(Decimal("1500.5"), "USD")) == "1,500.50 USD"
    assert str(Money(Decimal("50"))) == "50.00 EUR"


def test_currency_codes():
    assert parse_currency(" usd ") == "USD"
    for bad in ("", "EURO", "E1R", "€"):
        with pytest.raises(UserError, match="not a currency code"):
            parse_currency(bad)
