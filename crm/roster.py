"""The Clients table's read model: one plain row per client, and filtering as the owner types.

Everything is computed in a handful of grouped queries (not per client), so thousands of clients
load in one go; filtering then runs over the cached rows without touching the database.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import cast

from peewee import Case, fn

from crm.health import BROKEN_WINDOW_DAYS, Health, HealthFacts, assess
from crm.models import Client, Incident, Promise, Touch
from crm.summary import summaries

# How far ahead the table looks for each client's next due item (overdue ones always show).
NEXT_DUE_DAYS = 60


@dataclass(frozen=True)
class NextDue:
    due: date
    kind: str
    title: str
    overdue: bool


@dataclass(frozen=True)
class ClientRow:
    id: int
    name: str
    company: str
    email: str
    country: str
    status: str
    temperament: str
    health: Health
    last_touch: date | None
    open_incidents: int
    next_due: NextDue | None
    search_key: str  # name, company, e-mail and country, case-folded


def _date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if isinstance(value, str) else None


def _counts(query) -> dict[int, int]:
    return {client_id: count for client_id, count in query.tuples()}


def _brief(client_ids: Sequence[int]) -> list[dict[str, object]]:
    """The few summary keys health needs, for a few clients (summaries() scans every client's touches)."""
    touches = Touch.select(Touch.client, fn.MAX(Touch.on)).where(Touch.client.in_(list(client_ids)))
    last = dict(touches.group_by(Touch.client).tuples())
    query = Client.select(Client.id, Client.status, Client.temperament, Client.status_since).where(
        Client.id.in_(list(client_ids))
    )
    return [
        {"id": c.id, "status": c.status, "temperament": c.temperament, "status_since": c.status_since,
         "last_touch": last.get(c.id)}
        for c in query
    ]


def health_facts(
    today: date, client_ids: Sequence[int] | None = None, rows: Sequence[dict[str, object]] | None = None
) -> dict[int, HealthFacts]:
    """Each client's health facts (all clients, or those in `client_ids`; `rows`: their summaries)."""
    if rows is None:
        rows = summaries() if client_ids is None else _brief(client_ids)
    incidents = Incident.select(
        Incident.client, fn.COUNT(Incident.id), fn.SUM(Case(None, [(Incident.severity == "high", 1)], 0))
    ).where(Incident.resolved_on.is_null())
    broken = Promise.select(Promise.client, fn.COUNT(Promise.id)).where(
        (Promise.status == "broken") & (Promise.closed_on >= today - timedelta(days=BROKEN_WINDOW_DAYS))
    )
    overdue = Promise.select(Promise.client, fn.COUNT(Promise.id)).where(
        (Promise.status == "open") & (Promise.due < today)
    )
    if client_ids is not None:
        incidents = incidents.where(Incident.client.in_(list(client_ids)))
        broken = broken.where(Promise.client.in_(list(client_ids)))
        overdue = overdue.where(Promise.client.in_(list(client_ids)))
    open_counts = {cid: (n, high or 0) for cid, n, high in incidents.group_by(Incident.client).tuples()}
    broken_counts = _counts(broken.group_by(Promise.client))
    overdue_counts = _counts(overdue.group_by(Promise.client))
    facts = {}
    for row in rows:
        cid = cast(int, row["id"])
        n_open, n_high = open_counts.get(cid, (0, 0))
        facts[cid] = HealthFacts(
            status=cast(str, row["status"]),
            temperament=cast(str, row["temperament"]),
            open_incidents=n_open,
            open_high_incidents=n_high,
            broken_promises=broken_counts.get(cid, 0),
            overdue_promises=overdue_counts.get(cid, 0),
            last_touch=_date(row["last_touch"]),
            since=_date(row["status_since"]),
        )
    return facts


def next_due_by_client(today: date, days: int = NEXT_DUE_DAYS) -> dict[int, NextDue]:
    """Each client's earliest due item (overdue first), from the review."""
    from crm.review import review

    nearest: dict[int, NextDue] = {}
    for item in review(today, days):
        known = nearest.get(item.client_id)
        if known is None or item.due < known.due:
            nearest[item.client_id] = NextDue(item.due, item.kind, item.title, item.overdue)
    return nearest


def client_rows(today: date) -> list[ClientRow]:
    """Every client as a table row, ordered by name; `next_due` is filled by `with_next_due`."""
    found = summaries()
    facts = health_facts(today, rows=found)
    rows = []
    for s in found:
        cid = cast(int, s["id"])
        name, company, email, country = (cast(str, s[k]) for k in ("name", "company", "email", "country"))
        rows.append(
            ClientRow(
                id=cid,
                name=name,
                company=company,
                email=email,
                country=country,
                status=cast(str, s["status"]),
                temperament=cast(str, s["temperament"]),
                health=assess(facts[cid], today),
                last_touch=_date(s["last_touch"]),
                open_incidents=cast(int, s["open_incidents"]),
                next_due=None,
                search_key=" ".join((name, company, email, country)).casefold(),
            )
        )
    return rows


def with_next_due(rows: Sequence[ClientRow], today: date) -> list[ClientRow]:
    """The rows with each client's next due item (the slow part: the review's rules for everyone)."""
    due = next_due_by_client(today)
    return [replace(row, next_due=due.get(row.id)) for row in rows]


def filter_rows(rows: Iterable[ClientRow], text: str = "", status: str | None = None) -> list[ClientRow]:
    """Rows whose name, company, e-mail or country hold every word of `text`, in `status` if given."""
    words = text.casefold().split()
    return [
        row
        for row in rows
        if (status is None or row.status == status) and all(word in row.search_key for word in words)
    ]
