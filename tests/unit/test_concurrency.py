"""Several sessions on one SQLite file at once: every write lands, no edit is silently lost."""

import os
import subprocess
import sys
import textwrap

import pytest

from crm import clients, incidents
from crm.db import open_database
from crm.errors import StaleEditError
from crm.location import ServerURL
from crm.migrations import LATEST
from crm.models import Client, IncidentEvent, Touch

WRITERS, WRITES = 4, 50

# Each writer: WRITES `crm touch` commands through the real CLI entry point, then WRITES
# read-modify-write increments of a shared counter with optimistic versioning (retry when stale).
WRITER = textwrap.dedent("""
    import sys
    from crm.cli import main
    from crm.clients import ClientFields, edit_client
    from crm.db import open_database
    from crm.errors import StaleEditError
    from crm.models import Client, database

    worker, count = sys.argv[1], int(sys.argv[2])
    failed = stale = 0
    for i in range(count):
        failed += main(["touch", "Shared", "--kind", "call", "--note", f"{worker}-{i}"]) != 0
        database.close()
    open_database(sys.argv[3])
    for i in range(count):
        while True:
            client = Client.get_by_id(1)
            try:
                edit_client(1, client.version, ClientFields(name=client.name, notes=str(int(client.notes) + 1)))
                break
            except StaleEditError:
                stale += 1
    print(f"failed={failed} stale={stale}", file=sys.stderr)
    sys.exit(1 if failed else 0)
""")


def _env(db_path, author="tester"):
    return os.environ | {"CRM_DB": str(db_path), "CRM_AUTHOR": author, "CRM_DEBUG": ""}


def _run_all(commands, env):
    procs = [subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
    # Read while waiting (a full pipe would stall a child); the deadline is generous for a loaded
    # machine and only costs time when something hangs.
    outputs = [p.communicate(timeout=300) for p in procs]
    return [(p.returncode, out, err) for p, (out, err) in zip(procs, outputs, strict=True)]


def test_four_processes_writing_at_once_all_succeed(db_path, today):
    db = open_database(db_path)
    clients.add_client(clients.ClientFields(name="Shared", notes="0"), today=today)
    db.close()

    results = _run_all(
        [[sys.executable, "-c", WRITER, f"w{n}", str(WRITES), str(db_path)] for n in range(WRITERS)], _env(db_path)
    )

    for code, out, err in results:
        assert code == 0, err
        assert "locked" not in err and "busy" not in err
        assert len(out.split()) == WRITES  # each touch printed its id
    db = open_database(db_path)
    assert Touch.select().count() == WRITERS * WRITES
    assert {t.note for t in Touch.select()} == {f"w{n}-{i}" for n in range(WRITERS) for i in range(WRITES)}
    shared = Client.get_by_id(1)
    assert shared.notes == str(WRITERS * WRITES)  # no increment lost
    assert shared.version == 1 + WRITERS * WRITES
    if not isinstance(db_path, ServerURL):  # a server checks its own pages
        assert db.execute_sql("PRAGMA integrity_check").fetchone() == ("ok",)


CRM = "import sys; from crm.cli import main; sys.exit(main(sys.argv[1:]))"


def test_a_new_database_created_by_several_processes_at_once(db_path):
    results = _run_all([[sys.executable, "-c", CRM, "client", "list"]] * WRITERS, _env(db_path))
    assert [(code, out.strip(), err) for code, out, err in results] == [(0, "No clients.", "")] * WRITERS
    db = open_database(db_path)
    assert [v for (v,) in db.execute_sql("SELECT version FROM schema_version").fetchall()] == list(range(1, LATEST + 1))


def test_an_incident_is_resolved_once_when_sessions_race(db_path, today):
    db = open_database(db_path)
    client = clients.add_client(clients.ClientFields(name="Acme"), today=today)
    incident = incidents.open_incident(client, "Late", on=today)
    db.close()
    results = _run_all([[sys.executable, "-c", CRM, "incident", "resolve", str(incident)]] * WRITERS, _env(db_path))

    assert sorted(code for code, _, _ in results) == [0] + [2] * (WRITERS - 1)
    assert all("already resolved" in err for code, _, err in results if code)
    open_database(db_path)
    assert IncidentEvent.select().where(IncidentEvent.kind == "resolved").count() == 1


def test_a_stale_edit_is_refused_and_names_who_changed_it(db, today, monkeypatch):
    client_id = clients.add_client(clients.ClientFields(name="Acme", email="old@acme.example"), today=today)
    mine = Client.get_by_id(client_id).version  # I open the edit form

    monkeypatch.setenv("CRM_AUTHOR", "alice")  # meanwhile alice saves her change
    clients.edit_client(client_id, mine, clients.ClientFields(name="Acme", email="alice@acme.example"))

    monkeypatch.setenv("CRM_AUTHOR", "tester")
    with pytest.raises(StaleEditError, match="Acme was changed by alice meanwhile; reload"):
        clients.edit_client(client_id, mine, clients.ClientFields(name="Acme", email="mine@acme.example"))
    kept = Client.get_by_id(client_id)
    assert (kept.email, kept.updated_by) == ("alice@acme.example", "alice")
