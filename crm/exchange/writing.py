"""Writing many imported rows fast: converted to what SQLite stores before the write lock is
taken, then one prepared INSERT run over all of them under it.

Converting 60,000 rows value by value in Python costs about a second; with peewee building a
statement per batch on top, it was most of an import's time, all of it under the write lock. The
journal's triggers still see every row.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from peewee import Field

from crm.models import BaseModel, database


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
    """Rows of one table as SQLite will store them, every column in the model's order."""

    model: type[BaseModel]
    values: list[list[object]] = field(repr=False)


def prepare(model: type[BaseModel], rows: Iterable[dict[str, object]]) -> Prepared:
    """`rows` (column name → Python value; a column left out takes its default) ready to insert."""
    fields = model._meta.sorted_fields
    return Prepared(model, [[_stored(f, row[f.column_name] if f.column_name in row else _default(f)) for f in fields]
                            for row in rows])


def insert(rows: Prepared, *, replace: bool = False, offsets: dict[str, int] | None = None) -> None:
    """Insert prepared rows. In the columns of `offsets`, a negative number stands for a row of
    this import whose id is known only once the write lock is held: -1, -2 … become offset + 1,
    offset + 2 … (the offset is the table's highest id); a positive one is an id as it is."""
    fields = rows.model._meta.sorted_fields
    offsets = offsets or {}
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join(
        f"CASE WHEN ?{n} < 0 THEN {int(offsets[f.column_name])} - ?{n} ELSE ?{n} END" if f.column_name in offsets
        else f"?{n}" for n, f in enumerate(fields, 1))
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    database.cursor().executemany(
        f'{verb} INTO "{rows.model._meta.table_name}" ({columns}) VALUES ({marks})', rows.values)
