"""Writing many imported rows fast: converted to what the database stores before the write lock
is taken, then sent in one go under it: SQLite's executemany of one prepared INSERT, PostgreSQL's
COPY (an upsert, for the settings, through `crm.dialect` on both).

Converting 60,000 rows value by value in Python costs about a second; with peewee building a
statement per batch on top, it was most of an import's time, all of it under the write lock. The
journal's triggers still see every row. Rows written with ids of their own move PostgreSQL's
sequences on afterwards (`crm.dialect.sync_ids`, by the caller).
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from peewee import AutoField, Field

from crm import dialect
from crm.models import BaseModel, database, primary_key


def _stored(fld: "Field[Any]", value: object) -> object:
    value = fld.db_value(value)
    if isinstance(value, datetime):  # as peewee and sqlite3 store them
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _default(fld: "Field[Any]") -> object:
    """A column's value when a row leaves it out: the model's default, else NULL (an id: the next)."""
    if fld.default is not None:
        return fld.default() if callable(fld.default) else fld.default
    return None


@dataclass(frozen=True)
class Prepared:
    """Rows of one table as the database will store them, in the order of `fields` (the model's,
    without its id when no row gives one: the database numbers them)."""

    model: type[BaseModel]
    fields: list["Field[Any]"] = field(repr=False)
    values: list[list[object]] = field(repr=False)


def prepare(model: type[BaseModel], rows: Iterable[dict[str, object]]) -> Prepared:
    """`rows` (column name → Python value; a column left out takes its default) ready to insert."""
    rows = list(rows)
    fields = [f for f in model._meta.sorted_fields
              if not (isinstance(f, AutoField) and all(row.get(f.column_name) is None for row in rows))]
    return Prepared(model, fields, [[_stored(f, row[f.column_name] if f.column_name in row else _default(f))
                                     for f in fields] for row in rows])


def _placed(values: list[list[object]], columns: list[int], offsets: list[int]) -> list[list[object]]:
    """`values` with the negative numbers in `columns` turned into offset + 1, offset + 2 …"""
    placed = []
    for row in values:
        row = list(row)
        for column, offset in zip(columns, offsets, strict=True):
            value = row[column]
            if isinstance(value, int) and value < 0:
                row[column] = offset - value
        placed.append(row)
    return placed


def insert(rows: Prepared, *, replace: bool = False, offsets: dict[str, int] | None = None) -> None:
    """Insert prepared rows (`replace`: a row with the same key is replaced). In the columns of
    `offsets`, a negative number stands for a row of this import whose id is known only once the
    write lock is held: -1, -2 … become offset + 1, offset + 2 … (the offset is the table's
    highest id); a positive one is an id as it is."""
    if not rows.values:
        return
    names = [f.column_name for f in rows.fields]
    values = rows.values
    if offsets:
        placed = [(names.index(name), int(offset)) for name, offset in offsets.items() if name in names]
        values = _placed(values, [c for c, _o in placed], [o for _c, o in placed])
    table = rows.model._meta.table_name
    quoted = ", ".join(f'"{name}"' for name in names)
    if replace:
        dialect.executemany(dialect.upsert(table, primary_key(rows.model), names), values)
    elif dialect.postgres():
        _copy(f'COPY "{table}" ({quoted}) FROM STDIN', values)
    else:
        dialect.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" for _ in names)})', values)


def _copy(sql: str, values: list[list[object]]) -> None:
    """PostgreSQL's COPY: several times quicker than one INSERT a row (27,000 touches: 0.7 s
    instead of 3.5 s); its triggers (the journal's) fire for every row all the same."""
    text = "".join("\t".join(_copy_field(value) for value in row) + "\n" for row in values)
    database.cursor().copy_expert(sql, io.StringIO(text))


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value: object) -> str:
    """A value in COPY's text format: NULL as \\N, booleans as t and f, the characters that end a
    field or a row (and the backslash) escaped."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).translate(_COPY_ESCAPES)
