"""`crm incident …`, `crm promise …` and `crm compensate`."""

import argparse

from crm import incidents, promises, validate
from crm.cli import CLIENT_HELP, Context, Subcommands, checked, group
from crm.cli.output import created
from crm.clients import find_client
from crm.domain import COMPENSATION_KINDS, EVENT_KINDS, OUTCOMES, SEVERITIES
from crm.errors import UserError
from crm.i18n import N_, _
from crm.money import parse_amount, parse_currency

# INCIDENT and PROMISE as typed (`7` or `#7`): ASCII digits within SQLite's range, else a usage error.
_id = checked(validate.record_id)
_DATE_ON = N_("the day it happened (default today)")
_JSON_ID = N_("print {\"id\": N}")


def register(sub: Subcommands) -> None:
    actions = group(sub, "incident", _("open, log and resolve incidents (complaints, conflicts)"))
    opened = actions.add_parser("open", help=_("open an incident; prints its id"),
                                description=_("Open an incident (a complaint, a conflict) with a client; "
                                              "prints its id."))
    opened.add_argument("client", metavar="CLIENT", help=_(CLIENT_HELP))
    opened.add_argument("title", metavar="TITLE", help=_("what went wrong, in a few words"))
    opened.add_argument("--severity", default="medium", metavar="|".join(SEVERITIES),
                        help=_("how serious it is (default medium)"))
    opened.add_argument("--text", default="", help=_("the client's own words: the first timeline event"))
    opened.add_argument("--on", metavar="DATE", help=_(_DATE_ON))
    opened.add_argument("--json", action="store_true", help=_(_JSON_ID))
    opened.set_defaults(handler=_open)

    log = actions.add_parser("log", help=_("add an event to an incident's timeline; prints its id"),
                             description=_("Add an event (a call, an apology, a fix…) to an incident's timeline; "
                                           "prints its id."))
    log.add_argument("incident", type=_id, metavar="INCIDENT", help=_("the id crm incident open printed"))
    log.add_argument("text", metavar="TEXT", help=_("what happened"))
    log.add_argument("--kind", default="note", metavar="K", help=_("one of: {choices} (default note)").format(
        choices=", ".join(EVENT_KINDS)))
    log.add_argument("--on", metavar="DATE", help=_(_DATE_ON))
    log.add_argument("--json", action="store_true", help=_(_JSON_ID))
    log.set_defaults(handler=_log)

    text = _("close an incident (departed/parted also change the status)")
    resolve = actions.add_parser("resolve", help=text, description=text)
    resolve.add_argument("incident", type=_id, metavar="INCIDENT", help=_("the id crm incident open printed"))
    resolve.add_argument("--outcome", default="retained", metavar="|".join(OUTCOMES),
                         help=_("how it ended: the client stayed, left, or we parted (default retained)"))
    resolve.add_argument("--note", default="", help=_("a closing note for the timeline"))
    resolve.add_argument("--on", metavar="DATE", help=_(_DATE_ON))
    resolve.set_defaults(handler=_resolve)

    actions = group(sub, "promise", _("promises to clients, and keeping them"))
    add = actions.add_parser("add", help=_("record a promise; prints its id"),
                             description=_("Record a promise made to a client, due on a date; prints its id."))
    add.add_argument("client", metavar="CLIENT", help=_(CLIENT_HELP))
    add.add_argument("text", metavar="TEXT", help=_("what was promised"))
    add.add_argument("--due", required=True, metavar="DATE", help=_("when it is due"))
    add.add_argument("--incident", type=_id, metavar="INCIDENT", help=_("the incident it was made on"))
    add.add_argument("--json", action="store_true", help=_(_JSON_ID))
    add.set_defaults(handler=_promise_add)
    for name, text, handler in (("done", _("mark a promise kept"), _promise_done),
                                ("break", _("mark a promise broken"), _promise_break)):
        closed = actions.add_parser(name, help=text, description=text)
        closed.add_argument("promise", type=_id, metavar="PROMISE", help=_("the id crm promise add printed"))
        closed.add_argument("--on", metavar="DATE", help=_(_DATE_ON))
        closed.set_defaults(handler=handler)
    moved = actions.add_parser("renegotiate", help=_("agree a new due date; prints the new promise's id"),
                               description=_("Agree a new due date: the promise is closed as renegotiated and a new "
                                             "one opened; prints the new promise's id."))
    moved.add_argument("promise", type=_id, metavar="PROMISE", help=_("the id crm promise add printed"))
    moved.add_argument("--due", required=True, metavar="DATE", help=_("the new due date"))
    moved.add_argument("--json", action="store_true", help=_(_JSON_ID))
    moved.set_defaults(handler=_promise_renegotiate)

    text = _("record a compensation offered on an incident; prints its id")
    comp = sub.add_parser("compensate", help=text, description=text)
    comp.add_argument("incident", type=_id, metavar="INCIDENT", help=_("the id crm incident open printed"))
    comp.add_argument("--kind", required=True, metavar="|".join(COMPENSATION_KINDS), help=_("what is offered"))
    comp.add_argument("--amount", required=True, metavar="A", help=_("its value, e.g. 150 or 49.90"))
    comp.add_argument("--currency", default=None, metavar="CUR", help=_("default: the client's currency"))
    comp.add_argument("--valid-until", metavar="DATE", help=_("for a bonus; default three months"))
    comp.add_argument("--note", default="", help=_("a note for the timeline"))
    comp.add_argument("--on", metavar="DATE", help=_("the day it was offered (default today)"))
    comp.add_argument("--json", action="store_true", help=_(_JSON_ID))
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
    print(_("incident #{id} resolved: {outcome}").format(id=args.incident, outcome=args.outcome))
    return 0


def _promise_add(args: argparse.Namespace, ctx: Context) -> int:
    client = find_client(args.client)
    if args.incident is not None and incidents.get_incident(args.incident).client_id != client.id:
        raise UserError(_("incident #{id} belongs to another client").format(id=args.incident))
    new_id = promises.add_promise(client.id, args.text, due=ctx.date(args.due), on=ctx.today, incident_id=args.incident)
    created(new_id, args.json)
    return 0


def _promise_done(args: argparse.Namespace, ctx: Context) -> int:
    on = ctx.date(args.on)
    on_time = promises.keep_promise(args.promise, on=on)
    print((_("promise #{id} kept on time") if on_time else _("promise #{id} kept late")).format(id=args.promise))
    return 0


def _promise_break(args: argparse.Namespace, ctx: Context) -> int:
    promises.break_promise(args.promise, on=ctx.date(args.on))
    print(_("promise #{id} broken").format(id=args.promise))
    return 0


def _promise_renegotiate(args: argparse.Namespace, ctx: Context) -> int:
    created(promises.renegotiate_promise(args.promise, new_due=ctx.date(args.due), on=ctx.today), args.json)
    return 0


def _compensate(args: argparse.Namespace, ctx: Context) -> int:
    amount = parse_amount(args.amount)
    incident = incidents.get_incident(args.incident)
    currency = parse_currency(args.currency) if args.currency is not None else incident.client.currency
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
