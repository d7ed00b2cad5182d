"""Dates as people type them, and month arithmetic that never drifts.

One parser serves the command line and the app's forms, so both accept and reject the same things.
"""

import os
import re
from calendar import monthrange
from datetime import UTC, date, datetime, timedelta
from functools import cache

from crm.errors import UserError
from crm.i18n import N_, _, pgettext
from crm.text import fold, shorten

# Words for a day, as people type them in any of Rapport's languages whatever the app speaks,
# folded (crm.text.fold: "mâine" and "maine" alike): days from today, and weekdays (Monday = 0),
# Russian also in the accusative ("в пятницу") and short ("пт").
DAY_WORDS = {
    "today": 0, "tomorrow": 1, "yesterday": -1,
    "сегодня": 0, "завтра": 1, "вчера": -1, "послезавтра": 2, "позавчера": -2,
    "azi": 0, "astazi": 0, "maine": 1, "ieri": -1, "poimaine": 2, "alaltaieri": -2,
}
_ON_DAY = re.compile(r"^(в|во)\s+")  # "в пятницу", "во вторник": on Friday, on Tuesday
WEEKDAY_WORDS = {
    word: day
    for day, words in enumerate((
        ("monday", "понедельник", "пн", "luni"),
        ("tuesday", "вторник", "вт", "marti"),
        ("wednesday", "среда", "среду", "ср", "miercuri"),
        ("thursday", "четверг", "чт", "joi"),
        ("friday", "пятница", "пятницу", "пт", "vineri"),
        ("saturday", "суббота", "субботу", "сб", "sambata"),
        ("sunday", "воскресенье", "вс", "duminica"),
    ))
    for word in words
}
_RELATIVE = re.compile(r"^\+(\d{1,4})([dwmy])$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WRITTEN = re.compile(r"^[a-z0-9][a-z0-9 ,./-]*$")  # ASCII digits and words: no times, no signs

# Shown translated: _(DATE_HELP).
DATE_HELP = N_("2026-12-25, 25.12.2026, 25 Dec 2026, today, tomorrow, +3d, +2w, +6m, +1y or a weekday name")
# The dates Rapport takes, typed or imported. The rules count months and years on either side of a
# date (win-back, lookbacks, reminders every 99 months), which must stay clear of date.min and
# date.max; nobody's CRM needs a date outside these.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
# A birthday whose year is unknown (an address book's "--0203") is stored in this year, as Apple's
# address books do: a leap year (29 February fits), before any real one. Greetings come every year.
NO_YEAR = 1604
_NO_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")


def today_word() -> str:
    """"today" as the reader's language types it: a form's date field starts with it (the parser
    reads every language's word, so it stays valid whatever the language)."""
    # Translators: typed into a date field as its first value; it must be a word Rapport reads as
    # today's date (Russian "сегодня", Romanian "azi" or "astăzi", crm/dates.py DAY_WORDS).
    return pgettext("a date as typed", "today")


def add_months(anchor: date, months: int) -> date:
    """`anchor` moved by whole calendar months, clipped to the month's end (Aug 31 + 6 → Feb 28/29).

    Always compute from the original anchor: chaining clipped results drifts (Jan 31 → Feb 28 → Mar 28).
    """
    # dateutil's relativedelta gives the same answers (tests/unit/test_dates.py checks it does, for
    # any date and count), but costs 10.6 µs a call against 1.2 µs here, and the win-back rule makes
    # a few calls per departed client on every review: plain arithmetic keeps a big book quick.
    index = anchor.month - 1 + months
    year, month = anchor.year + index // 12, index % 12 + 1
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of range")
    return date(year, month, min(anchor.day, monthrange(year, month)[1]))


def parse_date(text: str, today: date) -> date:
    """The date a user means by `text`, relative forms counted from `today`; UserError otherwise."""
    value = text.strip().lower()
    found = None
    for pattern, order in ((_ISO, (0, 1, 2)), (_DOTTED, (2, 1, 0))):
        if match := pattern.match(value):
            year, month, day = (int(match.group(i + 1)) for i in order)
            try:
                found = date(year, month, day)
            except ValueError:
                raise UserError(_("no such date: {text!r}").format(text=_shown(text))) from None
    if found is None:
        try:
            found = _relative(value, today)
        except (OverflowError, ValueError):  # past the year 9999
            found = date.max
    if found is None:
        found = _written_out(value, today)
    if found is None:
        found = _month_named(text, today)
    if found is None:
        raise UserError(_("not a date: {text!r} (use {forms})").format(text=_shown(text), forms=_(DATE_HELP)))
    return in_range(found, text)


def in_range(day: date, text: str | None = None) -> date:
    """`day` if Rapport takes it (FIRST_DAY to LAST_DAY), else UserError naming `text` (as typed)."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise UserError(_("date out of range: {text!r} (from {first} to {last})").format(
            text=_shown(text) if text is not None else day.isoformat(), first=FIRST_DAY, last=LAST_DAY))
    return day


def parse_birthday(text: str, today: date) -> date:
    """A birthday as typed: any date `parse_date` reads, or a month and day without a year
    (--12-25, stored in NO_YEAR); UserError otherwise."""
    if match := _NO_YEAR.match(text.strip()):
        try:
            return date(NO_YEAR, int(match.group(1)), int(match.group(2)))
        except ValueError:
            raise UserError(_("no such date: {text!r}").format(text=_shown(text))) from None
    return parse_date(text, today)


def birthday_text(day: date) -> str:
    """A birthday as `parse_birthday` reads it back: 1980-12-25, or --12-25 without a year."""
    return f"--{day:%m-%d}" if day.year == NO_YEAR else day.isoformat()


def _shown(text: str) -> str:
    """A date as typed, cut for a message (it may be megabytes long)."""
    return shorten(text, 40)


def _relative(value: str, today: date) -> date | None:
    """A date named relative to `today` (today, завтра, mâine, +3d, friday, пятницу, vineri …), or
    None if `value` is none of them. A weekday is the next one after today."""
    word = _ON_DAY.sub("", fold(value))
    if word in DAY_WORDS:
        return today + timedelta(days=DAY_WORDS[word])
    if word in WEEKDAY_WORDS:
        ahead = (WEEKDAY_WORDS[word] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    if match := _RELATIVE.match(value):
        count, unit = int(match.group(1)), match.group(2)
        if unit == "d":
            return today + timedelta(days=count)
        if unit == "w":
            return today + timedelta(weeks=count)
        return add_months(today, count if unit == "m" else 12 * count)
    return None


def _written_out(value: str, today: date) -> date | None:
    """A date written out as people do (25/12/2026, 25 Dec 2026, Dec 25), read day first by
    dateutil; None unless it names both a day and a month (a bare number, a month alone or a time
    is too easily a typo). The year, when left out, is this year's."""
    if len(value) > 40 or not _WRITTEN.match(value) or value.isdigit():
        return None
    numbers = re.findall(r"\d+", value)
    if any(len(n) not in (1, 2, 4) for n in numbers) or (len(numbers) == 3 and len(numbers[2]) == 1):
        return None  # 1.1.1 or 25.12.202 is a typo, not the year 2001 or 202
    from dateutil.parser import ParserError, parse  # only here: 7 ms that strict forms never pay

    try:  # read twice with different defaults: a day or month taken from the default was not given
        first, second = (parse(value, dayfirst=True, default=datetime(today.year, m, m)) for m in (1, 2))
    except (ParserError, OverflowError, ValueError):
        return None
    return first.date() if (first.month, first.day) == (second.month, second.day) else None


# Words that may stand beside a date written out and say nothing more: "г." (год) after a Russian
# year, "de"/"pe" in Romanian ("pe 7 decembrie"), "on"/"the"/"of" in English.
_FILLER = {"г", "год", "года", "de", "pe", "on", "the", "of"}
_DATE_WORD = re.compile(r"\d+|[^\W\d_]+")


def _month_named(text: str, today: date) -> date | None:
    """A day and a month named in any of Rapport's languages, and maybe a year: "7 декабря",
    "7 дек.", "декабрь 7", "7 decembrie 2026", "пн, 7 дек." (a weekday name is passed over, as
    the date says the day). Case and accents are ignored (crm.text.fold), a month may be cut to
    its first letters ("сент", "sept") as long as they name one month. None for anything else."""
    if len(text) > 40 or text.strip().isdigit():
        return None
    words = [w for w in _DATE_WORD.findall(fold(text)) if w not in _FILLER and w not in _weekday_names()]
    months = _month_names()
    numbers = [w for w in words if w.isdigit()]
    named = [months[w] for w in words if w in months]
    if len(named) != 1 or len(words) != len(numbers) + 1 or not 1 <= len(numbers) <= 2:
        return None
    month_at = next(i for i, w in enumerate(words) if not w.isdigit())
    if len(numbers) == 2 and month_at != 1:  # a year follows the day and month: "7 дек 2026", "дек 7 2026"
        return None
    day_text, year_text = numbers[0], (numbers[1] if len(numbers) == 2 else str(today.year))
    if len(day_text) > 2 or len(year_text) != 4:
        return None
    try:
        return date(int(year_text), named[0], int(day_text))
    except ValueError:
        raise UserError(_("no such date: {text!r}").format(text=_shown(text))) from None


@cache
def _month_names() -> dict[str, int]:
    """Every month's name in every UI language, as Babel's CLDR data writes it (as in a date and
    standing alone, whole and abbreviated), folded and without its dot, with every beginning of at
    least three letters that names only one month ("сен", "sept", "dec")."""
    from babel import Locale

    from crm.i18n import LANGUAGES

    found: dict[str, set[int]] = {}
    for code in LANGUAGES:
        months = Locale.parse(code).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    word = fold(name).rstrip(".")
                    for end in range(min(3, len(word)), len(word) + 1):
                        found.setdefault(word[:end], set()).add(number)
    return {word: next(iter(numbers)) for word, numbers in found.items() if len(numbers) == 1}


@cache
def _weekday_names() -> frozenset[str]:
    """The weekday words a date may begin with: ours (WEEKDAY_WORDS) and CLDR's in every UI language."""
    from babel import Locale

    from crm.i18n import LANGUAGES

    names = set(WEEKDAY_WORDS)
    for code in LANGUAGES:
        for width in ("wide", "abbreviated", "short"):
            names |= {fold(name).rstrip(".") for name in Locale.parse(code).days["format"][width].values()}
    return frozenset(names)


def resolve_today(option: str | None = None) -> date:
    """The date Rapport treats as today: `--today`, else $CRM_TODAY, else the real date."""
    text = option if option is not None else os.environ.get("CRM_TODAY") or None  # `--today ""` is refused
    if text is None:
        return date.today()
    return parse_date(text, date.today())


def utcnow() -> datetime:
    """The current UTC time, naive, as every timestamp is stored. Microseconds are kept: they order
    the things one script records within a second (a client's timeline sorts by them)."""
    return datetime.now(UTC).replace(tzinfo=None)
