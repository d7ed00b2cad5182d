"""`crm client …` and `crm touch`."""

import argparse

from crm import clients
from crm.cli import Context, group
from crm.cli.output import created, emit_json, table
from crm.domain import NEW_CLIENT_STATUSES, STATUSES, TEMPERAMENTS, TIERS, TOUCH_KINDS
from crm.summary import client_detail, summaries
from crm.text import safe, safe_line


def register(sub) -> None:
    actions = group(sub, "client", "add, list, show and change the status of clients")

    add = actions.add_parser("add", help="add a client; prints its id")
    add.add_argument("name")
    add.add_argument("--company", default="")
    add.add_argument("--email", default="")
    add.add_argument("--phone", default="")
    add.add_argument("--country", default="", metavar="CC", help="ISO 3166 code, e.g. DE")
    add.add_argument("--language", default="", metavar="LL", help="ISO 639-1 code, e.g. en")
    add.add_argument("--birthday", metavar="DATE")
    add.add_argument("--temperament", default="balanced", metavar="T", help=", ".join(TEMPERAMENTS))
    add.add_argument("--tier", default="regular", metavar="|".join(TIERS))
    add.add_argument("--status", default="active", metavar="|".join(NEW_CLIENT_STATUSES))
    add.add_argument("--notes", default="")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=_add)

    lst = actions.add_parser("list", help="list clients")
    lst.add_argument("--status", metavar="S", help=", ".join(STATUSES))
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=_list, read_only=True)

    show = actions.add_parser("show", help="a client's card and timeline")
    show.add_argument("client", metavar="CLIENT")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show, read_only=True)

    for action, text in (
        ("depart", "the client left us (kept in touch, win-back in 6 months)"),
        ("part", "we ended it (no further contact)"),
        ("return", "the client is active again"),
    ):
        change = actions.add_parser(action, help=text, description=text)
        change.add_argument("client", metavar="CLIENT")
        change.add_argument("--on", metavar="DATE")
        if action != "return":
            change.add_argument("--reason", default="")
        change.set_defaults(handler=_change_status, status_action=action)

    touch = sub.add_parser("touch", help="log a contact with a client; prints its id")
    touch.add_argument("client", metavar="CLIENT")
    touch.add_argument("--kind", default="note", metavar="K", help=", ".join(TOUCH_KINDS))
    touch.add_argument("--note", default="")
    touch.add_argument("--on", metavar="DATE")
    touch.add_argument("--json", action="store_true")
    touch.set_defaults(handler=_touch)


def _add(args: argparse.Namespace, ctx: Context) -> int:
    fields = clients.ClientFields(
        name=args.name,
        company=args.company,
        email=args.email,
        phone=args.phone,
        country=args.country,
        language=args.language,
        birthday=ctx.date(args.birthday) if args.birthday else None,
        notes=args.notes,
        tier=args.tier,
        temperament=args.temperament,
    )
    created(clients.add_client(fields, status=args.status, today=ctx.today), args.json)
    return 0


def _list(args: argparse.Namespace, ctx: Context) -> int:
    status = clients.check_status(args.status) if args.status else None
    rows = summaries(status=status, full=args.json)
    if args.json:
        emit_json(rows)
        return 0
    if not rows:
        print("No clients." if not status else f"No {status} clients.")
        return 0
    print(
        table(
            ("ID", "NAME", "COMPANY", "STATUS", "TEMPERAMENT", "TIER", "CC", "LAST TOUCH", "INC", "PROM"),
            [
                (r["id"], r["name"], r["company"], r["status"], r["temperament"], r["tier"], r["country"],
                 r["last_touch"] or "never", r["open_incidents"] or "", r["open_promises"] or "")
                for r in rows
            ],
            max_width=28,
        )
    )
    return 0


def _show(args: argparse.Namespace, ctx: Context) -> int:
    detail = client_detail(clients.find_client(args.client).id)
    if args.json:
        emit_json(detail)
        return 0
    d = detail
    print(f"#{d['id']} {safe_line(d['name'])}" + (f" — {safe_line(d['company'])}" if d["company"] else ""))
    print(f"  {d['status']} since {d['status_since']} · {d['tier']} · {d['temperament']}"
          + (f" · {d['country']}" if d["country"] else "") + (f" · {d['language']}" if d["language"] else ""))
    for key in ("email", "phone", "birthday"):
        if d[key]:
            print(f"  {key}: {safe_line(d[key])}")
    p = d["promises"]
    closed = p["kept_on_time"] + p["kept_late"] + p["broken"]
    record = f"{p['kept_on_time']} of {closed} kept on time" if closed else "none closed yet"
    print(f"  last touch: {d['last_touch'] or 'never'} · open incidents: {d['open_incidents']}"
          f" · open promises: {d['open_promises']} · promises: {record}")
    for person in d["contacts"]:
        mark = " (decision-maker)" if person["decision_maker"] else ""
        print(f"  contact: {safe_line(person['name'])}{mark}" + (f", {safe_line(person['role'])}" if person["role"] else ""))
    if d["notes"]:
        print("  notes: " + safe(d["notes"]).replace("\n", "\n         "))
    if d["timeline"]:
        print()
        print(table(("DATE", "KIND", "WHAT"), [(e["date"], e["kind"], e["text"]) for e in d["timeline"]], max_width=90))
    return 0


def _change_status(args: argparse.Namespace, ctx: Context) -> int:
    client = clients.find_client(args.client)
    new = clients.change_status(
        client.id, args.status_action, on=ctx.date(args.on), reason=getattr(args, "reason", "")
    )
    print(f"{safe_line(client.name)} is now {new}")
    return 0


def _touch(args: argparse.Namespace, ctx: Context) -> int:
    client = clients.find_client(args.client)
    created(clients.log_touch(client.id, kind=args.kind, on=ctx.date(args.on), note=args.note), args.json)
    return 0
