"""The Clients table's read model: one plain row per client, and filtering as the owner types.

The rows come in name order from the client list's query (each client's counts looked up in its
own rows) plus a few grouped queries, so 50,000 clients load in well under a second, and the first
screenful in milliseconds; filtering then runs over the cached rows without touching the database.
A client's next due item is the review's for that client alone, asked for the rows on screen.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from peewee import Case, ModelSelect, fn

from crm.dialect import in_list
from crm.health import BROKEN_WINDOW_DAYS, Health, HealthFacts, assess
from crm.models import Client, Incident, Promise
from crm.summary import iter_summaries, summaries
from crm.text import matches, search_text, search_words

# How far ahead the table looks for each client's next due item (overdue ones always show).
NEXT_DUE_DAYS = 60


@dataclass(frozen=True)
class NextDue:
    due: date
    kind: str
    title: str
    overdue: bool


@dataclass(slots=True)  # one per client, 50,000 of them: a frozen one costs twice as much to create
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
    search_key: str  # name, company, e-mail, country, notes and phone, folded (crm.text.search_text)


def _date(value: object) -> date | None:
    """A date read as SQLite stores it (ISO text), or through a model (a date already)."""
    return date.fromisoformat(value) if isinstance(value, str) else cast("date | None", value)


def _counts(query: "ModelSelect[Any]") -> dict[int, int]:
    """(client id, count) rows by client id."""
    return dict(cast("Iterable[tuple[int, int]]", query.tuples()))  # peewee's stubs: `.tuples()` gives models


def health_facts(
    today: date, client_ids: Sequence[int] | None = None, rows: Sequence[dict[str, object]] | None = None
) -> dict[int, HealthFacts]:
    """Each client's health facts (all clients, or those in `client_ids`; `rows`: their summaries)."""
    if rows is None:
        rows = summaries(client_ids=None if client_ids is None else list(client_ids))
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
        incidents = incidents.where(Incident.client.in_(in_list(client_ids)))
        broken = broken.where(Promise.client.in_(in_list(client_ids)))
        overdue = overdue.where(Promise.client.in_(in_list(client_ids)))
    incident_rows = cast("Iterable[tuple[int, int, int | None]]", incidents.group_by(Incident.client).tuples())
    open_counts = {cid: (n, high or 0) for cid, n, high in incident_rows}
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


def next_due(client_ids: Iterable[int], today: date, days: int = NEXT_DUE_DAYS) -> dict[int, NextDue | None]:
    """Each client's earliest due item (overdue first), or None: the review's items for these
    clients alone (a screenful of the table costs a screenful, not the book)."""
    from crm.review import clients_due

    return {
        client_id: NextDue(items[0].due, items[0].kind, items[0].title, items[0].overdue) if items else None
        for client_id, items in clients_due(client_ids, today, days).items()  # each sorted, earliest first
    }


def client_rows(today: date, limit: int | None = None) -> list[ClientRow]:
    """Every client as a table row, ordered by name; `limit`: only the first so many (a first
    screenful while the rest loads)."""
    found = list(iter_summaries(limit=limit))
    facts = health_facts(today, [cast(int, s["id"]) for s in found] if limit is not None else None, rows=found)
    notes = client_notes([cast(int, s["id"]) for s in found] if limit is not None else None)
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
                last_touch=facts[cid].last_touch,
                open_incidents=cast(int, s["open_incidents"]),
                search_key=search_text((name, company, email, country, notes.get(cid, "")),
                                       phones=(cast(str, s["phone"]),)),
            )
        )
    return rows


def client_notes(client_ids: list[int] | None = None) -> dict[int, str]:
    """The notes of these clients (of all when None), for the filter to search: the listing's
    summaries leave them out."""
    query = Client.select(Client.id, Client.notes).where(Client.notes != "")
    if client_ids is not None:
        query = query.where(Client.id.in_(client_ids))
    return dict(cast(Iterable[tuple[int, str]], query.tuples()))


def filter_rows(rows: Iterable[ClientRow], text: str = "", status: str | None = None) -> list[ClientRow]:
    """Rows whose name, company, e-mail, country, notes or phone hold every word of `text`, whatever
    the case and accents ("stefan" finds Ştefan, 0721 finds +40 721…), in `status` if given."""
    words = search_words(text)
    return [row for row in rows if (status is None or row.status == status) and matches(words, row.search_key)]
