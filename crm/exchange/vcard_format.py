"""People from vCards (2.1, 3.0 and 4.0, as phones, Google, Apple, Outlook, Thunderbird and others
really write them), and every client and contact written back as vCards.

What programs write and `vobject` cannot read is normalised first, line by line, rather than
parsed by hand: line ends (CR CR LF from iPhones), quoted-printable values folded with soft line
breaks and in the code page their CHARSET names (Android, Outlook), a Lotus Notes PROFILE line,
commas nobody escaped (Google's FN), and photos, which Rapport does not keep. Each card is then
read on its own, so a broken one is one invalid record, named by its first line.
"""

from __future__ import annotations  # vobject's classes, named in hints, are imported on first use

import codecs
import quopri
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias, cast

from crm.dates import NO_YEAR
from crm.errors import UserError
from crm.exchange import people
from crm.exchange.decoding import best_code_page
from crm.exchange.json_format import snapshot
from crm.exchange.people import Channel, Extra, Person, kind_of, phone_text
from crm.exchange.reading import ImportReport
from crm.i18n import _
from crm.models import Client, Contact, EmailAddress, PhoneNumber
from crm.text import safe_line, shorten

if TYPE_CHECKING:  # vobject is imported when a file is read or written; it has no type hints
    from vobject.base import Component, ContentLine
    from vobject.vcard import Name

# Further e-mails ("email") and phones ("tel") by (kind, client id, contact id): (value, kind) each.
More: TypeAlias = dict[tuple[str, int, int | None], list[tuple[str, str]]]

# Binary values Rapport has no place for: dropped before parsing (and counted in the report).
_BINARY = {"PHOTO", "LOGO", "SOUND", "KEY", "X-MS-CARDPICTURE"}
# Lists, whose commas separate values; in every other property an unescaped comma is text.
_LISTS = {"NICKNAME", "CATEGORIES"}
_STRUCTURED = {"N", "ADR", "ORG", "GENDER"}  # ";" separates their parts
# Bookkeeping that is nobody's data (or is kept through another property): not reported.
_SILENT = {"version", "prodid", "rev", "uid", "x-ablabel", "x-abadr", "x-abuid", "label", "sort-string",
           "x-evolution-file-as", "x-ms-ol-default-postal-address", "x-ms-ol-design", "class", "n", "fn",
           "x-couchdb-application-annotations"}
_IM = {"impp": "", "x-aim": "AIM", "x-icq": "ICQ", "x-skype": "Skype", "x-gtalk": "Google Talk",
       "x-google-talk": "Google Talk", "x-jabber": "Jabber", "x-msn": "MSN", "x-yahoo": "Yahoo", "x-qq": "QQ",
       "x-ms-imaddress": ""}
_ANNIVERSARIES = {"anniversary", "x-anniversary", "x-ms-anniversary", "x-evolution-anniversary"}
_RELATED = {"related": "", "x-abrelatednames": "", "x-spouse": "spouse", "x-evolution-spouse": "spouse",
            "x-ms-spouse": "spouse", "x-evolution-manager": "manager", "x-ms-manager": "manager",
            "x-evolution-assistant": "assistant", "x-ms-assistant": "assistant"}
_PROPERTY = re.compile(r"^(?:[\w-]+\.)?[\w-]+[;:]")  # GROUP.NAME; or NAME:
_UNESCAPED_COMMA = re.compile(r"(?<!\\),")
_CUSTOM = re.compile(r"^x-custom(\d+)$")


# ---- normalising what programs write -------------------------------------------------------


def _unified(text: str) -> str:
    """Every line end as \\n: CR LF, CR CR LF, a lone CR ending lines in an old Mac file; a lone
    CR inside a value of a file with line feeds becomes a space."""
    text = re.sub(r"\r*\n", "\n", text)
    return text.replace("\r", " " if "\n" in text else "\n")


def _cards(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each BEGIN:VCARD … END:VCARD block's lines with its first line's number in the file."""
    start = 0
    block: list[str] = []
    for number, line in enumerate(text.split("\n"), 1):
        tag = line.strip().upper()
        if tag == "BEGIN:VCARD":
            if block:
                yield start, block
            start, block = number, [line]
        elif block:
            block.append(line)
            if tag == "END:VCARD":
                yield start, block
                block = []
    if block:
        yield start, block


def _head_and_value(line: str) -> tuple[str, str]:
    """A content line split at its first colon outside quotes (a parameter may hold one)."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[:index], line[index + 1:]
    return line, ""


def _parameters(head: str) -> tuple[str, list[str]]:
    """The property's name (with its group) and its parameters as written (split outside quotes)."""
    parts, current, quoted = [], "", False
    for char in head:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts[0], parts[1:]


def _is_quoted_printable(params: list[str]) -> bool:
    return any(p.upper().replace(" ", "") in ("QUOTED-PRINTABLE", "ENCODING=QUOTED-PRINTABLE") for p in params)


def _logical(lines: list[str]) -> list[str]:
    """Content lines unfolded: a line starting with a space or tab continues the one before, a
    quoted-printable value ending in '=' goes on on the next line, and a base64 value may run
    on over lines of its own until an empty one (vCard 2.1)."""
    found: list[str] = []
    for line in lines:
        if found:
            last = found[-1]
            head = _head_and_value(last)[0].upper()
            if last.endswith("=") and _is_quoted_printable(_parameters(head)[1]):
                found[-1] = last[:-1] + line
                continue
            if line[:1] in (" ", "\t"):
                found[-1] = last + line[1:]
                continue
            if line.strip() and not _PROPERTY.match(line) and ("BASE64" in head or "ENCODING=B" in head):
                found[-1] = last + line.strip()
                continue
        if line.strip():
            found.append(line)
    return found


def _charset(params: list[str]) -> str | None:
    """The encoding a property's CHARSET= (or vCard 2.1's bare charset parameter) names."""
    for param in params:
        name = param.split("=", 1)[1] if param.upper().startswith("CHARSET=") else param
        try:
            return codecs.lookup(name.strip('"')).name
        except LookupError:
            continue
    return None


def _decoded(value: str, params: list[str]) -> str:
    """A quoted-printable value's text, in the code page its CHARSET names, else UTF-8, else the
    code page it reads best in; line breaks as \\n."""
    raw = quopri.decodestring(value.encode("utf-8"))
    for name in (_charset(params), "utf-8", best_code_page(raw)):
        if name:
            try:
                return raw.decode(name).replace("\r\n", "\n").replace("\r", "\n")
            except UnicodeDecodeError:
                continue
    return raw.decode("utf-8", "replace")


def _normalised(line: str) -> str | None:
    """A content line as `vobject` reads it, or None when it is dropped (a photo, a PROFILE)."""
    if ":" not in line:
        return line  # not a property: vobject names the line
    head, value = _head_and_value(line)
    name, params = _parameters(head)
    bare = name.rpartition(".")[2].upper()
    if bare in _BINARY or bare == "PROFILE":
        return None
    if _is_quoted_printable(params) or _charset(params):
        if _is_quoted_printable(params):
            value = _decoded(value, params).replace("\\", "\\\\").replace("\n", "\\n")
        params = [p for p in params if not (_is_quoted_printable([p]) or _charset([p]) or
                                            p.upper().startswith(("CHARSET=", "ENCODING=")))]
    if bare not in _LISTS:
        value = _UNESCAPED_COMMA.sub(r"\\,", value)
    value = value.replace("\\:", ":")  # Apple escapes colons (http\://), which no vCard version does
    return ";".join([name, *(p for p in params if p.strip())]) + ":" + value


def _card_text(lines: list[str]) -> tuple[str, Counter[str]]:
    """The card as `vobject` reads it, and the binary properties dropped from it."""
    kept: list[str] = []
    dropped: Counter[str] = Counter()
    for line in _logical(lines):
        normalised = _normalised(line)
        if normalised is None:
            bare = _parameters(_head_and_value(line)[0])[0].rpartition(".")[2].upper()
            if bare != "PROFILE":
                dropped[bare] += 1
        else:
            kept.append(normalised)
    return "\r\n".join(kept) + "\r\n", dropped


# ---- reading a card ------------------------------------------------------------------------


def _text(value: object) -> str:
    """A property's value as one line of text (a list's parts joined)."""
    if isinstance(value, (list, tuple)):
        return ", ".join(t for t in (_text(v) for v in value) if t)
    return " ".join(str(value).split())


def _types(line: ContentLine) -> list[str]:
    words = [w for value in line.params.get("TYPE", []) for w in value.split(",")]
    return words + list(line.singletonparams)


def _preferred(line: ContentLine) -> bool:
    return "pref" in (w.lower() for w in _types(line)) or line.params.get("PREF", ["100"])[0] == "1"


def _labels(card: Component) -> dict[str, str]:
    """Apple's labels of grouped properties (item1.X-ABLabel) by group."""
    return {line.group.lower(): _text(line.value) for line in card.contents.get("x-ablabel", []) if line.group}


def _kind(line: ContentLine, labels: dict[str, str]) -> str:
    words = _types(line) + ([labels[line.group.lower()]] if line.group and line.group.lower() in labels else [])
    return kind_of(words)


def _channels(card: Component, name: str, labels: dict[str, str], clean: Callable[[str], str] = _text
              ) -> list[Channel]:
    """The card's e-mails or phones with their kinds, the preferred one first."""
    lines = sorted(card.contents.get(name, []), key=lambda line: not _preferred(line))
    found = [Channel(clean(str(line.value)), _kind(line, labels)) for line in lines]
    return [c for c in found if c.value]


def _qualifier(line: ContentLine, labels: dict[str, str]) -> str:
    label = labels.get(line.group.lower(), "") if line.group else ""
    return kind_of([label]) or re.sub(r"^_\$!<(.*)>!\$_$", r"\1", label).lower() or kind_of(_types(line))


def _person(where: str, card: Component, not_kept: Counter[str]) -> Person:
    """FN (else N, else ORG, EMAIL or NICKNAME) → name; ORG → company (further units: department);
    TITLE and ROLE → role; every EMAIL and TEL with its kind; BDAY; LANG; NOTE; what has no field
    (nickname, web sites, anniversary, categories, IM, addresses, relations) → labelled notes."""
    labels = _labels(card)
    contents = card.contents
    person = Person(where)
    names = ([_text(line.value) for line in contents.get("fn", [])]
             or [_text(line.value) for line in contents.get("n", [])])
    person.name = next((n for n in names if n), "")
    orgs = [line.value if isinstance(line.value, list) else [line.value] for line in contents.get("org", [])]
    if orgs:
        units = [_text(unit) for unit in orgs[0]]
        person.company = units[0] if units else ""
        if department := ", ".join(u for u in units[1:] if u):
            person.extra.append(Extra(people.DEPARTMENT, department))
        person.extra += [Extra(people.ORGANISATION, _text(org)) for org in orgs[1:] if _text(org)]
    kind = next((_text(line.value).lower() for line in contents.get("kind", [])), "")
    shown_as = next((_text(line.value).upper() for line in contents.get("x-abshowas", [])), "")
    person.is_company = kind in ("org", "organization") or shown_as == "COMPANY"
    person.stays_client = bool(contents.get("x-rapport-client"))
    person.role = ", ".join(dict.fromkeys(t for t in (_text(line.value) for name in ("title", "role")
                                                         for line in contents.get(name, [])) if t))
    person.emails = _channels(card, "email", labels)
    person.phones = _channels(card, "tel", labels, phone_text)
    person.birthday = next((_text(line.value) for line in contents.get("bday", []) if _text(line.value)), "")
    person.language = next((_text(line.value) for line in contents.get("lang", [])), "")
    person.notes = "\n".join(str(line.value) for line in contents.get("note", []) if str(line.value).strip())
    nicknames = [_text(line.value) for line in contents.get("nickname", []) if _text(line.value)]
    if nicknames:
        person.nickname = nicknames[0]
        person.extra.append(Extra(people.NICKNAME, ", ".join(nicknames)))
    for line in contents.get("adr", []):
        _address(person, line, labels, contents)
    for name, lines in contents.items():
        for line in lines:
            if not _extra(person, name, line, labels) and name not in _SILENT and not _consumed(name):
                not_kept[shorten(name.upper(), 24)] += 1
    person.fill_name()
    return person


def _consumed(name: str) -> bool:
    return name in ("org", "kind", "x-abshowas", "x-rapport-client", "title", "role", "email", "tel", "bday",
                    "lang", "note", "nickname", "adr")


def _address(person: Person, line: ContentLine, labels: dict[str, str], contents: dict[str, list[ContentLine]]
             ) -> None:
    address = line.value
    parts = [_text(getattr(address, part, "")).strip(" ,") for part in ("box", "extended", "street", "city", "region",
                                                                          "code", "country")]
    if text := ", ".join(p for p in parts if p):
        person.extra.append(Extra(people.ADDRESS, text, _qualifier(line, labels)))
    codes = [_text(a.value) for a in contents.get("x-abadr", []) if a.group and line.group and
             a.group.lower() == line.group.lower()]
    country = parts[-1]
    for code in [*codes, country]:
        if len(code) == 2 and code.isascii() and code.isalpha() and not person.country:
            person.country = code.upper()


def _extra(person: Person, name: str, line: ContentLine, labels: dict[str, str]) -> bool:
    """Keep what has no field in the notes, labelled; False when `name` is not such a property."""
    value = _text(line.value)
    if name == "url":
        entry = Extra(people.WEB, value, _qualifier(line, labels))
    elif name == "categories":
        entry = Extra(people.CATEGORIES, value)
    elif name in _ANNIVERSARIES:
        entry = Extra(people.ANNIVERSARY, value)
    elif name == "x-abdate":
        label = _qualifier(line, labels)
        entry = Extra(people.ANNIVERSARY, value) if label == "anniversary" else Extra(people.DATE, value, label)
    elif name in _IM:
        service = line.params.get("X-SERVICE-TYPE", [_IM[name]])[0]
        entry = Extra(people.IM, value, service or _qualifier(line, labels))
    elif name in _RELATED:
        entry = Extra(people.RELATED, value, _RELATED[name] or _qualifier(line, labels))
    elif match := _CUSTOM.match(name):  # Thunderbird's custom fields 1 to 4
        entry = Extra(f"Custom {match.group(1)}", value, literal=True)
    else:
        return False
    if value:
        person.extra.append(entry)
    return True


def vcard_people(text: str, path: Path, report: ImportReport) -> Iterator[Person]:
    """Every card of the file as a Person; a card that cannot be read is one with an error."""
    import vobject

    found = False
    not_kept: Counter[str] = Counter()
    for start, lines in _cards(_unified(text)):
        found = True
        where = _("line {line}").format(line=start)
        card_text, dropped = _card_text(lines)
        not_kept.update(dropped)
        try:
            card = vobject.readOne(card_text)
        except vobject.base.ParseError as exc:
            detail = re.sub(r"^At line \d+: ", "", str(exc))  # vobject's count is not the file's line
            yield Person(where, error=_("not a valid vCard ({problem})").format(problem=detail))
            continue
        except Exception as exc:  # vobject fails in odd ways on odd input; one bad card stays one bad record
            yield Person(where, error=_("not a valid vCard ({problem})").format(problem=f"{type(exc).__name__}: {exc}"))
            continue
        if card.name != "VCARD":
            yield Person(where, error=_("not a vCard but {name}").format(name=card.name))
            continue
        yield _person(where, card, not_kept)
    if not found:
        raise UserError(_("{path} holds no vCards (no BEGIN:VCARD line)").format(path=safe_line(path)))
    report.not_kept = [f"{name} ×{count}" if count > 1 else name for name, count in sorted(not_kept.items())]



# ---- writing -------------------------------------------------------------------------------

_TEL_TYPES = {"mobile": "cell"}  # a kind as vCard's TYPE writes it; the others are their own names
PRODID = "-//Rapport//NONSGML Rapport//EN"


def _name_parts(name: str) -> Name:
    """N for a person known only by a full name: the last word the family name (phones sort by it)."""
    from vobject.vcard import Name

    given, _sep, family = name.rpartition(" ")
    return Name(family=family, given=given)


def _add_channels(card: Component, name: str, first: tuple[str, str], more: list[tuple[str, str]],
                  version4: bool) -> None:
    for number, (value, kind) in enumerate(([first] if first[0] else []) + more):
        line = card.add(name)
        line.value = value
        types = [_TEL_TYPES.get(kind, kind)] if kind else []
        if name == "email" and not version4:
            types.insert(0, "INTERNET")
        if number == 0:
            if version4:
                line.params["PREF"] = ["1"]
            else:
                types.append("pref")
        if types:
            line.params["TYPE"] = types
        if name == "tel" and version4:
            line.params["VALUE"] = ["text"]  # as written, not a tel: URI


def _add_birthday(card: Component, birthday: date | None, version4: bool) -> None:
    if birthday is None:
        return
    line = card.add("bday")
    if birthday.year != NO_YEAR:
        line.value = birthday.isoformat() if not version4 else f"{birthday:%Y%m%d}"
    elif version4:
        line.value = f"--{birthday:%m%d}"
    else:  # vCard 3.0 has no year-less date: Apple's form
        line.value = birthday.isoformat()
        line.params["X-APPLE-OMIT-YEAR"] = [str(NO_YEAR)]


def _card(version4: bool, name: str, organisation: str, is_company: bool) -> Component:
    from vobject import vCard
    from vobject.vcard import Name

    card = vCard()
    card.add("version").value = "4.0" if version4 else "3.0"
    card.add("prodid").value = PRODID
    card.add("fn").value = name
    card.add("n").value = Name() if is_company else _name_parts(name)
    if is_company:
        card.add("kind" if version4 else "x-abshowas").value = "org" if version4 else "COMPANY"
    if organisation:
        card.add("org").value = [organisation]
    return card


def _add_person(card: Component, row: Client | Contact, more: More, owner: tuple[int, int | None], version4: bool
                ) -> None:
    """A client's or contact's e-mails, phones and birthday."""
    _add_channels(card, "email", (row.email, row.email_kind), more.get(("email", *owner), []), version4)
    _add_channels(card, "tel", (row.phone, row.phone_kind), more.get(("tel", *owner), []), version4)
    _add_birthday(card, row.birthday, version4)


def export_vcards(version4: bool = True) -> str:
    """Every client and each of their contacts as a vCard (4.0, or 3.0 for older programs): name,
    every e-mail and phone with its kind (the first preferred), role, birthday (a year-less one as
    --MMDD, or Apple's 1604 in 3.0), company, language, country and notes. A client with contacts is
    written as an organisation, its contacts with it as their ORG; a client who is a person at a
    company carries X-RAPPORT-CLIENT, so that importing the file again keeps everyone where they were."""
    from vobject.vcard import Address

    out = []
    with snapshot():
        more: More = {}
        for key, model in (("email", EmailAddress), ("tel", PhoneNumber)):
            query = model.select(model.client, model.contact, model.value, model.kind).order_by(model.id)
            rows = cast("Iterable[tuple[int, int | None, str, str]]", query.tuples())  # (stubs: the model)
            for client_id, contact_id, value, kind in rows:
                more.setdefault((key, client_id, contact_id), []).append((value, kind))
        contacts: dict[int, list[Contact]] = {}
        for contact in Contact.select().order_by(Contact.id):
            contacts.setdefault(contact.client_id, []).append(contact)
        for client in Client.select().order_by(Client.id):
            people_of = contacts.get(client.id, [])
            is_company = bool(people_of) and not client.company
            card = _card(version4, client.name, client.company or (client.name if is_company else ""), is_company)
            if client.company:
                card.add("x-rapport-client").value = "TRUE"
            _add_person(card, client, more, (client.id, None), version4)
            if client.language:
                card.add("lang").value = client.language
            if client.country:
                card.add("adr").value = Address(country=client.country)
            if client.notes:
                card.add("note").value = client.notes
            out.append(card.serialize())
            for contact in people_of:
                card = _card(version4, contact.name, client.name, False)
                if contact.role:
                    card.add("title").value = contact.role
                _add_person(card, contact, more, (client.id, contact.id), version4)
                out.append(card.serialize())
    return "".join(out)
