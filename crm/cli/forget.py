"""`crm client forget CLIENT --yes`: erase a client's personal data everywhere (crm.forget).

Registered by `crm.cli.clients` into the `client` group."""

import argparse
import sys

from crm.cli import CLIENT_HELP, Context, Subcommands
from crm.errors import UserError
from crm.i18n import _, ngettext
from crm.text import safe_line


def register(actions: Subcommands) -> None:
    text = _("erase a client's personal data everywhere, for good (undo cannot bring it back)")
    forget = actions.add_parser("forget", help=text, description=_(
        "Erase the client and everything about them: contacts, notes, timeline, incidents, promises, "
        "compensations, reminders, review marks and the change history's copies; the database file keeps "
        "no trace (on a PostgreSQL server, the tables are rewritten with VACUUM FULL). Backups that still "
        "hold them are listed. Without --yes, says what would be erased."))
    forget.add_argument("client", metavar="CLIENT", help=_(CLIENT_HELP))
    forget.add_argument("--yes", action="store_true", help=_("really erase (it cannot be undone)"))
    forget.set_defaults(handler=_forget)


def _forget(args: argparse.Namespace, ctx: Context) -> int:
    from crm.clients import find_client
    from crm.forget import erasure_preview, forget_client

    client = find_client(args.client)
    who = f"{safe_line(client.name)} (#{client.id})"
    if not args.yes:
        plan = erasure_preview(client.id, ctx.db_path)
        held = ngettext("; {count} backup still holds them", "; {count} backups still hold them",
                        len(plan.backups)).format(count=len(plan.backups)) if plan.backups else ""
        raise UserError(_("forgetting {who} erases {what} for good{held}; nothing was changed: "
                          "add --yes to erase").format(who=who, what=plan.erased(), held=held))
    done = forget_client(client.id, ctx.db_path)
    if done.leftover:
        print(_("Forgot {who}: erased {what}.").format(who=who, what=done.erased()))
    elif done.on_server:
        print(_("Forgot {who}: erased {what}; the database's tables were rewritten and keep no trace of them "
                "(the server's write-ahead log, replicas and its own backups keep older copies until they "
                "are recycled).").format(who=who, what=done.erased()))
    else:
        print(_("Forgot {who}: erased {what}; the database file keeps no trace of them.").format(
            who=who, what=done.erased()))
    if done.backups:
        print(ngettext("This backup still holds them (delete it to finish):",
                       "These backups still hold them (delete them to finish):", len(done.backups)))
        for path in done.backups:
            print(f"  {safe_line(path)}")
    if done.leftover:
        sys.stderr.write(f"crm: {safe_line(done.leftover)}\n")
    return 0
