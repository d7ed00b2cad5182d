"""A scripted command loads only its own command module (issue 7: `crm review` from cron starts
fast), yet every command and `--help` behave exactly as with all modules loaded."""

import subprocess
import sys

import pytest

from crm.cli import COMMAND_MODULES, _command_word, build_parser


def _commands(parser) -> dict[str, str]:
    """Each top-level command of `parser` and the module whose `register` added it."""
    action = next(a for a in parser._actions if a.dest == "command")
    found = {}
    for name, sub in action.choices.items():
        handler = sub.get_default("handler")
        if handler is None:  # a group: its subcommands' handlers
            handler = next(iter(sub.get_default("group_actions").choices.values())).get_default("handler")
        found[name] = handler.__module__
    return found


def test_every_command_is_mapped_to_the_module_that_registers_it():
    registered = _commands(build_parser())
    assert {name: f"crm.cli.{module}" for name, module in COMMAND_MODULES.items()} == registered


@pytest.mark.parametrize("command", sorted(COMMAND_MODULES))
def test_a_command_parses_with_only_its_module_loaded(command):
    parser = build_parser(["--db", "x.db", command])
    assert command in _commands(parser)


@pytest.mark.parametrize(
    ("argv", "word"),
    [
        (["review", "--json"], "review"),
        (["--db", "review", "client", "list"], "client"),  # "review" is the --db value here
        (["--today", "tomorrow", "done", "x"], "done"),
        (["--db=a.db", "digest"], "digest"),
        (["--help"], None),
        ([], None),
    ],
)
def test_the_command_word_skips_global_options_and_their_values(argv, word):
    assert _command_word(argv) == word


def test_review_does_not_load_other_commands_code():
    code = ("import sys, crm.cli; code = crm.cli.main(['review', '--json']); "
            "print(code, sorted(m for m in ('crm.exchange', 'crm.demo', 'crm.backup') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.splitlines()[-1] == "0 []", result.stderr


def test_unknown_command_still_lists_every_command(cli):
    result = cli("reveiw")
    assert result.code == 2
    for command in ("review", "client", "export", "demo", "incident"):
        assert command in result.err
