"""All or nothing: an import killed midway leaves no row behind; a failed save leaves no half."""

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from crm import clients, incidents
from crm.db import open_database
from crm.models import Client, Incident, IncidentEvent

ROWS = 3000
NOTE = "n" * 2000  # big rows make SQLite spill the open transaction into the -wal file early


@pytest.fixture
def big_csv(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "email", "country", "notes"])
        writer.writerows([f"Client {i}", f"c{i}@example.com", "DE", NOTE] for i in range(ROWS))
    return path


def _wal_size(db_path) -> int:
    try:
        return os.path.getsize(f"{db_path}-wal")
    except FileNotFoundError:
        return 0


# `crm import` through the real entry point; with "hold", once every row is written it waits for
# stdin to close before the transaction commits, so a loaded machine cannot let it finish before
# the test has seen the moment to kill it.
IMPORT = textwrap.dedent("""
    import sys
    from crm.cli import main
    from crm.exchange import client_rows

    if sys.argv[2] == "hold":
        write = client_rows._write

        def write_then_wait(*args, **kwargs):
            write(*args, **kwargs)
            sys.stdin.read()

        client_rows._write = write_then_wait
    sys.exit(main(["import", sys.argv[1]]))
""")


def _kill_import(db_path, csv_path, when, hold: bool = True) -> int | None:
    """Start `crm import`, SIGKILL it once `when(seconds, wal_bytes)` holds; its exit status."""
    proc = subprocess.Popen([sys.executable, "-c", IMPORT, str(csv_path), "hold" if hold else "run"],
                            env=os.environ | {"CRM_DB": str(db_path)}, stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.monotonic()
    try:
        while proc.poll() is None:
            if when(time.monotonic() - start, _wal_size(db_path)):
                proc.send_signal(signal.SIGKILL)
                break
            assert time.monotonic() - start < 120, "waited 120 s for the moment to kill the import"
            time.sleep(0.002)
    finally:
        proc.stdin.close()  # a held import not killed commits now
    return proc.wait(timeout=120)


@pytest.mark.parametrize("moment, when", [
    ("while checking the file", lambda seconds, wal: seconds > 0.15 and wal == 0),
    ("as the first rows reach the disk", lambda seconds, wal: wal > 0),
    ("deep into writing", lambda seconds, wal: wal > 3_000_000),
])
def test_import_killed_midway_leaves_all_or_nothing(tmp_path, big_csv, today, moment, when):
    db_path = tmp_path / "crm.db"
    open_database(db_path).close()

    status = _kill_import(db_path, big_csv, when)

    conn = sqlite3.connect(db_path)
    count = conn.execute("SELECT COUNT(*) FROM client").fetchone()[0]
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert status == -signal.SIGKILL, f"the import finished before the kill {moment}"
    assert count == 0
    db = open_database(db_path)  # the database is usable afterwards: no lock or half row left
    clients.add_client(clients.ClientFields(name="After"), today=today)
    assert Client.select().count() == 1
    db.close()


def test_import_runs_to_the_end_when_not_killed(tmp_path, big_csv):
    db_path = tmp_path / "crm.db"
    assert _kill_import(db_path, big_csv, lambda seconds, wal: False, hold=False) == 0
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT COUNT(*) FROM client").fetchone()[0] == ROWS
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_save_that_fails_halfway_leaves_nothing(db, today, monkeypatch):
    """Resolving with outcome "departed" writes the incident, an event and a status change: a failure
    in the last step must undo the first two."""
    client = clients.add_client(clients.ClientFields(name="Acme"), today=today)
    incident = incidents.open_incident(client, "Late", on=today)

    def fail(*args, **kwargs):
        raise OSError("disk went away")

    monkeypatch.setattr(incidents, "change_status", fail)
    with pytest.raises(OSError):
        incidents.resolve_incident(incident, outcome="departed", on=today)

    assert Incident.get_by_id(incident).resolved_on is None
    assert not IncidentEvent.select().where(IncidentEvent.kind == "resolved").exists()
    assert Client.get_by_id(client).status == "active"
