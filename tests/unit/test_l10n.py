"""Dates and money in the reader's language (crm.l10n): English as Rapport always wrote it,
Russian and Romanian as their readers write them, and English never paying for Babel."""

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm import i18n
from crm.l10n import STYLES, format_day, format_money, format_number, widest_day
from crm.money import Money, stored_amount

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 12, 7)  # a Monday
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ("Mon 7 Dec", "7 Dec", "7 Dec 2026", "Mon 7 Dec 2026", "Dec 2026", "7 December 2026", "Mon  7 Dec",
            "Monday 7 December 2026")),
    ("ru", ("пн, 7 дек.", "7 дек.", f"7 дек. 2026{NNBSP}г.", f"пн, 7 дек. 2026{NNBSP}г.", f"дек. 2026{NNBSP}г.",
            f"7 декабря 2026{NNBSP}г.", "пн, 7 дек.", f"понедельник, 7 декабря 2026{NNBSP}г.")),
    ("ro", ("lun., 7 dec.", "7 dec.", "7 dec. 2026", "lun., 7 dec. 2026", "dec. 2026", "7 decembrie 2026",
            "lun., 7 dec.", "luni, 7 decembrie 2026")),
    ("de", ("Mo., 7. Dez.", "7. Dez.", "7. Dez. 2026", "Mo., 7. Dez. 2026", "Dez. 2026", "7. Dezember 2026",
            "Mo., 7. Dez.", "Montag, 7. Dezember 2026")),
])
def test_a_day_in_each_style_and_language(language, expected):
    assert tuple(format_day(DAY, style, language) for style in STYLES) == expected


@given(st.dates(date(1900, 1, 1), date(2999, 12, 31)))
@settings(max_examples=200, deadline=None, derandomize=True)
def test_english_days_are_what_strftime_wrote(day):
    """Byte for byte what the screens and the CLI printed before (C locale names)."""
    assert format_day(day, "weekday", "en") == f"{day:%a} {day.day} {day:%b}"
    assert format_day(day, "date", "en") == f"{day.day} {day:%b %Y}"
    assert format_day(day, "full", "en") == f"{day:%a} {day.day} {day:%b %Y}"
    assert format_day(day, "long", "en") == f"{day.day} {day:%B %Y}"
    # the plain review's day column and heading (crm/cli/review.py), as it wrote them by hand
    assert format_day(day, "column", "en") == f"{day:%a} {day.day:2d} {day:%b}"
    assert format_day(day, "heading", "en") == f"{day:%A} {day.day} {day:%B %Y}"


@pytest.mark.parametrize(("language", "eur", "ron"), [
    ("en", "1,800.00 EUR", "30,000.50 RON"),
    ("ru", f"1{NBSP}800,00{NBSP}€", f"30{NBSP}000,50{NBSP}RON"),
    ("ro", f"1.800,00{NBSP}EUR", f"30.000,50{NBSP}RON"),
    ("de", f"1.800,00{NBSP}€", f"30.000,50{NBSP}RON"),
])
def test_money_in_each_language(language, eur, ron):
    assert format_money(Money(Decimal("1800"), "EUR"), language) == eur
    assert format_money(Money(Decimal("30000.50"), "RON"), language) == ron


def test_english_money_is_crm_money_s_own():
    for amount in ("0", "0.5", "999.99", "1234567.89", "999999999999.99"):
        money = Money(Decimal(amount), "USD")
        assert format_money(money, "en") == f"{money.amount.quantize(Decimal('0.01')):,.2f} USD"


def test_an_unreadable_stored_amount_is_shown_as_stored_in_any_language():
    money = Money(stored_amount("abc"), "EUR")
    assert format_money(money, "ru") == format_money(money, "en") == "unreadable amount 'abc' EUR"


def test_a_number_without_currency():
    assert [format_number(Decimal("30000"), lang) for lang in ("en", "ru", "ro")] == [
        "30,000.00", f"30{NBSP}000,00", "30.000,00"]


def test_the_reader_s_language_is_the_default(monkeypatch):
    monkeypatch.setattr(i18n, "_language", "ru")
    assert (format_day(DAY), format_money(Money(Decimal("5"), "EUR"))) == ("пн, 7 дек.", f"5,00{NBSP}€")
    assert format_day(DAY, "weekday", "en") == "Mon 7 Dec"  # a letter's own language wins


@pytest.mark.parametrize("language", ["", "xx", "en_GB", "EN", "zz-ZZ"])
def test_english_or_an_unknown_language_is_written_in_english(language):
    assert format_day(DAY, "weekday", language) == "Mon 7 Dec"


def test_an_unknown_style_is_a_bug_in_any_language():
    for language in ("en", "ru"):
        with pytest.raises(ValueError):
            format_day(DAY, "weekly", language)  # type: ignore[arg-type]


def test_english_never_imports_babel(tmp_path):
    code = ("import sys; from datetime import date; from decimal import Decimal; from crm import l10n, i18n;"
            "from crm.money import Money; i18n.use('en');"
            "print(l10n.format_day(date(2026, 12, 7)), l10n.format_money(Money(Decimal(5), 'EUR')));"
            "print('babel' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)})
    assert result.stdout.splitlines() == ["Mon 7 Dec 5.00 EUR", "False"], result.stderr


def test_money_prints_in_the_reader_s_language(monkeypatch):
    money = Money(Decimal("1800"), "RON")
    assert str(money) == "1,800.00 RON"
    monkeypatch.setattr(i18n, "_language", "ro")
    assert f"{money}" == f"1.800,00{NBSP}RON"


@pytest.mark.parametrize(("language", "long_day"), [("en", date(2026, 11, 19)), ("ru", date(2026, 11, 19)),
                                                      ("ro", date(2026, 11, 19))])
def test_the_review_s_date_column_holds_its_language_s_widest_day(language, long_day):
    from crm.i18n import use
    from crm.text import cells
    from crm.widgets.due_list import date_column

    use(language)
    assert date_column() >= cells(format_day(long_day)) and date_column() >= cells(format_day(date(2026, 9, 30)))
    assert date_column() == widest_day("weekday", language)
