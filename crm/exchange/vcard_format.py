"""Contacts from vCards (3.0 and 4.0), each card one client row."""

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from crm.errors import UserError
from crm.exchange.client_rows import ClientRow, client_row
from crm.exchange.reading import ImportReport
from crm.text import safe_line

_VCARD_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})")


def _vcard_chunks(text: str) -> Iterator[tuple[int, str]]:
    """Each BEGIN:VCARD … END:VCARD block with its first line's number, parsed one by one so a
    broken card is reported on its own instead of ending the file."""
    start, block = 0, []
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        tag = line.strip().upper()
        if tag == "BEGIN:VCARD":
            if block:
                yield start, "".join(block)
            start, block = number, [line]
        elif block:
            block.append(line)
            if tag == "END:VCARD":
                yield start, "".join(block)
                block = []
    if block:
        yield start, "".join(block)


def _values(card, name: str) -> list:
    return [item.value for item in card.contents.get(name, [])]


def _vcard_row(where: str, card, today: date) -> ClientRow:
    """FN (else N) → name, ORG → company, EMAIL, TEL, BDAY, ADR country, NOTE; what has no field
    of its own (more e-mails and phones, addresses, a birthday without a year) goes to notes."""
    values: dict[str, str] = {}
    extra: list[str] = []
    names = [str(v).strip() for v in _values(card, "fn") if str(v).strip()]
    if not names:
        names = [" ".join(str(v).split()) for v in _values(card, "n") if str(v).strip()]
    values["name"] = names[0] if names else ""
    orgs = _values(card, "org")
    if orgs:
        org = orgs[0]
        values["company"] = (org[0] if isinstance(org, list) and org else str(org)).strip()
    for key, prop, label in (("email", "email", "E-mail"), ("phone", "tel", "Phone")):
        found = [str(v).strip().removeprefix("tel:") for v in _values(card, prop) if str(v).strip()]
        if found:
            values[key] = found[0]
            extra += [f"{label}: {v}" for v in found[1:]]
    langs = [str(v).strip() for v in _values(card, "lang")]
    if langs and len(langs[0]) == 2:
        values["language"] = langs[0]
    for bday in _values(card, "bday")[:1]:
        text = str(bday).strip()
        if match := _VCARD_DATE.match(text):
            values["birthday"] = "-".join(match.groups())
        elif text:
            extra.append(f"Birthday: {text}")
    for address in _values(card, "adr"):
        country = str(getattr(address, "country", "")).strip()
        if len(country) == 2 and country.isalpha() and "country" not in values:
            values["country"] = country
        lines = " ".join(str(address).split())
        if lines:
            extra.append(f"Address: {lines}")
    notes = [str(v) for v in _values(card, "note")]
    values["notes"] = "\n".join(notes)
    if not values["name"]:
        return ClientRow(where, error="the card has no name (FN or N)")
    return client_row(where, values, extra, today)


def vcard_rows(text: str, path: Path, today: date, report: ImportReport) -> Iterator[ClientRow]:
    import vobject

    found = False
    for start, chunk in _vcard_chunks(text):
        found = True
        where = f"line {start}"
        try:
            card = vobject.readOne(chunk)
        except vobject.base.ParseError as exc:
            detail = re.sub(r"^At line \d+: ", "", str(exc))  # vobject's count is not the file's line
            yield ClientRow(where, error=f"not a valid vCard ({detail})")
            continue
        except Exception as exc:  # vobject fails in odd ways on odd input; one bad card stays one bad row
            yield ClientRow(where, error=f"not a valid vCard ({type(exc).__name__}: {exc})")
            continue
        if card.name != "VCARD":
            yield ClientRow(where, error=f"not a vCard but {card.name}")
            continue
        yield _vcard_row(where, card, today)
    if not found:
        raise UserError(f"{safe_line(path)} holds no vCards (no BEGIN:VCARD line)")
