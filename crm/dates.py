"""Dates as people type them, and month arithmetic that never drifts.

One parser serves the command line and the app's forms, so both accept and reject the same things.
"""

import os
import re
from calendar import monthrange
from datetime import date, datetime, timedelta, timezone

from crm.errors import UserError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE = re.compile(r"^\+(\d{1,4})([dwmy])$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")

DATE_HELP = "2026-12-25, 25.12.2026, today, tomorrow, +3d, +2w, +6m, +1y or a weekday name"


def add_months(anchor: date, months: int) -> date:
    """`anchor` moved by whole calendar months, clipped to the month's end (Aug 31 + 6 → Feb 28/29).

    Always compute from the original anchor: chaining clipped results drifts (Jan 31 → Feb 28 → Mar 28).
    """
    index = anchor.month - 1 + months  # plain arithmetic: dateutil costs a scripted command 5 ms to import
    year, month = anchor.year + index // 12, index % 12 + 1
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of range")
    return date(year, month, min(anchor.day, monthrange(year, month)[1]))


def parse_date(text: str, today: date) -> date:
    """The date a user means by `text`, relative forms counted from `today`; UserError otherwise."""
    value = text.strip().lower()
    for pattern, order in ((_ISO, (0, 1, 2)), (_DOTTED, (2, 1, 0))):
        if match := pattern.match(value):
            year, month, day = (int(match.group(i + 1)) for i in order)
            try:
                return date(year, month, day)
            except ValueError:
                raise UserError(f"no such date: {text!r}") from None
    try:
        found = _relative(value, today)
    except (OverflowError, ValueError):  # past the year 9999
        raise UserError(f"date out of range: {text!r}") from None
    if found is None:
        raise UserError(f"not a date: {text!r} (use {DATE_HELP})")
    return found


def _relative(value: str, today: date) -> date | None:
    """A date named relative to `today` (today, +3d, friday …), or None if `value` is none of them."""
    if value == "today":
        return today
    if value == "tomorrow":
        return today + timedelta(days=1)
    if value == "yesterday":
        return today - timedelta(days=1)
    if value in WEEKDAYS:
        ahead = (WEEKDAYS.index(value) - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    if match := _RELATIVE.match(value):
        count, unit = int(match.group(1)), match.group(2)
        if unit == "d":
            return today + timedelta(days=count)
        if unit == "w":
            return today + timedelta(weeks=count)
        return add_months(today, count if unit == "m" else 12 * count)
    return None


def resolve_today(option: str | None = None) -> date:
    """The date Rapport treats as today: `--today`, else $CRM_TODAY, else the real date."""
    text = option or os.environ.get("CRM_TODAY")
    if not text:
        return date.today()
    return parse_date(text, date.today())


def utcnow() -> datetime:
    """The current UTC time, naive, as every timestamp is stored. Microseconds are kept: they order
    the things one script records within a second (a client's timeline sorts by them)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
