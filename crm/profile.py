"""Read models for the Client and Incident pages: everything one screen shows, in one plain object.

Each is built in a worker thread in a few queries; the screens only lay it out.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from crm import i18n
from crm.channels import Channels, channels
from crm.dates import add_months, birthday_text
from crm.errors import UserError
from crm.health import Health, assess
from crm.i18n import _
from crm.incidents import get_incident
from crm.models import Client, Compensation, Contact, Promise, Touch
from crm.promises import PromiseRecord, promise_record
from crm.roster import health_facts
from crm.timeline import Entry, client_timeline, incident_timeline

SPARK_MONTHS = 12
DUE_HORIZON_DAYS = 400  # far enough to see the next win-back and every yearly greeting


@dataclass(frozen=True)
class ContactView:
    name: str
    role: str
    email: str
    phone: str
    decision_maker: bool


@dataclass(frozen=True)
class OpenPromise:
    id: int
    text: str
    due: date
    incident_id: int | None
    overdue: bool


@dataclass(frozen=True)
class ClientProfile:
    id: int
    name: str
    company: str
    email: str
    phone: str
    emails: tuple[tuple[str, str], ...]  # every e-mail as (value, kind), the primary first
    phones: tuple[tuple[str, str], ...]
    country: str
    language: str
    status: str
    status_since: date | None
    tier: str
    temperament: str
    approach: str  # docs/method.md §3 for the temperament ("" until the playbook module exists)
    notes: str
    version: int
    contacts: tuple[ContactView, ...]
    health: Health
    record: PromiseRecord
    touches_per_month: tuple[int, ...]  # the last SPARK_MONTHS months, oldest first
    open_promises: tuple[OpenPromise, ...]
    due: tuple[Any, ...]  # crm.review.DueItem (empty until that module exists)
    timeline: tuple[Entry, ...]  # newest first


def client_form_values(client_id: int) -> tuple[int, dict[str, str]]:
    """A client's version and editable fields as text, the way the edit form shows and compares
    them; UserError if the client is gone."""
    client = Client.get_or_none(Client.id == client_id)
    if client is None:
        raise UserError(_("client #{id} no longer exists").format(id=client_id))
    return client.version, {
        "name": client.name,
        "company": client.company,
        "email": client.email,
        "phone": client.phone,
        "country": client.country,
        "language": client.language,
        "birthday": birthday_text(client.birthday) if client.birthday else "",
        "tier": client.tier,
        "temperament": client.temperament,
        "notes": client.notes,
    }


def approach_for(temperament: str) -> str:
    """How to talk to this temperament (docs/method.md §3); "" if the playbook does not know it."""
    from crm.playbook import temperament as playbook_temperament

    try:
        return playbook_temperament(temperament, i18n.language()).approach
    except KeyError:
        return ""


def client_due_items(client_id: int, today: date) -> tuple[Any, ...]:
    """The client's due items over the next year."""
    from crm.review import client_due

    return tuple(client_due(client_id, today, days=DUE_HORIZON_DAYS))


def touches_per_month(days: Iterable[date], today: date, months: int = SPARK_MONTHS) -> list[int]:
    """How many touches fell in each of the last `months` calendar months (this one last)."""
    first = add_months(today.replace(day=1), -(months - 1))
    counts = [0] * months
    for day in days:
        if first <= day <= today:
            counts[(day.year - first.year) * 12 + day.month - first.month] += 1
    return counts


def client_profile(client_id: int, today: date, timeline_limit: int | None = None) -> ClientProfile:
    """Everything the Client screen shows about one client."""
    client = Client.get_or_none(Client.id == client_id)
    if client is None:
        raise UserError(_("client #{id} no longer exists").format(id=client_id))
    facts = health_facts(today, [client_id])[client_id]
    own = channels([client_id]).get((client_id, None), Channels())
    contacts = tuple(
        ContactView(c.name, c.role, c.email, c.phone, c.decision_maker)
        for c in Contact.select().where(Contact.client == client_id).order_by(Contact.decision_maker.desc(), Contact.id)
    )
    since = add_months(today.replace(day=1), -(SPARK_MONTHS - 1))
    touch_days = (t.on for t in Touch.select(Touch.on).where((Touch.client == client_id) & (Touch.on >= since)))
    promises = tuple(
        OpenPromise(p.id, p.text, p.due, p.incident_id, p.due < today)
        for p in Promise.select().where((Promise.client == client_id) & (Promise.status == "open")).order_by(
            Promise.due, Promise.id
        )
    )
    return ClientProfile(
        id=client.id,
        name=client.name,
        company=client.company,
        email=client.email,
        phone=client.phone,
        emails=tuple((e["value"], e["kind"]) for e in own.emails),
        phones=tuple((p["value"], p["kind"]) for p in own.phones),
        country=client.country,
        language=client.language,
        status=client.status,
        status_since=client.status_since,
        tier=client.tier,
        temperament=client.temperament,
        approach=approach_for(client.temperament),
        notes=client.notes,
        version=client.version,
        contacts=contacts,
        health=assess(facts, today),
        record=promise_record(client_id),
        touches_per_month=tuple(touches_per_month(touch_days, today)),
        open_promises=promises,
        due=client_due_items(client_id, today),
        timeline=tuple(client_timeline(client_id, timeline_limit)),
    )


@dataclass(frozen=True)
class CompensationView:
    kind: str
    amount: Decimal
    currency: str
    valid_until: date | None
    status: str


@dataclass(frozen=True)
class IncidentProfile:
    id: int
    client_id: int
    client: str
    currency: str  # the client's currency, the default for a compensation
    title: str
    severity: str
    group: str | None
    strategy: str | None
    opened_on: date
    resolved_on: date | None
    outcome: str | None
    compensations: tuple[CompensationView, ...]
    open_promises: tuple[OpenPromise, ...]
    timeline: tuple[Entry, ...]  # oldest first

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


def incident_profile(incident_id: int, today: date) -> IncidentProfile:
    """Everything the Incident screen shows about one incident."""
    incident = get_incident(incident_id)
    client = Client.get_by_id(incident.client_id)
    compensations = tuple(
        CompensationView(c.kind, c.amount, c.currency, c.valid_until, c.status)
        for c in Compensation.select().where(Compensation.incident == incident_id).order_by(Compensation.id)
    )
    promises: Iterable[Promise] = Promise.select().where(
        (Promise.incident == incident_id) & (Promise.status == "open")
    ).order_by(Promise.due)
    return IncidentProfile(
        id=incident.id,
        client_id=client.id,
        client=client.name,
        currency=client.currency,
        title=incident.title,
        severity=incident.severity,
        group=incident.group,
        strategy=incident.strategy,
        opened_on=incident.opened_on,
        resolved_on=incident.resolved_on,
        outcome=incident.outcome,
        compensations=compensations,
        open_promises=tuple(OpenPromise(p.id, p.text, p.due, p.incident_id, p.due < today) for p in promises),
        timeline=tuple(incident_timeline(incident_id)),
    )
