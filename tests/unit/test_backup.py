"""Backups: consistent while others write, private, never clobbering, rotated daily.

With CRM_TEST_DATABASE_URL set, on a PostgreSQL server: pg_dump's copies (plain SQL, custom format)
and our JSON export when no usable pg_dump is found, each restored (psql, pg_restore, crm import)
into a database of its own."""

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
from crm.backup import DAILY_NAME, SERVER_DAILY_NAMES, backup_dir, backup_to, rotate_daily, take_backup
from crm.db import open_database
from crm.errors import UserError
from crm.exchange import export_json
from crm.location import ServerURL, on_server
from crm.models import Setting, database
from tests import postgres

on_sqlite = pytest.mark.skipif(bool(postgres.URL), reason="about SQLite's copies")
on_postgres = pytest.mark.skipif(not postgres.URL, reason="needs CRM_TEST_DATABASE_URL")

# A writer adding clients about as fast as it can until the stop file appears (or ten safety minutes
# pass: the test's waits, not this, decide how long a loaded machine may take); every add_client
# writes a client and its first status change in one transaction, so a consistent copy always
# holds as many of each.
WRITER = textwrap.dedent("""
    import sys, time
    from datetime import date
    from pathlib import Path
    from crm.clients import ClientFields, add_client
    from crm.db import open_database, resolve_path
    open_database(resolve_path(sys.argv[1]))
    stop_file, give_up = Path(sys.argv[3]), time.monotonic() + 600
    i = 0
    while not stop_file.exists() and time.monotonic() < give_up:
        add_client(ClientFields(name=f"{sys.argv[2]} {i}", notes="x" * 500), today=date(2026, 11, 23))
        i += 1
        time.sleep(0.01)  # a breath between commits: SQLite's lock is not fair, and two writers
        # re-taking it at once could starve the other past its busy timeout on a loaded machine
""")


def _daily(db_path) -> str:
    """The daily copies' name: a database file's, or pg_dump's plain SQL for a server's."""
    return SERVER_DAILY_NAMES[0] if on_server(db_path) else DAILY_NAME


def _copied_rows(dump: Path, table: str) -> int:
    """Rows of `table` in a plain SQL dump (its COPY block) or in our JSON export."""
    text = dump.read_text(encoding="utf-8")
    if text.startswith("{"):
        import json

        return len(json.loads(text)["tables"][table])
    block = re.search(rf"^COPY \S+\.{table} \(.*?\) FROM stdin;\n(.*?)^\\\.$", text, re.S | re.M)
    assert block, f"no COPY of {table} in {dump}"
    return block.group(1).count("\n")


def _check(path) -> tuple[int, int]:
    if path.suffix in (".sql", ".json"):
        return _copied_rows(path, "client"), _copied_rows(path, "status_change")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return (conn.execute("SELECT COUNT(*) FROM client").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM status_change").fetchone()[0])
    finally:
        conn.close()


def _written(db_path) -> tuple[int, int]:
    """How many clients the writers committed so far, and how many writers committed any."""
    query = "SELECT COUNT(*), COUNT(DISTINCT substr(name, 1, 2)) FROM client"
    if on_server(db_path):
        import psycopg

        with psycopg.connect(db_path, autocommit=True) as server:
            return server.execute(query).fetchone()
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(query).fetchone()
    finally:
        conn.close()


def _wait_for(condition, what: str, timeout: float = 60.0) -> None:
    """Poll `condition()` until it holds; the deadline is generous for a loaded machine."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.02)


@pytest.mark.parametrize("way", ["native", "export"])
def test_backup_while_others_write_is_consistent(db_path, tmp_path, cli, monkeypatch, way):
    if way == "export":
        if not on_server(db_path):
            pytest.skip("an SQLite file has one way")
        monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))  # no pg_dump: our export
    suffix = {"native": ".sql" if on_server(db_path) else ".db", "export": ".json"}[way]
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
            result = cli("backup", str(tmp_path / f"copy{n}{suffix}"))
            assert result.code == 0, result.err
            copies.append(_check(tmp_path / f"copy{n}{suffix}"))
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
    assert _written(db_path)[0] >= copies[-1][0]


@on_sqlite
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
    refused = [(note, "is not a database; not overwriting")]
    if not on_server(db_path):
        refused.append((db_path, "is the database itself"))
    for target, message in refused:
        before = target.read_bytes()
        result = cli("backup", str(target))
        assert result.code == 2 and message in result.err
        assert target.read_bytes() == before


@pytest.mark.sqlite_only
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
    backups = backup_dir(db_path)
    assert first == backups / _daily(db_path).format(day=today)
    stamp = first.stat().st_mtime_ns
    assert rotate_daily(db_path, today, keep=3) is None  # a second start the same day
    assert first.stat().st_mtime_ns == stamp
    for n in range(1, 6):
        rotate_daily(db_path, today + timedelta(days=n), keep=3)
    names = sorted(p.name for p in backups.iterdir())
    assert names == [_daily(db_path).format(day=today + timedelta(days=n)) for n in (3, 4, 5)]
    assert oct(backups.stat().st_mode & 0o777) == "0o700"


def test_daily_rotation_follows_the_settings(db, db_path, tmp_path):
    Setting.create(key="backup.keep", value="2")
    Setting.create(key="backup.dir", value=str(tmp_path / "elsewhere"))
    for n in range(4):
        rotate_daily(db_path, date(2026, 1, 1) + timedelta(days=n))
    assert sorted(p.name for p in (tmp_path / "elsewhere").iterdir()) == [
        _daily(db_path).format(day="2026-01-03"), _daily(db_path).format(day="2026-01-04")]
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
    backups = backup_dir(db_path)
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


# ---- a PostgreSQL server's copies, restored ------------------------------------------------------


@pytest.fixture
def restored(tmp_path):
    """A database of its own to restore into (dropped afterwards); its URL."""
    import psycopg

    name = f"rapport_restore_{os.getpid()}"
    with psycopg.connect(postgres.URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    base = postgres.URL.split("?")[0].rsplit("/", 1)[0]
    yield f"{base}/{name}"
    database.close()
    with psycopg.connect(postgres.URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@on_postgres
@pytest.mark.parametrize(("name", "way", "loader"), [
    ("copy.sql", "pg_dump ", "psql"),
    ("copy.dump", "pg_dump ", "pg_restore"),
    ("copy.json", "our JSON export", "crm import"),
])
def test_a_servers_copy_is_private_and_restores(db, db_path, tmp_path, today, cli, restored, name, way, loader):
    clients.add_client(clients.ClientFields(name="Before", notes="Ünïcode ✓ 100% 'quoted'"), today=today)
    expected = export_json()
    (schema,) = database.execute_sql("SELECT current_schema()").fetchone()
    made = take_backup(tmp_path / "new" / "dir" / name)
    clients.add_client(clients.ClientFields(name="Mistake"), today=today)
    assert way in made.way and loader in made.way, made.way
    assert oct(made.path.stat().st_mode & 0o777) == "0o600"
    assert oct(made.path.parent.stat().st_mode & 0o777) == "0o700"
    assert [p.name for p in made.path.parent.iterdir()] == [name]  # no temporary file left
    db.close()
    there = ServerURL(f"{restored}?options=-csearch_path%3D{schema}")
    if loader == "crm import":
        import psycopg

        with psycopg.connect(restored, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        imported = cli("--db", there, "import", str(made.path))
        assert imported.code == 0, imported.err
    elif loader == "psql":
        subprocess.run(["psql", "--dbname", restored, "--set=ON_ERROR_STOP=1", "--quiet", "--file", str(made.path)],
                       check=True, capture_output=True)
    else:
        subprocess.run(["pg_restore", "--dbname", restored, "--no-owner", "--exit-on-error", "--single-transaction",
                        str(made.path)], check=True, capture_output=True)
    open_database(there)
    assert export_json() == expected  # every table, every row: "Mistake" came after the copy


@on_postgres
def test_a_pg_dump_older_than_the_server_is_not_used(db, db_path, tmp_path, today, monkeypatch):
    programs = tmp_path / "programs"
    programs.mkdir()
    old = programs / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    old.chmod(0o755)
    monkeypatch.setenv("PATH", str(programs))
    clients.add_client(clients.ClientFields(name="Acme"), today=today)
    made = take_backup(tmp_path / "copy.dump")
    assert re.search(r"pg_dump 9 is older than the server \(\d+\)", made.way) and "our JSON export" in made.way
    assert _copied_rows(made.path, "client") == 1


@on_postgres
def test_a_servers_daily_copies_are_kept_in_the_users_data_folder(db, db_path, tmp_path, today):
    made = rotate_daily(db_path, today)
    (schema,) = database.execute_sql("SELECT current_schema()").fetchone()
    assert made.name == f"rapport-{today}.sql" and made.parent.name.endswith(f"-{schema}")
    assert made.parent.parent == tmp_path / "home" / "data" / "rapport" / "backups"
    Setting.put("backup.dir", "elsewhere")  # relative: in the data folder
    assert backup_dir(db_path) == tmp_path / "home" / "data" / "rapport" / "elsewhere"
