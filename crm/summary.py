"""Client summaries for lists and detail views, computed in a few grouped queries (not per row)."""

from datetime import date

from peewee import fn

from crm.models import Client, Contact, Incident, Promise, Touch
from crm.promises import PromiseRecord, promise_records
from crm.timeline import client_timeline


def _by_client(query) -> dict[int, object]:
    return {cid: value for cid, value in query.tuples()}


def summaries(
    status: str | None = None, client_ids: list[int] | None = None, *, full: bool = False
) -> list[dict[str, object]]:
    """One plain dict per client, ordered by name. `full` adds what `crm client show --json` has
    beyond the list's columns (notes, version, contacts, promise record), so `crm client list
    --json` gives the same objects as `show` without the timeline."""
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
    clients = list(query)
    rows = [
        _summary(c, last_touch.get(c.id), open_incidents.get(c.id, 0), open_promises.get(c.id, 0)) for c in clients
    ]
    if full:
        ids = [c.id for c in clients] if status or client_ids is not None else None  # None: all of them
        contacts, records = _contacts(ids), promise_records(ids)
        for row, client in zip(rows, clients):
            record = records.get(client.id, PromiseRecord(0, 0, 0, 0))
            row["notes"] = client.notes
            row["version"] = client.version
            row["contacts"] = contacts.get(client.id, [])
            row["promises"] = {
                "kept_on_time": record.kept_on_time,
                "kept_late": record.kept_late,
                "broken": record.broken,
                "open": record.open,
            }
    return rows


def _contacts(client_ids: list[int] | None) -> dict[int, list[dict[str, object]]]:
    query = Contact.select().order_by(Contact.id)
    if client_ids is not None:
        query = query.where(Contact.client.in_(client_ids))
    found: dict[int, list[dict[str, object]]] = {}
    for p in query:
        found.setdefault(p.client_id, []).append(
            {
                "id": p.id,
                "name": p.name,
                "role": p.role,
                "email": p.email,
                "phone": p.phone,
                "birthday": _iso(p.birthday),
                "decision_maker": p.decision_maker,
            }
        )
    return found


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
    """Everything `crm client show --json` prints: the full summary and the timeline."""
    (summary,) = summaries(client_ids=[client_id], full=True)
    summary["timeline"] = [entry.as_json() for entry in client_timeline(client_id)]
    return summary
