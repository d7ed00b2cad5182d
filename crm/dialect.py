"""What differs between SQLite and PostgreSQL in the queries Rapport writes, in one place.

Every query is written once, with peewee or with `?` placeholders (crm.postgres turns those into
psycopg2's); where the two engines need different SQL, the query asks this module for the piece.
Opening, locking, migrating and the journal's triggers per engine are in `crm.db` and `crm.postgres`.
"""

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from peewee import SQL, ColumnBase, Expression, Node, NodeList, PostgresqlDatabase, fn

from crm.models import database


def postgres() -> bool:
    """Whether the open database is a PostgreSQL server (else an SQLite file)."""
    return isinstance(database.obj, PostgresqlDatabase)


def in_list(values: Iterable[int | str]) -> SQL:
    """For `column.in_(in_list(values))`: the values bound as one parameter. A plain `in_` binds
    each value as its own parameter, and for hundreds of them peewee spends longer writing that SQL
    than the database spends answering it; the column's index still finds each value."""
    sql, params = in_list_sql(list(values))
    return SQL(sql, params)


def in_list_sql(values: Sequence[int | str]) -> tuple[str, list[object]]:
    """`in_list` for a query written as text: the subquery and its parameters (one, or none)."""
    if not postgres():
        return "(SELECT value FROM json_each(?))", [json.dumps(list(values))]
    if not values:  # no type to tell the array's: a NULL takes the column's, and matches nothing
        return "(NULL)", []
    array = "text[]" if isinstance(values[0], str) else "integer[]"
    return f"(SELECT unnest(?::{array}))", [list(values)]


def rows_at_most(table: str) -> int:
    """A quick number no smaller than the table's rows (SQLite: its highest rowid, read from the
    index; a count on PostgreSQL)."""
    what = "count(*)" if postgres() else "max(rowid)"
    (most,) = database.execute_sql(f'SELECT {what} FROM "{table}"').fetchone()
    return int(most or 0)


# Both written so that the birthday indexes (crm.migrations, crm.postgres) serve them.
_PG_MONTH_DAY = "lpad(extract(month FROM {0})::text, 2, '0') || '-' || lpad(extract(day FROM {0})::text, 2, '0')"


def _written(template: str, *nodes: Node) -> ColumnBase:
    """SQL text with peewee nodes (columns) where the template has {0}, {1} …"""
    parts: list[Node] = []
    for literal, index in re.findall(r"([^{]*)(?:\{(\d)\})?", template):
        if literal:
            parts.append(SQL(literal))
        if index:
            parts.append(nodes[int(index)])
    return NodeList(parts, glue="")


def month_day(column: ColumnBase) -> ColumnBase:
    """A date column's 'MM-DD' (a birthday's day of the year), as its index stores it."""
    if postgres():
        return _written(_PG_MONTH_DAY, column)
    return fn.substr(column, SQL("6"), SQL("5"))


def month_day_index(column: str) -> str:
    """The expression of a birthday index on PostgreSQL (`column` quoted), for crm.postgres."""
    return _PG_MONTH_DAY.format(column)


def month_number(column: ColumnBase) -> ColumnBase:
    """A date column's year × 12 + month, counted in SQL (whole months between dates)."""
    if postgres():
        return _written("(extract(year FROM {0}) * 12 + extract(month FROM {0}))::integer", column)
    year = fn.substr(column, 1, 4).cast("INTEGER")
    return Expression(Expression(year, "*", 12), "+", fn.substr(column, 6, 2).cast("INTEGER"))


def dated_key(prefix: str, key: ColumnBase, day: ColumnBase) -> ColumnBase:
    """'{prefix}-{key}-{YYYYMMDD}' in SQL: the id of a due item (crm.rules writes it in Python)."""
    if postgres():
        return _written(f"('{prefix}-' || {{0}} || '-' || to_char({{1}}, 'YYYYMMDD'))", key, day)
    return fn.printf(f"{prefix}-%d-%s", key, fn.replace(day, "-", ""))


def json_field(expression: str, key: str, *, integer: bool = False) -> str:
    """SQL text for one field of a JSON object stored as text (the journal's row images)."""
    if postgres():
        found = f"(({expression})::jsonb ->> '{key}')"
        return f"{found}::integer" if integer else found
    return f"json_extract({expression}, '$.{key}')"


def as_text(expression: str) -> str:
    """SQL text of a value compared with a text column (the journal keeps keys as text)."""
    return f"({expression})::text" if postgres() else expression


def same_json(left: str, right: str) -> str:
    """SQL text: two row images (JSON text, or NULL) are the same rows."""
    if postgres():
        return f"({left})::jsonb IS NOT DISTINCT FROM ({right})::jsonb"
    return f"({left}) IS ({right})"


def defer_foreign_keys() -> None:
    """Check references at commit, not row by row, for the rest of this transaction (rows put
    back or imported come parents and children in any order)."""
    if postgres():
        database.execute_sql("SET CONSTRAINTS ALL DEFERRED")
    else:
        database.execute_sql("PRAGMA defer_foreign_keys = ON")


def upsert(table: str, key: str, columns: Sequence[str]) -> str:
    """An INSERT of `columns` that replaces the row with the same `key` (SQLite ≥ 3.24 and
    PostgreSQL speak the same ON CONFLICT)."""
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c != key)
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    return f'INSERT INTO "{table}" ({names}) VALUES ({marks}) ON CONFLICT ("{key}") {action}'


def executemany(sql: str, rows: Iterable[Sequence[Any]]) -> None:
    """Run one statement over many rows, in few round trips (psycopg2's executemany would make
    one a row; execute_batch sends a page of statements at a time)."""
    if postgres():
        from psycopg2.extras import execute_batch

        from crm.postgres import psycopg_sql

        execute_batch(database.cursor(), psycopg_sql(sql), rows, page_size=1000)
        return
    database.cursor().executemany(sql, rows)


def sync_ids(tables: Iterable[str]) -> None:
    """After rows were written with ids of their own (an import): new rows take the ids after the
    highest. SQLite does so by itself; PostgreSQL's sequences are moved on."""
    if not postgres():
        return
    for table in tables:
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'coalesce((SELECT max(id) FROM "{table}"), 0) + 1, false)')
