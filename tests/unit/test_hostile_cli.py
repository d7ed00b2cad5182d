"""Hostile text and hostile files through the command line: stored exactly, shown harmlessly,
refused with one clear line, and a file that cannot be used is left byte for byte as it was."""

import json
import os
import resource
import shutil
import signal
import sqlite3
import sys
import tempfile
from pathlib import Path

import pytest

from crm import clients
from crm import db as crm_db
from crm.cli import main
from crm.db import open_database
from crm.migrations import LATEST
from crm.text import safe_line
from tests.conftest import Result
from tests.hostile import HOSTILE, LONG_TEXT, REFUSED, raw_controls
from tests.postgres import dump


def _one_clear_line(result) -> None:
    assert result.code == 2, (result.out, result.err)
    assert result.err.startswith("crm: ") and result.err.count("\n") == 1, result.err
    assert not raw_controls(result.err)


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_is_stored_exactly_and_shown_harmlessly(cli, text):
    # `--option=TEXT` and `--` keep a text such as "-2+3+cmd" from being read as an option.
    assert cli("client", "add", f"--company={text}", f"--notes={text}", "--", text).code == 0
    assert cli("touch", "1", f"--note={text}").code == 0
    assert cli("incident", "open", f"--text={text}", "--", "1", text).code == 0
    assert cli("incident", "log", "--", "1", text).code == 0
    assert cli("promise", "add", "--due", "+3d", "--", "1", text).code == 0
    assert cli("client", "depart", "1", f"--reason={text}").code == 0

    for args in (("client", "list"), ("client", "show", "1"), ("incident", "resolve", "1", f"--note={text}")):
        shown = cli(*args)
        assert shown.code == 0
        assert not raw_controls(shown.out), args
    show = cli("client", "show", "1")
    assert safe_line(text) in show.out  # literally: markup stays visible text, escapes become \x1b
    detail = json.loads(cli("client", "show", "1", "--json").out)
    assert (detail["name"], detail["company"], detail["notes"]) == (text, text, text)
    assert sum(text in entry["text"] for entry in detail["timeline"]) == 7  # every entry made above
    exported = json.loads(cli("export").out)["tables"]
    assert exported["touch"][0]["note"] == text and exported["incident_event"][1]["text"] == text


def test_a_100k_note_is_kept_whole_but_a_100k_name_is_refused(cli):
    assert cli("client", "add", "Acme", "--notes", LONG_TEXT).code == 0
    assert cli("touch", "Acme", "--note", LONG_TEXT).code == 0
    detail = json.loads(cli("client", "show", "Acme", "--json").out)
    assert detail["notes"] == LONG_TEXT and detail["timeline"][0]["text"] == LONG_TEXT
    refused = cli("client", "add", LONG_TEXT)
    _one_clear_line(refused)
    assert "name is too long (100000 characters; at most 200)" in refused.err
    assert len(refused.err) < 600


FIELDS = [
    ("client", "add", "{}"),
    ("client", "add", "Acme2", "--company", "{}"),
    ("client", "add", "Acme2", "--notes", "{}"),
    ("client", "add", "Acme2", "--email", "{}"),
    ("client", "add", "Acme2", "--phone", "{}"),
    ("touch", "Acme", "--note", "{}"),
    ("incident", "open", "Acme", "{}"),
    ("incident", "open", "Acme", "Late", "--text", "{}"),
    ("promise", "add", "Acme", "{}", "--due", "+1d"),
    ("client", "depart", "Acme", "--reason", "{}"),
]


@pytest.mark.parametrize("bad", REFUSED)
@pytest.mark.parametrize("command", FIELDS, ids=lambda c: " ".join(c))
def test_nul_and_undecodable_text_are_refused_in_every_field(cli, command, bad):
    assert cli("client", "add", "Acme").code == 0
    before = cli("export").out
    _one_clear_line(cli(*(part.format(bad) for part in command)))
    assert cli("export").out == before


@pytest.mark.parametrize("option", ["--email", "--phone", "--country", "--language", "--birthday", "--tier",
                                    "--temperament", "--status"])
def test_hostile_text_in_a_checked_field_is_one_clean_error(cli, option):
    for text in [*HOSTILE[8:20], LONG_TEXT]:
        _one_clear_line(cli("client", "add", "Acme", option, text))
    assert cli("client", "list").out.strip() == "No clients."


# ---- files Rapport cannot use: a clear line, and the file exactly as it was ---------------------


def _foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)  # another program's database, in the default rollback-journal mode
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('precious')")
    conn.commit()
    conn.close()


def _newer_rapport(path: Path) -> None:
    open_database(path).execute_sql("INSERT INTO schema_version VALUES (?, '2099-01-01')", (LATEST + 1,))
    crm_db.database.close()


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_text("just some text\n"), "is not a Rapport database"),
    (lambda p: p.write_bytes(os.urandom(4096)), "is not a Rapport database"),
    (_foreign_sqlite, "is not a Rapport database (it has other tables)"),
    (_newer_rapport, f"was written by a newer Rapport (schema {LATEST + 1}; this release knows {LATEST})"),
])
def test_a_file_that_is_not_ours_is_refused_and_untouched(cli, tmp_path, make, message):
    path = tmp_path / "file.db"
    make(path)
    before = path.read_bytes()
    for args in (("client", "list"), ("client", "add", "Acme"), ("import", str(path))):
        result = cli("--db", str(path), *args)
        _one_clear_line(result)
        assert message in result.err
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.db"]  # no -wal or -shm left behind


def _forked(args: list[str], *, as_nobody: bool = False, file_limit: int | None = None) -> Result:
    """Run `crm ARGS` in a forked child: as an unprivileged user when we are root (so permissions
    count), or with a file-size limit that makes writes fail as on a full disk."""
    out, err = tempfile.mkstemp()[1], tempfile.mkstemp()[1]
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        try:
            sys.stdout, sys.stderr = open(out, "w"), open(err, "w")  # noqa: SIM115 (the child's own, to its end)
            if file_limit is not None:
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a dead process
                resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))
            if as_nobody and os.geteuid() == 0:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            code = main(args)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    result = Result(os.waitstatus_to_exitcode(status), Path(out).read_text(), Path(err).read_text())
    os.unlink(out)
    os.unlink(err)
    return result


@pytest.fixture
def shared_dir():
    """A directory an unprivileged user can reach (pytest's tmp_path is private to its owner)."""
    path = Path(tempfile.mkdtemp(prefix="rapport-ro-"))
    yield path
    path.chmod(0o700)
    shutil.rmtree(path)


@pytest.mark.parametrize("case", ["read-only file", "read-only directory"])
def test_a_read_only_database_is_refused_and_untouched(shared_dir, today, case):
    path = shared_dir / "crm.db"
    db = open_database(path)
    db.execute_sql("INSERT INTO setting VALUES ('theme', 'x')")
    db.close()
    path.chmod(0o444 if case == "read-only file" else 0o666)
    shared_dir.chmod(0o777 if case == "read-only file" else 0o555)
    before = path.read_bytes()

    result = _forked(["--db", str(path), "client", "add", "Acme"], as_nobody=True)
    _one_clear_line(result)
    assert "read-only for you" in result.err
    listed = _forked(["--db", str(path), "client", "list"], as_nobody=True)  # reading works (test_read_only_db.py)
    assert (listed.code, listed.out) == (0, "No clients.\n")
    assert path.read_bytes() == before


@pytest.mark.sqlite_only  # the full disk is made with SQLite's max_page_count
def test_a_full_disk_is_one_clear_line_and_nothing_written(cli, db, db_path, today, monkeypatch):
    clients.add_client(clients.ClientFields(name="Acme"), today=today)
    (pages,) = db.execute_sql("PRAGMA page_count").fetchone()
    db.close()
    before = db_path.read_bytes()
    monkeypatch.setitem(crm_db.PRAGMAS, "max_page_count", pages)  # the file may not grow: a full disk

    result = cli("touch", "Acme", "--note", LONG_TEXT)
    _one_clear_line(result)
    assert "the disk is full" in result.err and "nothing was written" in result.err
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("command", [["export", "--out"], ["backup"]])
def test_export_or_backup_onto_a_full_disk_leaves_the_old_file(cli, tmp_path, command):
    assert cli("client", "add", "Acme", "--notes", LONG_TEXT).code == 0
    target = tmp_path / "old-copy"
    first = cli(*command, str(target))
    assert first.code == 0
    before = target.read_bytes()
    cli("touch", "Acme", "--note", LONG_TEXT)

    result = _forked([*command, str(target)], file_limit=64 * 1024)
    _one_clear_line(result)
    assert "left unchanged" in result.err
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".old-copy")) == []  # no temp file


# ---- values past what a command can take: one clear line, nothing written (issue 15) ---------------


def _refused(cli, db_path, *args: str) -> str:
    """Run a command that must be refused: exit 2, one clean line, the database's rows unchanged."""
    before = dump(db_path)
    result = cli(*args)
    assert result.code == 2, (result.out, result.err)
    assert result.err.startswith("crm") and result.err.count("\n") == 1, result.err  # "crm: " or "crm CMD: "
    assert not raw_controls(result.err)
    assert dump(db_path) == before
    return result.err



@pytest.fixture
def book(cli):
    """Acme (#1) with an incident (#1) and a promise (#1)."""
    assert cli("client", "add", "Acme").code == 0
    assert cli("incident", "open", "Acme", "Late").code == 0
    assert cli("promise", "add", "Acme", "Send it", "--due", "+3d").code == 0


ODD_IDS = ["²", "١", "#١", "１", "9" * 20, "#" + "9" * 20, "9" * 5000]


@pytest.mark.parametrize("odd", ODD_IDS, ids=["superscript", "arabic-indic", "#arabic-indic", "fullwidth",
                                              "20 digits", "#20 digits", "5000 digits"])
@pytest.mark.parametrize("command", [
    ("client", "show", "{}"), ("touch", "{}"), ("client", "depart", "{}"), ("log", "--client", "{}"),
    ("incident", "log", "{}", "text"), ("incident", "resolve", "{}"), ("promise", "done", "{}"),
    ("promise", "renegotiate", "{}", "--due", "+1w"), ("compensate", "{}", "--kind", "gift", "--amount", "5"),
    ("promise", "add", "Acme", "x", "--due", "+1d", "--incident", "{}"), ("wizard", "apply", "{}", "--plan", "-"),
], ids=lambda c: " ".join(c[:2]))
def test_an_id_in_other_digits_or_past_sqlite_is_refused_never_taken_as_another(cli, db_path, book, command, odd):
    err = _refused(cli, db_path, *(part.format(odd) for part in command))
    assert "unexpected" not in err and len(err) < 700


@pytest.mark.parametrize("today", ["0001-01-01", "1899-12-31", "9999-12-31", "3000-01-01", "31.12.9999", ""])
@pytest.mark.parametrize("command", [("review",), ("digest",), ("ics",), ("client", "add", "Zed"), ("touch", "Acme"),
                                     ("client", "depart", "Acme"), ("remind", "add", "Acme", "x", "--due", "today",
                                                                    "--every", "yearly")])
def test_today_outside_1900_to_2999_is_refused(cli, db_path, book, command, today):
    err = _refused(cli, db_path, "--today", today, *command)
    assert f"{today!r}" in err and ("out of range" in err or "not a date" in err)


@pytest.mark.parametrize("command", [
    ("touch", "Acme", "--on", "{}"), ("client", "depart", "Acme", "--on", "{}"),
    ("client", "add", "Zed", "--birthday", "{}"),
    ("incident", "open", "Acme", "x", "--on", "{}"), ("promise", "add", "Acme", "x", "--due", "{}"),
    ("remind", "add", "Acme", "x", "--due", "{}", "--every", "99m"), ("snooze", "promise-1", "--until", "{}"),
    ("compensate", "1", "--kind", "bonus", "--amount", "5", "--valid-until", "{}"),
])
def test_a_date_the_rules_cannot_count_from_is_refused_when_typed(cli, db_path, book, command):
    for day in ("9999-12-31", "0001-01-01", "+9999y"):
        assert "date out of range" in _refused(cli, db_path, *(part.format(day) for part in command))


def test_recurring_reminders_and_departures_at_the_end_of_the_range_keep_the_review_working(cli, book):
    for args in (("remind", "add", "Acme", "yearly", "--due", "2999-12-31", "--every", "yearly"),
                 ("remind", "add", "Acme", "99 months", "--due", "2999-12-31", "--every", "99m"),
                 ("--today", "2999-12-31", "client", "depart", "Acme"),
                 ("--today", "2999-12-31", "touch", "Acme")):
        assert cli(*args).code == 0, args
    for args in (("review", "--days", "3660"), ("digest",), ("ics",), ("client", "show", "Acme")):
        for today in ("2999-12-31", "2026-11-23", "1900-01-01"):
            result = cli("--today", today, *args)
            assert result.code == 0 and result.err == "", (today, args, result.err)
    late = json.loads(cli("--today", "2999-12-31", "review", "--json").out)["items"]
    assert {"custom-1-29991231", "custom-2-29991231"} <= {item["id"] for item in late}


@pytest.mark.parametrize("command", [
    ("review", "--days", "{}"), ("ics", "--days", "{}"), ("log", "--limit", "{}"),
    ("demo", "--no-tui", "--clients", "{}"),
    ("demo", "--no-tui", "--seed", "{}"), ("compensate", "1", "--kind", "refund", "--amount", "{}"),
])
def test_huge_or_odd_numbers_are_refused(cli, db_path, book, command):
    for number in ("9" * 20, "9" * 5000, "-" + "9" * 20, "٣", "1e309", "nan", "inf", "0x10"):
        err = _refused(cli, db_path, *(part.format(number) for part in command))
        assert "unexpected" not in err and len(err) < 700


def test_a_value_of_two_dashes_is_kept_as_typed(cli, book):
    assert cli("touch", "Acme", "--note=--").code == 0
    assert json.loads(cli("client", "show", "Acme", "--json").out)["timeline"][0]["text"].endswith("--")
    assert "not a date: '--'" in cli("--today=--", "review").err


def _fifo(path: Path) -> None:
    os.mkfifo(path)


@pytest.mark.parametrize("make, given, says", [
    (None, "", "argument --db: empty path"),
    (None, "x" * 300 + ".db", "argument --db: path too long"),
    (lambda p: p.mkdir(), "{}", "is a directory, not a database file"),
    (_fifo, "{}", "is not a regular file"),
    (None, "/dev/null", "is not a regular file"),
    (lambda p: p.symlink_to(p.parent / "gone.db"), "{}", "is a link to a file that does not exist"),
    (None, "{}/missing/crm.db", "there is no directory"),
    (lambda p: p.write_bytes(b""), "{}/crm.db", "cannot open database"),  # a file where a directory should be
    (None, "{}\udcff.db", "a database's path must be valid UTF-8"),
])
def test_a_database_path_that_cannot_be_one_is_refused_and_nothing_is_made(tmp_path, cli, make, given, says):
    target = tmp_path / "target"
    if make:
        make(target)
    before = sorted(tmp_path.iterdir())
    result = cli("--db", given.format(target), "client", "add", "Acme")
    _one_clear_line(result)
    assert says in result.err
    assert sorted(tmp_path.iterdir()) == before


def test_a_database_the_user_may_not_read_is_refused(shared_dir):
    for private, path in ((shared_dir / "mine", shared_dir / "mine" / "crm.db"), (None, shared_dir / "crm.db")):
        open_database(path).close()
        if private:
            private.chmod(0o700)  # root's directory: nobody may not enter it
        else:
            shared_dir.chmod(0o777)
            path.chmod(0o200)  # writable, not readable
        for args in (["client", "list"], ["client", "add", "Acme"]):
            result = _forked(["--db", str(path), *args], as_nobody=True)
            _one_clear_line(result)
            assert "ermission denied" in result.err


@pytest.mark.parametrize("plan, says", [
    ("[" * 100_000 + "]" * 100_000, "the plan is nested too deeply to be read"),
    ('{"strategy": "part", "strategy": "start_over", "outcome": "retained"}', "the key 'strategy' appears twice"),
    ('{"strategy": "start_over", "outcome": "retained", "compensations": [{"kind": "gift", "amount": NaN}]}',
     "NaN is not a number JSON allows"),
])
def test_json_a_command_reads_is_checked_before_anything_is_written(cli, db_path, book, tmp_path, plan, says):
    (tmp_path / "plan.json").write_text(plan)
    assert says in _refused(cli, db_path, "wizard", "apply", "1", "--plan", str(tmp_path / "plan.json"))
    assert says.replace("plan", "answers") in _refused(
        cli, db_path, "wizard", "diagnose", "Acme", "--answers", str(tmp_path / "plan.json"))
