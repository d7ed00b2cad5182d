"""All or nothing: an import killed midway leaves no row behind; a failed save leaves no half."""

import csv
import os
import signal
import sqlite3
import subprocess
import sys
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


def _kill_import(db_path, csv_path, when) -> int | None:
    """Start `crm import`, SIGKILL it once `when(seconds, wal_bytes)` holds; its exit status."""
    crm = "import sys; from crm.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen([sys.executable, "-c", crm, "import", str(csv_path)],
                            env=os.environ | {"CRM_DB": str(db_path)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.monotonic()
    while proc.poll() is None:
        if when(time.monotonic() - start, _wal_size(db_path)):
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    return proc.wait(timeout=30)


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
    assert _kill_import(db_path, big_csv, lambda seconds, wal: False) == 0
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
