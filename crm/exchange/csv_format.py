"""Clients as CSV: written for spreadsheets (formula-safe), read from whatever columns people use."""

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from crm.errors import UserError
from crm.exchange.client_rows import ClientRow, client_row
from crm.exchange.json_format import json_value
from crm.exchange.reading import ImportReport, read_lines
from crm.models import Client
from crm.text import safe_line, shorten

CSV_COLUMNS = ("id", "name", "company", "email", "phone", "country", "language", "birthday", "notes",
               "tier", "temperament", "status")

# Header names people's spreadsheets use, normalised (lower case, "_" as space), per client field.
_ALIASES = {
    "name": ("name", "full name", "fullname", "client", "client name", "customer", "customer name", "display name"),
    "first": ("first name", "firstname", "given name", "forename"),
    "last": ("last name", "lastname", "family name", "surname"),
    "company": ("company", "company name", "organization", "organisation", "org", "firm"),
    "email": ("email", "e-mail", "e mail", "mail", "email address", "e-mail address"),
    "phone": ("phone", "tel", "tel.", "telephone", "mobile", "cell", "phone number", "mobile phone"),
    "country": ("country", "country code"),
    "language": ("language", "lang"),
    "birthday": ("birthday", "date of birth", "birth date", "birthdate", "dob"),
    "notes": ("notes", "note", "comments", "comment"),
    "tier": ("tier",),
    "temperament": ("temperament",),
    "status": ("status",),
    "id": ("id",),  # ids are the database's to give; an exported id column is dropped on purpose
}
_COLUMN_OF = {alias: key for key, aliases in _ALIASES.items() for alias in aliases}
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


def export_csv() -> str:
    """Clients only, one row each, with the columns a spreadsheet or another CRM expects."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for client in Client.select().order_by(Client.id):
        writer.writerow([spreadsheet_cell(str(json_value(getattr(client, c)) or "")) for c in CSV_COLUMNS])
    return out.getvalue()


def csv_rows(path: Path, today: date, report: ImportReport) -> Iterator[ClientRow]:
    lines = read_lines(path)
    header_line = next(lines, "")
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","

    def all_lines() -> Iterator[str]:
        yield header_line
        yield from lines

    reader = csv.reader(all_lines(), delimiter=delimiter)
    header = next(reader, [])
    keys = [_COLUMN_OF.get(" ".join(h.replace("_", " ").split()).lower()) for h in header]
    if "name" not in keys and not ({"first", "last"} & set(keys)):
        found = ", ".join(repr(h) for h in header) or "none"
        raise UserError(
            f"{safe_line(path)} has no name column (looked for name, full name, client, first/last name; "
            f"found: {safe_line(shorten(found, 200))}; delimiters understood: comma, semicolon, tab)"
        )
    report.ignored = [h for h, k in zip(header, keys) if k == "id"]
    report.notes_from = [h for h, k in zip(header, keys) if k is None]
    last_line = reader.line_num
    for cells in reader:
        where, last_line = f"line {last_line + 1}", reader.line_num
        if not any(c.strip() for c in cells):
            continue
        values: dict[str, str] = {}
        extra: list[str] = []
        for index, cell in enumerate(cells):
            cell = _from_spreadsheet(cell)
            title = header[index] if index < len(header) else f"column {index + 1}"
            key = keys[index] if index < len(keys) else None
            if key is None or key in values:
                if cell.strip():
                    extra.append(f"{title}: {cell}")
            elif key != "id":
                values[key] = cell
        if not values.get("name", "").strip():
            values["name"] = " ".join(v for v in (values.get("first", "").strip(), values.get("last", "").strip()) if v)
        yield client_row(where, values, extra, today)
