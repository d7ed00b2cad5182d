"""Client summaries for lists and detail views: each client's counts come from index lookups of its
own rows, so one client costs one client's rows and a listing streams in name order: alphabetical
for Latin and Cyrillic names alike (crm.text.sort_key), sorted in Python, the first screenful too."""

from collections.abc import Iterator

from peewee import ModelSelect, fn

from crm.channels import Channels, Owner, channels
from crm.dates import NO_YEAR
from crm.dialect import in_list
from crm.models import Client, Contact, Incident, Promise, Touch, database
from crm.promises import PromiseRecord, promise_records
from crm.text import fold
from crm.timeline import client_timeline

# Clients read at a time by a listing: their contacts and promise records come in one query each.
CHUNK = 500
_COLUMNS = ("id", "name", "company", "email", "phone", "status", "status_since", "temperament", "tier", "country",
            "language", "birthday", "last_touch", "open_incidents", "open_promises", "notes", "version")
_NO_PROMISES = PromiseRecord(0, 0, 0, 0)
_SHORT = len(_COLUMNS) - 2  # the list's own keys; `full` adds notes and version (then contacts, promises)


def _query(client_ids: list[int]) -> "ModelSelect[Client]":
    last_touch = Touch.select(fn.MAX(Touch.on)).where(Touch.client == Client.id)
    open_incidents = Incident.select(fn.COUNT(Incident.id)).where(
        (Incident.client == Client.id) & Incident.resolved_on.is_null())
    open_promises = Promise.select(fn.COUNT(Promise.id)).where(
        (Promise.client == Client.id) & (Promise.status == "open"))
    return Client.select(
        Client.id, Client.name, Client.company, Client.email, Client.phone, Client.status, Client.status_since,
        Client.temperament, Client.tier, Client.country, Client.language, Client.birthday, last_touch,
        open_incidents, open_promises, Client.notes, Client.version,
    ).where(Client.id.in_(in_list(client_ids)))


def name_order(status: str | None = None, client_ids: list[int] | None = None) -> list[int]:
    """The ids of the clients (in `status`, among `client_ids`) in the order of their names,
    crm.text.sort_key's ("анна" before "Яков", "Ştefan" among the S), then by id. Sorted in Python:
    a SQLite collation or an ORDER BY fold(name) costs several times more, and no index keeps
    that order (50,000 names: about 60 ms here)."""
    query = Client.select(Client.id, Client.name)
    if status:
        query = query.where(Client.status == status)
    if client_ids is not None:
        query = query.where(Client.id.in_(in_list(client_ids)))
    rows = database.execute(query).fetchall()
    rows.sort(key=lambda row: (fold(row[1]), row[1], row[0]))
    return [row[0] for row in rows]


def iter_summaries(
    status: str | None = None, client_ids: list[int] | None = None, *, full: bool = False, limit: int | None = None
) -> Iterator[dict[str, object]]:
    """One plain dict per client, in name order (`name_order`), read CHUNK clients at a time (dates
    as ISO text); `limit`: only the first so many (a first screenful). `full` adds what `crm client
    show --json` has beyond the list's columns (notes, version, contacts, promise record), so `crm
    client list --json` gives the same objects as `show` without the timeline. Run it inside one
    read transaction when the listing must be one moment (else a client deleted meanwhile is left
    out)."""
    ordered = name_order(status, client_ids)
    if limit is not None:
        ordered = ordered[:limit]
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start:start + CHUNK]
        read = {row[0]: row for row in database.execute(_query(chunk))}
        rows = [read[client_id] for client_id in chunk if client_id in read]
        if not full:  # the list's keys: each row runs on to notes and version
            yield from (_with_birthday(dict(zip(_COLUMNS[:_SHORT], row, strict=False))) for row in rows)
            continue
        ids = [row[0] for row in rows]
        found = channels(ids)
        contacts, records = _contacts(ids, found), promise_records(ids)
        for row in rows:
            summary = _with_birthday(dict(zip(_COLUMNS, row, strict=True)))
            record = records.get(row[0]) or _NO_PROMISES  # (a default argument would be built for every row)
            own = found.get((row[0], None))
            summary["emails"], summary["phones"] = (own.emails, own.phones) if own else ([], [])  # primary first
            summary["contacts"] = contacts.get(row[0], [])
            summary["promises"] = {
                "kept_on_time": record.kept_on_time,
                "kept_late": record.kept_late,
                "broken": record.broken,
                "open": record.open,
            }
            yield summary


def summaries(
    status: str | None = None, client_ids: list[int] | None = None, *, full: bool = False
) -> list[dict[str, object]]:
    """`iter_summaries` as a list."""
    return list(iter_summaries(status, client_ids, full=full))


def _with_birthday(summary: dict[str, object]) -> dict[str, object]:
    """A birthday without a year (stored in NO_YEAR) as --MM-DD, ISO 8601's and vCard's form."""
    born = summary["birthday"]
    if isinstance(born, str) and born.startswith(f"{NO_YEAR}-"):
        summary["birthday"] = "--" + born[5:]
    return summary


def _contacts(client_ids: list[int], found: dict[Owner, Channels]) -> dict[int, list[dict[str, object]]]:
    query = Contact.select(Contact.client, Contact.id, Contact.name, Contact.role, Contact.email, Contact.phone,
                           Contact.birthday, Contact.decision_maker)
    people: dict[int, list[dict[str, object]]] = {}
    for client_id, cid, name, role, email, phone, birthday, decider in database.execute(
        query.where(Contact.client.in_(in_list(client_ids))).order_by(Contact.id)
    ):
        own = found.get((client_id, cid))
        people.setdefault(client_id, []).append(_with_birthday(
            {"id": cid, "name": name, "role": role, "email": email, "phone": phone, "birthday": birthday,
             "decision_maker": bool(decider), "emails": own.emails if own else [], "phones": own.phones if own else []}
        ))
    return people


def client_detail(client_id: int) -> dict[str, object]:
    """Everything `crm client show --json` prints: the full summary and the timeline."""
    (summary,) = summaries(client_ids=[client_id], full=True)
    summary["timeline"] = [entry.as_json() for entry in client_timeline(client_id)]
    return summary
