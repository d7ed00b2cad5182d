"""Checks for every value a user types, shared by the command line and the app's forms.

Each returns the normalised value or raises UserError with a message fit to show as is.
"""

import re
from collections.abc import Iterable
from functools import cache

from crm.errors import UserError

MAX_NAME = 200
MAX_TEXT = 100_000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")  # every domain label non-empty
_PHONE = re.compile(r"^\+?[0-9 ()./-]{3,40}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_EVERY = re.compile(r"^([1-9][0-9]?)m$")
_SURROGATE = re.compile("[\ud800-\udfff]")  # what undecodable bytes in argv become


def text(value: str, what: str = "text", *, required: bool = False, limit: int = MAX_TEXT) -> str:
    """Free text: stored as given, but never NUL (it truncates in C tools) or beyond `limit`."""
    if "\x00" in value:
        raise UserError(f"{what} must not contain a NUL character")
    if bad := _SURROGATE.search(value):
        raise UserError(f"{what} is not valid UTF-8 (at character {bad.start() + 1})")
    if len(value) > limit:
        raise UserError(f"{what} is too long ({len(value)} characters; at most {limit})")
    if required and not value.strip():
        raise UserError(f"{what} must not be empty")
    return value


def name(value: str, what: str = "name") -> str:
    return text(value.strip(), what, required=True, limit=MAX_NAME)


def email(value: str) -> str:
    value = text(value.strip(), "e-mail", limit=MAX_NAME)
    if value and not _EMAIL.match(value):
        raise UserError(f"not an e-mail address: {value!r}")
    return value


def phone(value: str) -> str:
    value = text(value.strip(), "phone", limit=MAX_NAME)
    if value and not (_PHONE.match(value) and sum(c.isdigit() for c in value) >= 3):
        raise UserError(f"not a phone number: {value!r} (digits, spaces, + ( ) - . /)")
    return value


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166 alpha-2 codes known to the `holidays` package (greetings need them), aliases such
    as UK included. Read from its registry: `list_supported_countries()` imports all 250 calendars."""
    from holidays.registry import COUNTRIES

    return frozenset(code for names in COUNTRIES.values() for code in names[1:] if len(code) == 2)


def country(value: str) -> str:
    code = value.strip().upper()
    if code and code not in country_codes():
        raise UserError(f"unknown country code: {value!r} (use ISO 3166 two letters, e.g. DE, RO, US)")
    return code


def language(value: str) -> str:
    code = value.strip().lower()
    if code and not _LANGUAGE.match(code):
        raise UserError(f"not a language code: {value!r} (use ISO 639-1 two letters, e.g. en, ru)")
    return code


def choice(value: str, options: Iterable[str], what: str) -> str:
    """`value` if it is one of `options` (case-insensitive), else UserError listing them."""
    options = tuple(options)
    normal = value.strip().lower()
    for option in options:
        if option.lower() == normal:
            return option
    raise UserError(f"unknown {what}: {value!r} (one of: {', '.join(options)})")


def recurrence(value: str) -> str:
    """'', weekly, monthly, yearly or 'Nm' (every N months, 1–99)."""
    normal = value.strip().lower()
    if normal in ("", "weekly", "monthly", "yearly") or _EVERY.match(normal):
        return normal
    raise UserError(f"unknown recurrence: {value!r} (weekly, monthly, yearly or Nm, e.g. 3m)")
