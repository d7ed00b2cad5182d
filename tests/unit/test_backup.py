"""Backups: consistent while others write, private, never clobbering, rotated daily."""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from crm import clients
from crm.backup import backup_to, rotate_daily
from crm.db import open_database
from crm.errors import UserError
from crm.exchange import export_json
from crm.models import Setting

# A writer adding clients about as fast as it can until the stop file appears (or ten safety minutes
# pass: the test's waits, not this, decide how long a loaded machine may take); every add_client
# writes a client and its first status change in one transaction, so a consistent copy always
# holds as many of each.
WRITER = textwrap.dedent("""
    import sys, time
    from datetime import date
    from pathlib import Path
    from crm.clients import ClientFields, add_client
    from crm.db import open_database
    open_database(sys.argv[1])
    stop_file, give_up = Path(sys.argv[3]), time.monotonic() + 600
    i = 0
    while not stop_file.exists() and time.monotonic() < give_up:
        add_client(ClientFields(name=f"{sys.argv[2]} {i}", notes="x" * 500), today=date(2026, 11, 23))
        i += 1
        time.sleep(0.01)  # a breath between commits: SQLite's lock is not fair, and two writers
        # re-taking it at once could starve the other past its busy timeout on a loaded machine
""")


def _check(path) -> tuple[int, int]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return (conn.execute("SELECT COUNT(*) FROM client").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM status_change").fetchone()[0])
    finally:
        conn.close()


def _written(db_path) -> tuple[int, int]:
    """How many clients the writers committed so far, and how many writers committed any."""
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute("SELECT COUNT(*), COUNT(DISTINCT substr(name, 1, 2)) FROM client").fetchone()
    finally:
        conn.close()


def _wait_for(condition, what: str, timeout: float = 60.0) -> None:
    """Poll `condition()` until it holds; the deadline is generous for a loaded machine."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.02)


def test_backup_while_others_write_is_consistent(db_path, tmp_path, cli):
    open_database(db_path).close()
    stop = tmp_path / "stop-writing"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), f"w{n}", str(stop)],
                                stderr=subprocess.PIPE, text=True) for n in range(2)]
    copies: list[tuple[int, int]] = []
    try:
        _wait_for(lambda: _written(db_path)[1] == 2, "both writers to commit")
        for n in range(3):
            if copies:  # each copy is taken after more was written than the previous copy holds
                floor = copies[-1][0]
                _wait_for(lambda floor=floor: _written(db_path)[0] > floor, "the writers to add more clients")
            result = cli("backup", str(tmp_path / f"copy{n}.db"))
            assert result.code == 0, result.err
            copies.append(_check(tmp_path / f"copy{n}.db"))
        assert all(writer.poll() is None for writer in writers)  # still writing after the last copy
    finally:
        stop.touch()
        for writer in writers:
            try:
                writer.wait(timeout=60)
            except subprocess.TimeoutExpired:
                writer.kill()
                writer.wait()
    for writer in writers:
        assert writer.returncode == 0, writer.stderr.read()

    assert all(made == changes for made, changes in copies)  # never half a transaction
    assert copies[0][0] > 0 and copies[-1][0] > copies[0][0]  # the copies were taken mid-write
    assert _check(db_path)[0] >= copies[-1][0]


def test_backup_is_one_private_self_contained_file(db, db_path, tmp_path, today):
    clients.add_client(clients.ClientFields(name="Acme"), today=today)
    expected = export_json()
    target = backup_to(tmp_path / "new" / "dir" / "copy.db")

    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert oct(target.parent.stat().st_mode & 0o777) == "0o700"
    assert not (tmp_path / "new" / "dir" / "copy.db-wal").exists()
    assert [p.name for p in target.parent.iterdir()] == ["copy.db"]  # no temporary file left
    db.close()
    open_database(target)
    assert export_json() == expected


def test_backup_refuses_the_database_itself_and_foreign_files(db, db_path, tmp_path, cli):
    note = tmp_path / "notes.txt"
    note.write_text("my notes")
    db.close()
    for target, message in ((db_path, "is the database itself"), (note, "is not a database; not overwriting")):
        before = target.read_bytes()
        result = cli("backup", str(target))
        assert result.code == 2 and message in result.err
        assert target.read_bytes() == before


def test_restore_as_the_readme_says(db, db_path, tmp_path, today, cli):
    clients.add_client(clients.ClientFields(name="Before"), today=today)
    backup_to(tmp_path / "copy.db")
    clients.add_client(clients.ClientFields(name="Mistake"), today=today)
    db.close()
    # README "Backups": close every session, remove -wal/-shm, copy the backup over the database.
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"crm.db{suffix}").unlink(missing_ok=True)
    shutil.copyfile(tmp_path / "copy.db", db_path)
    os.chmod(db_path, 0o600)

    listed = cli("client", "list")
    assert "Before" in listed.out and "Mistake" not in listed.out


def test_daily_rotation_keeps_the_newest_and_is_idempotent(db, db_path, today):
    first = rotate_daily(db_path, today, keep=3)
    assert first == db_path.parent / "backups" / f"rapport-{today}.db"
    stamp = first.stat().st_mtime_ns
    assert rotate_daily(db_path, today, keep=3) is None  # a second start the same day
    assert first.stat().st_mtime_ns == stamp
    for n in range(1, 6):
        rotate_daily(db_path, today + timedelta(days=n), keep=3)
    names = sorted(p.name for p in (db_path.parent / "backups").iterdir())
    assert names == [f"rapport-{today + timedelta(days=n)}.db" for n in (3, 4, 5)]
    assert oct((db_path.parent / "backups").stat().st_mode & 0o777) == "0o700"


def test_daily_rotation_follows_the_settings(db, db_path, tmp_path):
    Setting.create(key="backup.keep", value="2")
    Setting.create(key="backup.dir", value=str(tmp_path / "elsewhere"))
    for n in range(4):
        rotate_daily(db_path, date(2026, 1, 1) + timedelta(days=n))
    assert sorted(p.name for p in (tmp_path / "elsewhere").iterdir()) == ["rapport-2026-01-03.db",
                                                                          "rapport-2026-01-04.db"]
    Setting.update(value="0").where(Setting.key == "backup.keep").execute()
    assert rotate_daily(db_path, date(2026, 2, 1)) is None  # 0 turns daily backups off
    Setting.update(value="many").where(Setting.key == "backup.keep").execute()
    with pytest.raises(UserError, match=re.escape("backup.keep must be a whole number")):
        rotate_daily(db_path, date(2026, 2, 2))


# Stops inside a backup, its temporary file (and the copy's journal) written, until killed or told
# to go on: a kill there is what a power cut or `kill -9` during a backup leaves behind.
HALTED_BACKUP = textwrap.dedent("""
    import sqlite3, sys
    from pathlib import Path
    from crm.backup import atomic_path
    with atomic_path(Path(sys.argv[1])) as tmp:
        copy = sqlite3.connect(tmp)
        copy.execute("BEGIN")
        copy.execute("CREATE TABLE half (x)")
        print(tmp, flush=True)
        sys.stdin.readline()
        copy.rollback()
        copy.close()
""")


def _halted(target) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-c", HALTED_BACKUP, str(target)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    return proc, proc.stdout.readline().strip()  # waits until it is inside the backup


def test_the_next_backup_removes_what_a_killed_one_left(db, db_path, today):
    backups = db_path.parent / "backups"
    killed, left = _halted(backups / "rapport-2026-01-01.db")
    killed.kill()
    killed.wait()
    assert sorted(p.name for p in backups.iterdir()) == sorted([Path(left).name, Path(left).name + "-journal"])
    alive, writing = _halted(backups / "rapport-2026-01-02.db")  # another session's backup, still going
    try:
        made = rotate_daily(db_path, today)
        assert sorted(p.name for p in backups.iterdir()) == sorted(
            [made.name, Path(writing).name, Path(writing).name + "-journal"])
    finally:
        alive.communicate("go on\n", timeout=60)
    assert alive.returncode == 0  # its file was left alone: it finished and renamed it
    assert sorted(p.name for p in backups.iterdir()) == sorted([made.name, "rapport-2026-01-02.db"])
    rotate_daily(db_path, today + timedelta(days=1))  # nothing running now: the next one tidies up all
    assert not [p for p in backups.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("text", ["١", "²", "7.5", "99999999999999999999", "1e3"])
def test_backup_keep_takes_ascii_whole_numbers_only(text):
    from crm.backup import parse_keep

    with pytest.raises(UserError, match=re.escape("backup.keep must be a whole number")):
        parse_keep(text)
