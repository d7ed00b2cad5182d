"""`crm demo`: fill an empty database with a believable agency's clients, then open the app."""

import argparse

from crm.cli import Context, whole
from crm.demo import MAX_CLIENTS, fill_demo
from crm.i18n import _

DEFAULT_CLIENTS = 40
MAX_SEED = 2**63 - 1  # any seed `random` takes would do; a bound keeps `int()` off a 10 MB argument


def register(sub) -> None:
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
    return (f"demo: created {counts['client']} clients ({counts['contact']} contacts), {counts['touch']} touches, "
            f"{counts['incident']} incidents ({counts['incident_event']} events), {counts['promise']} promises, "
            f"{counts['compensation']} compensations, {counts['status_change']} status changes and "
            f"{counts['reminder']} reminders")
