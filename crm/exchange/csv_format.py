"""Clients as CSV: written for spreadsheets (formula-safe; for Excel, in the semicolon-and-BOM form
its Russian and Romanian locales open), and people read from the CSV every common program writes.

The header row decides the mapping: Google's old and new exports (numbered "E-mail 1 - Value"
columns with their types), Outlook's, Thunderbird's (the birthday split in year, month and day),
Apple Numbers' and Excel's sheets with plain names, column names in English, Russian and Romanian,
and our own export. A column nothing maps keeps its values in the notes, and the report names it.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from crm.domain import CHANNEL_KINDS
from crm.errors import UserError
from crm.exchange import people
from crm.exchange.json_format import json_value, snapshot
from crm.exchange.people import (
    Channel,
    Extra,
    Person,
    kind_of,
    numeric_order,
    phone_text,
)
from crm.exchange.reading import ImportReport
from crm.i18n import _, ngettext
from crm.models import Client, EmailAddress, PhoneNumber
from crm.text import safe_line, shorten

CSV_COLUMNS = ("id", "name", "company", "email", "phone", "country", "language", "birthday", "notes",
               "tier", "temperament", "status", "emails", "phones")
# A spreadsheet runs a cell starting with one of these as a formula; a leading ' keeps it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBERISH = re.compile(r"^[+-][0-9 ()./-]*$")  # phone numbers and amounts are no formulas


def spreadsheet_cell(value: str) -> str:
    """`value` made inert for spreadsheets: a would-be formula gets a leading apostrophe."""
    if value.startswith(_FORMULA_START) and not _NUMBERISH.match(value):
        return "'" + value
    return value


def _from_spreadsheet(value: str) -> str:
    """Undo `spreadsheet_cell`, so our own CSV comes back as it was."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START) and not _NUMBERISH.match(value[1:]):
        return value[1:]
    return value


# ---- export --------------------------------------------------------------------------------


def _listed(channels: list[tuple[str, str]]) -> str:
    """All of a client's e-mails or phones in one cell, a line each: "work: a@b.example"."""
    return "\n".join(f"{kind}: {value}" if kind else value for value, kind in channels)


def export_csv(excel: bool = False) -> str:
    """Clients only, one row each, with the columns a spreadsheet or another CRM expects; `emails`
    and `phones` list every one with its kind. `excel`: semicolons and a byte order mark, which
    Excel needs to open UTF-8 with its columns in a Russian or Romanian (or German…) locale."""
    out = io.StringIO()
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    with snapshot():
        more: dict[str, dict[int, list[tuple[str, str]]]] = {"emails": {}, "phones": {}}
        for key, model in (("emails", EmailAddress), ("phones", PhoneNumber)):
            query = model.select(model.client, model.value, model.kind).where(model.contact.is_null())
            # peewee's stubs type `.tuples()` as the models it would otherwise give
            rows = cast("Iterable[tuple[int, str, str]]", query.order_by(model.id).tuples())
            for client_id, value, kind in rows:
                more[key].setdefault(client_id, []).append((value, kind))
        for client in Client.select().order_by(Client.id):
            row = [str(json_value(getattr(client, c)) or "") for c in CSV_COLUMNS[:-2]]
            for key, first, kind in (("emails", client.email, client.email_kind),
                                     ("phones", client.phone, client.phone_kind)):
                row.append(_listed([*([(first, kind)] if first else []), *more[key].get(client.id, [])]))
            writer.writerow([spreadsheet_cell(cell) for cell in row])
    return out.getvalue()


# ---- the header ----------------------------------------------------------------------------


def fold(text: str) -> str:
    """A header as looked up: case, accents and punctuation aside (Ţară = tara, Эл. почта = эл почта)."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[_.:()'’\"]", " ", text.casefold()).split())


@dataclass(frozen=True)
class Column:
    field: str  # name, first, email, phone, address… (see _ALIASES); "" for a column nothing maps
    kind: str = ""  # an e-mail's or phone's kind, an address's group
    index: int = 0  # Google's numbered columns: which e-mail, phone, address…
    part: str = ""  # …and which part of it (type, value, street…)


_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "fullname", "display name", "client", "client name", "customer", "customer name",
             "contact name", "фио", "ф и о", "полное имя", "клиент", "контакт", "название", "наименование",
             "nume complet", "nume si prenume", "denumire"),
    "first_or_name": ("имя",),  # Russian: the first name next to a surname column, else the name
    "last_or_name": ("nume",),  # Romanian: the surname next to a first-name column, else the name
    "prefix_or_role": ("title", "titlu"),  # Outlook: Mr. (beside "Job Title"); elsewhere a job title
    "first": ("first name", "firstname", "given name", "forename", "prenume"),
    "middle": ("middle name", "additional name", "отчество", "al doilea prenume"),
    "last": ("last name", "lastname", "family name", "surname", "фамилия", "nume de familie"),
    "prefix": ("name prefix", "prefix", "обращение"),
    "suffix": ("suffix", "name suffix", "суффикс", "sufix"),
    "nickname": ("nickname", "псевдоним", "прозвище", "porecla", "pseudonim"),
    "company": ("company", "company name", "organization", "organisation", "organization name", "org", "firm",
                "организация", "компания", "фирма", "companie", "firma", "organizatie", "societate"),
    "department": ("department", "organization department", "отдел", "подразделение", "departament"),
    "role": ("job title", "position", "role", "organization title", "должность", "роль", "functie", "post", "rol"),
    "email": ("email", "e-mail", "e mail", "mail", "email address", "e-mail address", "primary email",
              "secondary email", "e-mail 2 address", "e-mail 3 address", "эл почта", "электронная почта", "почта",
              "адрес эл почты", "адрес 2 эл почты", "адрес 3 эл почты", "adresa de e-mail", "adresa de e-mail 2",
              "adresa de e-mail 3", "adresa e-mail", "posta electronica"),
    "phone": ("phone", "tel", "telephone", "phone number", "телефон", "тел", "telefon", "nr telefon",
              "numar de telefon"),
    "birthday": ("birthday", "date of birth", "birth date", "birthdate", "dob", "день рождения", "дата рождения",
                 "zi de nastere", "ziua de nastere", "data nasterii"),
    "birth_year": ("birth year", "год рождения", "anul nasterii"),
    "birth_month": ("birth month", "месяц рождения", "luna nasterii"),
    "birth_day": ("birth day", "день месяца рождения", "ziua nasterii"),
    "anniversary": ("anniversary", "годовщина", "aniversare"),
    "notes": ("notes", "note", "comments", "comment", "заметки", "примечание", "примечания", "комментарий",
              "комментарии", "notite", "observatii", "mentiuni"),
    "country": ("country", "country code", "страна", "tara"),
    "language": ("language", "lang", "язык", "limba"),
    "web": ("web page", "web page 1", "web page 2", "website", "web", "url", "homepage", "personal web page",
            "сайт", "веб-сайт", "веб-страница", "site", "site web", "pagina web"),
    "categories": ("categories", "group membership", "labels", "groups", "категории", "группы", "categorii"),
    "related": ("spouse", "manager's name", "assistant's name", "children", "супруг", "супруга"),
    "tier": ("tier",),
    "temperament": ("temperament",),
    "status": ("status",),
    "emails": ("emails",),  # our own export: every e-mail with its kind
    "phones": ("phones",),
    # Bookkeeping: an id is the database's to give; Outlook fills these for every contact.
    "ignored": ("id", "e-mail type", "e-mail 2 type", "e-mail 3 type", "e-mail display name",
                "e-mail 2 display name", "e-mail 3 display name", "priority", "sensitivity", "private", "initials",
                "тип эл почты", "краткое имя эл почты", "важность", "пометка", "частное"),
}
# Columns named by a kind and a thing (Outlook's "Business Fax", Thunderbird's "Mobile Number").
_KINDED = {
    "phone": ("mobile", "mobile phone", "mobile number", "cell", "cell phone", "car phone", "мобильный",
              "мобильный телефон", "моб телефон", "сотовый", "mobil", "telefon mobil", "work phone",
              "business phone", "business phone 2", "assistant's phone", "рабочий телефон", "телефон раб",
              "телефон раб 2", "telefon serviciu", "telefon birou", "home phone", "home phone 2", "домашний телефон",
              "телефон дом", "телефон дом 2", "telefon acasa", "telefon fix", "fax", "fax number", "business fax",
              "home fax", "other fax", "факс", "факс раб", "факс дом", "pager", "pager number", "пейджер",
              "other phone", "другой телефон", "home mobile"),
}
_MAIN_PHONES = ("primary phone", "company main phone", "основной телефон", "телефон организации")
_COLUMN_OF = {fold(alias): Column(field) for field, aliases in _ALIASES.items() for alias in aliases}
_COLUMN_OF.update({fold(alias): Column("phone", kind_of(fold(alias).split())) for alias in _KINDED["phone"]})
_COLUMN_OF.update({fold(alias): Column("phone", "main") for alias in _MAIN_PHONES})
# Google's numbered columns: "E-mail 1 - Value", "Phone 2 - Type", "Organization 1 - Title"…
_NUMBERED = re.compile(r"^(e-?mail|phone|organi[sz]ation|website|address|im|relation|event|custom field) (\d+) - (.+)$")
_FAMILY = {"email": "email", "e-mail": "email", "phone": "phone", "organization": "organization",
           "organisation": "organization", "website": "web", "address": "address", "im": "im",
           "relation": "related", "event": "anniversary", "custom field": "custom"}
_ADDRESS_PART = re.compile(r"^(home|business|work|other) (street|street 2|street 3|address|address 2|city|state|"
                           r"postal code|zipcode|zip code|zip|country|country/region|address po box|po box)$")
_EMAIL_WORDS = {"email", "e-mail", "mail", "почта", "e-mailul"}
_PHONE_WORDS = {"phone", "tel", "telephone", "mobile", "cell", "fax", "pager", "телефон", "факс", "telefon",
                "mobil"}


def column(header: str) -> Column:
    """What a header names (Column with field "" when nothing)."""
    key = fold(header)
    if key in _COLUMN_OF:
        return _COLUMN_OF[key]
    if match := _NUMBERED.match(key):
        family, number, part = match.groups()
        return Column(_FAMILY[family], index=int(number), part=part)
    if match := _ADDRESS_PART.match(key):
        return Column("address", kind_of([match.group(1)]), part=match.group(2))
    words = set(key.replace("-", " ").split()) | set(key.split())
    if words & _EMAIL_WORDS:
        return Column("email", kind_of(key.split()))
    if words & _PHONE_WORDS:
        return Column("phone", kind_of(key.split()))
    if words & {"website", "web", "url", "blog"}:
        return Column("web", part=key)
    if key.startswith("im "):
        return Column("im", part=key[3:])
    return Column("")


def _resolved(columns: list[Column]) -> list[Column]:
    """The ambiguous names settled by their neighbours: a Russian Имя or Romanian Nume is the
    first or last name beside the other, else the whole name; Outlook's Title is Mr. beside a
    Job Title, elsewhere the job title itself."""
    fields = {c.field for c in columns}
    swap = {
        "first_or_name": "first" if fields & {"last", "last_or_name"} else "name",
        "last_or_name": "last" if fields & {"first", "first_or_name"} else "name",
        "prefix_or_role": "prefix" if "role" in fields else "role",
    }
    return [Column(swap[c.field]) if c.field in swap else c for c in columns]


# ---- reading -------------------------------------------------------------------------------


def _unreadable(path: Path, exc: csv.Error, record: int, line: int) -> UserError:
    """The file as a whole is refused: after a broken quote no later line can be trusted."""
    problem = str(exc)
    if problem.startswith("unexpected end of data"):
        return UserError(_("{path}: line {line}: a quote opened on this line is never closed (it would swallow "
                           "every line after it); nothing was imported").format(path=safe_line(path), line=record))
    if problem.startswith("field larger than field limit"):
        return UserError(_("{path}: line {line}: a value longer than {limit:,} characters (a quote left open?); "
                           "nothing was imported").format(path=safe_line(path), line=record,
                                                          limit=csv.field_size_limit()))
    if "expected after" in problem:
        return UserError(_("{path}: line {line}: a quoted value goes on after its closing quote (inside quotes, "
                           "write a quote twice: \"\"); nothing was imported").format(path=safe_line(path), line=line))
    return UserError(_("{path}: line {line}: not valid CSV ({problem}); nothing was imported").format(
        path=safe_line(path), line=line, problem=problem))


def _records(text: str, path: Path) -> tuple[str, list[str], list[tuple[int, list[str]]]]:
    """The delimiter, the header and every non-empty row with the line it starts on, read
    strictly: a quote left open, a value past the size limit or a stray quote refuses the file
    (UserError with the line)."""
    header_line = text.partition("\n")[0]
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    record, rows = 1, []
    try:
        header = next(reader, [])
        record = reader.line_num + 1
        for cells in reader:
            start, record = record, reader.line_num + 1
            if any(c.strip() for c in cells):
                rows.append((start, cells))
    except csv.Error as exc:
        raise _unreadable(path, exc, record, reader.line_num) from None
    while header and not header[-1].strip():  # Thunderbird ends its header with a comma
        header.pop()
    return delimiter, header, rows


def _day_first(columns: list[Column], rows: list[tuple[int, list[str]]], delimiter: str, header: list[str],
               encoding: str) -> bool:
    """Whether 03/04/1980 is the 3rd of April: what the file's dates show (a first number over
    12), else what its locale suggests (day first but for an English Outlook export with commas)."""
    dated = [i for i, c in enumerate(columns) if c.field in ("birthday", "anniversary")]
    orders = [numeric_order(cells[i]) for _line, cells in rows for i in dated if i < len(cells)]
    if any(o and o[0] > 12 for o in orders):
        return True
    if any(o and o[1] > 12 for o in orders):
        return False
    english_outlook = {"business phone", "e-mail address"} & {fold(h) for h in header}
    return not (english_outlook and delimiter == "," and not encoding.startswith("windows"))


def _split(cell: str) -> list[str]:
    """Google writes several values of one kind in one cell: "a@x.example ::: b@y.example"."""
    return [v.strip() for v in cell.split(":::") if v.strip()]


def _channels(cell: str, kind: str, clean: Callable[[str], str] = str) -> list[Channel]:
    """A cell's e-mails or phones; our own export lists "work: a@b.example" a line each."""
    found = []
    for line in cell.splitlines() if "\n" in cell else _split(cell):
        label, sep, value = line.partition(": ")
        if sep and label in CHANNEL_KINDS:
            found.append(Channel(clean(value.strip()), label))
        elif line.strip():
            found.append(Channel(clean(line.strip()), kind))
    return found


def _person(where: str, header: list[str], columns: list[Column], cells: list[str], stays_client: bool) -> Person:
    person = Person(where, stays_client=stays_client)
    single: dict[str, str] = {}
    numbered: dict[tuple[str, int], dict[str, str]] = {}
    addresses: dict[str, dict[str, str]] = {}
    emails: list[Channel] = []
    phones: list[Channel] = []
    # cells may run on in a blank tail (checked by the caller)
    for title, col, cell in zip(header, columns, cells, strict=False):
        cell = _from_spreadsheet(cell).strip() if col.field != "notes" else _from_spreadsheet(cell)
        if not cell.strip() or col.field == "ignored":
            continue
        if col.index:
            numbered.setdefault((col.field, col.index), {})[col.part] = cell
        elif col.field == "email":
            emails += _channels(cell, col.kind)
        elif col.field == "phone":
            phones += _channels(cell, col.kind, phone_text)
        elif col.field in ("emails", "phones"):
            (emails if col.field == "emails" else phones).extend(
                _channels(cell, "", phone_text if col.field == "phones" else str))
        elif col.field == "address":
            addresses.setdefault(col.kind, {})[col.part] = cell
        elif col.field in ("web", "categories", "anniversary", "related", "im"):
            _keep(person, col.field, cell, col.part)
        elif col.field and col.field not in single:
            single[col.field] = cell
        else:  # a column nothing maps, or a second one for a field already filled
            if col.field and single.get(col.field) == cell:
                continue
            person.extra.append(Extra(title, cell, literal=True))
    for (family, _index), parts in sorted(numbered.items(), key=lambda item: item[0][1]):
        _numbered(person, family, parts, emails, phones, single)
    for group, parts in addresses.items():
        _address(person, group, parts)
    person.emails, person.phones = _primary_first(emails), _primary_first(phones)
    _fill(person, single)
    return person


def _primary_first(channels: list[Channel]) -> list[Channel]:
    """Google marks the primary one with "* " before its type; it goes first."""
    ordered = sorted(channels, key=lambda c: not c.kind.startswith("*"))
    return [Channel(c.value, c.kind.lstrip("* ")) for c in ordered]


def _numbered(person: Person, family: str, parts: dict[str, str], emails: list[Channel], phones: list[Channel],
              single: dict[str, str]) -> None:
    label = parts.get("type") or parts.get("label") or ""
    value = parts.get("value", "")
    star = "* " if label.startswith("*") else ""
    kind = star + kind_of([label.lstrip("* ")])
    if family == "email":
        emails += [Channel(v, kind) for v in _split(value)]
    elif family == "phone":
        phones += [Channel(phone_text(v), kind) for v in _split(value)]
    elif family == "organization":
        for part, field in (("name", "company"), ("title", "role"), ("department", "department")):
            if parts.get(part) and field not in single:
                single[field] = parts[part]
            elif parts.get(part):
                person.extra.append(Extra(people.ORGANISATION, parts[part]))
    elif family == "address":
        text = parts.get("formatted") or ", ".join(v for k, v in parts.items() if k not in ("type", "label"))
        _address(person, kind_of([label]) or label.lower(), {"address": text, **{
            k: v for k, v in parts.items() if k == "country"}})
    elif value:
        _keep(person, family, value, label.lstrip("* "))


def _keep(person: Person, field: str, value: str, qualifier: str = "") -> None:
    labels = {"web": people.WEB, "categories": people.CATEGORIES, "anniversary": people.ANNIVERSARY,
              "related": people.RELATED, "im": people.IM, "custom": ""}
    if field == "categories":  # Google's own groups are no categories of the person
        value = " ::: ".join(v for v in _split(value) if v.lstrip("* ").casefold() not in ("mycontacts", "my contacts",
                                                                                             "starred"))
    if not value:
        return
    if field == "anniversary" and qualifier and qualifier.casefold() != "anniversary":
        person.extra.append(Extra(people.DATE, value, qualifier))  # Google's other events
    elif labels[field]:
        person.extra.append(Extra(labels[field], value, "" if field == "anniversary" else
                                  kind_of([qualifier]) if field == "web" else qualifier))
    else:
        person.extra.append(Extra(qualifier or _("Custom"), value, literal=True))


def _address(person: Person, group: str, parts: dict[str, str]) -> None:
    text = ", ".join(v for v in parts.values() if v)
    if text:
        person.extra.append(Extra(people.ADDRESS, text, group))
    country = next((v for k, v in parts.items() if k.startswith("country")), "")
    if len(country) == 2 and country.isascii() and country.isalpha() and not person.country:
        person.country = country.upper()


def _fill(person: Person, single: dict[str, str]) -> None:
    """The single-valued fields; the name from its parts when no column holds it whole, in the
    order of their columns (Фамилия;Имя;Отчество gives Петрова Ольга Ивановна)."""
    get = single.get
    person.name = get("name") or " ".join(
        value for key, value in single.items() if key in ("prefix", "first", "middle", "last", "suffix"))
    person.company, person.role, person.nickname = get("company", ""), get("role", ""), get("nickname", "")
    if get("department"):
        person.extra.insert(0, Extra(people.DEPARTMENT, single["department"]))
    if get("nickname"):
        person.extra.insert(0, Extra(people.NICKNAME, single["nickname"]))
    person.birthday = get("birthday", "")
    if not person.birthday and get("birth_month") and get("birth_day"):
        year = get("birth_year", "")
        month, day = single["birth_month"].zfill(2), single["birth_day"].zfill(2)
        person.birthday = f"{year}-{month}-{day}" if year else f"--{month}-{day}"
    elif get("birth_year") and not person.birthday:
        person.extra.append(Extra(people.BIRTHDAY, single["birth_year"]))
    person.notes = get("notes", "")
    person.country = get("country", person.country)
    person.language = get("language", "")
    person.tier, person.temperament, person.status = get("tier", ""), get("temperament", ""), get("status", "")
    person.fill_name()


_NAMES = {"name", "first", "last", "middle", "company", "email", "nickname", "emails"}


def csv_people(text: str, path: Path, report: ImportReport) -> Iterator[Person]:
    """People from CSV, a row each; a row whose number of values differs from the header's is an
    invalid record (so no two rows are ever read as one)."""
    delimiter, header, rows = _records(text, path)
    columns = _resolved([column(h) for h in header])
    fields = {c.field for c in columns}
    if not fields & _NAMES:
        found = ", ".join(repr(h) for h in header) or _("none")
        raise UserError(_("{path} has no column naming people (looked for name, first/last name, company, "
                          "e-mail; found: {found}; delimiters understood: comma, semicolon, tab)").format(
            path=safe_line(path), found=safe_line(shorten(found, 200))))
    report.day_first = _day_first(columns, rows, delimiter, header, report.encoding)
    stays_client = bool({"tier", "temperament", "status"} & fields)  # our own export: clients
    filled = {i for _line, cells in rows for i, cell in enumerate(cells) if cell.strip()}
    report.ignored = [h for i, (h, c) in enumerate(zip(header, columns, strict=True))
                      if c.field == "ignored" and i in filled]
    report.notes_from = [h for i, (h, c) in enumerate(zip(header, columns, strict=True)) if not c.field and i in filled]
    for line, cells in rows:
        where = _("line {line}").format(line=line)
        blank_tail = len(cells) > len(header) and not any(c.strip() for c in cells[len(header):])
        if len(cells) != len(header) and not blank_tail:
            yield Person(where, error=ngettext(
                "{count} value where the header has {columns} (a value holding the delimiter must be quoted)",
                "{count} values where the header has {columns} (a value holding the delimiter must be quoted)",
                len(cells)).format(count=len(cells), columns=len(header)))
            continue
        yield _person(where, header, columns, cells, stays_client)
