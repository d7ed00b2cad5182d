"""Dates and money as a language writes them: screens in the reader's language, letters in the
letter's (pass `language`).

English is written here by hand, exactly as Rapport always has ("Mon 7 Dec", "30,000.00 EUR"):
the review prints thousands of dates, and English must not pay for Babel. Every other language
goes through Babel (CLDR), imported on its first use: "пн, 7 дек.", "1 800,00 €" in Russian,
"lun., 7 dec.", "1.800,00 RON" in Romanian, "Mo., 7. Dez." in German.
"""

from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Literal

from crm import i18n
from crm.money import Money, UnreadableAmount, format_amount

if TYPE_CHECKING:  # Babel itself is imported on first use
    from babel import Locale

Style = Literal["weekday", "day", "date", "full", "month", "long", "column", "heading"]
# Each style as English shows it, and as a CLDR skeleton: the pattern a language uses for those
# fields, its own order and punctuation included ("d MMM y" is "7 дек. 2026 г." in Russian).
STYLES: dict[str, str] = {
    "weekday": "MMMEd",  # Mon 7 Dec
    "day": "MMMd",  # 7 Dec
    "date": "yMMMd",  # 7 Dec 2026
    "full": "yMMMEd",  # Mon 7 Dec 2026
    "month": "yMMM",  # Dec 2026
    "long": "",  # 7 December 2026: CLDR's "long" date, as a letter writes it
    "column": "MMMEd",  # Mon  7 Dec: "weekday" with the day padded to two, so a column of days lines up
    "heading": "",  # Monday 7 December 2026: CLDR's "full" date, as a heading names today
}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")


def widest_day(style: Style = "weekday", language: str | None = None) -> int:
    """The most terminal cells a day takes in `style` and the language (a column's width): "Sat 15
    Aug" is 10, "чт, 19 нояб." 12."""
    return _widest_day(style, language or i18n.language())


@cache
def _widest_day(style: Style, language: str) -> int:
    """Every weekday falls on every month's two-digit days in a year."""
    from crm.text import cells

    first = date(2028, 1, 1)
    return max(cells(format_day(date.fromordinal(first.toordinal() + n), style, language)) for n in range(366))


def format_day(day: date, style: Style = "weekday", language: str | None = None) -> str:
    """`day` in `style` (see STYLES), in `language` (a language code such as "ru" or "pt_BR";
    the reader's when None)."""
    code = _code(language)
    if code == i18n.ENGLISH:
        if style == "weekday":
            return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"
        if style == "day":
            return f"{day.day} {_MONTHS[day.month - 1]}"
        if style == "date":
            return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
        if style == "full":
            return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"
        if style == "month":
            return f"{_MONTHS[day.month - 1]} {day.year}"
        if style == "long":
            return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"
        if style == "column":
            return f"{_DAYS[day.weekday()]} {day.day:2d} {_MONTHS[day.month - 1]}"
        if style == "heading":
            return f"{_DAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"
        raise ValueError(f"unknown date style {style!r}")
    return _babel_day(day, style, code)


def format_money(money: Money, language: str | None = None) -> str:
    """`money` to the cent with its currency, in `language` (the reader's when None):
    "1,800.00 EUR", "1 800,00 €", "1.800,00 RON"."""
    code = _code(language)
    if code == i18n.ENGLISH or isinstance(money.amount, UnreadableAmount):
        return f"{format_amount(money.amount)} {money.currency}"
    from babel.numbers import format_currency

    return format_currency(money.amount, money.currency, locale=_locale(code), currency_digits=False,
                           format_type="standard", decimal_quantization=True, group_separator=True)


def format_number(amount: Decimal, language: str | None = None) -> str:
    """An amount to the cent without a currency, in `language` (the reader's when None):
    "30,000.00", "30 000,00", "30.000,00"."""
    code = _code(language)
    if code == i18n.ENGLISH or isinstance(amount, UnreadableAmount):
        return format_amount(amount)
    from babel.numbers import format_decimal

    return format_decimal(amount, format="#,##0.00", locale=_locale(code))


def _code(language: str | None) -> str:
    """The language to write in: `language` if Babel knows it, else English; the reader's when None."""
    if language is None:
        return i18n.language()
    code = language.strip().replace("-", "_")
    if not code or code.split("_")[0].lower() == i18n.ENGLISH:
        return i18n.ENGLISH
    return code if _locale(code) is not None else i18n.ENGLISH


@cache
def _locale(code: str) -> "Locale | None":  # None when Babel knows no such language
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return None


@lru_cache(maxsize=4096)  # a review names the same few dozen days over and over
def _babel_day(day: date, style: str, code: str) -> str:
    from babel.dates import format_date, format_skeleton

    if style not in STYLES:
        raise ValueError(f"unknown date style {style!r}")
    if style in ("long", "heading"):
        return format_date(day, "long" if style == "long" else "full", locale=_locale(code))
    return format_skeleton(STYLES[style], day, locale=_locale(code))
