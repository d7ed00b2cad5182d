"""Our own JSON: every table, every row, every column; imported into an empty database only."""

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from peewee import BooleanField, DateField, DateTimeField, ForeignKeyField, IntegerField

from crm import validate
from crm.domain import (
    COMPENSATION_KINDS,
    COMPENSATION_STATUSES,
    EVENT_KINDS,
    GROUPS,
    OUTCOMES,
    PROMISE_STATUSES,
    SEVERITIES,
    STATUSES,
    TEMPERAMENTS,
    TIERS,
    TOUCH_KINDS,
)
from crm.errors import UserError
from crm.exchange.reading import ImportReport, Rejected, read_text
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
from crm.text import safe_line

FORMAT = "rapport"
FORMAT_VERSION = 1
_BATCH = 500

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


# ---- export --------------------------------------------------------------------------------


def json_value(value: object) -> object:
    """A column's Python value as it is written to a file."""
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
            {f.column_name: json_value(v) for f, v in zip(fields, row)} for row in rows
        ]
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_version": LATEST, "tables": tables}


def export_json() -> str:
    return json.dumps(export_data(), ensure_ascii=False, indent=2) + "\n"


# ---- import --------------------------------------------------------------------------------


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
    text = read_text(path)
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


def import_json(path: Path, report: ImportReport, dry_run: bool) -> None:
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
