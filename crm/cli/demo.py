"""`crm demo`: fill an empty database with a believable agency's clients, then open the app."""

import argparse

from crm.cli import Context, Subcommands, whole
from crm.demo import MAX_CLIENTS, fill_demo
from crm.i18n import _, ngettext

DEFAULT_CLIENTS = 40
MAX_SEED = 2**63 - 1  # any seed `random` takes would do; a bound keeps `int()` off a 10 MB argument


def register(sub: Subcommands) -> None:
    text = _("fill an empty database with realistic demo data (clients, their history, due items around "
             "today), then open the app")
    demo = sub.add_parser("demo", help=text, description=text)
    demo.add_argument("--clients", type=whole(1, MAX_CLIENTS), default=DEFAULT_CLIENTS, metavar="N",
                      help=_("how many clients (default {default})").format(default=DEFAULT_CLIENTS))
    demo.add_argument("--seed", type=whole(-MAX_SEED, MAX_SEED), default=1, metavar="S",
                      help=_("the same seed and --today give the same data (default 1)"))
    demo.add_argument("--no-tui", action="store_false", dest="app",
                      help=_("only fill the database; do not open the app"))
    demo.set_defaults(handler=_demo, app_hint=_("add --no-tui to only fill the database"))


def _demo(args: argparse.Namespace, ctx: Context) -> int:
    counts = fill_demo(args.clients, ctx.today, seed=args.seed)
    print(_summary(counts))
    if not args.app:
        return 0
    from crm.app import run_app

    return run_app(ctx.db_path, ctx.today)


def _summary(counts: dict[str, int]) -> str:
    n = counts
    return _("demo: created {clients} ({contacts}), {touches}, {incidents} ({events}), {promises}, {compensations}, "
             "{status_changes} and {reminders}").format(
        clients=ngettext("{count} client", "{count} clients", n["client"]).format(count=n["client"]),
        contacts=ngettext("{count} contact", "{count} contacts", n["contact"]).format(count=n["contact"]),
        touches=ngettext("{count} touch", "{count} touches", n["touch"]).format(count=n["touch"]),
        incidents=ngettext("{count} incident", "{count} incidents", n["incident"]).format(count=n["incident"]),
        events=ngettext("{count} event", "{count} events", n["incident_event"]).format(count=n["incident_event"]),
        promises=ngettext("{count} promise", "{count} promises", n["promise"]).format(count=n["promise"]),
        compensations=ngettext("{count} compensation", "{count} compensations", n["compensation"]).format(
            count=n["compensation"]),
        status_changes=ngettext("{count} status change", "{count} status changes", n["status_change"]).format(
            count=n["status_change"]),
        reminders=ngettext("{count} reminder", "{count} reminders", n["reminder"]).format(count=n["reminder"]))
