"""`crm undo` and `crm log`: the change journal from the shell (crm.journal)."""

import argparse

from crm.cli import CLIENT_HELP, Context, Subcommands, whole
from crm.cli.output import emit_json
from crm.i18n import _
from crm.text import safe_line

LOG_LIMIT, MAX_LOG_LIMIT = 20, 10_000


def register(sub: Subcommands) -> None:
    undo = sub.add_parser("undo", help=_("undo your own last change; repeat to go further back"),
                          description=_("Undo your own newest change that is not undone yet. It refuses, saying "
                                        "who and what, when someone else has built on it since."))
    undo.add_argument("--json", action="store_true", help=_("print {\"undone\": {\"change\", \"what\"}}"))
    undo.set_defaults(handler=_undo)

    text = _("the change history: who, when, what (newest first)")
    log = sub.add_parser("log", help=text, description=text)
    log.add_argument("--limit", type=whole(1, MAX_LOG_LIMIT), default=LOG_LIMIT, metavar="N",
                     help=_("show the newest N changes ({default})").format(default=LOG_LIMIT))
    log.add_argument("--client", metavar="CLIENT",
                     help=_("only the changes that concerned this client: {client}").format(client=_(CLIENT_HELP)))
    log.add_argument("--json", action="store_true", help=_("print a JSON array"))
    log.set_defaults(handler=_log, read_only=True)


def _undo(args: argparse.Namespace, ctx: Context) -> int:
    from crm.journal import undo

    undone = undo()
    if args.json:
        emit_json(undone.as_json())
    else:
        print(_("Undone: {what}").format(what=safe_line(undone.what)))
    return 0


def _log(args: argparse.Namespace, ctx: Context) -> int:
    from crm.journal import history

    client_id = None
    if args.client is not None:
        from crm.clients import find_client

        client_id = find_client(args.client).id
    entries = history(args.limit, client_id)
    if args.json:
        emit_json([entry.as_json() for entry in entries])
        return 0
    if not entries:
        print(_("No changes recorded yet."))
    for entry in entries:
        mark = _(" (undone)") if entry.undone else ""
        print(f"#{entry.change:<5} {entry.at:%Y-%m-%d %H:%M}  {safe_line(entry.author):<12} "
              f"{safe_line(entry.what)}{mark}")
    return 0
