"""`crm wizard diagnose` and `crm wizard apply`: the relationship wizard from the shell (docs/spec.md "The
wizard from the shell"), on the screen's own logic (crm.wizard_json, crm.wizard)."""

import argparse
import sys
from pathlib import Path
from typing import Any

from crm import validate
from crm.cli import CLIENT_HELP, Context, Subcommands, checked, group
from crm.cli.output import emit_json
from crm.errors import UserError
from crm.i18n import _
from crm.text import safe_line

MAX_BYTES = 1024 * 1024  # an answers or plan file is a few hundred bytes; a pipe from /dev/zero is refused
_id = checked(validate.record_id)


def register(sub: Subcommands) -> None:
    actions = group(sub, "wizard", _("sort out a relationship from the shell: diagnose a client, apply a plan"))
    diagnose = actions.add_parser(
        "diagnose", help=_("the verdict on an unhappy client, from answers"),
        description=_("Print the verdict on CLIENT: group, difficult or bad, strategy, remedies, compensation, "
                      "letter and outcome. Answers come as JSON; a missing key falls back to what the database "
                      "knows (temperament, tier, yearly revenue)."))
    diagnose.add_argument("client", metavar="CLIENT", help=_(CLIENT_HELP))
    diagnose.add_argument("--answers", metavar="FILE|-", help=_("the answers as a JSON object (- reads stdin)"))
    diagnose.add_argument("--json", action="store_true", help=_("print the verdict as JSON"))
    diagnose.set_defaults(handler=_diagnose, read_only=True)

    apply = actions.add_parser(
        "apply", help=_("write a plan for an incident; applying again edits it"),
        description=_("Write the plan for INCIDENT and print what it now holds. Applying again is an edit: an "
                      "entry with an id updates it, one without is new, one no longer listed is cancelled; the "
                      "same plan twice changes nothing."))
    apply.add_argument("incident", metavar="INCIDENT", type=_id, help=_("the incident's id"))
    apply.add_argument("--plan", metavar="FILE|-", required=True, help=_("the plan as a JSON object (- reads stdin)"))
    apply.add_argument("--json", action="store_true", help=_("print what the incident holds as JSON"))
    apply.set_defaults(handler=_apply)


def read_json(source: str, what: str) -> Any:
    """The JSON in file `source` (or stdin for "-"), read with a byte cap and checked by
    `validate.json_document` (Decimal fractions, no key twice, no NaN). UserError in one line."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with Path(source).open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise UserError(_("cannot read the {what} {path}: {reason}").format(
            what=what, path=safe_line(source), reason=exc.strerror or exc)) from None
    if len(data) > MAX_BYTES:
        raise UserError(_("the {what} is larger than {size} MB: not a {what} file").format(what=what, size=1))
    return validate.json_document(data, what)


def _diagnose(args: argparse.Namespace, ctx: Context) -> int:
    from crm.clients import find_client
    from crm.wizard_json import diagnose_client

    client = find_client(args.client)
    answers = read_json(args.answers, _("answers")) if args.answers else {}
    try:
        verdict = diagnose_client(client.id, answers, ctx.today)
    except UserError as exc:
        raise UserError(_("answers: {problem}").format(problem=exc)) from None
    if args.json:
        emit_json(verdict.as_json())
        return 0
    data = verdict.as_json()
    print(_("Verdict on {client}:").format(client=safe_line(client.name)))
    for line in verdict.lines():
        print(f"  {safe_line(line)}")
    rec = verdict.recommendation
    print(_("Strategy: {name}").format(name=safe_line(rec.strategy_name)))
    if rec.approach:
        print(_("How to talk to them: {approach}").format(approach=safe_line(rec.approach)))
    print(_("Remedies: {titles}").format(titles="; ".join(safe_line(r.title) for r in rec.remedies)))
    for warning in rec.warnings:
        print(_("Never: {name}. {text}").format(name=safe_line(warning.name), text=safe_line(warning.text)))
    print(_("Compensation: {kind}").format(kind=data["compensation"]["recommended"]), end="")
    if data["compensation"]["bonus"]:
        granted = data["compensation"]["bonus"]
        print(_(" (bonus {amount} {currency}, valid until {until})").format(
            amount=granted["amount"], currency=granted["currency"], until=granted["valid_until"]), end="")
    print()
    print(_("Letter: {letter} · Outcome: {outcome}").format(letter=data["letter"], outcome=data["outcome"]))
    return 0


def _apply(args: argparse.Namespace, ctx: Context) -> int:
    from crm.wizard_json import apply_file

    plan = read_json(args.plan, _("plan"))
    try:
        held = apply_file(args.incident, plan, ctx.today)
    except UserError as exc:
        if str(exc) == _("no incident with id {id}").format(id=args.incident):  # crm.incidents.get_incident's
            raise
        raise UserError(_("plan: {problem}").format(problem=exc)) from None
    if args.json:
        emit_json(held)
        return 0
    print(_("Incident #{id}: client {outcome}").format(id=held["incident"], outcome=held["outcome"]))
    for promise in held["promises"]:
        print(_("  promise #{id} by {due}: {text} ({state})").format(
            id=promise["id"], due=promise["due"], text=safe_line(promise["text"]), state=promise["state"]))
    for offer in held["compensations"]:
        until = _(", valid until {day}").format(day=offer["valid_until"]) if offer["valid_until"] else ""
        print(_("  {kind} #{id}: {amount} {currency}{until} ({status})").format(
            kind=offer["kind"], id=offer["id"], amount=offer["amount"], currency=offer["currency"], until=until,
            status=offer["status"]))
    for item in held["reminders"]:
        print(_("  {kind} {due}  {id}").format(kind=item["kind"], due=item["due"], id=item["id"]))
    return 0
