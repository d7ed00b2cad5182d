"""Client summaries for lists and detail views, computed in a few grouped queries (not per row)."""

from datetime import date

from peewee import fn

from crm.models import Client, Contact, Incident, Promise, Touch
from crm.promises import promise_record
from crm.timeline import client_timeline


def _by_client(query) -> dict[int, object]:
    return {cid: value for cid, value in query.tuples()}


def summaries(status: str | None = None, client_ids: list[int] | None = None) -> list[dict[str, object]]:
    """One plain dict per client (the keys of `crm client list --json`), ordered by name."""
    query = Client.select().order_by(fn.lower(Client.name), Client.id)
    if status:
        query = query.where(Client.status == status)
    if client_ids is not None:
        query = query.where(Client.id.in_(client_ids))
    last_touch = _by_client(Touch.select(Touch.client, fn.MAX(Touch.on)).group_by(Touch.client))
    open_incidents = _by_client(
        Incident.select(Incident.client, fn.COUNT(Incident.id)).where(Incident.resolved_on.is_null()).group_by(
            Incident.client
        )
    )
    open_promises = _by_client(
        Promise.select(Promise.client, fn.COUNT(Promise.id)).where(Promise.status == "open").group_by(Promise.client)
    )
    return [
        _summary(c, last_touch.get(c.id), open_incidents.get(c.id, 0), open_promises.get(c.id, 0)) for c in query
    ]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _summary(c: Client, last_touch, open_incidents, open_promises) -> dict[str, object]:
    if isinstance(last_touch, str):  # SQLite's MAX() returns the stored text
        last_touch = date.fromisoformat(last_touch)
    return {
        "id": c.id,
        "name": c.name,
        "company": c.company,
        "email": c.email,
        "phone": c.phone,
        "status": c.status,
        "status_since": _iso(c.status_since),
        "temperament": c.temperament,
        "tier": c.tier,
        "country": c.country,
        "language": c.language,
        "birthday": _iso(c.birthday),
        "last_touch": _iso(last_touch),
        "open_incidents": open_incidents,
        "open_promises": open_promises,
    }


def client_detail(client_id: int) -> dict[str, object]:
    """Everything `crm client show --json` prints: the summary, contacts, promise record, timeline."""
    (summary,) = summaries(client_ids=[client_id])
    client = Client.get_by_id(client_id)
    record = promise_record(client_id)
    summary["notes"] = client.notes
    summary["version"] = client.version
    summary["contacts"] = [
        {
            "id": p.id,
            "name": p.name,
            "role": p.role,
            "email": p.email,
            "phone": p.phone,
            "birthday": _iso(p.birthday),
            "decision_maker": p.decision_maker,
        }
        for p in Contact.select().where(Contact.client == client_id).order_by(Contact.id)
    ]
    summary["promises"] = {
        "kept_on_time": record.kept_on_time,
        "kept_late": record.kept_late,
        "broken": record.broken,
        "open": record.open,
    }
    summary["timeline"] = [entry.as_json() for entry in client_timeline(client_id)]
    return summary
