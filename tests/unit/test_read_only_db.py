"""An archived copy (a read-only file in a read-only directory) can be browsed: every command that
only reads works on it, as another user would run it, and anything that writes is refused in one
line with the file left byte for byte as it was."""

import json
import os
import re
import stat

import pytest

from crm import clients, incidents, promises
from crm.cli import main
from crm.db import open_database
from crm.models import database
from tests.users import NOBODY, crm_as, needs_root, reachable_dir

pytestmark = needs_root

READING = [
    ("review",), ("review", "--json"), ("digest",), ("client", "list"), ("client", "list", "--json"),
    ("client", "show", "anna"), ("client", "show", "anna", "--json"), ("log",), ("log", "--json"),
    ("export",), ("export", "--format", "csv"), ("ics",),
]
WRITING = [("client", "add", "Bob"), ("touch", "anna"), ("undo",), ("promise", "done", "1")]


@pytest.fixture(params=["read-only file and directory", "read-only file, -wal and -shm beside it"])
def archive(request, today, capsys):
    """A database with a client's story, then made read-only; the read commands' output before."""
    with reachable_dir("rapport-archive-") as base:
        path = base / "crm.db"
        db = open_database(path)
        anna = clients.add_client(clients.ClientFields(name="Anna Berg", email="anna@berg.example"), today=today)
        clients.log_touch(anna, kind="call", on=today, note="spring campaign")
        incident = incidents.open_incident(anna, "Late page", on=today)
        promises.add_promise(anna, "Send the page", due=today, on=today, incident_id=incident)
        db.close()
        expected = {}
        for args in READING:
            main(["--db", str(path), *args])
            expected[args] = capsys.readouterr().out
        database.close()
        if request.param.startswith("read-only file,"):
            # A live database someone else owns: its -wal and -shm are there, the file ours to read.
            path.chmod(0o644)
            base.chmod(0o755)
            keeper = open_database(path)
            keeper.execute_sql("SELECT 1")
            yield path, expected
            keeper.close()
        else:
            path.chmod(0o444)
            base.chmod(0o555)
            yield path, expected


def _stampless(text: str) -> str:
    return re.sub(r"DTSTAMP:\S+", "DTSTAMP:", text)  # the calendar's time of making


def test_every_reading_command_works_on_an_archive(archive):
    path, expected = archive
    before = sorted(os.listdir(path.parent)), path.read_bytes()
    for args in READING:
        result = crm_as(NOBODY, NOBODY, "--db", str(path), *args)
        assert (result["code"], result["err"]) == (0, ""), (args, result["err"])
        assert _stampless(result["out"]) == _stampless(expected[args]), args
    assert json.loads(crm_as(NOBODY, NOBODY, "--db", str(path), "client", "list", "--json")["out"])[0]["name"] \
        == "Anna Berg"
    assert (sorted(os.listdir(path.parent)), path.read_bytes()) == before


def test_writing_to_an_archive_is_refused_in_one_line(archive):
    path, _ = archive
    before = path.read_bytes()
    for args in WRITING:
        result = crm_as(NOBODY, NOBODY, "--db", str(path), *args)
        assert result["code"] == 2, args
        assert result["err"].count("\n") == 1 and "read-only for you" in result["err"], result["err"]
    assert path.read_bytes() == before
    assert stat.S_IMODE(path.stat().st_mode) in (0o444, 0o644)
