"""Opening the database: location, file mode, connection settings and forward migrations.

An SQLite file by default; a PostgreSQL server when --db or $CRM_DB is a `postgresql://` URL
(crm.postgres). SQLite's settings follow docs/pitfalls.md: WAL, foreign keys, a busy timeout, and
IMMEDIATE transactions so concurrent writers wait for each other instead of failing with
SQLITE_BUSY_SNAPSHOT.
"""

import os
import sqlite3
from pathlib import Path

import peewee
from peewee import SqliteDatabase

from crm.dates import utcnow
from crm.errors import DatabaseError
from crm.files import create_file, file_mode, make_dirs
from crm.i18n import _
from crm.location import Location, ServerURL, parse
from crm.migrations import LATEST, MIGRATIONS
from crm.models import database
from crm.text import fold
from crm.userdirs import user_dir

BUSY_TIMEOUT_S = 10
PRAGMAS = {"journal_mode": "wal", "foreign_keys": 1, "synchronous": "full"}


def default_path() -> Path:
    """The database used when neither --db nor $CRM_DB names one."""
    return user_dir("data") / "rapport.db"


def resolve_path(option: Location | str | None = None) -> Location:
    """`--db`, else $CRM_DB, else the platform's user-data directory."""
    if isinstance(option, (Path, ServerURL)):
        return option
    text = option or os.environ.get("CRM_DB")
    return parse(text) if text else default_path()


def _create_private_file(path: Path) -> None:
    """Create the database file 0600 (and missing directories 0700) before SQLite opens it; in a
    shared (setgid) directory 0660 and 02770, so the group can use it (crm.files)."""
    try:
        make_dirs(path.parent)
        create_file(path)
    except OSError as exc:
        raise DatabaseError(_("cannot create database {path}: {reason}").format(
            path=path, reason=exc.strerror)) from None


def _schema_version(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version, 0 for an empty file; DatabaseError if it isn't ours."""
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(_("{path} is not a Rapport database ({reason})").format(path=path, reason=exc)) from None
    if not tables:
        return 0
    if "schema_version" not in tables:
        raise DatabaseError(_("{path} is not a Rapport database (it has other tables)").format(path=path))
    version: int = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
    if version > LATEST:
        raise DatabaseError(_("{path} was written by a newer Rapport (schema {version}; this release knows {latest}); "
                              "upgrade Rapport to open it").format(path=path, version=version, latest=LATEST))
    return version


def _backup_before_migration(conn: sqlite3.Connection, path: Path, version: int) -> None:
    target = path.with_name(f"{path.name}.v{version}.bak")
    mode = file_mode(path.parent)
    fd = os.open(target, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, mode)
    try:
        os.fchmod(fd, mode)
    except PermissionError:
        pass  # another member of the group made it: its mode stays theirs
    finally:
        os.close(fd)
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()


def migrate(conn: sqlite3.Connection, path: Path) -> int:
    """Bring the schema to LATEST in one IMMEDIATE transaction; returns the version found."""
    found = _schema_version(conn, path)
    if found == LATEST:
        return found
    if found:
        _backup_before_migration(conn, path, found)
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = _schema_version(conn, path)  # another process may have migrated meanwhile
        if found == 0:
            conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at DATETIME NOT NULL)")
        for version in range(found + 1, LATEST + 1):
            for statement in MIGRATIONS[version - 1]:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", (version, utcnow().isoformat(" "))
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found


def _read_only_reason(path: Path) -> str | None:
    """Why this user may not write the database at `path` (the refusal, in one line), if anything."""
    if not os.access(path, os.W_OK):
        return _("cannot write {path}: the database is read-only for you; nothing was changed").format(path=path)
    if not os.access(path.parent, os.W_OK):
        return _("cannot write {path}: its directory (SQLite keeps -wal and -shm files there) is read-only for you; "
                 "nothing was changed").format(path=path)
    return None


def _probe(path: Path) -> None:
    """Read the file's schema with a plain connection before the real one's pragmas (WAL) could
    change a foreign or newer file, and refuse one we could read but not write."""
    if reason := _read_only_reason(path):
        raise DatabaseError(reason)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise DatabaseError(_cannot_open(path, exc)) from None
    try:
        _schema_version(conn, path)
    except sqlite3.Error as exc:
        raise DatabaseError(_cannot_open(path, exc)) from None
    finally:
        conn.close()


def _cannot_open(path: Path, exc: BaseException) -> str:
    return _("cannot open database {path}: {reason}").format(path=path, reason=exc)


def storage_problem(exc: BaseException | None) -> str | None:
    """One clear line for a storage failure a user can act on (full disk, busy, read-only), else None.

    SQLite rolls the failed statement's transaction back, so in each case nothing was written.
    The cause is looked for down the chain: after a full disk, peewee's own ROLLBACK fails too.
    """
    causes: list[str] = []
    while exc is not None and len(causes) < 5:
        if isinstance(exc, (sqlite3.Error, peewee.DatabaseError)):
            causes.append(str(exc).lower())
        exc = exc.__cause__ or exc.__context__
    text = " | ".join(causes)
    if not text:
        return None
    if "disk is full" in text or "disk i/o error" in text or "no space left" in text:
        return _("the disk is full (or failing); nothing was written — free some space and try again")
    if "locked" in text or "busy" in text or "lock timeout" in text:
        return _("the database stayed busy for {seconds} s (another session is writing a lot); "
                 "nothing was written — try again").format(seconds=BUSY_TIMEOUT_S)
    if "readonly" in text or "read-only" in text or "permission denied" in text:
        return _("the database is read-only for you; nothing was written")
    if "connection" in text and ("closed" in text or "lost" in text or "refused" in text or "terminat" in text):
        return _("the connection to the database server was lost; nothing was written — try again")
    return None


def _open_read_only(path: Path) -> SqliteDatabase:
    """Open for reading a database this user may not write (an archived copy, chmod 0444)."""
    options = "mode=ro"
    if not os.access(path.parent, os.W_OK) and not os.access(f"{path}-shm", os.R_OK):
        # A WAL reader needs a -shm file it can read, and SQLite cannot create one here. Without
        # a -wal there is nothing to the database but the file itself: read that as it is.
        if os.path.exists(f"{path}-wal") and os.path.getsize(f"{path}-wal"):
            raise DatabaseError(_("cannot read {path}: its latest changes are in {path}-wal, which a session with "
                                  "write access must fold in first (open it once with write access)").format(path=path))
        options += "&immutable=1"
    uri = f"{path.resolve().as_uri()}?{options}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            version = _schema_version(conn, path)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseError(_cannot_open(path, exc)) from None
    if version < LATEST:
        raise DatabaseError(_("cannot read {path}: it is read-only for you and needs an upgrade to this release's "
                              "schema (it has {version}, this release {latest}); open it once with write "
                              "access").format(path=path, version=version, latest=LATEST))
    db = _with_text_functions(SqliteDatabase(uri, uri=True, timeout=BUSY_TIMEOUT_S,
                                             pragmas={"foreign_keys": 1, "query_only": 1}, autoconnect=True))
    database.initialize(db)
    return db


def _with_text_functions(db: SqliteDatabase) -> SqliteDatabase:
    """Name search in SQL as in Python: `fold(text)` (crm.text.fold), registered on each connection
    peewee opens (every thread has its own). Sorting stays in Python (`crm.text.sort_key`): a
    collation calls back for every comparison, 0.6 s for 50,000 names against 60 ms."""
    db.register_function(_sql_fold, "fold", 1, deterministic=True)
    return db


def _sql_fold(value: object) -> str | None:
    return None if value is None else fold(str(value))


def is_read_only() -> bool:
    """True if the open database was opened for reading only (see `open_database`)."""
    if not isinstance(database.obj, SqliteDatabase):
        return False  # a server's database: its grants decide, statement by statement
    (query_only,) = database.execute_sql("PRAGMA query_only").fetchone()
    return bool(query_only)


def open_database(path: Location | str, *, reading: bool = False) -> peewee.Database:
    """Open (creating if needed) the database at `path`, migrated to the current schema.

    `reading`: the caller may do with reading, so a database this user may read but not write
    (an archived copy) is opened read-only instead of refused; any write then fails (`query_only`)
    and `storage_problem` says "read-only".
    """
    if isinstance(path, str):  # as typed: a URL, or a file
        path = parse(path)
    if isinstance(path, ServerURL):
        from crm.postgres import open_postgres

        return open_postgres(path)
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(_("{path} is a directory, not a database file").format(path=path))
    if reading and os.path.exists(path) and _read_only_reason(path):
        return _open_read_only(path)
    _create_private_file(path)
    _probe(path)
    db = _with_text_functions(SqliteDatabase(
        str(path),
        timeout=BUSY_TIMEOUT_S,
        lock_type="IMMEDIATE",
        pragmas=PRAGMAS,
        autoconnect=True,
    ))
    try:
        conn = db.connection()
        migrate(conn, path)
    except DatabaseError:
        db.close()
        raise
    except (sqlite3.OperationalError, peewee.OperationalError) as exc:
        db.close()
        raise DatabaseError(_cannot_open(path, exc)) from None
    except (sqlite3.DatabaseError, peewee.DatabaseError) as exc:
        db.close()
        raise DatabaseError(_("{path} is not a Rapport database ({reason})").format(path=path, reason=exc)) from None
    database.initialize(db)
    return db
