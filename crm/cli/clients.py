"""`crm client …` and `crm touch`."""

import argparse
from typing import Any

from crm import clients
from crm.cli import CLIENT_HELP, Context, Subcommands, forget, group
from crm.cli.output import created, emit_json, emit_json_array, table
from crm.dates import parse_birthday
from crm.domain import NEW_CLIENT_STATUSES, STATUSES, TEMPERAMENTS, TIERS, TOUCH_KINDS, word
from crm.i18n import N_, _, ngettext
from crm.models import database
from crm.summary import client_detail, iter_summaries, summaries
from crm.text import safe, safe_line


def register(sub: Subcommands) -> None:
    actions = group(sub, "client", _("add, list, show and change the status of clients"))

    add = actions.add_parser("add", help=_("add a client; prints its id"),
                             description=_("Add a client; prints its id (--json: {\"id\": N})."))
    add.add_argument("name", metavar="NAME", help=_("the client's name: a person or a company"))
    add.add_argument("--company", default="", help=_("the company a person client works for"))
    add.add_argument("--email", default="", help=_("e-mail address"))
    add.add_argument("--phone", default="", help=_("phone number: digits, spaces, + ( ) - . /"))
    add.add_argument("--country", default="", metavar="CC",
                     help=_("ISO 3166 code, e.g. DE (the public holidays to greet on)"))
    add.add_argument("--language", default="", metavar="LL",
                     help=_("ISO 639-1 code, e.g. en (the language of letters and greetings)"))
    add.add_argument("--birthday", metavar="DATE", help=_("birthday, greeted every year (--12-25 without a year)"))
    add.add_argument("--temperament", default="balanced", metavar="T",
                     help=_("how to handle them: {choices} (default balanced)").format(choices=", ".join(TEMPERAMENTS)))
    add.add_argument("--tier", default="regular", metavar="|".join(TIERS),
                     help=_("key: one of the clients that matter most, weighed as such by the wizard "
                            "(default regular)"))
    add.add_argument("--status", default="active", metavar="|".join(NEW_CLIENT_STATUSES),
                     help=_("a prospect or an active client (default active)"))
    add.add_argument("--notes", default="", help=_("free notes"))
    add.add_argument("--json", action="store_true", help=_("print {\"id\": N}"))
    add.set_defaults(handler=_add)

    lst = actions.add_parser("list", help=_("list clients"), description=_("List clients with their status, "
                             "last touch and open incidents and promises."))
    lst.add_argument("--status", metavar="S", help=_("only clients with this status: {choices}").format(
        choices=", ".join(STATUSES)))
    lst.add_argument("--json", action="store_true", help=_("print a JSON array of client objects"))
    lst.set_defaults(handler=_list, read_only=True)

    show = actions.add_parser("show", help=_("a client's card and timeline"),
                              description=_("A client's card and timeline, newest first."))
    show.add_argument("client", metavar="CLIENT", help=_(CLIENT_HELP))
    show.add_argument("--json", action="store_true", help=_("print the card and timeline as a JSON object"))
    show.set_defaults(handler=_show, read_only=True)

    for action, text in (
        ("depart", _("the client left us (kept in touch, win-back in 6 months)")),
        ("part", _("we ended it (no further contact)")),
        ("return", _("the client is active again")),
    ):
        change = actions.add_parser(action, help=text, description=text)
        change.add_argument("client", metavar="CLIENT", help=_(CLIENT_HELP))
        change.add_argument("--on", metavar="DATE", help=_("the day it happened (default today)"))
        if action != "return":
            change.add_argument("--reason", default="", help=_("why, kept in the client's timeline"))
        change.set_defaults(handler=_change_status, status_action=action)
    forget.register(actions)  # crm client forget: its own module

    touch = sub.add_parser("touch", help=_("log a contact with a client; prints its id"),
                           description=_("Log a contact with a client (a call, a meeting, a letter…); prints its id."))
    touch.add_argument("client", metavar="CLIENT", help=_(CLIENT_HELP))
    touch.add_argument("--kind", default="note", metavar="K", help=_("one of: {choices} (default note)").format(
        choices=", ".join(TOUCH_KINDS)))
    touch.add_argument("--note", default="", help=_("what was said or done"))
    touch.add_argument("--on", metavar="DATE", help=_("the day of the contact (default today)"))
    touch.add_argument("--json", action="store_true", help=_("print {\"id\": N}"))
    touch.set_defaults(handler=_touch)


def _add(args: argparse.Namespace, ctx: Context) -> int:
    fields = clients.ClientFields(
        name=args.name,
        company=args.company,
        email=args.email,
        phone=args.phone,
        country=args.country,
        language=args.language,
        birthday=parse_birthday(args.birthday, ctx.today) if args.birthday else None,
        notes=args.notes,
        tier=args.tier,
        temperament=args.temperament,
    )
    created(clients.add_client(fields, status=args.status, today=ctx.today), args.json)
    return 0


def _list(args: argparse.Namespace, ctx: Context) -> int:
    status = clients.check_status(args.status) if args.status is not None else None
    if args.json:
        with database.atomic("DEFERRED"):  # one moment, read without a write lock
            emit_json_array(iter_summaries(status=status, full=True))
        return 0
    rows = summaries(status=status)
    if not rows:
        print(_("No clients.") if not status else _("No {status} clients.").format(status=status))
        return 0
    never = _("never")
    print(
        table(
            (_("ID"), _("NAME"), _("COMPANY"), _("STATUS"), _("TEMPERAMENT"), _("TIER"), _("CC"), _("LAST TOUCH"),
             _("INC"), _("PROM")),
            [
                (r["id"], r["name"], r["company"], word("client status", str(r["status"])),
                 word("temperament", str(r["temperament"])), word("tier", str(r["tier"])), r["country"],
                 r["last_touch"] or never, r["open_incidents"] or "", r["open_promises"] or "")
                for r in rows
            ],
            max_width=28,
        )
    )
    return 0


# The card's contact fields, each with its label (marked here, translated when shown).
_CARD_FIELDS = {"email": N_("email"), "phone": N_("phone"), "birthday": N_("birthday")}


def _show(args: argparse.Namespace, ctx: Context) -> int:
    detail = client_detail(clients.find_client(args.client).id)
    if args.json:
        emit_json(detail)
        return 0
    d: dict[str, Any] = detail  # read as the JSON document it is (docs/spec.md: `crm client show --json`)
    print(f"#{d['id']} {safe_line(d['name'])}" + (f" — {safe_line(d['company'])}" if d["company"] else ""))
    facts = [_("{status} since {date}").format(status=word("client status", d["status"]), date=d["status_since"]),
             word("tier", d["tier"]), word("temperament", d["temperament"]), d["country"], d["language"]]
    print("  " + " · ".join(fact for fact in facts if fact))
    for key, label in _CARD_FIELDS.items():
        shown = [f"{c['value']} ({c['kind']})" if c["kind"] else c["value"] for c in d.get(key + "s", ())]
        if d[key]:  # every e-mail and phone, each with its kind
            print("  " + _("{field}: {value}").format(field=_(label), value=safe_line(", ".join(shown) or d[key])))
    p = d["promises"]
    closed = p["kept_on_time"] + p["kept_late"] + p["broken"]
    if closed:
        record = ngettext("{kept} of {count} kept on time", "{kept} of {count} kept on time", closed).format(
            kept=p["kept_on_time"], count=closed)
    else:
        record = _("none closed yet")
    print("  " + _("last touch: {date} · open incidents: {incidents} · open promises: {promises} · promises: "
                   "{record}").format(date=d["last_touch"] or _("never"), incidents=d["open_incidents"],
                                      promises=d["open_promises"], record=record))
    for person in d["contacts"]:
        who = safe_line(person["name"])
        if person["decision_maker"]:
            who = _("{name} (decision-maker)").format(name=who)
        line = _("contact: {who}, {role}") if person["role"] else _("contact: {who}")
        print("  " + line.format(who=who, role=safe_line(person["role"])))
    if d["notes"]:
        label = _("notes:")
        print(f"  {label} " + safe(d["notes"]).replace("\n", "\n" + " " * (len(label) + 3)))
    if d["timeline"]:
        print()
        print(table((_("DATE"), _("KIND"), _("WHAT")), [(e["date"], e["kind"], e["text"]) for e in d["timeline"]],
                    max_width=90))
    return 0


def _change_status(args: argparse.Namespace, ctx: Context) -> int:
    client = clients.find_client(args.client)
    new = clients.change_status(
        client.id, args.status_action, on=ctx.date(args.on), reason=getattr(args, "reason", "")
    )
    print(_("{client} is now {status}").format(client=safe_line(client.name), status=new))
    return 0


def _touch(args: argparse.Namespace, ctx: Context) -> int:
    client = clients.find_client(args.client)
    created(clients.log_touch(client.id, kind=args.kind, on=ctx.date(args.on), note=args.note), args.json)
    return 0
