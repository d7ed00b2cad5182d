"""Public holidays as greeting occasions, from the `holidays` package.

An occasion is what a greeting is sent for: one per holiday per year, on its first day. So
Russia's New Year holidays (Jan 1–6 and 8, with Christmas on the 7th between them) are one
occasion on Jan 1, Romania's two Easter days one occasion. Days that exist only because of the
calendar (an "observed" Monday, a "day off substituted from" a Saturday, a bridge day) are not
occasions. Names are kept in English for grouping ("Christmas Day — 12 clients") and, where the
country's calendar is translated into the client's language, also in that language.

Occasions are computed once per (country, year, language) and cached, in the process and on
disk (`crm.occasion_cache`): a review of 5,000 clients asks for a handful of countries, not for
5,000 calendars, and with a warm cache it does not import `holidays` at all (importing it and
loading its calendars costs a scripted command about 90 ms).
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from crm import occasion_cache
from crm.validate import country_codes

NEW_YEAR = "New Year's Day"
# Same-named holiday days at most this far apart are one occasion (RU: Jan 1–6, then Jan 8).
SAME_OCCASION_GAP = timedelta(days=3)
_NOT_AN_OCCASION = re.compile(r"substitut|\bday off\b|\bbridge\b|\(observed\)|in lieu", re.IGNORECASE)
_ESTIMATED = " (estimated)"
# Occasions on disk are trusted only if derived the same way: bump the number when `_occasions`
# changes; the constants it uses are part of the stamp anyway.
_STORE = occasion_cache.Store(f"1 {_NOT_AN_OCCASION.pattern} {SAME_OCCASION_GAP.days} {_ESTIMATED}")


@dataclass(frozen=True)
class Holiday:
    day: date  # the occasion's first day
    name: str  # English: the same occasion in several countries groups together
    local: str  # in the requested language where the country's calendar has it, else `name`


def known_country(code: str) -> bool:
    return code.upper() in country_codes()


@cache
def _languages(code: str) -> tuple[str | None, tuple[str, ...]]:
    """The calendar's English variant (None: its default) and all languages it is translated into."""
    import holidays

    supported = tuple(holidays.country_holidays(code).supported_languages)
    english: str | None = next((lang for lang in ("en_US", "en_GB") if lang in supported), None)
    english = english or next((lang for lang in supported if lang.startswith("en")), None)
    return english, supported


def _language_for(code: str, language: str) -> str | None:
    """The calendar's variant of a client's ISO 639-1 language ("pt" → "pt_BR"), if it has one."""
    if not language:
        return None
    supported = _languages(code)[1]
    return next((lang for lang in supported if lang == language or lang.startswith(language + "_")), None)


@cache
def _days(code: str, year: int, language: str | None) -> tuple[tuple[date, tuple[str, ...]], ...]:
    """Every holiday day of a year with its names (several holidays may share a day)."""
    import holidays

    table = holidays.country_holidays(code, years=year, observed=False, language=language)
    return tuple(sorted((day, tuple(table.get_list(day))) for day in table))


@cache
def _occasions(code: str, year: int, language: str | None) -> tuple[Holiday, ...]:
    english = _languages(code)[0]
    local_names = dict(_days(code, year, language)) if language else {}
    last_seen: dict[str, date] = {}  # name → the latest day of its current run
    found: list[Holiday] = []
    # The previous year's tail tells whether Jan 1 continues a run that began in December.
    for day, names in _days(code, year - 1, english) + _days(code, year, english):
        local = local_names.get(day, ())
        for position, raw in enumerate(names):
            if _NOT_AN_OCCASION.search(raw):
                continue
            name = raw.removesuffix(_ESTIMATED)
            previous = last_seen.get(name)
            last_seen[name] = day
            if previous is not None and day - previous <= SAME_OCCASION_GAP:
                continue  # a further day of the same occasion
            if day.year == year:
                shown = local[position] if len(local) == len(names) else name
                found.append(Holiday(day, name, shown.removesuffix(_ESTIMATED)))
    return tuple(found)


def holidays_between(country: str, start: date, end: date, language: str = "") -> list[Holiday]:
    """The occasions whose first day falls in [start, end]; New Year's Day without a known country."""
    code = country.upper()
    found: list[Holiday] = []
    for year in range(start.year, end.year + 1):
        found += _year(code, year, language)
    return [h for h in found if start <= h.day <= end]


@cache
def _year(code: str, year: int, language: str) -> tuple[Holiday, ...]:
    """A year's occasions for a client of country `code` speaking `language` (ISO 639-1 or "")."""
    key = f"{code} {year} {language}"
    stored = _STORE.get(key)
    if stored is not None:
        return tuple(Holiday(*row) for row in stored)
    if code and known_country(code):
        found = _occasions(code, year, _language_for(code, language))
    else:
        found = (Holiday(date(year, 1, 1), NEW_YEAR, NEW_YEAR),)
    _STORE.put(key, [(h.day, h.name, h.local) for h in found])
    return found


def name_in(language: str, name: str, day: date, country: str = "") -> str:
    """An occasion (its English `name`, falling on `day`) as a calendar in `language` names it, for
    a letter in that language: the client's country's calendar first, then the calendar of the
    language's own country (a German letter to a Romanian client: Christmas from Germany's
    calendar). The English name when neither is translated into `language` or knows the occasion.
    """
    language = (language or "").strip().lower()
    if language in ("", "en") or not name:
        return name
    home = country.strip().upper()
    for code in dict.fromkeys(c for c in (home, language.upper()) if c and known_country(c)):
        if _language_for(code, language) is None:
            continue  # its calendar is not translated into the language: only English names
        found = _year(code, day.year, language)
        same = [h for h in found if h.name == name and (code != home or h.day == day)]
        if not same and name == NEW_YEAR:
            same = [h for h in found if (h.day.month, h.day.day) == (1, 1)]
        if same:
            return same[0].local
    return name


def shown_name(holiday: Holiday, country: str = "", language: str | None = None) -> str:
    """A greeting's holiday as a screen shows it: in the reader's language (`language`; the one
    crm.i18n speaks when None) where a calendar names it so, else in English, with the name in
    the client's language beside it when that differs: "Christmas Day (Crăciunul)" for an English
    reader, "Рождество Христово (Crăciunul)" for a Russian one, "Crăciunul" for a Romanian one."""
    from crm.i18n import language as reader_language

    shown = name_in(language or reader_language(), holiday.name, holiday.day, country)
    return shown if holiday.local in (holiday.name, shown) else f"{shown} ({holiday.local})"
