"""The command line as a program meets it: `crm X --help` explains every command and option (in
the reader's language), `python -m crm` is `crm`, and a bare `crm` with no terminal (cron, a pipe)
says what to run instead of starting the full-screen app and waiting forever."""

import argparse
import subprocess
import sys

import pytest

from crm import i18n
from crm.cli import build_parser
from tests.postgres import untouched


def _parsers(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()):
    """(words, parser, the line that lists it in its parent's help) for every command and group."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            listed = {choice.dest: choice.help for choice in action._choices_actions}
            for name, child in action.choices.items():
                yield (*words, name), child, listed.get(name)
                yield from _parsers(child, (*words, name))


class _Marked:
    """A catalog that marks every message it translates, to see which strings went through `_`."""

    def gettext(self, message: str) -> str:
        return f"⟪{message}⟫"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"⟪{singular if n == 1 else plural}⟫"


@pytest.fixture
def marked(monkeypatch) -> argparse.ArgumentParser:
    monkeypatch.setattr(i18n, "_translation", _Marked())
    return build_parser()


def _commands(parser: argparse.ArgumentParser) -> list:
    return [pytest.param(words, id=" ".join(words)) for words, _child, _listed in _parsers(parser)]


def _translated(text: str | None) -> bool:
    return bool(text) and text.startswith("⟪")


@pytest.mark.parametrize("words", _commands(build_parser()))
def test_every_command_and_option_has_help_in_the_readers_language(marked, words):
    found = {w: (child, listed) for w, child, listed in _parsers(marked)}
    parser, listed = found[words]
    assert _translated(listed), f"crm {' '.join(words)}: no help line in `crm --help`"
    assert _translated(parser.description), f"crm {' '.join(words)}: no description in its --help"
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue  # argparse's own -h; a group's subcommands are checked as commands
        name = "/".join(action.option_strings) or action.metavar or action.dest
        assert _translated(action.help), f"crm {' '.join(words)}: {name} has no help (through crm.i18n)"


def test_the_global_options_have_help(marked):
    for action in marked._actions:
        if not isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            assert _translated(action.help), action.option_strings
    assert _translated(marked.description) and _translated(marked.epilog)


def _crm(*args: str, module: bool = False, timeout: float = 60) -> subprocess.CompletedProcess:
    """`crm ARGS` (or `python -m crm ARGS`) in a child whose stdin and stdout are pipes."""
    command = [sys.executable, "-m", "crm"] if module else [sys.executable, "-c", "from crm.cli import run; run()"]
    return subprocess.run([*command, *args], stdin=subprocess.PIPE, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("args, hint", [
    ((), "crm review or crm digest"),
    (("--today", "2026-11-23"), "crm review or crm digest"),
    (("demo", "--clients", "3"), "--no-tui"),
])
def test_the_app_without_a_terminal_exits_2_with_a_hint(db_path, args, hint):
    result = _crm(*args)  # the app would wait for keys forever: the timeout would fail the test
    assert result.returncode == 2, result
    assert result.stderr.startswith("crm: ") and result.stderr.count("\n") == 1, result.stderr
    assert hint in result.stderr and "needs a terminal" in result.stderr
    assert result.stdout == ""
    assert untouched(db_path)  # refused before the database was created or filled


def test_python_dash_m_crm_is_crm(db_path):
    added = _crm("client", "add", "Acme", module=True)
    assert (added.returncode, added.stdout, added.stderr) == (0, "1\n", "")
    listed = _crm("client", "list", "--json", module=True)
    assert listed.returncode == 0 and '"name": "Acme"' in listed.stdout
    refused = _crm("client", "show", "١", module=True)  # Arabic-Indic one: a name, never client #1
    assert (refused.returncode, refused.stderr) == (2, "crm: no client named '١'\n")


def test_a_bug_is_one_line_and_exit_1_never_a_traceback(cli, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom \x1b[2J at 'Acme'\nsecond line")

    monkeypatch.setattr("crm.cli.clients.summaries", broken)
    result = cli("client", "list")
    assert result.code == 1 and result.out == ""
    assert result.err == ("crm: unexpected error: RuntimeError: boom \\x1b[2J at 'Acme' second line "
                          "(set CRM_DEBUG=1 for details)\n")
    monkeypatch.setenv("CRM_DEBUG", "1")
    with pytest.raises(RuntimeError):
        cli("client", "list")


def test_a_command_module_that_fails_to_load_is_one_line_too(cli, monkeypatch):
    monkeypatch.setattr("crm.cli._modules_for", lambda argv: 1 / 0)
    result = cli("review")
    assert (result.code, result.err) == (1, "crm: unexpected error: ZeroDivisionError: division by zero "
                                            "(set CRM_DEBUG=1 for details)\n")
