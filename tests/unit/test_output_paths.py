"""No output touches the live database (issue 15, point 2): `export --out`, `ics --out` and
`backup PATH` refuse the database file and its -wal, -shm and -journal, however the path gets
there (a symlink to the file or to its directory, a hard link), and leave every file as it was.
On a PostgreSQL server there are no such files of ours; a directory is still refused."""

import os
import sqlite3

import pytest

WRITERS = {
    "export": ("export", "--out"),
    "export csv": ("export", "--format", "csv", "--out"),
    "ics": ("ics", "--out"),
    "backup": ("backup",),
}


def _snapshot(tmp_path) -> dict[str, object]:
    """The database's files as they are; the -shm only by size (every reader writes to it)."""
    files = {n: tmp_path / n for n in ("crm.db", "crm.db-wal", "crm.db-shm", "crm.db-journal")}
    return {n: None if not f.exists() else f.stat().st_size if n.endswith("shm") else f.read_bytes()
            for n, f in files.items()}


@pytest.fixture
def live(tmp_path, cli):
    """A database with a committed client still in its -wal, held open by another session."""
    assert cli("client", "add", "Kept Client").code == 0
    keeper = sqlite3.connect(tmp_path / "crm.db")
    keeper.execute("PRAGMA wal_autocheckpoint = 0")
    keeper.execute("SELECT count(*) FROM client").fetchone()  # keeps -wal and -shm in place
    assert cli("client", "add", "Second Client").code == 0
    assert (tmp_path / "crm.db-wal").stat().st_size > 0
    yield keeper
    keeper.close()


def _targets(tmp_path) -> dict[str, str]:
    (tmp_path / "via").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "link.json").symlink_to(tmp_path / "crm.db-wal")
    (tmp_path / "dangling.ics").symlink_to(tmp_path / "crm.db-journal")  # no journal in WAL mode
    os.link(tmp_path / "crm.db", tmp_path / "hard.db")
    return {
        "database": "crm.db", "wal": "crm.db-wal", "shm": "crm.db-shm", "journal": "crm.db-journal",
        "symlinked directory": "via/crm.db-wal", "symlink to the wal": "link.json",
        "symlink to a journal not there yet": "dangling.ics", "hard link": "hard.db",
    }


@pytest.mark.sqlite_only
@pytest.mark.parametrize("command", WRITERS)
def test_every_output_refuses_the_live_database_files(live, tmp_path, cli, command):
    targets = _targets(tmp_path)
    for label, name in targets.items():
        before = _snapshot(tmp_path)
        result = cli(*WRITERS[command], str(tmp_path / name))
        assert result.code == 2, (label, result.out, result.err)
        assert len(result.err.splitlines()) == 1, result.err
        assert "database" in result.err, result.err
        assert _snapshot(tmp_path) == before, label
    listed = cli("client", "list")
    assert "Kept Client" in listed.out and "Second Client" in listed.out


@pytest.mark.sqlite_only
def test_the_refusal_says_which_file(live, tmp_path, cli):
    assert "is the database itself" in cli("export", "--out", str(tmp_path / "crm.db")).err
    wal = cli("ics", "--out", str(tmp_path / "crm.db-wal")).err
    assert "the database's crm.db-wal file: writing it would destroy data" in wal


@pytest.mark.parametrize("command", WRITERS)
def test_a_directory_is_refused_and_other_files_are_written(tmp_path, cli, command):
    assert cli("client", "add", "Kept Client").code == 0
    (tmp_path / "out").mkdir()
    refused = cli(*WRITERS[command], str(tmp_path / "out"))
    if command == "backup":  # a directory means a dated file in it
        assert refused.code == 0
    else:
        assert refused.code == 2 and "is a directory; give a file name" in refused.err
    written = cli(*WRITERS[command], str(tmp_path / "crm.db-wal.txt"))
    assert written.code == 0, written.err
    assert (tmp_path / "crm.db-wal.txt").stat().st_size > 0


def test_export_to_dash_writes_standard_output(tmp_path, cli, monkeypatch):
    assert cli("client", "add", "Kept Client").code == 0
    monkeypatch.chdir(tmp_path)
    for args in ((), ("--format", "csv"), ("--format", "vcf")):
        to_dash, plain = cli("export", *args, "--out", "-"), cli("export", *args)
        assert to_dash.code == 0 and to_dash.out == plain.out and "Kept Client" in to_dash.out
    assert not (tmp_path / "-").exists()
