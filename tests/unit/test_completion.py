"""`crm completion bash|zsh`: the script completes what the parser knows, in the real shells."""

import shutil
import subprocess

import pytest

from crm.cli import COMMAND_MODULES, Parser, build_parser
from crm.cli.completion import script
from tests.postgres import untouched

BASH_CASE = """
complete_words() {{ COMP_WORDS=("$@"); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); COMPREPLY=(); _crm; }}
complete_words {words}
printf '%s\\n' "${{COMPREPLY[@]}}"
"""


def _bash(source: str, *words: str) -> list[str]:
    """What bash offers for the command line `words` (the last one being completed)."""
    quoted = " ".join("'" + word.replace("'", "'\\''") + "'" for word in words)
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", source + BASH_CASE.format(words=quoted)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return sorted(result.stdout.split())


@pytest.fixture(scope="module")
def bash_script() -> str:
    return script("bash", build_parser())


def test_the_bash_script_registers_and_completes_commands(cli, db_path):
    result = cli("completion", "bash")
    assert (result.code, result.err) == (0, "")
    registered = subprocess.run(["bash", "--norc", "--noprofile", "-c", result.out + "complete -p crm"],
                                capture_output=True, text=True, timeout=30)
    assert registered.stdout == "complete -F _crm crm\n"
    assert _bash(result.out, "crm", "re") == ["remind", "review"]
    assert untouched(db_path)  # printing a script opens no database


@pytest.mark.parametrize(
    ("words", "offered"),
    [
        (["crm", ""], sorted(COMMAND_MODULES)),  # every command, this one too
        (["crm", "--db", "review.db", "cl"], ["client"]),  # an option's value is not a command
        (["crm", "client", "add", "Anna", "--t"], ["--temperament", "--tier"]),
        (["crm", "client", "add", "Anna", "--tier", ""], ["key", "regular"]),  # from the metavar key|regular
        (["crm", "compensate", "1", "--kind", "b"], ["bonus"]),
        (["crm", "remind", "add", "1", "Call", "--every", ""], ["monthly", "weekly", "yearly"]),  # not "Nm"
        (["crm", "export", "--format", "=", ""], ["csv", "json", "vcf"]),  # bash splits --format= at the =
        (["crm", "completion", ""], ["bash", "zsh"]),
        (["crm", "done", "promise-1", "promise-2", ""], []),  # ids: nothing to guess
    ],
)
def test_bash_completes_what_the_parser_knows(bash_script, words, offered):
    assert _bash(bash_script, *words) == offered


def test_bash_completes_file_names_for_a_path(bash_script, tmp_path):
    (tmp_path / "clients.csv").write_text("name\n")
    (tmp_path / "contacts.vcf").write_text("")
    assert _bash(bash_script, "crm", "import", str(tmp_path / "cl")) == [str(tmp_path / "clients.csv")]
    assert _bash(bash_script, "crm", "--db", str(tmp_path / "co")) == [str(tmp_path / "contacts.vcf")]


def test_a_new_command_completes_without_being_listed_anywhere():
    parser = Parser(prog="crm")
    commands = parser.add_subparsers(dest="command")
    ship = commands.add_parser("ship", help="send the parcels").add_subparsers(dest="action")
    now = ship.add_parser("now", help="today's parcels")
    now.add_argument("--speed", metavar="slow|fast", help="how fast")
    now.add_argument("--label", metavar="FILE", help="the label to print")
    now.add_argument("--carrier", choices=["post", "courier"])
    source = script("bash", parser)
    assert _bash(source, "crm", "sh") == ["ship"]
    assert _bash(source, "crm", "ship", "now", "--") == ["--carrier", "--help", "--label", "--speed"]
    assert _bash(source, "crm", "ship", "now", "--speed", "") == ["fast", "slow"]
    assert _bash(source, "crm", "ship", "now", "--carrier", "c") == ["courier"]


ZSH_STUBS = """
compdef() { : }
_describe() { print -rl -- "${(@P)4}" }
compadd() { shift; print -rl -- "$@" }
compset() { : }
"""


def _zsh(source: str, *words: str) -> list[str]:
    """What the zsh script offers for `words`, its completion helpers replaced by stubs that print."""
    quoted = " ".join("'" + word.replace("'", "'\\''") + "'" for word in words)
    case = f"\nwords=({quoted}); CURRENT=${{#words}}; PREFIX=${{words[-1]}}; _crm\n"
    result = subprocess.run(["zsh", "-f", "-c", ZSH_STUBS + source + case], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return sorted(result.stdout.splitlines())


def test_the_zsh_script_parses_and_completes_with_descriptions():
    parser = build_parser()
    source = script("zsh", parser)
    assert source.startswith("#compdef crm\n")
    assert "'review:what is due: overdue items plus the next N days'" in source
    if shutil.which("zsh") is None:  # the script's shape is checked above; zsh itself is not installed
        return
    checked = subprocess.run(["zsh", "-n", "-c", source], capture_output=True, text=True, timeout=30)
    assert (checked.returncode, checked.stderr) == (0, "")
    offered = _zsh(source, "crm", "re")  # _describe gets every command; zsh itself filters by prefix
    assert {"remind:custom reminders", "review:what is due: overdue items plus the next N days"} <= set(offered)
    assert _zsh(source, "crm", "compensate", "1", "--kind", "") == sorted(["gift", "bonus", "discount", "refund",
                                                                         "redo"])
    assert _zsh(source, "crm", "completion", "") == ["bash", "zsh"]


def test_an_unknown_shell_is_one_line_and_exit_2(cli):
    result = cli("completion", "fish")
    assert result.code == 2
    assert result.out == "" and len(result.err.splitlines()) == 1 and "fish" in result.err
