"""Consistent copies of the database: on demand (`crm backup PATH`) and a daily rotation.

Copies go through SQLite's online backup API, which reads one snapshot of the database while other
sessions keep writing (WAL readers never block writers). Every copy is first written to a temporary
file beside its target and renamed into place, so a full disk or a kill leaves either the old file
or the new one, never half of one; the temporary files a kill left behind are removed by the next
write into that directory. Files and directories are private, or the group's in a shared
directory (crm.files).
"""

import fcntl
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, Any

from crm import validate
from crm.errors import UserError
from crm.files import make_dirs, set_file_mode
from crm.i18n import N_, _
from crm.journal import change
from crm.models import Setting, database
from crm.paths import check_output
from crm.text import safe_line

DEFAULT_KEEP = 7
MAX_KEEP = 3660  # ten years of dailies: more is a typo
DEFAULT_DIR = "backups"  # beside the database unless the `backup.dir` setting says otherwise
DAILY_NAME = "rapport-{day}.db"
_DAILY = re.compile(r"^rapport-(\d{4}-\d{2}-\d{2})\.db$")
_SQLITE_HEADER = b"SQLite format 3\x00"
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


def backup_to(path: Path | str) -> Path:
    """Copy the open database to `path` (private, or the group's in a shared directory); the path.

    The copy is one consistent snapshot even while others write, and a self-contained single
    file (rollback journal, no -wal beside it), ready to be opened or restored as is.
    """
    target = Path(path).expanduser()
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
    return target


def _setting(key: str) -> str | None:
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row else None


def backup_dir(db_path: Path, configured: str | None = None) -> Path:
    """Where daily backups go: the `backup.dir` setting (relative to the database's directory),
    else `backups/` beside the database. `configured` is a typed value to use instead."""
    configured = _setting("backup.dir") if configured is None else configured.strip()
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


def rotate_daily(db_path: Path, today: date, keep: int | None = None, directory: Path | None = None) -> Path | None:
    """Make today's backup unless it exists, then keep only the newest `keep`; the new file or None.

    Call it once the database is open (the app does at start). Idempotent per day, and safe when
    several sessions start at once: the rename is atomic and a second copy of the same day is
    simply not made. `keep` and `directory` default to the settings `backup.keep` and `backup.dir`.
    """
    keep = backup_keep() if keep is None else keep
    if keep <= 0:
        return None
    directory = backup_dir(db_path) if directory is None else Path(directory)
    target = directory / DAILY_NAME.format(day=today.isoformat())
    try:
        made = None if target.exists() else backup_to(target)
        for old in daily_backups(directory)[:-keep]:
            old.unlink(missing_ok=True)
    except OSError as exc:  # e.g. a backup directory another user made private to them
        raise UserError(_("cannot use the backup directory {path}: {reason}").format(
            path=safe_line(directory), reason=exc.strerror or exc)) from None
    return made
