"""`crm demo`: fill an empty database with a believable agency's clients, then open the app."""

import argparse

from crm.cli import Context
from crm.demo import MAX_CLIENTS, fill_demo

DEFAULT_CLIENTS = 40


def _clients(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_CLIENTS:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_CLIENTS}, not {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None


def register(sub) -> None:
    text = ("fill an empty database with realistic demo data (clients, their history, due items around "
            "today), then open the app")
    demo = sub.add_parser("demo", help=text, description=text)
    demo.add_argument("--clients", type=_clients, default=DEFAULT_CLIENTS, metavar="N",
                      help=f"how many clients (default {DEFAULT_CLIENTS})")
    demo.add_argument("--seed", type=_seed, default=1, metavar="S",
                      help="the same seed and --today give the same data (default 1)")
    demo.add_argument("--no-tui", action="store_true", help="only fill the database; do not open the app")
    demo.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace, ctx: Context) -> int:
    counts = fill_demo(args.clients, ctx.today, seed=args.seed)
    print(_summary(counts))
    if args.no_tui:
        return 0
    from crm.app import run_app

    return run_app(ctx.db_path, ctx.today)


def _summary(counts: dict[str, int]) -> str:
    return (f"demo: created {counts['client']} clients ({counts['contact']} contacts), {counts['touch']} touches, "
            f"{counts['incident']} incidents ({counts['incident_event']} events), {counts['promise']} promises, "
            f"{counts['compensation']} compensations, {counts['status_change']} status changes and "
            f"{counts['reminder']} reminders")
