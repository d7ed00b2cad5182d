"""Forgetting a client for real: `crm client forget CLIENT --yes`, and F on the Client screen.

What a person asking to be forgotten expects is that nothing about them stays: the client goes
with everything hanging from them (contacts, status changes, touches, incidents and their events,
promises, compensations, reminders), the review's marks on their items, the wizard's draft about
them, the change journal's before/after images of any of those rows, and the wizard's "steam"
about them kept for this user.
Journal entries about this client alone go; an entry that also changed other rows keeps those,
with any value naming the client replaced by its id.

Deleted rows must not be recoverable from the file either: the deletes run with
`secure_delete` (freed space zeroed), then VACUUM rebuilds the file without free pages or stale
cells, and a TRUNCATE checkpoint empties the -wal, where older copies of the pages live.
On a PostgreSQL server a delete leaves the old row versions in the table until a vacuum: the
schema's tables are rewritten with VACUUM FULL (outside the transaction). The
server's write-ahead log, its replicas and its own backups are the server's: the user is told so.
Backups are separate files: the ones that still hold the client are listed, not touched.

The erasure is journaled as one change without images; `crm.journal.undo` refuses it.
"""

import json
import mmap
import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path

import peewee

from crm import audit, kinds
from crm import db as crm_db
from crm.backup import backup_dir, daily_backups
from crm.dates import utcnow
from crm.dialect import json_field, postgres
from crm.errors import UserError
from crm.i18n import N_plural, _, ngettext
from crm.journal import FORGOT_CLIENT
from crm.location import Location, on_server
from crm.models import (
    Change,
    ChangeRow,
    Client,
    Compensation,
    Contact,
    EmailAddress,
    Incident,
    PhoneNumber,
    Promise,
    Reminder,
    StatusChange,
    Touch,
    database,
)

# The rows that hang from a client by `client_id`, in the order a summary names them.
_HANGING = (Contact, EmailAddress, PhoneNumber, Touch, Incident, Promise, Compensation, Reminder, StatusChange)
# How a summary counts each table's rows, singular and plural.
_COUNTED = {
    "contact": N_plural("{count} contact", "{count} contacts"),
    "email_address": N_plural("{count} more e-mail address", "{count} more e-mail addresses"),
    "phone_number": N_plural("{count} more phone number", "{count} more phone numbers"),
    "touch": N_plural("{count} touch", "{count} touches"),
    "incident": N_plural("{count} incident", "{count} incidents"),
    "incident_event": N_plural("{count} incident event", "{count} incident events"),
    "promise": N_plural("{count} promise", "{count} promises"),
    "compensation": N_plural("{count} compensation", "{count} compensations"),
    "reminder": N_plural("{count} reminder", "{count} reminders"),
    "status_change": N_plural("{count} status change", "{count} status changes"),
    "item_state": N_plural("{count} review mark", "{count} review marks"),
    "setting": N_plural("{count} wizard draft", "{count} wizard drafts"),
    "change_log": N_plural("{count} history entry", "{count} history entries"),
}
_PERSONAL = ("name", "company", "email", "phone", "value")  # the fields of a client or contact image searched for


@dataclass(frozen=True)
class Erasure:
    """What forgetting a client erases (or erased), and the backups that still hold them."""

    client_id: int
    name: str
    counts: dict[str, int]  # rows per table, as in _COUNTED
    backups: tuple[Path, ...]
    leftover: str | None = None  # what the file may still hold, and until when (the erasure stands)
    on_server: bool = False  # a PostgreSQL server's database: its tables were rewritten, not a file
    _needles: tuple[str, ...] = field(default=(), repr=False)

    def erased(self) -> str:
        """"their card, 2 contacts, 5 touches and 12 history entries", in the reader's language."""
        parts = [_("their card")] + [
            ngettext(*_COUNTED[table], count).format(count=count)
            for table, count in self.counts.items() if count
        ]
        if len(parts) == 1:
            return parts[0]
        return _("{items} and {last}").format(items=", ".join(parts[:-1]), last=parts[-1])


def _keys() -> str:
    """The temporary table of the client's rows: (tbl, pk)."""
    return "pg_temp.forget_key" if postgres() else "temp.forget_key"


def _insert(sql: str) -> str:
    """`INSERT INTO <keys> <sql>`, a row already there skipped."""
    if postgres():
        return f"INSERT INTO {_keys()} {sql} ON CONFLICT DO NOTHING"
    return f"INSERT OR IGNORE INTO {_keys()} {sql}"


def _image_field(column: str, key: str) -> str:
    """A field of a journal image (`old`/`new`, JSON text) as text."""
    found = json_field(column, key)
    return found if postgres() else f"CAST({found} AS TEXT)"


def _gather(client_id: int) -> None:
    """Fill the temporary forget_key with every row of the client, now or in the journal's images."""
    run = database.execute_sql
    keys = _keys()
    if postgres():
        run("CREATE TEMP TABLE IF NOT EXISTS forget_key (tbl TEXT NOT NULL, pk TEXT NOT NULL, PRIMARY KEY (tbl, pk)) "
            "ON COMMIT DROP")
    else:
        run("CREATE TEMP TABLE IF NOT EXISTS forget_key (tbl TEXT NOT NULL, pk TEXT NOT NULL, PRIMARY KEY (tbl, pk)) "
            "WITHOUT ROWID")
    run(f"DELETE FROM {keys}")
    run(_insert("VALUES ('client', ?)"), (str(client_id),))
    for model in _HANGING:
        table = model._meta.table_name
        run(_insert(f'SELECT ?, CAST(id AS TEXT) FROM "{table}" WHERE client_id = ?'), (table, client_id))
        run(_insert("SELECT tbl, pk FROM change_row WHERE tbl = ? "
                    f"AND ({_image_field('old', 'client_id')} = ? OR {_image_field('new', 'client_id')} = ?)"),
            (table, str(client_id), str(client_id)))
    incidents = f"SELECT pk FROM {keys} WHERE tbl = 'incident'"
    run(_insert("SELECT 'incident_event', CAST(id AS TEXT) FROM incident_event "
                f"WHERE CAST(incident_id AS TEXT) IN ({incidents})"))
    run(_insert("SELECT tbl, pk FROM change_row WHERE tbl = 'incident_event' "
                f"AND ({_image_field('old', 'incident_id')} IN ({incidents}) "
                f"OR {_image_field('new', 'incident_id')} IN ({incidents}))"))
    from crm.wizard import DRAFT_SETTING

    run(_insert("SELECT 'setting', key FROM setting WHERE key = ?"),
        (DRAFT_SETTING.format(client_id),))  # the wizard's answers before an incident exists
    from crm.rules import parse_item_id

    found = {(tbl, pk) for tbl, pk in run(f"SELECT tbl, pk FROM {keys}")}
    marks = {item for (item,) in run("SELECT item_id FROM item_state UNION "
                                     "SELECT pk FROM change_row WHERE tbl = 'item_state'")}
    for item in marks:
        try:
            kind, key, _day = parse_item_id(item)
        except UserError:
            continue  # a mark of a kind no longer known names nobody we can tell
        if (kinds.kind(kind).row, str(key)) in found:
            run(_insert("VALUES ('item_state', ?)"), (item,))


def _counts(client_id: int) -> dict[str, int]:
    """The client's rows per table that exist now, and the journal entries about them."""
    counts = {}
    for table in _COUNTED:
        if table == "change_log":
            continue
        key = {"item_state": "item_id", "setting": "key"}.get(table, "id")
        (counts[table],) = database.execute_sql(
            f'SELECT count(*) FROM "{table}" WHERE CAST("{key}" AS TEXT) IN '
            f"(SELECT pk FROM {_keys()} WHERE tbl = ?)", (table,)).fetchone()
    counts["change_log"] = len(_entries_about(client_id))
    return counts


def _entries_about(client_id: int) -> set[int]:
    """The journal entries that wrote any of the client's rows or concern them, and their undos."""
    about = (f"SELECT change_id FROM change_row WHERE (tbl, pk) IN (SELECT tbl, pk FROM {_keys()}) "
             "UNION SELECT id FROM change_log WHERE client_id = ?")
    rows = database.execute_sql(f"SELECT id FROM change_log WHERE id IN ({about}) OR undoes IN ({about})",
                                (client_id, client_id))
    return {entry for (entry,) in rows}


def _personal_texts(client_id: int) -> set[str]:
    """The client's and their contacts' names, companies, e-mails and phones, as they are and as
    the journal's images remember them (a client renamed since), for finding them elsewhere."""
    images = [json.loads(image) for pair in database.execute_sql(
        "SELECT old, new FROM change_row WHERE tbl IN ('client', 'contact', 'email_address', 'phone_number') "
        "AND (tbl, pk) IN "
        f"(SELECT tbl, pk FROM {_keys()})") for image in pair if image]
    images += list(Client.select().where(Client.id == client_id).dicts())
    images += list(Contact.select().where(Contact.client == client_id).dicts())
    for model in (EmailAddress, PhoneNumber):
        images += list(model.select(model.value).where(model.client == client_id).dicts())
    texts = {str(image.get(key) or "").strip() for image in images for key in _PERSONAL}
    return {text for text in texts if text}


def _holding_backups(db_path: Location, needles: tuple[str, ...]) -> tuple[Path, ...]:
    """The daily and pre-migration backups whose bytes hold any of `needles` (one that cannot be
    read is listed too: it may). A server's: its daily backups (crm.backup.backup_dir)."""
    candidates = daily_backups(backup_dir(db_path))
    if not on_server(db_path):
        path = Path(db_path)
        candidates += sorted(path.parent.glob(f"{path.name}.v*.bak"))
    found = []
    wanted = [needle.encode() for needle in needles]
    for path in candidates:
        try:
            with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                if any(data.find(needle) != -1 for needle in wanted):
                    found.append(path)
        except (OSError, ValueError):  # unreadable, or empty (mmap refuses 0 bytes)
            if not (path.exists() and path.stat().st_size == 0):
                found.append(path)
    return tuple(found)


def _survey(client_id: int) -> Erasure:
    """What forgetting the client would erase (fills temp.forget_key); its backups not looked at."""
    client = Client.get_or_none(Client.id == client_id)
    if client is None:
        raise UserError(_("no client with id {id}").format(id=client_id))
    _gather(client_id)
    needles = tuple(sorted(_personal_texts(client_id) | {client.name}))
    return Erasure(client_id, client.name, _counts(client_id), (), _needles=needles)


def _with_backups(erasure: Erasure, db_path: Location) -> Erasure:
    """`erasure` with the backups that hold the client (read outside any transaction: it takes a while)."""
    return replace(erasure, backups=_holding_backups(db_path, erasure._needles))


def erasure_preview(client_id: int, db_path: Location) -> Erasure:
    """What `forget_client` would erase; nothing is changed."""
    with database.atomic():
        try:
            erasure = _survey(client_id)
        finally:
            database.execute_sql(f"DROP TABLE IF EXISTS {_keys()}")
    return _with_backups(erasure, db_path)


def _clean_params(entry: Change, client_id: int, needles: tuple[str, ...]) -> None:
    """An entry that stays (it changed other rows too): values naming the client become its id."""
    params = json.loads(entry.params or "{}")
    folded = [needle.casefold() for needle in needles]
    cleaned = {key: f"#{client_id}" if isinstance(value, str) and any(n in value.casefold() for n in folded)
               else value for key, value in params.items()}
    if cleaned != params:
        Change.update(params=json.dumps(cleaned, ensure_ascii=False)).where(Change.id == entry.id).execute()


def _erase_journal(client_id: int, needles: tuple[str, ...]) -> None:
    entries = _entries_about(client_id)
    database.execute_sql(f"DELETE FROM change_row WHERE (tbl, pk) IN (SELECT tbl, pk FROM {_keys()})")
    gone = set()
    originals = Change.select().where(Change.id.in_(entries) & Change.undoes.is_null())
    undos = Change.select().where(Change.id.in_(entries) & Change.undoes.is_null(False))
    for entry in originals:
        if entry.client_id == client_id or not ChangeRow.select().where(ChangeRow.change == entry.id).exists():
            gone.add(entry.id)
        else:
            _clean_params(entry, client_id, needles)
    for entry in undos:
        if entry.undoes in gone or entry.client_id == client_id:
            gone.add(entry.id)
        else:
            _clean_params(entry, client_id, needles)
    Change.delete().where(Change.id.in_(gone)).execute()  # their remaining images go with them (cascade)


def forget_client(client_id: int, db_path: Location) -> Erasure:
    """Erase the client and everything about them from the database file (see the module's
    docstring); what was erased and the backups that still hold them."""
    server = postgres()
    if not server:
        database.execute_sql("PRAGMA secure_delete = ON")  # this connection zeroes what it frees
    with database.atomic():
        try:
            erasure = _survey(client_id)
            _erase_journal(client_id, erasure._needles)
            for table, key in (("item_state", "item_id"), ("setting", "key")):
                database.execute_sql(f'DELETE FROM "{table}" WHERE "{key}" IN '
                                     f"(SELECT pk FROM {_keys()} WHERE tbl = ?)", (table,))
            Client.delete().where(Client.id == client_id).execute()  # and, by cascade, what hangs from it
            Change.create(at=utcnow(), author=audit.author(), what=FORGOT_CLIENT,
                          params=json.dumps({"id": client_id}), client_id=None)
        finally:
            database.execute_sql(f"DROP TABLE IF EXISTS {_keys()}")
    from crm.wizard import drop_steam

    drop_steam(client_id)  # the client's words kept for this user during a wizard's cool-down, if any
    if server:
        return replace(_with_backups(erasure, db_path), on_server=True, leftover=_scrub_tables())
    return replace(_with_backups(erasure, db_path), leftover=_scrub(Path(db_path)))


def _scrub_tables() -> str | None:
    """PostgreSQL: rewrite the schema's tables (VACUUM FULL), so that no old version of a row that
    held the client stays in them (every table: a row deleted or edited before today, an e-mail
    address the client no longer has, left one too); None when done, else what may remain and until
    when. VACUUM cannot run in a transaction: outside atomic(), peewee's connection commits each
    statement by itself."""
    names = [name for (name,) in database.execute_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_version' "
        "ORDER BY tablename")]
    (not_ours,) = database.execute_sql(
        "SELECT count(*) FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
        "AND c.relkind = 'r' AND c.relname = ANY(?) AND NOT pg_has_role(current_user, c.relowner, 'USAGE')",
        (names,)).fetchone()
    if not_ours:
        return _("only the tables' owner may rewrite them: old versions of the erased rows stay in the server's "
                 "table files until the owner runs VACUUM FULL on {tables}").format(tables=", ".join(names))
    try:
        database.execute_sql(f"SET lock_timeout = '{crm_db.BUSY_TIMEOUT_S}s'")
        try:
            database.execute_sql("VACUUM FULL " + ", ".join(f'"{table}"' for table in names))
        finally:
            database.execute_sql("RESET lock_timeout")
    except peewee.DatabaseError as exc:
        said = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if "lock timeout" in said.lower():
            return _("another session kept using the tables for {seconds} s: old versions of the erased rows stay "
                     "in the server's table files until VACUUM FULL runs on {tables}").format(
                seconds=crm_db.BUSY_TIMEOUT_S, tables=", ".join(names))
        return _("the tables could not be rewritten ({problem}): old versions of the erased rows stay in the "
                 "server's table files until VACUUM FULL runs on {tables}").format(
            problem=said, tables=", ".join(names))
    return None


def _scrub(db_path: Path) -> str | None:
    """Rebuild the file and empty its -wal; None when done, else what may remain and until when."""
    try:
        database.execute_sql("VACUUM")  # a new file: no free pages, no stale cells of older edits
    except (sqlite3.Error, peewee.DatabaseError) as exc:  # e.g. no room for the rebuilt copy
        return _("the file could not be rebuilt ({problem}): copies of older edits may remain in its free "
                 "space until it is (sqlite3 {path} VACUUM)").format(
            problem=crm_db.storage_problem(exc) or exc, path=db_path)
    (busy, _log, _done) = database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    wal = Path(f"{db_path}-wal")
    if busy or (wal.exists() and wal.stat().st_size):
        return _("another session kept reading for {seconds} s: older copies stay in {wal} until every "
                 "session on this database has closed").format(seconds=crm_db.BUSY_TIMEOUT_S, wal=wal)
    return None
