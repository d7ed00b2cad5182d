"""Clients as CSV: written for spreadsheets (formula-safe), read from whatever columns people use."""

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from crm.errors import UserError
from crm.exchange.client_rows import ClientRow, client_row
from crm.exchange.json_format import json_value, snapshot
from crm.exchange.reading import ImportReport
from crm.i18n import _, ngettext
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
    with snapshot():
        for client in Client.select().order_by(Client.id):
            writer.writerow([spreadsheet_cell(str(json_value(getattr(client, c)) or "")) for c in CSV_COLUMNS])
    return out.getvalue()


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


def csv_rows(text: str, path: Path, today: date, report: ImportReport) -> Iterator[ClientRow]:
    """Client rows from CSV, read strictly: a quote left open, a value past the size limit or a
    stray quote refuses the file (UserError with the line), and a row whose number of values
    differs from the header's is rejected, so no two rows are ever read as one."""
    header_line = text.partition("\n")[0]
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    record = 1  # the line the record being read starts on
    try:
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
        record = reader.line_num + 1
        for cells in reader:
            where, record = f"line {record}", reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                yield ClientRow(where, error=ngettext(
                    "{count} value where the header has {columns} (a value holding the delimiter must be quoted)",
                    "{count} values where the header has {columns} (a value holding the delimiter must be quoted)",
                    len(cells)).format(count=len(cells), columns=len(header)))
                continue
            values: dict[str, str] = {}
            extra: list[str] = []
            for title, key, cell in zip(header, keys, cells):
                cell = _from_spreadsheet(cell)
                if key is None or key in values:
                    if cell.strip():
                        extra.append(f"{title}: {cell}")
                elif key != "id":
                    values[key] = cell
            if not values.get("name", "").strip():
                values["name"] = " ".join(v for v in (values.get("first", "").strip(), values.get("last", "").strip()) if v)
            yield client_row(where, values, extra, today)
    except csv.Error as exc:
        raise _unreadable(path, exc, record, reader.line_num) from None
