"""The change journal: every change a person makes is one entry, with its author and time, and
can be undone exactly.

A change is a block of writes, `with change(N_("Logged a {kind} with {client}"), kind=...)`: one
IMMEDIATE transaction, one `change_log` row, and for every row written its image before and after
(JSON), captured by TEMP triggers on this connection. Writes outside a change (the demo, the
migrations, another tool) are not journaled, and the file itself holds no trigger another program
could trip over. Changes nest: an inner block joins the outer one, so "mark a promise done in the
review" is one change, however many services it calls.

Undo replays the images backwards. It refuses, saying who did what, when someone else has since
changed a row it would restore, or when restoring would take away rows others added since (a
touch logged on a client whose creation is being undone, caught through the cascade it causes).
"""

import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TypeAlias, cast

from peewee import SQL, IntegrityError

from crm import audit
from crm.dates import utcnow
from crm.dialect import as_text, defer_foreign_keys, json_field, postgres, same_json
from crm.errors import UserError
from crm.i18n import N_, _
from crm.models import MODELS, Change, ChangeRow, Client, database, primary_key
from crm.postgres import start_recording, stop_recording
from crm.text import shorten

_TABLES = {model._meta.table_name: model for model in MODELS}
# A change's rows as `.tuples()` reads them (peewee's stubs type that as the model): table, key, old, new.
_RowTuples: TypeAlias = "Iterable[tuple[str, str, str | None, str | None]]"
# The entry of an erasure (crm.forget): it keeps no images, and undo stops at it, for good.
FORGOT_CLIENT = N_("Forgot client #{id} and erased their data")
_state = threading.local()  # the change open on this thread's connection, if any


def _columns(table: str) -> list[str]:
    return [f.column_name for f in _TABLES[table]._meta.sorted_fields]


def _key(table: str) -> str:
    return primary_key(_TABLES[table])


def _image_sql(row: str, table: str) -> str:
    """A row as a JSON object, the same text in a trigger (row NEW or OLD) and a query (row ""),
    as the triggers write it (crm.postgres's for PostgreSQL)."""
    if postgres():
        return f'to_jsonb({row or chr(34) + table + chr(34)})::text'
    prefix = f"{row}." if row else ""
    pairs = ", ".join(f"'{column}', {prefix}\"{column}\"" for column in _columns(table))
    return f"json_object({pairs})"


@cache  # built on the first change, not at import: a read-only command never needs it
def _trigger_sql() -> list[str]:
    statements = []
    for table in _TABLES:
        for event, row, old, new in (
            ("insert", "NEW", "NULL", _image_sql("NEW", table)),
            ("update", "NEW", _image_sql("OLD", table), _image_sql("NEW", table)),
            ("delete", "OLD", _image_sql("OLD", table), "NULL"),
        ):
            statements.append(
                f'CREATE TEMP TRIGGER IF NOT EXISTS "crm_journal_{table}_{event}" AFTER {event.upper()} '
                f'ON main."{table}" WHEN EXISTS (SELECT 1 FROM temp.crm_change) BEGIN '
                f"INSERT INTO change_row (change_id, tbl, pk, old, new) VALUES "
                f"((SELECT id FROM temp.crm_change), '{table}', {row}.\"{_key(table)}\", {old}, {new}); END"
            )
    return statements



def _install() -> None:
    """The TEMP table and triggers on this thread's connection (once per connection). PostgreSQL's
    are part of its schema (crm.postgres)."""
    if postgres():
        return
    (count,) = database.execute_sql(
        "SELECT count(*) FROM sqlite_temp_master WHERE type = 'trigger' AND name LIKE 'crm_journal_%'"
    ).fetchone()
    statements = _trigger_sql()
    if count == len(statements):
        return
    # INSERT OR REPLACE deletes the old row silently unless triggers fire for it.
    database.execute_sql("PRAGMA recursive_triggers = ON")
    database.execute_sql("CREATE TEMP TABLE IF NOT EXISTS crm_change (id INTEGER NOT NULL)")
    for statement in statements:
        database.execute_sql(statement)


@dataclass
class Recording:
    """The change being recorded: its block may refine the description (`what`, `params`) or
    name its client once it knows them."""

    id: int
    what: str
    params: dict[str, object] = field(default_factory=dict)
    client_id: int | None = None


@contextmanager
def change(what: str, *, client_id: int | None = None, **params: object) -> Iterator[Recording]:
    """Journal the writes of the block as one change described by `what` (an English template
    marked with N_, formatted with `params`; `{client}` is filled in with the client's name)."""
    if getattr(_state, "recording", None) is not None:  # joins the change already open
        yield _state.recording
        return
    _install()
    with database.atomic():
        entry = Change.create(at=utcnow(), author=audit.author(), what=what, params="{}")
        recording = Recording(entry.id, what, dict(params), client_id)
        _start_recording(entry.id)
        _state.recording = recording
        try:
            yield recording
        finally:
            _state.recording = None
            _stop_recording()
        _finish(recording)


def _start_recording(change_id: int) -> None:
    """From here on, the triggers record this connection's writes as change `change_id`."""
    if postgres():
        start_recording(change_id)
    else:
        database.execute_sql("INSERT INTO temp.crm_change (id) VALUES (?)", (change_id,))


def _stop_recording() -> None:
    if postgres():
        stop_recording()
    else:
        database.execute_sql("DELETE FROM temp.crm_change")


def _finish(recording: Recording) -> None:
    """Drop rows written back unchanged (and the entry if nothing changed); name the client."""
    ChangeRow.delete().where((ChangeRow.change == recording.id) & SQL(same_json("old", "new"))).execute()
    if not ChangeRow.select().where(ChangeRow.change == recording.id).exists():
        Change.delete().where(Change.id == recording.id).execute()
        return
    client_id = recording.client_id or _client_of(recording.id)
    params = dict(recording.params)
    if client_id is not None and "client" not in params:
        client = Client.get_or_none(Client.id == client_id)
        params["client"] = client.name if client else f"#{client_id}"
    Change.update(what=recording.what, client_id=client_id,
                  params=json.dumps(params, ensure_ascii=False, default=str)).where(
        Change.id == recording.id
    ).execute()


def _client_of(change_id: int) -> int | None:
    """The one client whose rows the change wrote, if there is exactly one."""
    incident, client = (json_field("coalesce(new, old)", key, integer=True) for key in ("incident_id", "client_id"))
    rows = database.execute_sql(
        f"""SELECT DISTINCT CASE
               WHEN tbl = 'client' THEN CAST(pk AS INTEGER)
               WHEN tbl = 'incident_event' THEN (SELECT client_id FROM incident WHERE id = {incident})
               ELSE {client} END
           FROM change_row WHERE change_id = ?""",
        (change_id,),
    ).fetchall()
    clients = {row[0] for row in rows if row[0] is not None}
    return clients.pop() if len(clients) == 1 else None


# --- reading the journal -----------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line of the history."""

    change: int
    at: datetime
    author: str
    what: str  # in the reader's language
    client_id: int | None
    undone: bool

    def as_json(self) -> dict[str, object]:
        """The keys of `crm log --json` (docs/spec.md)."""
        return {"change": self.change, "at": f"{self.at.isoformat(timespec='seconds')}Z", "author": self.author,
                "what": self.what, "client_id": self.client_id}


def describe(entry: Change) -> str:
    """The change's description in the reader's language."""
    params = json.loads(entry.params or "{}")
    try:
        return _(entry.what).format(**params)
    except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
        return entry.what.format(**params)


def _entry(row: Change) -> Entry:
    return Entry(row.id, row.at, row.author, describe(row), row.client_id, row.undone_at is not None)


def history(limit: int = 50, client_id: int | None = None) -> list[Entry]:
    """The newest `limit` changes, newest first; with `client_id`, those that touched that client."""
    query = Change.select().order_by(Change.id.desc()).limit(limit)
    if client_id is not None:
        touched = ChangeRow.select(ChangeRow.change).where(
            ((ChangeRow.tbl == "client") & (ChangeRow.pk == str(client_id)))
            | (SQL(f"{json_field('coalesce(new, old)', 'client_id', integer=True)} = ?", [client_id]))
        )
        query = query.where((Change.client_id == client_id) | Change.id.in_(touched))
    return [_entry(row) for row in query]


# --- undo ---------------------------------------------------------------------------------------


def _current_image(table: str, pk: str) -> str | None:
    row = database.execute_sql(
        f'SELECT {_image_sql("", table)} FROM "{table}" WHERE "{_key(table)}" = ?',
        (pk,),
    ).fetchone()
    return row[0] if row else None


def _later_change(table: str, pk: str, after: int) -> Change | None:
    """The newest change after `after`, neither undone nor an undo, that wrote the row."""
    later: Change | None = (
        Change.select()
        .join(ChangeRow)
        .where((ChangeRow.tbl == table) & (ChangeRow.pk == pk) & (Change.id > after) & Change.undone_at.is_null()
               & Change.undoes.is_null())
        .order_by(Change.id.desc())
        .first()
    )
    return later


def _refusal(target: Change, later: Change | None, who: str) -> UserError:
    if later is None:
        return UserError(_("Cannot undo “{what}”: {who} has changed it since.").format(
            what=shorten(describe(target), 60), who=who))
    return UserError(_("Cannot undo “{what}”: {who} has since built on it ({later}, {at:%Y-%m-%d %H:%M} UTC).").format(
        what=shorten(describe(target), 60), who=later.author, later=shorten(describe(later), 60), at=later.at))


def _check_unchanged(target: Change, tables: set[str]) -> None:
    """Refuse if a row the change wrote has been changed by someone else since. One query per
    table finds the rows that differ from how the change left them (an import's 30,000 rows are
    checked in SQLite, not one by one); only those are looked into."""
    me = target.author
    for table in sorted(tables):
        key = _key(table)
        column = f't."{key}"'
        image = f"CASE WHEN {column} IS NULL THEN NULL ELSE {_image_sql('t', table)} END"
        differing = database.execute_sql(
            f"SELECT f.pk, {image} "
            f'FROM change_row f LEFT JOIN "{table}" t ON {as_text(column)} = f.pk '
            "WHERE f.id IN (SELECT max(id) FROM change_row WHERE change_id = ? AND tbl = ? GROUP BY pk) "
            f"AND NOT ({same_json(image, 'f.new')})",
            (target.id, table),
        ).fetchall()
        for pk, current in differing:
            later = _later_change(table, pk, target.id)
            if later is not None:
                raise _refusal(target, later, later.author)
            # Not journaled: the wizard's own drafts are saved as you type. Yours may be overwritten.
            editor = json.loads(current).get("updated_by") if current else None
            if editor != me:
                raise _refusal(target, None, editor or _("someone"))


def _only_inserts(rows: list[tuple[str, str, str | None, str | None]]) -> bool:
    """Whether the change only added rows, each written once (an import): undone by deleting them."""
    return all(old is None for _, _, old, _ in rows) and len({(t, pk) for t, pk, _, _ in rows}) == len(rows)


def _restore(table: str, pk: str, old: str | None, new: str | None) -> None:
    """Put one row back as it was before (`old`), from how the change left it (`new`)."""
    key = _key(table)
    if old is None:
        database.execute_sql(f'DELETE FROM "{table}" WHERE "{key}" = ?', (pk,))
        return
    values = json.loads(old)
    columns = list(values)
    if new is None:
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        database.execute_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', [values[c] for c in columns])
    else:
        assignments = ", ".join(f'"{c}" = ?' for c in columns)
        database.execute_sql(
            f'UPDATE "{table}" SET {assignments} WHERE "{key}" = ?', [values[c] for c in columns] + [pk]
        )


@dataclass(frozen=True)
class Undone:
    change: int
    what: str
    client_id: int | None

    def as_json(self) -> dict[str, object]:
        return {"undone": {"change": self.change, "what": self.what}}


def undo(author: str | None = None) -> Undone:
    """Undo `author`'s (by default this user's) newest change that is not undone yet."""
    who = author or audit.author()
    _install()
    try:
        return _undo_newest(who)
    except IntegrityError:  # deferred foreign keys, checked at commit: a row it needs is gone
        raise UserError(_("Cannot undo: something it refers to was removed since.")) from None


def _undo_newest(who: str) -> Undone:
    with database.atomic():
        target = (
            Change.select()
            .where((Change.author == who) & Change.undone_at.is_null() & Change.undoes.is_null())
            .order_by(Change.id.desc())
            .first()
        )
        if target is None:
            raise UserError(_("Nothing of yours to undo."))
        if target.what == FORGOT_CLIENT:
            raise UserError(_("Cannot undo “{what}”: an erasure is final, and what came before it stays as it is.")
                            .format(what=describe(target)))
        rows = list(cast(_RowTuples, ChangeRow.select(ChangeRow.tbl, ChangeRow.pk, ChangeRow.old, ChangeRow.new)
                         .where(ChangeRow.change == target.id).order_by(ChangeRow.id).tuples()))
        written = {(table, pk) for table, pk, _, _ in rows}
        _check_unchanged(target, {table for table, _ in written})
        what = describe(target)
        entry = Change.create(at=utcnow(), author=who, what=N_("Undid: {what}"),
                              params=json.dumps({"what": what}, ensure_ascii=False),
                              client_id=target.client_id, undoes=target.id)
        defer_foreign_keys()  # rows come back parents and children alike
        _start_recording(entry.id)
        try:
            if _only_inserts(rows):
                for table in {table for table, _ in written}:
                    database.execute_sql(
                        f'DELETE FROM "{table}" WHERE {as_text(chr(34) + _key(table) + chr(34))} IN '
                        "(SELECT pk FROM change_row WHERE change_id = ? AND tbl = ?)", (target.id, table))
            else:
                for table, pk, old, new in reversed(rows):
                    _restore(table, pk, old, new)
        finally:
            _stop_recording()
        # Whatever else moved was someone's later work, reached through a cascade: refuse.
        moved = cast("Iterable[tuple[str, str]]",
                     ChangeRow.select(ChangeRow.tbl, ChangeRow.pk).where(ChangeRow.change == entry.id).tuples())
        for table, pk in moved:
            if (table, pk) not in written:
                later = _later_change(table, pk, target.id)
                raise _refusal(target, later, later.author if later else _("someone"))
        ChangeRow.delete().where(ChangeRow.change == entry.id).execute()
        Change.update(undone_at=entry.at, undone_by=who).where(Change.id == target.id).execute()
    return Undone(target.id, what, target.client_id)
