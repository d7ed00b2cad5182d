"""Export and import: our JSON (everything, lossless), clients as CSV, and vCard contacts.

An import is all or nothing. A first pass reads and checks the whole file without writing (that
pass is `--dry-run`); only when every row is good does a second pass write it, in one transaction,
through the same services and validators as `crm client add`. Killed midway, SQLite rolls the
unfinished transaction back: the database holds all rows or none.
"""

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from peewee import BooleanField, DateField, DateTimeField, ForeignKeyField, IntegerField

from crm import validate
from crm.clients import ClientFields, add_client, change_status
from crm.dates import parse_date
from crm.domain import (
    COMPENSATION_KINDS,
    COMPENSATION_STATUSES,
    EVENT_KINDS,
    GROUPS,
    NEW_CLIENT_STATUSES,
    OUTCOMES,
    PROMISE_STATUSES,
    SEVERITIES,
    STATUSES,
    TEMPERAMENTS,
    TIERS,
    TOUCH_KINDS,
)
from crm.errors import UserError
from crm.i18n import N_
from crm.journal import change
from crm.migrations import LATEST
from crm.models import (
    MODELS,
    Client,
    Compensation,
    Incident,
    IncidentEvent,
    ItemState,
    MoneyField,
    Promise,
    Setting,
    Touch,
    database,
)
from crm.text import safe_line, shorten

FORMAT = "rapport"
FORMAT_VERSION = 1
MAX_BYTES = 50 * 1024 * 1024
MAX_LISTED = 20  # rejected rows named in an error; the dry run lists them all
CSV_COLUMNS = ("id", "name", "company", "email", "phone", "country", "language", "birthday", "notes",
               "tier", "temperament", "status")
_BATCH = 500

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
_VCARD_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})")

# Enumerated columns checked when our JSON comes back (hand-edited files happen).
_CHOICES = {
    (Client, "status"): STATUSES,
    (Client, "tier"): TIERS,
    (Client, "temperament"): TEMPERAMENTS,
    (Touch, "kind"): TOUCH_KINDS,
    (Incident, "severity"): SEVERITIES,
    (Incident, "group"): GROUPS,
    (Incident, "outcome"): OUTCOMES,
    (IncidentEvent, "kind"): EVENT_KINDS,
    (Promise, "status"): PROMISE_STATUSES,
    (Compensation, "kind"): COMPENSATION_KINDS,
    (Compensation, "status"): COMPENSATION_STATUSES,
    (ItemState, "state"): ("done", "snoozed"),
}


class ImportRejected(UserError):
    """Some rows are invalid, so nothing was imported; the message lists them."""

    def __init__(self, report: "ImportReport") -> None:
        self.report = report
        shown = report.rejected[:MAX_LISTED]
        lines = [f"{report.source}: {len(report.rejected)} invalid row(s); nothing was imported"]
        lines += [f"  {r}" for r in shown]
        if len(report.rejected) > MAX_LISTED:
            lines.append(f"  … and {len(report.rejected) - MAX_LISTED} more (see --dry-run)")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Rejected:
    where: str  # "line 12" for CSV and vCard, "touch #3" for our JSON
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {safe_line(shorten(self.reason, 300))}"


@dataclass
class ImportReport:
    source: str
    kind: str  # json, csv or vcard
    counts: dict[str, int] = field(default_factory=dict)  # rows per table, imported or importable
    rejected: list[Rejected] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # CSV columns dropped on purpose (an id column)
    notes_from: list[str] = field(default_factory=list)  # CSV columns kept in the clients' notes
    written: bool = False

    def summary(self) -> str:
        parts = ", ".join(f"{table}: {n}" for table, n in self.counts.items() if n) or "nothing"
        return f"{'imported' if self.written else 'would import'} {parts} from {self.source}"


# ---- files ---------------------------------------------------------------------------------


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UserError(f"no such file: {safe_line(path)}") from None
    except OSError as exc:
        raise UserError(f"cannot read {safe_line(path)}: {exc.strerror}") from None
    if path.is_dir():
        raise UserError(f"{safe_line(path)} is a directory, not a file to import")
    if size > MAX_BYTES:
        raise UserError(
            f"{safe_line(path)} is {size / 1024 / 1024:.1f} MB; imports are limited to "
            f"{MAX_BYTES // 1024 // 1024} MB (split the file)"
        )


def _not_utf8(path: Path, line: int, column: int, byte: int) -> UserError:
    return UserError(
        f"{safe_line(path)} is not UTF-8 text: line {line}, byte {column} (0x{byte:02x}); "
        "save it as UTF-8 and import again"
    )


def _lines(path: Path) -> Iterator[str]:
    """The file's lines decoded one at a time (a leading BOM dropped), so big files stream."""
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise UserError(f"cannot read {safe_line(path)}: {exc.strerror}") from None
    with handle:
        for number, raw in enumerate(handle, 1):
            try:
                yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise _not_utf8(path, number, exc.start + 1, raw[exc.start]) from None


def _text(path: Path) -> str:
    return "".join(_lines(path))


def detect_kind(path: Path) -> str:
    """json, csv or vcard: by the file's extension, else by its first line."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".vcf", ".vcard"):
        return "vcard"
    if suffix in (".csv", ".tsv"):
        return "csv"
    first = next(_lines(path), "").strip()
    if first.startswith("{"):
        return "json"
    if first.upper().startswith("BEGIN:VCARD"):
        return "vcard"
    return "csv"


# ---- export --------------------------------------------------------------------------------


def _to_json(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def export_data() -> dict:
    """Every table, every row, every column: what `import` needs to rebuild the database."""
    tables = {}
    for model in MODELS:
        fields = model._meta.sorted_fields
        rows = model.select(*fields).order_by(model._meta.primary_key).tuples()
        tables[model._meta.table_name] = [
            {f.column_name: _to_json(v) for f, v in zip(fields, row)} for row in rows
        ]
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_version": LATEST, "tables": tables}


def export_json() -> str:
    return json.dumps(export_data(), ensure_ascii=False, indent=2) + "\n"


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
        writer.writerow([spreadsheet_cell(str(_to_json(getattr(client, c)) or "")) for c in CSV_COLUMNS])
    return out.getvalue()


# ---- import: our JSON ----------------------------------------------------------------------


def _field_value(model, fld, value: object) -> object:
    """The JSON value as the model's Python value; UserError naming the column when wrong."""
    what = fld.column_name
    if value is None:
        if not fld.null:
            raise UserError(f"{what} must not be empty")
        return None
    if isinstance(fld, BooleanField):
        if not isinstance(value, bool):
            raise UserError(f"{what} must be true or false, not {value!r}")
        return value
    if isinstance(fld, (IntegerField, ForeignKeyField)):  # AutoField is an IntegerField
        if isinstance(value, bool) or not isinstance(value, int):
            raise UserError(f"{what} must be a whole number, not {value!r}")
        return value
    if not isinstance(value, str):
        raise UserError(f"{what} must be text, not {value!r}")
    try:
        if isinstance(fld, DateTimeField):
            return datetime.fromisoformat(value)
        if isinstance(fld, DateField):
            return date.fromisoformat(value)
        if isinstance(fld, MoneyField):
            amount = Decimal(value)
            if not amount.is_finite():
                raise ValueError
            return amount
    except (ValueError, InvalidOperation):
        raise UserError(f"{what}: not a valid {type(fld).__name__.removesuffix('Field').lower()}: {value!r}") from None
    value = validate.text(value, what)
    choices = _CHOICES.get((model, fld.name))
    if choices and value not in choices:
        raise UserError(f"{what}: unknown value {value!r} (one of: {', '.join(choices)})")
    if (model, fld.name) == (Client, "country"):
        validate.country(value)
    return value


def _given(row: dict, fld) -> object:
    """The row's value for `fld`; a column the file leaves out takes the model's default."""
    if fld.column_name in row:
        return row[fld.column_name]
    if fld.default is not None:
        return fld.default() if callable(fld.default) else fld.default
    if fld.null:
        return None
    raise UserError(f"{fld.column_name} is missing")


def _json_rows(path: Path, report: ImportReport) -> dict:
    """The file's rows per model, converted and checked; problems go to `report.rejected`."""
    text = _text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{safe_line(path)} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        raise UserError(f"{safe_line(path)} is not a Rapport export (no \"format\": \"{FORMAT}\" with \"tables\")")
    version, schema = data.get("format_version"), data.get("schema_version")
    if not isinstance(version, int) or not isinstance(schema, int):
        raise UserError(f"{safe_line(path)} has no format_version or schema_version")
    if version > FORMAT_VERSION or schema > LATEST:
        raise UserError(
            f"{safe_line(path)} was exported by a newer Rapport (format {version}, schema {schema}); "
            "upgrade Rapport to import it"
        )
    models = {m._meta.table_name: m for m in MODELS}
    unknown = sorted(set(data["tables"]) - set(models))
    if unknown:
        raise UserError(f"{safe_line(path)} has unknown tables: {safe_line(', '.join(unknown))}")
    converted: dict = {}
    ids: dict = {}  # every row's key, rejected rows too, so a bad row is not reported again by reference
    for name, model in models.items():
        rows = data["tables"].get(name, [])
        if not isinstance(rows, list):
            raise UserError(f"{safe_line(path)}: table {name} must be a list of rows")
        columns = {f.column_name: f for f in model._meta.sorted_fields}
        pk = model._meta.primary_key.column_name
        ids[model] = {row.get(pk) for row in rows if isinstance(row, dict)}
        good = []
        for index, row in enumerate(rows, 1):
            where = f"{name} #{row.get(pk, index) if isinstance(row, dict) else index}"
            try:
                if not isinstance(row, dict):
                    raise UserError("a row must be an object")
                extra = sorted(set(row) - set(columns))
                if extra:
                    raise UserError(f"unknown columns: {', '.join(extra)}")
                good.append({col: _field_value(model, fld, _given(row, fld)) for col, fld in columns.items()})
            except UserError as exc:
                report.rejected.append(Rejected(where, str(exc)))
        converted[model] = good
        report.counts[name] = len(good)
    _check_references(converted, ids, report)
    return converted


def _check_references(converted: dict, ids: dict, report: ImportReport) -> None:
    """Every reference in the file points at a row in the file (the target database is empty)."""
    for model, rows in converted.items():
        pk = model._meta.primary_key.column_name
        for fld in model._meta.sorted_fields:
            if isinstance(fld, ForeignKeyField):
                for row in rows:
                    target = row.get(fld.column_name)
                    if target is not None and target not in ids[fld.rel_model]:
                        report.rejected.append(Rejected(
                            f"{model._meta.table_name} #{row[pk]}",
                            f"{fld.column_name} {target} is not in the file",
                        ))


def _require_empty() -> None:
    for model in MODELS:
        if model is not Setting and model.select().exists():
            raise UserError(
                f"the database already holds data ({model._meta.table_name}); a Rapport export is "
                "imported into an empty database (use --db NEW.db)"
            )


def _import_json(path: Path, report: ImportReport, dry_run: bool) -> None:
    converted = _json_rows(path, report)
    _require_empty()
    if report.rejected or dry_run:
        return
    with change(N_("Imported {file}"), file=path.name):
        _require_empty()  # checked again under the write lock: another session may have written
        database.execute_sql("PRAGMA defer_foreign_keys = ON")  # rows may come in any order
        for model, rows in converted.items():
            conflict = "REPLACE" if model is Setting else None
            for start in range(0, len(rows), _BATCH):
                query = model.insert_many(rows[start:start + _BATCH])
                (query.on_conflict(conflict) if conflict else query).execute()


# ---- import: clients from CSV and vCard ----------------------------------------------------


@dataclass
class _Row:
    where: str
    fields: ClientFields | None = None
    status: str = "active"
    error: str = ""


def _with_notes(notes: str, extra: list[str]) -> str:
    return "\n".join([notes, *extra]) if notes and extra else notes or "\n".join(extra)


def _csv_rows(path: Path, today: date, report: ImportReport) -> Iterator[_Row]:
    lines = _lines(path)
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
        yield _client_row(where, values, extra, today)


def _client_row(where: str, values: dict[str, str], extra: list[str], today: date) -> _Row:
    """A client row from named text values; unknown columns' values are kept in its notes."""
    try:
        birthday = values.get("birthday", "").strip()
        fields = ClientFields(
            name=values.get("name", ""),
            company=values.get("company", ""),
            email=values.get("email", ""),
            phone=values.get("phone", ""),
            country=values.get("country", ""),
            language=values.get("language", ""),
            birthday=parse_date(birthday, today) if birthday else None,
            notes=_with_notes(values.get("notes", ""), extra),
            tier=values.get("tier", "").strip() or "regular",
            temperament=values.get("temperament", "").strip() or "balanced",
        )
        status = validate.choice(values.get("status", "").strip() or "active", STATUSES, "status")
    except UserError as exc:
        return _Row(where, error=str(exc))
    return _Row(where, fields, status)


def _vcard_chunks(path: Path) -> Iterator[tuple[int, str]]:
    """Each BEGIN:VCARD … END:VCARD block with its first line's number, parsed one by one so a
    broken card is reported on its own instead of ending the file."""
    start, block = 0, []
    for number, line in enumerate(_text(path).splitlines(keepends=True), 1):
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


def _vcard_row(where: str, card, today: date) -> _Row:
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
        return _Row(where, error="the card has no name (FN or N)")
    return _client_row(where, values, extra, today)


def _vcard_rows(path: Path, today: date, report: ImportReport) -> Iterator[_Row]:
    import vobject

    found = False
    for start, chunk in _vcard_chunks(path):
        found = True
        where = f"line {start}"
        try:
            card = vobject.readOne(chunk)
        except vobject.base.ParseError as exc:
            detail = re.sub(r"^At line \d+: ", "", str(exc))  # vobject's count is not the file's line
            yield _Row(where, error=f"not a valid vCard ({detail})")
            continue
        except Exception as exc:  # vobject fails in odd ways on odd input; one bad card stays one bad row
            yield _Row(where, error=f"not a valid vCard ({type(exc).__name__}: {exc})")
            continue
        if card.name != "VCARD":
            yield _Row(where, error=f"not a vCard but {card.name}")
            continue
        yield _vcard_row(where, card, today)
    if not found:
        raise UserError(f"{safe_line(path)} holds no vCards (no BEGIN:VCARD line)")


def _checked(rows: Iterable[_Row]) -> Iterator[_Row]:
    """Rows validated like `client add`, a repeat of an existing client (same name and e-mail) or
    of an earlier row marked as an error, so importing a file twice adds nothing twice."""
    seen = {(n.casefold(), e.casefold()): f"client #{i}" for i, n, e in Client.select(Client.id, Client.name, Client.email).tuples()}
    for row in rows:
        if not row.error:
            try:
                cleaned = row.fields.cleaned()
            except UserError as exc:
                row.error = str(exc)
            else:
                key = (cleaned["name"].casefold(), cleaned["email"].casefold())
                if key in seen:
                    row.error = f"same name and e-mail as {seen[key]}"
                else:
                    seen[key] = row.where
        yield row


def _import_clients(make_rows: Callable[[], Iterator[_Row]], report: ImportReport, today: date, dry_run: bool) -> None:
    count = 0
    for row in _checked(make_rows()):
        if row.error:
            report.rejected.append(Rejected(row.where, row.error))
        else:
            count += 1
    report.counts = {"clients": count}
    if report.rejected or dry_run:
        return
    with change(N_("Imported {file}"), file=Path(report.source).name):
        for row in _checked(make_rows()):
            if row.error:  # the database changed since the first pass
                report.rejected.append(Rejected(row.where, row.error))
                raise ImportRejected(report)
            if row.status in NEW_CLIENT_STATUSES:
                add_client(row.fields, status=row.status, today=today)
            else:
                client_id = add_client(row.fields, status="active", today=today)
                change_status(client_id, "depart" if row.status == "departed" else "part", on=today,
                              reason="imported")


def import_file(path: Path | str, *, today: date, dry_run: bool = False) -> ImportReport:
    """Check, and unless `dry_run` write, the file's rows; all or nothing.

    Raises ImportRejected (nothing written) when any row is invalid, UserError when the file as a
    whole cannot be read. A dry run returns the report, rejected rows included, and writes nothing.
    """
    path = Path(path).expanduser()
    _check_size(path)
    kind = detect_kind(path)
    report = ImportReport(source=str(path), kind=kind)
    if kind == "json":
        _import_json(path, report, dry_run)
    else:
        rows = _csv_rows if kind == "csv" else _vcard_rows
        _import_clients(lambda: rows(path, today, report), report, today, dry_run)
    if report.rejected and not dry_run:
        raise ImportRejected(report)
    report.written = not dry_run
    return report
