"""Consistent copies of the database: on demand (`crm backup PATH`) and a daily rotation.

Copies go through SQLite's online backup API, which reads one snapshot of the database while other
sessions keep writing (WAL readers never block writers). Every copy is first written to a temporary
file beside its target and renamed into place, so a full disk or a kill leaves either the old file
or the new one, never half of one; the temporary files a kill left behind are removed by the next
write into that directory. Files and directories are private, or the group's in a shared
directory (crm.files).

On a PostgreSQL server (crm.postgres) a copy is `pg_dump` of the URL's schema (one snapshot of its
own), plain SQL for a `.sql` name and for the daily copies (`psql` loads them), its custom format
otherwise (`pg_restore`); where no pg_dump at least as new as the server is installed, it is our
JSON export (`crm import` loads it), read in one REPEATABLE READ transaction. Daily copies of a
server's database are kept in this user's data folder (`backups/<host-port-db-schema>`), there
being no database file to keep them beside.
"""

import fcntl
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from crm import validate
from crm.errors import UserError
from crm.files import make_dirs, set_file_mode
from crm.i18n import N_, _
from crm.journal import change
from crm.location import Location, on_server
from crm.models import Setting, database
from crm.paths import check_output
from crm.text import safe_line
from crm.userdirs import user_dir

DEFAULT_KEEP = 7
MAX_KEEP = 3660  # ten years of dailies: more is a typo
DEFAULT_DIR = "backups"  # beside the database unless the `backup.dir` setting says otherwise
DAILY_NAME = "rapport-{day}.db"
SERVER_DAILY_NAMES = ("rapport-{day}.sql", "rapport-{day}.json")  # pg_dump's plain SQL, or our export
_DAILY = re.compile(r"^rapport-(\d{4}-\d{2}-\d{2})\.(db|sql|json)$")
_SQLITE_HEADER = b"SQLite format 3\x00"
# How a server's backup file begins: pg_dump's custom format, its plain SQL, our JSON export.
_SERVER_HEADERS = (b"PGDMP", b"--", b"{")
PG_DUMP_TIMEOUT_S = 3600
_TEMP_MARK = ".rapport-"  # in every temporary file's name: `.<target>.rapport-XXXXXXXX.tmp`
# A temporary file, or the rollback journal SQLite keeps beside one while a backup is written.
_LEFTOVER = re.compile(r"^\..+\.rapport-[a-z0-9_]{8}\.tmp(-journal)?$")


def private_dir(directory: Path) -> None:
    """Create `directory` and its missing parents 0700 (02770 in a shared directory); an existing
    one is left as it is."""
    try:
        make_dirs(directory)
    except OSError as exc:
        raise UserError(_("cannot create directory {path}: {reason}").format(
            path=safe_line(directory), reason=exc.strerror)) from None
    if not directory.is_dir():
        raise UserError(_("{path} is not a directory").format(path=safe_line(directory)))


@contextmanager
def _writing_in(directory: Path) -> Iterator[None]:
    """Hold a shared lock on `directory` while a temporary file of ours is in it. First, if no
    other Rapport process is writing there (the exclusive lock is free), remove the temporary files
    a killed one left: a live writer holds the shared lock until its file is renamed or removed."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # a directory we may write but not read: no tidying there
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # another session is writing here; the next write tidies up
        else:
            _remove_leftovers(directory)
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # releases the lock


def _remove_leftovers(directory: Path) -> None:
    try:
        for entry in os.scandir(directory):
            if _LEFTOVER.match(entry.name) and entry.is_file(follow_symlinks=False):
                _discard(entry.path)
    except OSError:
        pass  # tidying is a courtesy: it never stops the write itself


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary file beside `target` (0600, or 0660 in a shared directory) that replaces it only
    once the block succeeds.

    Any failure (full disk, read-only directory, an exception in the block) removes the temporary
    file and leaves `target` exactly as it was; a kill leaves it for the next write to remove.
    """
    private_dir(target.parent)
    with _writing_in(target.parent):
        try:
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}{_TEMP_MARK}", suffix=".tmp")
            os.close(fd)
            set_file_mode(Path(tmp))
        except OSError as exc:
            raise UserError(_("cannot write {path}: {reason}").format(
                path=safe_line(target), reason=exc.strerror)) from None
        try:
            yield Path(tmp)
            os.replace(tmp, target)
        except OSError as exc:
            _discard(tmp)
            raise UserError(_("cannot write {path}: {reason}; it was left unchanged").format(
                path=safe_line(target), reason=exc.strerror or exc)) from None
        except BaseException:
            _discard(tmp)
            raise


@contextmanager
def atomic_file(target: Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """`atomic_path`, opened for writing and synced to disk before it replaces `target`."""
    encoding, newline = (None, None) if "b" in mode else ("utf-8", "")
    with atomic_path(target) as tmp, open(tmp, mode, encoding=encoding, newline=newline) as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


def _discard(path: str) -> None:
    for leftover in (path, f"{path}-journal"):
        try:
            os.unlink(leftover)
        except FileNotFoundError:
            pass


def _check_target(target: Path) -> None:
    """Refuse the live database's files (crm.paths) or a file that is not an SQLite database."""
    check_output(target)
    if not target.exists():
        return
    with open(target, "rb") as handle:
        head = handle.read(len(_SQLITE_HEADER))
    if head and head != _SQLITE_HEADER:
        raise UserError(_("{path} exists and is not a database; not overwriting it").format(path=safe_line(target)))


# The ways a copy is taken, as said after it.
WAY_SQLITE = N_("SQLite's online backup")
WAY_PG_DUMP_SQL = N_("pg_dump {version}, plain SQL: load it with psql")
WAY_PG_DUMP_CUSTOM = N_("pg_dump {version}, custom format: load it with pg_restore")
WAY_JSON = N_("our JSON export, read in one REPEATABLE READ snapshot, since {why}: load it with crm import")


@dataclass(frozen=True)
class Backup:
    path: Path
    way: str  # how it was taken, in the reader's language


def backup_to(path: Path | str) -> Path:
    """Copy the open database to `path` (private, or the group's in a shared directory); the path.

    The copy is one consistent snapshot even while others write, and a self-contained single
    file (rollback journal, no -wal beside it), ready to be opened or restored as is. On a
    PostgreSQL server: see the module's docstring.
    """
    return take_backup(path).path


def take_backup(path: Path | str) -> Backup:
    """`backup_to`, also saying which way the copy was taken."""
    target = Path(path).expanduser()
    from crm.dialect import postgres

    if postgres():
        return _server_backup(target)
    _check_target(target)
    source = database.connection()
    with atomic_path(target) as tmp:
        dest = sqlite3.connect(tmp)
        try:
            # The default single step (pages=-1) reads one snapshot; small steps restart on every write.
            source.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")
            (verdict,) = dest.execute("PRAGMA quick_check").fetchone()
        except sqlite3.Error as exc:
            raise UserError(_("cannot write the backup {path}: {reason}; it was left unchanged").format(
                path=safe_line(target), reason=exc)) from None
        finally:
            dest.close()
        if verdict != "ok":
            raise UserError(_("the backup failed its check ({verdict}); {path} was left unchanged").format(
                verdict=verdict, path=safe_line(target)))
    return Backup(target, _(WAY_SQLITE))


# ---- a PostgreSQL server's backup ------------------------------------------------------------


def _check_server_target(target: Path) -> None:
    """Refuse a directory, or a file that is not a backup of ours (SQLite's, pg_dump's or JSON)."""
    if target.is_dir():
        raise UserError(_("{path} is a directory").format(path=safe_line(target)))
    if not target.exists():
        return
    try:
        with open(target, "rb") as handle:
            head = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise UserError(_("cannot write {path}: {reason}").format(
            path=safe_line(target), reason=exc.strerror)) from None
    if head and not head.startswith((_SQLITE_HEADER, *_SERVER_HEADERS)):
        raise UserError(_("{path} exists and is not a database; not overwriting it").format(path=safe_line(target)))


def _major(version_num: int) -> int:
    return version_num // 10000 if version_num >= 100000 else version_num // 100


def pg_dump_program() -> tuple[str | None, str]:
    """The pg_dump on PATH if it can dump the open server (its major version not older than the
    server's), and its version; else None and why not, in the reader's language."""
    found = shutil.which("pg_dump")
    if found is None:
        return None, _("pg_dump is not installed")
    try:
        said = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None, _("pg_dump would not run")
    version = re.search(r"\)\s*(\d+)(?:\.\d+)?", said) or re.search(r"(\d+)(?:\.\d+)?", said)
    if version is None:
        return None, _("pg_dump would not say its version")
    major = int(version.group(1))
    server = _major(int(database.server_version))
    if major < server:
        return None, _("pg_dump {found} is older than the server ({server})").format(found=major, server=server)
    return found, version.group(0).lstrip(") ")


def _connection_env() -> tuple[str, dict[str, str]]:
    """The open server's connection as a conninfo string without its password, and an
    environment with PGPASSWORD (a password on a command line is seen by every user's `ps`)."""
    from psycopg2.extensions import make_dsn, parse_dsn

    params = {key: str(value) for key, value in parse_dsn(str(database.database)).items()}
    env = dict(os.environ)
    if password := params.pop("password", None):
        env["PGPASSWORD"] = password
    return make_dsn(**params), env


def _schema() -> str:
    (schema,) = database.execute_sql("SELECT current_schema()").fetchone()
    if not schema:
        raise UserError(_("the database's search_path names no schema that exists; nothing to back up"))
    return str(schema)


def _server_backup(target: Path) -> Backup:
    _check_server_target(target)
    program, version_or_why = pg_dump_program()
    if program is None:
        return _json_backup(target, version_or_why)
    plain = target.suffix.lower() == ".sql"
    if target.suffix.lower() == ".json":
        return _json_backup(target, _("a .json name asks for it"))
    conninfo, env = _connection_env()
    quoted = '"' + _schema().replace('"', '""') + '"'
    with atomic_path(target) as tmp:
        command = [program, "--dbname", conninfo, "--schema", quoted, "--no-owner", "--no-privileges",
                   "--format", "plain" if plain else "custom", "--file", str(tmp)]
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=PG_DUMP_TIMEOUT_S)
        except (OSError, subprocess.SubprocessError) as exc:
            raise UserError(_("pg_dump failed ({reason}); {path} was left unchanged").format(
                reason=exc, path=safe_line(target))) from None
        if done.returncode != 0:
            said = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
            raise UserError(_("pg_dump failed ({reason}); {path} was left unchanged").format(
                reason=safe_line(said.removeprefix("pg_dump: ").removeprefix("error: ")), path=safe_line(target)))
    way = WAY_PG_DUMP_SQL if plain else WAY_PG_DUMP_CUSTOM
    return Backup(target, _(way).format(version=version_or_why))


def _json_backup(target: Path, why: str) -> Backup:
    from crm.exchange.json_format import export_json

    text = export_json()  # one REPEATABLE READ transaction (json_format.snapshot)
    with atomic_file(target, "w") as handle:
        handle.write(text)
    return Backup(target, _(WAY_JSON).format(why=why))


def _setting(key: str) -> str | None:
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row else None


def server_backup_name(url: str) -> str:
    """A folder name for a server's database: host, port, database and schema, safe in a path."""
    from psycopg2.extensions import parse_dsn

    params = parse_dsn(str(url))
    parts = [str(params.get("host") or "local"), str(params.get("port") or "5432"),
             str(params.get("dbname") or params.get("user") or "postgres"), _schema()]
    name = "-".join(re.sub(r"[^A-Za-z0-9._]+", "_", part).strip("._") or "_" for part in parts)
    return name[:200]


def backup_dir(db_path: Location, configured: str | None = None) -> Path:
    """Where daily backups go: the `backup.dir` setting (relative to the database's directory),
    else `backups/` beside the database. `configured` is a typed value to use instead.
    A server's database (no file to keep them beside): relative to this user's data folder, by
    default `backups/<host-port-db-schema>` there."""
    configured = _setting("backup.dir") if configured is None else configured.strip()
    if on_server(db_path):
        if not configured:
            return user_dir("data") / DEFAULT_DIR / server_backup_name(str(db_path))
        directory = Path(configured).expanduser()
        return directory if directory.is_absolute() else user_dir("data") / directory
    directory = Path(configured).expanduser() if configured else Path(DEFAULT_DIR)
    return directory if directory.is_absolute() else Path(db_path).parent / directory


def parse_keep(text: str) -> int:
    """How many daily backups to keep, as stored or typed: a whole number, 0 for none (ASCII digits:
    int() would take '١' for 1)."""
    if text.strip().startswith("-") and text.strip()[1:].isdigit():
        raise UserError(_("setting backup.keep must not be negative ({keep})").format(keep=safe_line(text.strip())))
    try:
        return validate.whole(text, 0, MAX_KEEP)
    except UserError:
        raise UserError(_("setting backup.keep must be a whole number from 0 to {most}, not {text!r}").format(
            most=MAX_KEEP, text=safe_line(text))) from None


def backup_keep() -> int:
    """How many daily backups to keep: the `backup.keep` setting, else 7 (0 turns them off)."""
    configured = _setting("backup.keep")
    return DEFAULT_KEEP if configured is None else parse_keep(configured)


def set_backup_settings(keep: int, directory: str) -> None:
    """Store `backup.keep` and `backup.dir` (an empty directory means the default `backups/`)."""
    with change(N_("Changed the backup settings")):
        Setting.put("backup.keep", str(keep))
        if directory.strip():
            Setting.put("backup.dir", directory.strip())
        else:
            Setting.delete().where(Setting.key == "backup.dir").execute()


def daily_backups(directory: Path) -> list[Path]:
    """The daily backups in `directory`, oldest first."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if _DAILY.match(p.name))


def rotate_daily(db_path: Location, today: date, keep: int | None = None,
                 directory: Path | None = None) -> Path | None:
    """Make today's backup unless it exists, then keep only the newest `keep`; the new file or None.

    Call it once the database is open (the app does at start). Idempotent per day, and safe when
    several sessions start at once: the rename is atomic and a second copy of the same day is
    simply not made. `keep` and `directory` default to the settings `backup.keep` and `backup.dir`.
    """
    keep = backup_keep() if keep is None else keep
    if keep <= 0:
        return None
    directory = backup_dir(db_path) if directory is None else Path(directory)
    names = SERVER_DAILY_NAMES if on_server(db_path) else (DAILY_NAME,)
    todays = [directory / name.format(day=today.isoformat()) for name in names]
    try:
        if any(path.exists() for path in todays):
            made = None
        elif on_server(db_path) and pg_dump_program()[0] is None:
            made = backup_to(todays[1])  # our JSON export
        else:
            made = backup_to(todays[0])
        for old in daily_backups(directory)[:-keep]:
            old.unlink(missing_ok=True)
    except OSError as exc:  # e.g. a backup directory another user made private to them
        raise UserError(_("cannot use the backup directory {path}: {reason}").format(
            path=safe_line(directory), reason=exc.strerror or exc)) from None
    return made
