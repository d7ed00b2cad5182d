"""Incidents: complaints and conflicts, their timeline, resolution and compensation."""

import json
from datetime import date
from decimal import Decimal

from crm import audit, validate
from crm.clients import change_status
from crm.dates import add_months
from crm.domain import (
    COMPENSATION_KINDS,
    DEFAULT_CURRENCY,
    EVENT_KINDS,
    OUTCOMES,
    SEVERITIES,
    word,
)
from crm.errors import UserError
from crm.i18n import N_, _
from crm.journal import change
from crm.models import Client, Compensation, Incident, IncidentEvent, Reminder
from crm.money import Money
from crm.text import shorten

BONUS_VALIDITY_MONTHS = 3  # docs/method.md §6: up to three months is typical


def get_incident(incident_id: int) -> Incident:
    incident = Incident.get_or_none(Incident.id == incident_id)
    if incident is None:
        raise UserError(_("no incident with id {id}").format(id=incident_id))
    return incident


def open_incident(client_id: int, title: str, *, severity: str = "medium", on: date, words: str = "") -> int:
    """Open an incident; the client's own words, when given, become its first timeline event."""
    title = validate.name(title, _("incident title"))
    severity = validate.choice(severity, SEVERITIES, _("severity"))
    words = validate.text(words, _("text"))
    with change(N_("Opened the incident “{title}” with {client}"), title=shorten(title, 50), client_id=client_id):
        incident = Incident.create(client=client_id, title=title, severity=severity, opened_on=on, **audit.created())
        if words.strip():
            IncidentEvent.create(incident=incident, on=on, kind="complaint", text=words, **audit.created())
    return incident.id


def log_event(incident_id: int, text: str, *, kind: str = "note", on: date) -> int:
    """Add an event to an incident's timeline."""
    get_incident(incident_id)
    kind = validate.choice(kind, EVENT_KINDS, _("event kind"))
    text = validate.text(text, _("event text"), required=True)
    with change(N_("Logged {kind} on incident #{id}"), kind=kind, id=incident_id):
        event = IncidentEvent.create(incident=incident_id, on=on, kind=kind, text=text, **audit.created())
    return event.id


def resolve_incident(incident_id: int, *, outcome: str = "retained", on: date, note: str = "") -> None:
    """Close an incident; an outcome of departed or parted also changes the client's status."""
    outcome = validate.choice(outcome, OUTCOMES, _("outcome"))
    note = validate.text(note, _("note"))
    # Read under the write lock: two sessions must not both resolve it.
    with change(N_("Resolved incident #{id}: client {outcome}"), id=incident_id, outcome=outcome):
        incident = get_incident(incident_id)
        if incident.resolved_on is not None:
            raise UserError(_("incident #{id} was already resolved on {date}").format(
                id=incident_id, date=incident.resolved_on))
        if on < incident.opened_on:
            raise UserError(_("incident #{id} was opened on {date}; it cannot be resolved before").format(
                id=incident_id, date=incident.opened_on))
        Incident.update(resolved_on=on, outcome=outcome, version=Incident.version + 1, **audit.updated()).where(
            Incident.id == incident_id
        ).execute()
        # Text the app writes is stored in the writer's language, like the notes people type.
        resolved = _("Resolved: client {outcome}").format(outcome=word("outcome", outcome))
        IncidentEvent.create(incident=incident_id, on=on, kind="resolved", text=note or resolved, **audit.created())
        _drop_provisional_checkin(incident)
        client = Client.get_by_id(incident.client_id)
        action = {"departed": "depart", "parted": "part"}.get(outcome)
        wanted = {"depart": "departed", "part": "parted"}.get(action or "")
        if action and client.status != wanted:
            reason = _("Incident #{id}: {title}").format(id=incident_id, title=incident.title)
            change_status(client.id, action, on=on, reason=reason)


def _drop_provisional_checkin(incident: Incident) -> None:
    """The wizard plans a client who stays a check-in 30 days after the fix is due, as a custom
    reminder (its id in the plan's `applied` record, see crm.wizard): while the incident is open
    the rules have no date to count from. Once it is resolved they do (their own check-in, 30 days
    after the resolution; none after a parting), so the provisional one goes: one check-in, not two."""
    applied = json.loads(incident.wizard).get("applied") if incident.wizard else None
    if applied and applied.get("reminder"):
        Reminder.delete().where(
            (Reminder.id == applied["reminder"]) & (Reminder.client == incident.client_id)
        ).execute()


def compensate(
    incident_id: int,
    *,
    kind: str,
    amount: Decimal,
    currency: str = DEFAULT_CURRENCY,
    valid_until: date | None = None,
    on: date,
    note: str = "",
) -> int:
    """Record a compensation offered on an incident; a bonus without a validity gets three months."""
    kind = validate.choice(kind, COMPENSATION_KINDS, _("compensation kind"))
    if amount < 0:
        raise UserError(_("amount must not be negative"))
    if valid_until is not None and valid_until < on:
        raise UserError(_("valid-until {date} is before the offer date {on}").format(date=valid_until, on=on))
    if kind == "bonus" and valid_until is None:
        valid_until = add_months(on, BONUS_VALIDITY_MONTHS)
    incident = get_incident(incident_id)
    note = validate.text(note, _("note"))
    with change(N_("Offered {client} a {kind} of {amount}"), kind=kind, amount=str(Money(amount, currency)),
                client_id=incident.client_id):
        comp = Compensation.create(
            client=incident.client_id,
            incident=incident_id,
            on=on,
            kind=kind,
            amount=amount,
            currency=currency,
            valid_until=valid_until,
            note=note,
            **audit.created(),
        )
        offered = _("Offered {kind} of {amount}").format(kind=word("compensation", kind),
                                                         amount=Money(amount, currency))
        if valid_until:
            offered = _("{offer}, valid until {date}").format(offer=offered, date=valid_until)
        IncidentEvent.create(
            incident=incident_id,
            on=on,
            kind="compensation_offered",
            text=offered,
            **audit.created(),
        )
    return comp.id
