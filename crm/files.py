"""The modes of the files and directories Rapport creates.

Everything is private to its user (files 0600, directories 0700), except inside a *shared*
directory: one with the setgid bit, as README's "A team on one server" sets up (a group owns the
directory, and whatever is created in it inherits that group). There files are 0660 and
directories 02770, so every member of the group can open the database (SQLite gives its -wal and
-shm the database file's mode), and make and rotate the daily backups. Modes are set explicitly
after creation: a umask such as 022 would take the group's write bit away.
"""

import os
import stat
from pathlib import Path

PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700
GROUP_FILE, GROUP_DIR = 0o660, 0o2770


def is_shared(directory: Path) -> bool:
    """True if `directory` is shared with a group (setgid), False if not or if it cannot be read."""
    try:
        return bool(os.stat(directory).st_mode & stat.S_ISGID)
    except OSError:
        return False


def file_mode(directory: Path) -> int:
    """The mode of a new file in `directory`."""
    return GROUP_FILE if is_shared(directory) else PRIVATE_FILE


def set_file_mode(path: Path) -> None:
    """Give a file just created (e.g. by mkstemp, 0600) the mode of its directory."""
    mode = file_mode(path.parent)
    if mode != PRIVATE_FILE:
        os.chmod(path, mode)


def create_file(path: Path) -> bool:
    """Create an empty file with the mode of its directory; False if it already exists (untouched).
    OSError if it cannot be created."""
    mode = file_mode(path.parent)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, mode)  # exact, whatever the umask
    finally:
        os.close(fd)
    return True


def make_dirs(directory: Path) -> None:
    """Create `directory` and each missing parent, 0700, or 02770 inside a shared directory (the
    group mode passes down). Existing directories are left as they are. OSError if one cannot be
    created."""
    missing: list[Path] = []
    current = Path(os.path.abspath(directory))
    while not os.path.lexists(current):
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        mode = GROUP_DIR if is_shared(path.parent) else PRIVATE_DIR
        try:
            os.mkdir(path, PRIVATE_DIR)
        except FileExistsError:
            continue  # another session made it meanwhile: theirs stands
        os.chmod(path, mode)
