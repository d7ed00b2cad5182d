"""Opening the database: where it lives, private modes, the schema version, and files that are
not ours refused without a byte changed."""

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from crm import clients
from crm.backup import atomic_file, backup_to, rotate_daily
from crm.db import default_path, open_database, resolve_path
from crm.errors import DatabaseError
from crm.migrations import LATEST


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """The most permissive umask: the modes must come from Rapport, not from a careful umask."""
    old = os.umask(0)
    yield
    os.umask(old)


def test_a_new_database_is_private_in_a_private_directory(tmp_path, open_umask):
    path = tmp_path / "fresh" / "nested" / "crm.db"
    open_database(path).close()
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert _mode(tmp_path / "fresh") == 0o700  # every directory made on the way, not just the last


def test_every_directory_rapport_makes_is_private(tmp_path, open_umask, cli, monkeypatch, today):
    """The default database's directories, the holiday cache, the wizard's kept steam, backups and
    exports into directories that do not exist yet: 0700 at every level, whatever the umask."""
    from crm import occasion_cache, occasions, wizard

    # As in a new process: an earlier test in this worker may hold the holidays in memory (and the
    # cache file's path under its own home), and then `crm review` would write no cache here.
    monkeypatch.setattr(occasions, "_STORE", occasion_cache.Store(occasions._STORE.stamp))
    occasions._year.cache_clear()
    monkeypatch.delenv("CRM_DB")  # the default place, under $HOME (conftest puts it in tmp_path)
    home = tmp_path / "home"
    assert cli("client", "add", "Acme", "--country", "DE").code == 0
    assert cli("review").code == 0  # caches the holidays on disk
    assert cli("backup", str(tmp_path / "made" / "by" / "backup.db")).code == 0
    assert cli("export", "--out", str(tmp_path / "made" / "for" / "export.json")).code == 0
    open_database(default_path())
    session = wizard.start(1, today=today)
    cooling = (wizard.utcnow() + wizard.timedelta(minutes=20)).isoformat()
    wizard.keep_steam(wizard.replace(session.state, steam="!", cool_until=cooling))
    made = [p for p in (*home.rglob("*"), *(tmp_path / "made").rglob("*"), tmp_path / "made") if p.is_dir()]
    assert {str(p.relative_to(tmp_path)): oct(_mode(p)) for p in made} == {
        str(p.relative_to(tmp_path)): "0o700" for p in made}
    assert {"home/data/rapport", "home/cache/rapport", "home/.local/state/rapport/steam", "made/by", "made/for"} <= {
        str(p.relative_to(tmp_path)) for p in made}


@pytest.fixture
def usual_umask():
    """The umask most users have: it would take a group's write bit away."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_in_a_shared_directory_everything_is_the_groups(tmp_path, usual_umask, today):
    """README "A team on one server": inside a setgid directory files are 0660 and directories
    02770 (the group's), whatever the umask; tests/unit/test_shared_server.py runs two users."""
    team = tmp_path / "team"
    team.mkdir()
    team.chmod(0o2770)
    path = team / "sub" / "crm.db"
    db = open_database(path)
    clients.add_client(clients.ClientFields(name="Acme"), today=today)
    assert [_mode(p) for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"))] == [0o660] * 3
    assert _mode(path.parent) == 0o2770
    made = rotate_daily(path, today)
    assert (_mode(made.parent), _mode(made)) == (0o2770, 0o660)
    with atomic_file(team / "exports" / "clients.csv") as handle:
        handle.write(b"x")
    assert (_mode(team / "exports"), _mode(team / "exports" / "clients.csv")) == (0o2770, 0o660)
    db.close()
    backup_to(tmp_path / "private" / "copy.db")  # outside the shared directory: private again
    assert (_mode(tmp_path / "private"), _mode(tmp_path / "private" / "copy.db")) == (0o700, 0o600)


def test_a_new_database_records_its_schema_version(tmp_path):
    db = open_database(tmp_path / "crm.db")
    assert db.execute_sql("SELECT version FROM schema_version").fetchall() == [(v,) for v in range(1, LATEST + 1)]
    assert db.execute_sql("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute_sql("PRAGMA foreign_keys").fetchone() == (1,)
    db.close()


def test_reopening_changes_nothing(tmp_path):
    path = tmp_path / "crm.db"
    db = open_database(path)
    db.execute_sql("INSERT INTO setting VALUES ('theme', 'dark')")
    db.close()
    for _ in range(2):
        db = open_database(path)
        assert db.execute_sql("SELECT version FROM schema_version").fetchall() == [(v,) for v in range(1, LATEST + 1)]
        assert db.execute_sql("SELECT key, value FROM setting").fetchall() == [("theme", "dark")]
        db.close()
    assert not list(tmp_path.glob("*.bak"))  # nothing to migrate, so no pre-migration backup


def _foreign_sqlite(path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('precious')")
    conn.commit()
    conn.close()


def _newer_rapport(path) -> None:
    db = open_database(path)
    db.execute_sql("INSERT INTO schema_version VALUES (?, '2099-01-01')", (LATEST + 1,))
    db.close()


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b"%PDF-1.4 not a database\n" * 100), "is not a Rapport database"),
    (_foreign_sqlite, "is not a Rapport database (it has other tables)"),
    (_newer_rapport, f"was written by a newer Rapport (schema {LATEST + 1}; this release knows {LATEST}); "
                     "upgrade Rapport to open it"),
])
def test_a_file_that_is_not_ours_is_refused_byte_for_byte(tmp_path, make, message):
    path = tmp_path / "other.db"
    make(path)
    before = path.read_bytes()
    with pytest.raises(DatabaseError) as refused:
        open_database(path)
    assert message in str(refused.value) and "\n" not in str(refused.value)
    assert path.read_bytes() == before


def test_a_directory_is_not_a_database(tmp_path):
    with pytest.raises(DatabaseError, match="is a directory"):
        open_database(tmp_path)


def test_db_option_beats_the_environment_which_beats_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_DB", str(tmp_path / "env.db"))
    assert resolve_path(str(tmp_path / "option.db")) == tmp_path / "option.db"
    assert resolve_path() == tmp_path / "env.db"
    monkeypatch.setenv("CRM_DB", "~/in-home.db")
    assert resolve_path() == tmp_path / "home" / "in-home.db"  # conftest points HOME into tmp_path
    monkeypatch.delenv("CRM_DB")
    assert resolve_path() == default_path()
    assert default_path() == tmp_path / "home" / "data" / "rapport" / "rapport.db"  # XDG_DATA_HOME


def test_the_command_line_uses_the_same_precedence(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_DB", str(tmp_path / "env.db"))
    assert cli("--db", str(tmp_path / "option.db"), "client", "add", "Via option").code == 0
    assert cli("client", "add", "Via env").code == 0
    monkeypatch.delenv("CRM_DB")
    assert cli("client", "add", "Via default").code == 0
    for path, name in ((tmp_path / "option.db", "Via option"), (tmp_path / "env.db", "Via env"),
                       (default_path(), "Via default")):
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT name FROM client").fetchall() == [(name,)]
        conn.close()


def test_help_and_a_bad_date_create_no_database(cli, tmp_path):
    path = tmp_path / "never.db"
    assert cli("--db", str(path), "--help").code == 0
    assert cli("--db", str(path), "--today", "31.02.2026", "client", "list").code == 2
    assert not path.exists()
