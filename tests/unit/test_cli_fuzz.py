"""Every command, fed hostile arguments generated from its own parser: the exit code is 0 or 2,
never a traceback; a refusal is one line on stderr and leaves the database as it was.

The commands and their options are read from `build_parser()`, so a new command or option is
fuzzed without touching this file. Deterministic (`derandomize`): the same examples every run.
"""

import argparse
import io
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm import clients, incidents, promises
from crm.cli import build_parser, main
from crm.db import open_database
from crm.reminders import add_reminder
from tests.conftest import TODAY, _close
from tests.hostile import HOSTILE, LONG_TEXT
from tests.postgres import dump

EXAMPLES_PER_COMMAND = 8

# Values that broke or could break a command: odd digits, numbers past every limit, dates past the
# calendar, control characters, a NUL, undecodable bytes, 10 MB.
NASTY = [
    "", " ", "\t", "\n", "\x00", "a\x00b", "bad\udcffutf8", "\x1b[2J", "\u202e", "\u200b",
    "²", "١", "#١", "１", "9" * 20, "#" + "9" * 20, "9" * 5000, "-1", "0", "-0", "+1", "1.5", "1e309", "nan",
    "inf", "-inf", "1E+999999999", "0x10", "1_000", "0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01",
    "2026-02-30", "31.02.2026", "+9999y", "+9999m", "+9999d", "-3d", "promise-" + "9" * 20, "greeting-1-99999999",
    "custom-1-20260230", "99m", "0m", "100m", "-", "--", "-x", "--help-me", ".", "/", "/dev/null", "x" * 300,
    "~", "~nobody/x", "[/]", "{", "%s", LONG_TEXT, "x" * 10_000_000,
]
# Values each kind of argument takes (by metavar, else by name), so that many examples get past the
# parser and run, with one or two hostile values among good ones.
GOOD = {
    "CLIENT": ["Acme", "acme", "1", "#1", "2", "blue"], "INCIDENT": ["1", "#1"], "PROMISE": ["1", "#1"],
    "ITEM": ["promise-1", "custom-1-20261123", "incident-1"], "DATE": ["today", "+3d", "2026-12-25", "friday"],
    "N": ["1", "7", "30"], "S": ["1", "2"], "A": ["150", "49.90"], "CUR": ["EUR", "usd"], "CC": ["DE", "ro"],
    "LL": ["de", "en"], "T": ["fierce", "quiet"], "K": ["call", "apology", "note"], "PATH": ["out.txt", "x.db"],
    "FILE|-": ["-", "plan.json"], "email": ["anna@example.com"], "phone": ["+49 30 1234"],
}
PLAUSIBLE = ["Acme", "Send the fix", "1", "weekly", "3m"]
VALUES = st.one_of(st.sampled_from(NASTY), st.sampled_from(HOSTILE), st.text(max_size=12), st.integers().map(str))


def _good(action: argparse.Action) -> list[str]:
    """Values `action` takes: its choices, those its metavar lists ("retained|departed"), or GOOD's."""
    if action.choices:
        return [str(c) for c in action.choices]
    metavar = action.metavar if isinstance(action.metavar, str) else ""
    if "|" in metavar and metavar != "FILE|-":
        return [part for part in metavar.split("|") if part.isidentifier()] or PLAUSIBLE
    return GOOD.get(metavar) or GOOD.get(action.dest) or PLAUSIBLE


def _leaves(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()):
    """(words, parser) for bare `crm` and every command that runs, e.g. (("client", "add"), …)."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs or not words:
        yield words, parser
    for sub in subs:
        for name, child in sub.choices.items():
            yield from _leaves(child, (*words, name))


@st.composite
def _arguments(draw, parser: argparse.ArgumentParser, skip: frozenset[str] = frozenset()) -> list[str]:
    """Arguments for `parser`'s own options and positionals: good values, except in up to two
    slots, where a value is hostile, a positional missing or doubled, or a required option left
    out. Optional options in any subset; positionals after `--` (so "-1" stays a value)."""
    actions = [a for a in parser._actions
               if not isinstance(a, (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction))
               and not set(a.option_strings) & skip]
    hostile = set(draw(st.lists(st.integers(0, len(actions)), max_size=2)))
    options: list[str] = []
    positionals: list[str] = []
    for slot, action in enumerate(actions):
        bad = slot in hostile

        def value(bad: bool = bad, action: argparse.Action = action) -> str:
            return draw(VALUES if bad else st.sampled_from(_good(action)))

        if not action.option_strings:
            count = 1 if action.nargs in (None, "+") else 0
            if bad and draw(st.booleans()):
                count, bad = draw(st.sampled_from([0, 2, 3])), False
            positionals += [value(bad) for _ in range(count)]
        elif (action.required and not (bad and draw(st.booleans()))) or draw(st.booleans()):
            flag = action.option_strings[-1]
            options.append(flag if action.nargs == 0 else f"{flag}={value()}")
    return [*options, "--", *positionals] if positionals else options


ROOT = build_parser()
COMMANDS = {" ".join(words) or "(no command)": words for words, _parser in _leaves(ROOT)}
GLOBAL = _arguments(ROOT, skip=frozenset({"--db"}))  # --db is fuzzed on its own, below
PARSERS = dict(_leaves(ROOT))
# Mostly the seeded database; now and then a --db that cannot be one.
DB = st.sampled_from([[]] * 6 + [[f"--db={v}"] for v in ("", " ", "\x00", ".", "/dev/null", "missing/x.db",
                                                          "x" * 300, "bad\udcff.db", "\x1b[2J")])



def _shown(argv: list[str], err: str) -> str:
    """The failing command line and its stderr, each cut (an argument may be 10 MB)."""
    return f"crm {' '.join(repr(word[:60]) for word in argv)}\nstderr: {err[:500]}"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> tuple[bytes, list[str]]:
    """A small book every kind of command finds something in: its bytes and its dump."""
    path = tmp_path_factory.mktemp("seed") / "crm.db"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CRM_AUTHOR", "tester")
        open_database(path)
        acme = clients.add_client(clients.ClientFields(name="Acme", country="DE", birthday=TODAY), today=TODAY)
        clients.add_client(clients.ClientFields(name="Blue Fox"), today=TODAY)
        incident = incidents.open_incident(acme, "Late", severity="high", on=TODAY, words="Unacceptable")
        promises.add_promise(acme, "Send the fix", due=TODAY, on=TODAY, incident_id=incident)
        add_reminder(acme, "Call", due=TODAY, every="monthly", today=TODAY)
        clients.log_touch(acme, kind="call", on=TODAY, note="hi")
        _close()
    return path.read_bytes(), dump(path)


@pytest.fixture
def book(seeded, tmp_path, monkeypatch) -> tuple[Path, bytes, list[str]]:
    """The seeded database as crm.db in tmp_path, the working directory (files a command writes,
    export --out or a relative --db, land there)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))  # `--plan -` reads nothing
    return tmp_path / "crm.db", *seeded


@pytest.mark.parametrize("command", list(COMMANDS))
def test_hostile_arguments_exit_0_or_2_and_a_refusal_changes_nothing(book, capsys, command):
    path, pristine, before = book
    words = COMMANDS[command]

    @settings(max_examples=EXAMPLES_PER_COMMAND, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(global_args=GLOBAL, args=_arguments(PARSERS[words]), db=DB)
    def run(global_args: list[str], args: list[str], db: list[str]) -> None:
        for stale in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        path.write_bytes(pristine)
        argv = [*db, *global_args, *words, *args]
        capsys.readouterr()
        try:
            code = main(argv)
        finally:
            _close()
        err = capsys.readouterr().err
        assert code in (0, 2), _shown(argv, err)
        assert "Traceback" not in err, _shown(argv, err)
        if code == 2:
            assert err.startswith("crm") and err.count("\n") == 1, _shown(argv, err)
            assert dump(path) == before, _shown(argv, err)

    run()
