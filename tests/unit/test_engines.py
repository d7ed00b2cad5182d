"""SQLite and PostgreSQL give the same answers, PostgreSQL keeps every write of many processes at
once, and a server that cannot be used is one clear line (issue 14). These run against the server
of CRM_TEST_DATABASE_URL (else the one CI makes sure of, on 127.0.0.1:5432), each in a schema of
its own, and are skipped, saying why, where no server answers."""

import os
import subprocess
import sys
import textwrap
import uuid

import pytest

from crm.cli import main
from crm.db import open_database
from crm.location import ServerURL
from crm.models import Touch, database
from tests import postgres

TODAY = "2026-11-23"


@pytest.fixture
def server():
    """A new, empty schema on the server: its URL; dropped afterwards."""
    try:
        import psycopg

        conn = psycopg.connect(postgres.SERVER, autocommit=True, connect_timeout=3)
    except Exception as exc:  # no server here: say so rather than fail
        pytest.skip(f"no PostgreSQL server answers at {postgres.SERVER}: {exc}")
    schema = f"rapport_engines_{uuid.uuid4().hex[:12]}"
    conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield ServerURL(postgres.schema_url(schema, server=postgres.SERVER))
    finally:
        if database.obj is not None and not database.is_closed():
            database.close()
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
        conn.close()


def _crm(capsys, db: str, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--db", db, "--today", TODAY, *args])
    out, err = capsys.readouterr()
    database.close()
    return code, out, err


def test_the_same_demo_gives_the_same_bytes_on_both_engines(server, tmp_path, capsys):
    sqlite = str(tmp_path / "parity.db")
    for db in (sqlite, server):
        assert _crm(capsys, db, "demo", "--clients", "60", "--seed", "7", "--no-tui")[0] == 0
    for command in (["review", "--json"], ["review", "--json", "--days", "60"], ["client", "show", "1", "--json"],
                    ["client", "show", "17", "--json"], ["client", "list", "--json"], ["digest"], ["export"]):
        on_file, on_server = _crm(capsys, sqlite, *command), _crm(capsys, server, *command)
        assert on_file[0] == on_server[0] == 0, (command, on_file[2], on_server[2])
        assert on_file[1] == on_server[1], command
        assert len(on_file[1]) > 100, command  # an answer with something in it


def test_a_change_undone_on_the_server_is_gone_exactly(server, capsys):
    assert _crm(capsys, server, "client", "add", "Anna Berg", "--email", "anna@berg.example")[0] == 0
    before = _crm(capsys, server, "client", "show", "anna", "--json")[1]
    assert _crm(capsys, server, "client", "depart", "anna", "--reason", "Moved the work in-house")[0] == 0
    assert _crm(capsys, server, "touch", "anna", "--kind", "call")[0] == 0
    assert "Undone" in _crm(capsys, server, "undo")[1]
    assert "Undone" in _crm(capsys, server, "undo")[1]
    assert _crm(capsys, server, "client", "show", "anna", "--json")[1] == before


WRITER = textwrap.dedent("""
    import sys
    from datetime import date
    from crm.clients import log_touch
    from crm.db import open_database
    from crm.location import ServerURL

    open_database(ServerURL(sys.argv[1]))
    for i in range(int(sys.argv[3])):
        log_touch(1, kind="call", on=date(2026, 11, 23), note=f"{sys.argv[2]}-{i}")
""")


def test_eight_processes_writing_a_hundred_times_each_keep_every_write(server, capsys):
    assert _crm(capsys, server, "client", "add", "Shared")[0] == 0
    writers, writes = 8, 100
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, server, f"w{n}", str(writes)], env=os.environ | {
        "CRM_AUTHOR": f"writer{n}"}, stderr=subprocess.PIPE, text=True) for n in range(writers)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * writers, errors
    open_database(server)
    notes = {t.note for t in Touch.select(Touch.note)}
    assert notes == {f"w{n}-{i}" for n in range(writers) for i in range(writes)}
    (entries,) = database.execute_sql("SELECT count(*) FROM change_log").fetchone()
    assert entries == 1 + writers * writes  # every write is its own change in the journal


@pytest.mark.parametrize(("url", "says"), [
    ("postgresql://postgres@127.0.0.1:1/test", "cannot open database postgresql://postgres@127.0.0.1:1/test"),
    ("postgresql://no_such_role_here@127.0.0.1:5432/test", "no_such_role_here"),
    ("postgresql://postgres:secret@127.0.0.1:5432/no_such_database_here", "no_such_database_here"),
])
def test_a_server_that_cannot_be_used_is_one_line_and_exit_2(server, capsys, url, says):
    code, out, err = _crm(capsys, url, "review")
    assert code == 2
    assert err.count("\n") == 1 and says in err
    assert "secret" not in err  # a password is never shown
    assert "Traceback" not in err and out == ""


def test_a_database_of_a_newer_rapport_is_refused(server, capsys):
    assert _crm(capsys, server, "review")[0] == 0
    open_database(server)
    database.execute_sql("INSERT INTO schema_version (version, applied_at) VALUES (99, '2030-01-01 00:00:00')")
    database.close()
    code, _out, err = _crm(capsys, server, "review")
    assert code == 2
    assert "newer Rapport (schema 99" in err and err.count("\n") == 1


def test_a_schema_holding_other_tables_is_not_taken_for_ours(server, capsys):
    import psycopg

    schema = server.split("search_path%3D")[1].split("%20")[0]
    with psycopg.connect(postgres.SERVER, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {schema}.invoices (id integer)")
    code, _out, err = _crm(capsys, server, "review")
    assert code == 2 and "not a Rapport database" in err
