"""The `crm` command: a stable scripting interface (docs/spec.md), and the door to the app.

Each command group lives in its own module with a `register(subparsers)` function; handlers take
the parsed arguments and a `Context` and return an exit code. Textual is imported only to open
the app, so scripted commands start fast.
"""

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any, TypeAlias, TypeVar

from crm import validate
from crm.dates import DATE_HELP, parse_date, resolve_today
from crm.errors import UserError
from crm.i18n import LANGUAGES, N_, _
from crm.location import Location

T = TypeVar("T")
# Where commands are registered: the top level's subparsers, or a group's (`group`).
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
# A command: its arguments and context in, an exit code out (None: EXIT_OK).
Handler: TypeAlias = Callable[[argparse.Namespace, "Context"], int | None]
CLIENT_HELP = N_("an id (3 or #3) or a name: the whole name or a unique part of it, case and accents ignored")

EXIT_OK, EXIT_UNEXPECTED, EXIT_BAD_INPUT = 0, 1, 2


def _terminal_columns() -> int:
    """The columns `shutil.get_terminal_size()` gives (80 when unknown), without importing shutil
    (and its compression modules) into every command: argparse makes a help formatter for each
    argument added, and its formatter asks shutil."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, told the terminal's width (see `_terminal_columns`)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         _terminal_columns() - 2 if width is None else width)


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse quotes some arguments raw ("unrecognized arguments: …"): make them harmless.
        from crm.text import safe_line, shorten

        sys.stderr.write(f"{self.prog}: {shorten(safe_line(message), 500)} " + _("(see {prog} --help)").format(
            prog=self.prog) + "\n")
        sys.exit(EXIT_BAD_INPUT)

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> object:
        # Python 3.11 drops a value that is exactly "--" (`--note=--`), leaving [] where a string
        # belongs, which no check expects; such a value is kept as typed.
        if action.option_strings and action.nargs is None and arg_strings == ["--"]:
            return self._get_value(action, "--")
        return super()._get_values(action, arg_strings)


def checked(check: Callable[[str], T]) -> Callable[[str], T]:
    """An argparse `type` from one of the checks every value a user types goes through (crm.validate):
    its refusal becomes argparse's one-line usage error, naming the option."""

    def convert(text: str) -> T:
        try:
            return check(text)
        except UserError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def whole(low: int, high: int) -> Callable[[str], int]:
    """An argparse `type` for a whole number from `low` to `high` (ASCII digits: `int` reads '١' as 1)."""
    return checked(lambda text: validate.whole(text, low, high))


def has_terminal() -> bool:
    """Whether the app can run here: a terminal on both ends (not cron, a pipe or a redirect)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def require_terminal(hint: str) -> None:
    """Refuse to open the full-screen app where it would wait forever for keys nobody types,
    saying what to do instead."""
    if not has_terminal():
        raise UserError(_("the app needs a terminal; {hint}").format(hint=hint))


@dataclass
class Context:
    """What every command needs: where the database is and what day it is."""

    db_path: Location
    today: date
    _db: object = field(default=None, repr=False)

    def open(self, *, reading: bool = False) -> None:
        """Open the database on first use (so `--help` and bad dates never create a file);
        `reading`: a file this user may not write is opened read-only instead of refused."""
        if self._db is None:
            from crm.db import open_database

            if isinstance(self.db_path, Path):
                check_database_file(self.db_path)
            self._db = open_database(self.db_path, reading=reading)

    def date(self, text: str | None, default: date | None = None) -> date:
        """A date option as typed (relative forms count from --today), or `default`/today."""
        if text is None:
            return default or self.today
        return parse_date(text, self.today)


def check_database_file(path: Path) -> None:
    """Refuse, in one clear line, a database path SQLite cannot use: a name that is not UTF-8, a
    directory, a device or pipe, a file this user may not read, a link to nowhere, or a file in a
    directory that does not exist (a mistyped --db must not quietly start an empty database there).
    Only the default location's directory is created on first use."""
    import stat

    from crm.text import safe_line

    shown = safe_line(path)
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes from argv: SQLite reports its file names as UTF-8
        raise UserError(_("{path}: a database's path must be valid UTF-8").format(path=shown)) from None
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            raise UserError(_("{path} is a link to a file that does not exist").format(path=shown)) from None
        if not os.path.isdir(path.parent):
            from crm.db import default_path

            if path != default_path():
                raise UserError(_("cannot create database {path}: there is no directory {directory}").format(
                    path=shown, directory=safe_line(path.parent))) from None
        return
    except OSError as exc:  # a directory on the way this user may not enter, a link loop, a file as a directory
        raise UserError(_("cannot open database {path}: {reason}").format(path=shown, reason=exc.strerror)) from None
    if stat.S_ISDIR(mode):
        raise UserError(_("{path} is a directory, not a database file").format(path=shown))
    if not stat.S_ISREG(mode):
        raise UserError(_("{path} is not a regular file (a device or a pipe), not a database").format(path=shown))
    if not os.access(path, os.R_OK):
        raise UserError(_("cannot read {path}: permission denied").format(path=shown))


def _command_modules() -> tuple[ModuleType, ...]:
    from crm.cli import clients, completion, config, data, demo, incidents, journal, review, wizard

    return (clients, incidents, data, demo, review, journal, wizard, config, completion)


# The module that registers each command. A scripted command imports only its own module (a cron
# job running `crm review` never loads the import/export or demo code); anything else (no
# command, --help, a typo) loads them all. tests/unit/test_cli_lazy.py keeps this in step.
COMMAND_MODULES = {
    "client": "clients", "touch": "clients",
    "incident": "incidents", "promise": "incidents", "compensate": "incidents",
    "export": "data", "import": "data", "backup": "data",
    "demo": "demo",
    "review": "review", "done": "review", "snooze": "review", "remind": "review", "ics": "review", "digest": "review",
    "undo": "journal", "log": "journal",
    "wizard": "wizard",
    "config": "config",
    "completion": "completion",
}
_VALUED_OPTIONS = ("--db", "--today", "--lang")


def _command_word(argv: Sequence[str]) -> str | None:
    """The command `argv` names (the first word that is not a global option or its value)."""
    words = iter(argv)
    for word in words:
        if word in _VALUED_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            return word
        elif word == "--":
            return next(words, None)
    return None


def _global_option(argv: Sequence[str], option: str) -> str | None:
    """The value of a global `option` (`--lang ru` or `--lang=ru` before the command), if given."""
    words = iter(argv)
    for word in words:
        if word == option:
            return next(words, None)
        if word.startswith(option + "="):
            return word.partition("=")[2]
        if word in _VALUED_OPTIONS:
            next(words, None)
        elif not word.startswith("-") or word == "--":
            return None  # the command: what follows is its own
    return None


def _speak(argv: Sequence[str]) -> None:
    """Choose the language before the parser is built (its help is translated): --lang, the
    settings file, $CRM_LANG, the locale (crm.i18n.pick). A settings file with a problem is said in
    one line, and its defaults stand (`crm config` says it itself)."""
    from crm.config import load
    from crm.i18n import ENGLISH, language, pick, use

    settings = load()
    use(pick(_global_option(argv, "--lang"), settings.language))
    if language() != ENGLISH:  # argparse's own words ("usage:", "options") too
        from crm.cli.argparse_words import speak

        speak()
    if settings.problem and _command_word(argv) != "config":
        sys.stderr.write("crm: " + _("{problem} (the defaults are used)").format(problem=settings.problem) + "\n")


def _modules_for(argv: Sequence[str]) -> tuple[ModuleType, ...]:
    name = COMMAND_MODULES.get(_command_word(argv) or "")
    if name is None:
        return _command_modules()
    from importlib import import_module

    return (import_module(f"crm.cli.{name}"),)


def build_parser(argv: Sequence[str] | None = None) -> Parser:
    """The parser for all commands, or (given `argv`) only for the command it names."""
    parser = Parser(
        prog="crm",
        description=_("Rapport: a terminal CRM for small agencies. Without a command, opens the app."),
        epilog=_("DATE accepts {forms}.").format(forms=_(DATE_HELP)),
    )
    parser.add_argument("--db", metavar="PATH", type=checked(validate.database),
                        help=_("database file or postgresql:// URL (else $CRM_DB, else the user data dir)"))
    parser.add_argument("--today", metavar="DATE", help=_("pretend today is DATE (else $CRM_TODAY)"))
    parser.add_argument("--lang", metavar="LL", choices=LANGUAGES,
                        help=_("the language to speak: {languages} (else the settings file's language, "
                               "else $CRM_LANG, else the locale)").format(languages=", ".join(LANGUAGES)))
    from crm import __version__

    parser.add_argument("--version", action="version", version=f"crm {__version__}",
                        help=_("show the version and exit"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for module in _command_modules() if argv is None else _modules_for(argv):
        module.register(sub)
    return parser


def _open_app(ctx: Context) -> int:
    from crm.app import run_app

    return run_app(ctx.db_path, ctx.today)


def run() -> None:
    """The `crm` console script: `main` for this process's own arguments."""
    sys.exit(main(exit_process=True))


def main(argv: Sequence[str] | None = None, *, exit_process: bool = False) -> int:
    """Run `crm ARGV`; the exit code (argparse's own exits for usage errors and --help included).
    With `exit_process` (the `crm` process itself), a read-only command ends the process once done."""
    try:
        return _run(sys.argv[1:] if argv is None else argv, exit_process)
    except UserError as exc:
        sys.stderr.write(f"crm: {_shown(exc)}\n")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        sys.stderr.write("crm: " + _("interrupted; nothing was half-written") + "\n")
        return 130
    except BrokenPipeError:
        # `crm review | head`: the reader went away; silence Python's own complaint at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # the last line of defence: one line, never a traceback
        from crm.db import storage_problem

        if problem := storage_problem(exc):
            sys.stderr.write(f"crm: {problem}\n")
            return EXIT_BAD_INPUT
        if os.environ.get("CRM_DEBUG"):
            raise
        # The message may quote what the user typed (a path, a value): made safe like any other.
        sys.stderr.write("crm: " + _("unexpected error: {error} (set CRM_DEBUG=1 for details)").format(
            error=_shown(f"{type(exc).__name__}: {exc}")).replace("\n", " ") + "\n")
        return EXIT_UNEXPECTED


def _run(argv: Sequence[str], exit_process: bool) -> int:
    _speak(argv)
    parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # the message is already on stderr (or the help on stdout)
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    from crm.db import resolve_path

    ctx = Context(db_path=resolve_path(args.db), today=resolve_today(args.today))
    handler = getattr(args, "handler", None)
    if handler is None:
        if args.command:  # a group without its subcommand, e.g. `crm client`
            prog = args.group_parser.prog
            choices = ", ".join(args.group_actions.choices)
            sys.stderr.write(_("{prog}: choose one of: {choices} (see {prog} --help)").format(
                prog=prog, choices=choices) + "\n")
            return EXIT_BAD_INPUT
        require_terminal(_("from a script or cron use crm review or crm digest (crm --help lists every command)"))
        ctx.open(reading=True)  # an archived copy can be browsed in the app
        return _open_app(ctx)
    if getattr(args, "app", False):  # a command that opens the app when done (crm demo)
        require_terminal(args.app_hint)
    if not getattr(args, "no_db", False):
        ctx.open(reading=getattr(args, "read_only", False))
    if getattr(args, "read_only", False):
        return _read_only(handler, args, ctx, exit_process)
    return handler(args, ctx) or EXIT_OK


def _read_only(handler: Handler, args: argparse.Namespace, ctx: Context, exit_process: bool) -> int:
    """Run a command that writes nothing (registered with `read_only=True`). As the `crm` process
    itself it ends with `os._exit` as soon as its output is flushed, skipping the interpreter's
    teardown (12 ms after a 5,000-client review: freeing every object one by one). Nothing is lost
    by that: the command changed no data (SQLite has nothing pending for a reader; skipping the
    close only leaves the -wal/-shm files for the next session, as any open session does), a cache
    file it wrote was already renamed into place, no atexit handler of ours exists, stdout and stderr are
    flushed first, and the exit code is kept. (Pausing garbage collection as well saved 2 ms but
    tripled `client list`'s memory.)"""
    code = handler(args, ctx) or EXIT_OK
    if exit_process:
        sys.stdout.flush()  # a closed pipe raises here, inside main's handling of it
        sys.stderr.flush()
        os._exit(code)
    return code


def _shown(exc: object) -> str:
    """An error message made terminal-safe line by line: it may quote what the user typed."""
    from crm.text import safe_line, shorten

    return "\n".join(shorten(safe_line(line), 500) for line in str(exc).split("\n"))


def group(sub: Subcommands, name: str, help_text: str) -> Subcommands:
    """A command group such as `client`, whose subcommands are registered on the result."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    actions: Subcommands = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    parser.set_defaults(group_parser=parser, group_actions=actions)
    return actions
