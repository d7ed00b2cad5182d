"""Where Rapport may write a file it was asked to write (an export, a feed, a backup).

Never onto the open database or the files SQLite keeps beside it: a file written over `DB-wal`
(or `-shm`, `-journal`) destroys committed data of every open session (docs/pitfalls.md). The path is
compared after resolving symlinks, of the file and of any directory on the way, and an existing
file also by identity (device and inode), which catches a hard link.
"""

import os
from pathlib import Path

from crm import dialect
from crm.errors import UserError
from crm.i18n import _
from crm.models import database
from crm.text import safe_line

SIDE_FILES = ("-wal", "-shm", "-journal")  # what SQLite keeps beside a database file


def database_files() -> list[Path]:
    """The open database's file and its side files (existing or not), symlinks resolved; none for
    a PostgreSQL server, whose files are the server's own and out of our reach."""
    if dialect.postgres():
        return []
    (_seq, _name, file) = database.connection().execute("PRAGMA database_list").fetchone()
    if not file:  # an in-memory database has no files
        return []
    main = Path(os.path.realpath(file))
    return [main, *(main.with_name(main.name + suffix) for suffix in SIDE_FILES)]


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def check_output(target: Path) -> None:
    """UserError unless `target` may be written as a new or replaced file: not a directory, not the
    open database or one of its side files."""
    if os.path.isdir(target):
        raise UserError(_("{path} is a directory; give a file name").format(path=safe_line(target)))
    resolved, identity = Path(os.path.realpath(target)), _identity(target)
    for index, own in enumerate(database_files()):
        if resolved == own or (identity is not None and identity == _identity(own)):
            if index == 0:
                raise UserError(_("{path} is the database itself; choose another file").format(
                    path=safe_line(target)))
            raise UserError(_("{path} is the database's {file} file: writing it would destroy data; "
                              "choose another file").format(path=safe_line(target), file=own.name))
