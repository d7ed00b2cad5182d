"""`crm incident …`, `crm promise …` and `crm compensate`."""

import argparse

from crm import incidents, promises
from crm.cli import Context, group
from crm.cli.output import created
from crm.clients import find_client
from crm.domain import COMPENSATION_KINDS, EVENT_KINDS, OUTCOMES, SEVERITIES
from crm.errors import UserError
from crm.money import parse_amount, parse_currency


def _id(text: str) -> int:
    """An INCIDENT or PROMISE id as typed (`7` or `#7`)."""
    digits = text.strip().removeprefix("#")
    if not digits.isdigit():
        raise argparse.ArgumentTypeError(f"not an id: {text!r}")
    return int(digits)


def register(sub) -> None:
    actions = group(sub, "incident", "open, log and resolve incidents (complaints, conflicts)")
    opened = actions.add_parser("open", help="open an incident; prints its id")
    opened.add_argument("client", metavar="CLIENT")
    opened.add_argument("title", metavar="TITLE")
    opened.add_argument("--severity", default="medium", metavar="|".join(SEVERITIES))
    opened.add_argument("--text", default="", help="the client's own words: the first timeline event")
    opened.add_argument("--on", metavar="DATE")
    opened.add_argument("--json", action="store_true")
    opened.set_defaults(handler=_open)

    log = actions.add_parser("log", help="add an event to an incident's timeline; prints its id")
    log.add_argument("incident", type=_id, metavar="INCIDENT")
    log.add_argument("text", metavar="TEXT")
    log.add_argument("--kind", default="note", metavar="K", help=", ".join(EVENT_KINDS))
    log.add_argument("--on", metavar="DATE")
    log.add_argument("--json", action="store_true")
    log.set_defaults(handler=_log)

    resolve = actions.add_parser("resolve", help="close an incident (departed/parted also change the status)")
    resolve.add_argument("incident", type=_id, metavar="INCIDENT")
    resolve.add_argument("--outcome", default="retained", metavar="|".join(OUTCOMES))
    resolve.add_argument("--note", default="")
    resolve.add_argument("--on", metavar="DATE")
    resolve.set_defaults(handler=_resolve)

    actions = group(sub, "promise", "promises to clients, and keeping them")
    add = actions.add_parser("add", help="record a promise; prints its id")
    add.add_argument("client", metavar="CLIENT")
    add.add_argument("text", metavar="TEXT")
    add.add_argument("--due", required=True, metavar="DATE")
    add.add_argument("--incident", type=_id, metavar="INCIDENT")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=_promise_add)
    done = actions.add_parser("done", help="mark a promise kept")
    done.add_argument("promise", type=_id, metavar="PROMISE")
    done.add_argument("--on", metavar="DATE")
    done.set_defaults(handler=_promise_done)
    broken = actions.add_parser("break", help="mark a promise broken")
    broken.add_argument("promise", type=_id, metavar="PROMISE")
    broken.add_argument("--on", metavar="DATE")
    broken.set_defaults(handler=_promise_break)
    moved = actions.add_parser("renegotiate", help="agree a new due date; prints the new promise's id")
    moved.add_argument("promise", type=_id, metavar="PROMISE")
    moved.add_argument("--due", required=True, metavar="DATE")
    moved.add_argument("--json", action="store_true")
    moved.set_defaults(handler=_promise_renegotiate)

    comp = sub.add_parser("compensate", help="record a compensation offered on an incident; prints its id")
    comp.add_argument("incident", type=_id, metavar="INCIDENT")
    comp.add_argument("--kind", required=True, metavar="|".join(COMPENSATION_KINDS))
    comp.add_argument("--amount", required=True, metavar="A")
    comp.add_argument("--currency", default=None, metavar="CUR", help="default: the client's currency")
    comp.add_argument("--valid-until", metavar="DATE", help="for a bonus; default three months")
    comp.add_argument("--note", default="")
    comp.add_argument("--on", metavar="DATE")
    comp.add_argument("--json", action="store_true")
    comp.set_defaults(handler=_compensate)


def _open(args: argparse.Namespace, ctx: Context) -> int:
    client = find_client(args.client)
    new_id = incidents.open_incident(
        client.id, args.title, severity=args.severity, on=ctx.date(args.on), words=args.text
    )
    created(new_id, args.json)
    return 0


def _log(args: argparse.Namespace, ctx: Context) -> int:
    created(incidents.log_event(args.incident, args.text, kind=args.kind, on=ctx.date(args.on)), args.json)
    return 0


def _resolve(args: argparse.Namespace, ctx: Context) -> int:
    incidents.resolve_incident(args.incident, outcome=args.outcome, on=ctx.date(args.on), note=args.note)
    print(f"incident #{args.incident} resolved: {args.outcome}")
    return 0


def _promise_add(args: argparse.Namespace, ctx: Context) -> int:
    client = find_client(args.client)
    if args.incident is not None and incidents.get_incident(args.incident).client_id != client.id:
        raise UserError(f"incident #{args.incident} belongs to another client")
    new_id = promises.add_promise(client.id, args.text, due=ctx.date(args.due), on=ctx.today, incident_id=args.incident)
    created(new_id, args.json)
    return 0


def _promise_done(args: argparse.Namespace, ctx: Context) -> int:
    on = ctx.date(args.on)
    on_time = promises.keep_promise(args.promise, on=on)
    print(f"promise #{args.promise} kept " + ("on time" if on_time else "late"))
    return 0


def _promise_break(args: argparse.Namespace, ctx: Context) -> int:
    promises.break_promise(args.promise, on=ctx.date(args.on))
    print(f"promise #{args.promise} broken")
    return 0


def _promise_renegotiate(args: argparse.Namespace, ctx: Context) -> int:
    created(promises.renegotiate_promise(args.promise, new_due=ctx.date(args.due), on=ctx.today), args.json)
    return 0


def _compensate(args: argparse.Namespace, ctx: Context) -> int:
    amount = parse_amount(args.amount)
    incident = incidents.get_incident(args.incident)
    currency = parse_currency(args.currency) if args.currency else incident.client.currency
    new_id = incidents.compensate(
        args.incident,
        kind=args.kind,
        amount=amount,
        currency=currency,
        valid_until=ctx.date(args.valid_until) if args.valid_until else None,
        on=ctx.date(args.on),
        note=args.note,
    )
    created(new_id, args.json)
    return 0
