"""Our own JSON: every table, every row, every column; imported into an empty database only."""

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeAlias, cast

from peewee import AutoField, BooleanField, DateField, DateTimeField, Field, ForeignKeyField, IntegerField

from crm import dialect, validate
from crm.errors import UserError
from crm.exchange import checks
from crm.exchange.reading import ImportReport, Rejected
from crm.exchange.writing import insert, prepare
from crm.i18n import N_, _
from crm.journal import change
from crm.migrations import LATEST
from crm.models import MODELS, BaseModel, MoneyField, Setting, database, primary_key
from crm.money import parse_amount
from crm.text import safe_line, shorten

Row: TypeAlias = dict[str, object]  # column name → value
Converted: TypeAlias = dict[type[BaseModel], list[Row]]  # each table's rows, checked, as Python values
Keys: TypeAlias = dict[type[BaseModel], set[int | str | None]]  # each table's keys in the file

FORMAT = "rapport"
FORMAT_VERSION = 1


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


@contextmanager
def snapshot() -> Iterator[None]:
    """One read transaction: every query in the block sees the database as one moment, whatever
    others write meanwhile (SQLite's WAL, PostgreSQL's REPEATABLE READ: readers and writers do not
    block each other). Read table by
    table without it, an export taken while others wrote held touches of clients it did not hold."""
    with database.atomic("DEFERRED"):  # a reader: no write lock (the database's default is IMMEDIATE)
        yield


def export_data() -> dict[str, object]:
    """Every table, every row, every column: what `import` needs to rebuild the database."""
    tables: dict[str, list[Row]] = {}
    with snapshot():
        for model in MODELS:
            fields = model._meta.sorted_fields
            # (`cast`: peewee's stubs type `.tuples()` as the model it would otherwise give)
            query = model.select(*fields).order_by(model._meta.primary_key)
            rows = cast("Iterable[tuple[object, ...]]", query.tuples())
            if not isinstance(model._meta.primary_key, AutoField):
                # A text key: in code point order, as SQLite sorts it (PostgreSQL's own order follows
                # the server's locale), so the same data exports the same bytes on both engines.
                key = fields.index(model._meta.primary_key)
                rows = sorted(rows, key=lambda row: cast(str, row[key]))
            tables[model._meta.table_name] = [
                {f.column_name: json_value(v) for f, v in zip(fields, row, strict=True)} for row in rows
            ]
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_version": LATEST, "tables": tables}


def export_json() -> str:
    return json.dumps(export_data(), ensure_ascii=False, indent=2) + "\n"


# ---- import --------------------------------------------------------------------------------


def _field_value(model: type[BaseModel], fld: "Field[Any]", value: object) -> object:
    """The JSON value as the model's Python value, checked as its form checks it when typed;
    UserError naming the column when wrong."""
    try:
        if value is None:
            if not fld.null:
                raise UserError(_("must not be empty"))
            return None
        if isinstance(fld, BooleanField):
            if not isinstance(value, bool):
                raise UserError(_("must be true or false, not {value}").format(value=checks.shown(value)))
            return value
        if isinstance(fld, (IntegerField, ForeignKeyField)):  # ids and versions (AutoField is an IntegerField)
            return checks.whole_number(value)
        if not isinstance(value, str):
            raise UserError(_("must be text, not {value}").format(value=checks.shown(value)))
        if isinstance(fld, DateTimeField):
            return checks.moment(value)
        if isinstance(fld, DateField):
            return checks.birthday(value) if fld.column_name == "birthday" else checks.day(value)
        if isinstance(fld, MoneyField):
            return _amount(value)
        return checks.text_value(model, fld.column_name, value)
    except UserError as exc:
        raise UserError(f"{fld.column_name}: {exc}") from None


def _amount(value: str) -> Decimal:
    """An amount checked as typed, kept as the file writes it when that is the same amount
    ('180000' stays '180000', not '180000.00'), so an export imports back byte for byte."""
    amount = parse_amount(value)
    try:
        written = Decimal(value)
    except ArithmeticError:  # '2,000.00': typed, not exported
        return amount
    return written if written == amount and not written.is_signed() else amount


def _given(row: Row, fld: "Field[Any]") -> object:
    """The row's value for `fld`; a column the file leaves out takes the model's default."""
    if fld.column_name in row:
        return row[fld.column_name]
    if fld.default is not None:
        return fld.default() if callable(fld.default) else fld.default
    if fld.null:
        return None
    raise UserError(_("{column} is missing").format(column=fld.column_name))


def _key(value: object) -> int | str | None:
    """A row's primary key as the file gives it, if it can be one (for naming and references)."""
    return value if isinstance(value, (int, str)) and not isinstance(value, bool) else None


def _where(table: str, key: object, index: int) -> str:
    """How a rejected row is named: by its id ("client #3"), else by its place in its table."""
    key = _key(key)
    if key is not None:
        return f"{table} #{safe_line(shorten(str(key), 40))}"
    return _("{table} row {index}").format(table=table, index=index)


def _load(text: str, path: Path) -> dict[str, Any]:
    # As any JSON a user hands over: a key twice in one object, NaN, or nesting too deep is refused.
    data = validate.json_document(text.encode("utf-8"), _("file {path}").format(path=safe_line(path)))
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        raise UserError(_("{path} is not a Rapport export (no \"format\": \"{format}\" with \"tables\")").format(
            path=safe_line(path), format=FORMAT))
    version, schema = data.get("format_version"), data.get("schema_version")
    if not isinstance(version, int) or not isinstance(schema, int):
        raise UserError(_("{path} has no format_version or schema_version").format(path=safe_line(path)))
    if version > FORMAT_VERSION or schema > LATEST:
        raise UserError(_("{path} was exported by a newer Rapport (format {version}, schema {schema}); upgrade "
                          "Rapport to import it").format(path=safe_line(path), version=version, schema=schema))
    return data


def _json_rows(text: str, path: Path, report: ImportReport) -> Converted:
    """The file's rows per model, converted and checked; problems go to `report.rejected`."""
    data = _load(text, path)
    models = {m._meta.table_name: m for m in MODELS}
    unknown = sorted(set(data["tables"]) - set(models))
    if unknown:
        raise UserError(_("{path} has unknown tables: {tables}").format(
            path=safe_line(path), tables=safe_line(shorten(", ".join(unknown), 200))))
    converted: Converted = {}
    ids: Keys = {}  # every row's key, rejected rows too, so a bad row is not reported again by reference
    for name, model in models.items():
        rows = data["tables"].get(name, [])
        if not isinstance(rows, list):
            raise UserError(_("{path}: table {table} must be a list of rows").format(path=safe_line(path), table=name))
        columns = {f.column_name: f for f in model._meta.sorted_fields}
        pk = primary_key(model)
        seen = ids[model] = set()
        good: list[Row] = []
        for index, row in enumerate(rows, 1):
            key = _key(row.get(pk)) if isinstance(row, dict) else None
            try:
                if not isinstance(row, dict):
                    raise UserError(_("a row must be an object"))
                extra = sorted(set(row) - set(columns))
                if extra:
                    raise UserError(_("unknown columns: {columns}").format(columns=shorten(", ".join(extra), 200)))
                if key is not None and key in seen:
                    raise UserError(_("{column} {key} is in the file twice").format(column=pk, key=key))
                seen.add(key)
                values = {col: _field_value(model, fld, _given(row, fld)) for col, fld in columns.items()}
                if model is Setting:
                    checks.setting(cast(str, values["key"]), cast(str, values["value"]))  # text: checked above
                good.append(values)
            except UserError as exc:
                report.rejected.append(Rejected(_where(name, key, index), str(exc)))
        converted[model] = good
        report.counts[name] = len(good)
    _check_references(converted, ids, report)
    return converted


def _check_references(converted: Converted, ids: Keys, report: ImportReport) -> None:
    """Every reference in the file points at a row in the file (the target database is empty)."""
    for model, rows in converted.items():
        pk = primary_key(model)
        for fld in model._meta.sorted_fields:
            if isinstance(fld, ForeignKeyField):
                for row in rows:
                    target = row.get(fld.column_name)
                    if target is not None and target not in ids[fld.rel_model]:
                        report.rejected.append(Rejected(
                            f"{model._meta.table_name} #{row[pk]}",
                            _("{column} {target} is not in the file").format(column=fld.column_name, target=target),
                        ))


def _require_empty() -> None:
    for model in MODELS:
        if model is not Setting and model.select().exists():
            raise UserError(
                _("the database already holds data ({table}); a Rapport export is imported into an empty database "
                  "(use --db NEW.db)").format(table=model._meta.table_name)
            )


def import_json(text: str, path: Path, report: ImportReport, dry_run: bool) -> None:
    """Check every row of our export, then (unless `dry_run`) write them all in one go: the
    checking and converting happen before the write lock is taken, the lock only for the inserts."""
    converted = _json_rows(text, path, report)
    _require_empty()
    if report.rejected or dry_run:
        return
    tables = [prepare(model, rows) for model, rows in converted.items()]
    with change(N_("Imported {file}"), file=path.name):
        _require_empty()  # checked again under the write lock: another session may have written
        dialect.defer_foreign_keys()  # rows may come in any order
        for rows in tables:
            insert(rows, replace=rows.model is Setting)
        dialect.sync_ids(m._meta.table_name for m in converted if isinstance(m._meta.primary_key, AutoField))
