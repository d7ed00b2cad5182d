"""Checks for every value a user types, shared by the command line and the app's forms.

Each returns the normalised value or raises UserError with a message fit to show as is.
"""

import json
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from crm.errors import UserError
from crm.i18n import _
from crm.location import Location, ServerURL, is_url
from crm.text import shorten

MAX_NAME = 200
MAX_TEXT = 100_000
MAX_ID = 2**63 - 1  # SQLite's INTEGER: a larger number overflows the query instead of finding nothing
MAX_NAME_BYTES, MAX_PATH_BYTES = 255, 4095  # a file name and a whole path (Linux; macOS allows less)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")  # every domain label non-empty
# Digits and the usual separators, and an extension as address books write it ("ext. 102", "x102").
_PHONE = re.compile(r"^\+?[0-9 ()./-]{3,40}(?: ?(?:ext\.?|x) ?[0-9]{1,8})?$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_EVERY = re.compile(r"^([1-9][0-9]?)m$")
_SURROGATE = re.compile("[\ud800-\udfff]")  # what undecodable bytes in argv become


def text(value: str, what: str = "", *, required: bool = False, limit: int = MAX_TEXT) -> str:
    """Free text: stored as given, but never NUL (it truncates in C tools) or beyond `limit`.

    `what` names the field in the reader's language (callers pass it through `_`); "text" if empty."""
    if "\x00" in value:
        raise UserError(_("{what} must not contain a NUL character").format(what=what or _("text")))
    if bad := _SURROGATE.search(value):
        raise UserError(_("{what} is not valid UTF-8 (at character {position})").format(
            what=what or _("text"), position=bad.start() + 1))
    if len(value) > limit:
        raise UserError(_("{what} is too long ({length} characters; at most {limit})").format(
            what=what or _("text"), length=len(value), limit=limit))
    if required and not any(_visible(char) for char in value):
        raise UserError(_("{what} must not be empty").format(what=what or _("text")))
    return value


def _visible(char: str) -> bool:
    """Not a space, a control or an invisible format character (a name of only U+202E is empty)."""
    return unicodedata.category(char)[0] not in "ZC"


def name(value: str, what: str = "") -> str:
    return text(value.strip(), what or _("name"), required=True, limit=MAX_NAME)


def email(value: str) -> str:
    value = text(value.strip(), _("e-mail"), limit=MAX_NAME)
    if value and not _EMAIL.match(value):
        raise UserError(_("not an e-mail address: {value!r}").format(value=value))
    return value


def phone(value: str) -> str:
    value = text(value.strip(), _("phone"), limit=MAX_NAME)
    if value and not (_PHONE.match(value) and sum(c.isdigit() for c in value) >= 3):
        raise UserError(_("not a phone number: {value!r} (digits, spaces, + ( ) - . /)").format(value=value))
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
        raise UserError(_("unknown country code: {value!r} (use ISO 3166 two letters, e.g. DE, RO, US)").format(
            value=value))
    return code


def language(value: str) -> str:
    code = value.strip().lower()
    if code and not _LANGUAGE.match(code):
        raise UserError(_("not a language code: {value!r} (use ISO 639-1 two letters, e.g. en, ru)").format(
            value=value))
    return code


def choice(value: str, options: Iterable[str], what: str) -> str:
    """`value` if it is one of `options` (case-insensitive), else UserError listing them; `what`
    names the field in the reader's language (callers pass it through `_`)."""
    options = tuple(options)
    normal = value.strip().lower()
    for option in options:
        if option.lower() == normal:
            return option
    raise UserError(_("unknown {what}: {value!r} (one of: {options})").format(
        what=what, value=value, options=", ".join(options)))


def recurrence(value: str) -> str:
    """'', weekly, monthly, yearly or 'Nm' (every N months, 1–99)."""
    normal = value.strip().lower()
    if normal in ("", "weekly", "monthly", "yearly") or _EVERY.match(normal):
        return normal
    raise UserError(_("unknown recurrence: {value!r} (weekly, monthly, yearly or Nm, e.g. 3m)").format(value=value))


def _digits(text: str) -> bool:
    """Only 0-9: `str.isdigit` also takes '²' (which `int` refuses) and '١' (which `int` reads as 1)."""
    return text.isascii() and text.isdigit()


def _cut(text: str, width: int = 40) -> str:
    """What the user typed, cut for a message (it may be megabytes long)."""
    return shorten(text, width)


def id_number(text: str) -> int | None:
    """The row id `text` names (`7` or `#7`, spaces around allowed), or None if it names none: only
    ASCII digits, and only a number SQLite's INTEGER can hold."""
    digits = text.strip().removeprefix("#")
    if _digits(digits) and len(digits.lstrip("0")) <= len(str(MAX_ID)) and int(digits) <= MAX_ID:
        return int(digits)
    return None


def record_id(text: str) -> int:
    """An id typed where only an id fits (INCIDENT, PROMISE)."""
    number = id_number(text)
    if number is None:
        raise UserError(_("not an id: {text!r}").format(text=_cut(text)))
    return number


def whole(text: str, low: int, high: int, what: str = "") -> int:
    """A whole number from `low` to `high`, typed in ASCII digits (a leading minus allowed)."""
    value = text.strip()
    digits = value.removeprefix("-")
    if _digits(digits) and len(digits.lstrip("0")) <= len(str(max(abs(low), abs(high)))):  # never int() 10 MB
        number = int(value)
        if low <= number <= high:
            return number
    message = _("not a whole number from {low} to {high}: {text!r}").format(low=low, high=high, text=_cut(text))
    raise UserError(f"{what}: {message}" if what else message)


def database(text: str) -> Location:
    """--db: a PostgreSQL server's URL as it is, else an SQLite file's path (`path`; also as
    `sqlite:///file.db`)."""
    if is_url(text):
        return ServerURL(text)
    return path(text.removeprefix("sqlite:///") if text.startswith("sqlite:///") else text)


def path(text: str, what: str = "") -> Path:
    """A file path as typed (`~` expanded): not empty, no NUL, within the system's length limits,
    so that a mistyped path is one clear line rather than an OSError from deep inside."""
    if not text.strip():
        message = _("empty path")
    elif "\x00" in text:
        message = _("a path must not contain a NUL character")
    else:
        found = Path(text).expanduser()
        raw = bytes(found)  # as the system sees it (undecodable bytes from argv are kept as they came)
        if len(raw) <= MAX_PATH_BYTES and all(len(part) <= MAX_NAME_BYTES for part in raw.split(b"/")):
            return found
        message = _("path too long for this system: {text!r}").format(text=_cut(text))
    raise UserError(f"{what}: {message}" if what else message)


def json_document(data: bytes, what: str) -> Any:
    """The JSON a user hands over (answers, a plan): UTF-8; a key at most once per object (`json`
    silently keeps the last); no NaN or Infinity (not JSON); numbers with a fraction as Decimal (an
    amount never passes through a float); nested no deeper than the parser can go."""
    try:
        return json.loads(data.decode("utf-8"), parse_float=Decimal, parse_constant=_no_constant,
                          object_pairs_hook=_unique_keys)
    except UnicodeDecodeError:
        raise UserError(_("the {what} is not UTF-8 text").format(what=what)) from None
    except RecursionError:
        raise UserError(_("the {what} is nested too deeply to be read").format(what=what)) from None
    except ValueError as exc:
        raise UserError(_("the {what} is not valid JSON: {problem}").format(what=what, problem=exc)) from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _value in pairs:
        if key in seen:
            raise ValueError(_("the key {key!r} appears twice in one object").format(key=_cut(key)))
        seen.add(key)
    return dict(pairs)


def _no_constant(name: str) -> Any:
    raise ValueError(_("{name} is not a number JSON allows").format(name=name))
