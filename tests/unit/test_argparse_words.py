"""argparse's own words ("usage:", "options", "unrecognized arguments") read in the reader's
language, from Rapport's catalogs (crm/cli/argparse_words.py, issue 13)."""

import argparse
import ast
import inspect

from crm.cli.argparse_words import MESSAGES, PLURALS


def _argparse_messages() -> set[str]:
    """Every message argparse passes to `_` or `ngettext` (singular and plural)."""
    found = set()
    for node in ast.walk(ast.parse(inspect.getsource(argparse))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
            found |= {arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)}
    return found


def test_the_marked_messages_are_argparse_s_own():
    """A message argparse no longer has (a newer Python rewords one) would never be looked up."""
    marked = set(MESSAGES) | {form for pair in PLURALS for form in pair}
    assert marked - _argparse_messages() == set()
    assert {"usage: ", "options", "positional arguments", "unrecognized arguments: %s",
            "the following arguments are required: %s", "invalid choice: %(value)r (choose from %(choices)s)",
            "argument %(argument_name)s: %(message)s", "show this help message and exit"} <= marked


def test_help_in_russian_has_no_argparse_english(cli):
    result = cli("--lang", "ru", "--help")
    assert result.code == 0
    assert result.out.startswith("использование: crm ")
    for english in ("usage:", "positional arguments", "options:", "show this help message"):
        assert english not in result.out
    assert "параметры:" in result.out and "показать эту справку и выйти" in result.out


def test_a_command_s_help_in_romanian(cli):
    result = cli("--lang", "ro", "client", "add", "--help")
    assert result.code == 0 and result.out.startswith("utilizare: crm client add ")
    assert "argumente poziționale:" in result.out and "opțiuni:" in result.out


def test_a_usage_error_in_russian_is_one_line(cli):
    result = cli("--lang", "ru", "review", "--bogus")
    assert result.code == 2
    assert result.err.startswith("crm: нераспознанные аргументы: --bogus ")
    assert len(result.err.splitlines()) == 1
    missing = cli("--lang", "ru", "done")
    assert missing.code == 2 and "обязательны следующие аргументы: ITEM" in missing.err


def test_english_stays_argparse_s_own(cli):
    cli("--lang", "ru", "--help")  # argparse's words now follow crm.i18n, English among them
    result = cli("--lang", "en", "--help")
    assert result.out.startswith("usage: crm ") and "options:" in result.out
    assert "unrecognized arguments: --bogus" in cli("--lang", "en", "review", "--bogus").err
