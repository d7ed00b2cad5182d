"""People as address books and spreadsheets describe them, before they become clients and contacts:
the one record the vCard and CSV readers fill in, the kind of an e-mail or a phone from the words
programs use for it, phone numbers as `tel:` URIs write them, and birthdays in every form programs
write them (a year-less one kept as crm.dates.NO_YEAR).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from crm.dates import NO_YEAR, in_range
from crm.errors import UserError
from crm.i18n import N_, _

# Labels of what has no field of its own and is kept in the notes ("Nickname: Johny").
NICKNAME, WEB, ANNIVERSARY, CATEGORIES = N_("Nickname"), N_("Web"), N_("Anniversary"), N_("Categories")
ADDRESS, DEPARTMENT, IM, RELATED = N_("Address"), N_("Department"), N_("IM"), N_("Related")
BIRTHDAY, EMAIL, PHONE, COUNTRY, LANGUAGE = N_("Birthday"), N_("E-mail"), N_("Phone"), N_("Country"), N_("Language")
TITLE, ORGANISATION, DATE = N_("Title"), N_("Organisation"), N_("Date")


@dataclass(frozen=True)
class Channel:
    """An e-mail address or a phone number and what it is for (crm.domain.CHANNEL_KINDS or "")."""

    value: str
    kind: str = ""


@dataclass(frozen=True)
class Extra:
    """A value with no field of its own, kept in the notes as "Label (qualifier): value"."""

    label: str  # marked N_, translated when written (a column's own title: `literal`)
    value: str
    qualifier: str = ""
    literal: bool = False

    def line(self) -> str:
        label = (self.label if self.literal else _(self.label)) + (f" ({self.qualifier})" if self.qualifier else "")
        return f"{label}: {self.value}"


@dataclass
class Person:
    """One card or row, as read: text as the file gives it, checked when it becomes a client."""

    where: str  # "line 12"
    name: str = ""
    company: str = ""
    role: str = ""
    is_company: bool = False  # the record describes the organisation itself
    stays_client: bool = False  # our own export: a client, its company a field
    nickname: str = ""
    emails: list[Channel] = field(default_factory=list)
    phones: list[Channel] = field(default_factory=list)
    birthday: str = ""
    country: str = ""
    language: str = ""
    notes: str = ""
    extra: list[Extra] = field(default_factory=list)
    tier: str = ""
    temperament: str = ""
    status: str = ""
    error: str = ""

    def fill_name(self) -> None:
        """A record without a name takes one from its organisation (it then describes the
        organisation), its first e-mail or its nickname, in that order."""
        self.name = self.name.strip()
        if self.name:
            if self.company and self.name.casefold() == self.company.casefold():
                self.is_company = True
            return
        if self.company:
            self.name, self.is_company = self.company, True
        elif self.emails:
            self.name = self.emails[0].value
        elif self.nickname:
            self.name = self.nickname


# ---- kinds ---------------------------------------------------------------------------------

_KIND_WORDS = (  # the first kind any of a value's words names; words folded to lower case
    ("fax", ("fax", "факс")),
    ("pager", ("pager", "пейджер")),
    ("mobile", ("cell", "mobile", "iphone", "mobil", "handy", "car", "мобильный", "моб", "сотовый")),
    ("work", ("work", "business", "office", "company", "job", "рабочий", "раб", "serviciu", "birou")),
    ("home", ("home", "private", "personal", "домашний", "дом", "acasa", "acasă")),
    ("main", ("main", "primary", "основной")),
    ("other", ("other", "другой", "alt", "altul")),
)
_KIND_OF = {word: kind for kind, words in _KIND_WORDS for word in words}
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")  # Apple's built-in labels: _$!<HomeFAX>!$_
_SPLIT_WORDS = re.compile(r"[^\w]+|(?<=[a-z])(?=[A-Z])")  # "HomeFAX" → Home, FAX


def kind_of(words: Iterable[str]) -> str:
    """The kind named by a value's type words (TYPE=WORK,FAX; "* Mobile"; "_$!<HomeFAX>!$_");
    "" when none names one (voice, internet, pref, a label of the user's own)."""
    found: set[str] = set()
    for word in words:
        word = _APPLE_LABEL.sub(r"\1", word.strip())
        found.update(_KIND_OF.get(part.casefold(), "") for part in _SPLIT_WORDS.split(word) if part)
    return next((kind for kind, _words in _KIND_WORDS if kind in found), "")


# ---- phones --------------------------------------------------------------------------------

_EXTENSION = re.compile(r";ext=([0-9]+)", re.IGNORECASE)


def phone_text(value: str) -> str:
    """A phone number as typed from what a file holds: a `tel:` URI loses its scheme and keeps
    its extension (tel:+1-418-656-9254;ext=102 → +1-418-656-9254 ext. 102)."""
    value = " ".join(value.split())
    if value[:4].lower() != "tel:":
        return value
    number, _sep, params = value[4:].partition(";")
    extension = _EXTENSION.search(";" + params)
    return f"{number} ext. {extension.group(1)}" if extension else number


# ---- birthdays -----------------------------------------------------------------------------

_COMPACT = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:T[\d:]*(?:Z|[+-][\d:]+)?)?$")  # 1980-03-22, 19800322
_NO_YEAR_FORM = re.compile(r"^--(\d{2})-?(\d{2})$")  # --0203, --02-03
_NUMERIC = re.compile(r"^(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})\.?$")  # 22.03.1980, 3/22/1980, 1980/03/22
_EMPTY_DATES = {"", "0/0/00", "00.00.0000", "0000-00-00"}  # what Outlook and spreadsheets write for none


def numeric_order(text: str) -> tuple[int, int] | None:
    """The first two numbers of a day-month or month-day date (22/03/1980 → (22, 3)), for telling
    which order a file writes; None for any other form."""
    match = _NUMERIC.match(text.strip())
    if not match or len(match.group(1)) > 2:
        return None
    return int(match.group(1)), int(match.group(3))


def read_birthday(text: str, day_first: bool = True) -> date | None:
    """A birthday written as address books and spreadsheets write it; None when it is empty or
    Outlook's "no date". A year-less one is in NO_YEAR (also Apple's 1604 placeholder). Numbers
    separated by / are day first unless `day_first` is False; by dots or dashes always day first.
    UserError if it is no date Rapport takes."""
    text = text.strip()
    if text in _EMPTY_DATES:
        return None
    try:
        if match := _NO_YEAR_FORM.match(text):
            return date(NO_YEAR, int(match.group(1)), int(match.group(2)))
        if match := _COMPACT.match(text):
            year, month, day = (int(g) for g in match.groups())
        elif match := _NUMERIC.match(text):
            first, separator, second, last = match.groups()
            if len(first) == 4:
                year, month, day = int(first), int(second), int(last)
            else:
                day, month = (int(first), int(second)) if day_first or separator != "/" else (int(second), int(first))
                year = int(last) if len(last) == 4 else _century(int(last))
        else:
            raise ValueError
        found = date(year, month, day)
    except ValueError:
        raise UserError(_("not a date: {text!r}").format(text=text[:40])) from None
    return found if found.year == NO_YEAR else in_range(found, text)


def _century(year: int) -> int:
    """A two-digit year of birth: in the last hundred years (this century's up to 29, then 19xx)."""
    return 2000 + year if year < 30 else 1900 + year
