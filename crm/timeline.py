"""The merged story of one client: touches, incidents and their events, promises, compensations
and status changes, newest first.

What the rows say is told here, when shown, in the reader's language; what people wrote (notes,
event texts, titles) is shown as written."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from crm.domain import word
from crm.i18n import N_, _
from crm.models import Compensation, Incident, IncidentEvent, Promise, StatusChange, Touch
from crm.money import Money


@dataclass(frozen=True)
class Entry:
    on: date
    kind: str  # a touch kind, "incident", an event kind, "promise", "compensation" or "status"
    text: str
    author: str
    at: datetime  # when it was recorded, to order entries of the same day
    incident_id: int | None = None

    def as_json(self) -> dict[str, object]:
        return {"date": self.on.isoformat(), "kind": self.kind, "text": self.text}


_STATUS_TEXTS = {"departed": N_("Departed"), "parted": N_("Parted"), "active": N_("Back to active")}
# A touch logged without a note is told by its kind.
_TOUCH_TEXTS = {"call": N_("Call"), "email": N_("Email"), "meeting": N_("Meeting"), "greeting": N_("Greeting"),
                "news": N_("News"), "gift": N_("Gift"), "letter": N_("Letter"), "note": N_("Note")}


def _status_text(change: StatusChange) -> str:
    if not change.old_status:
        what = _("Added as {status}").format(status=word("client status", change.new_status))
    elif change.new_status in _STATUS_TEXTS:
        what = _(_STATUS_TEXTS[change.new_status])
    else:
        what = _("Now {status}").format(status=word("client status", change.new_status))
    return _("{what}: {reason}").format(what=what, reason=change.reason) if change.reason else what


def _touch_text(kind: str) -> str:
    return _(_TOUCH_TEXTS[kind]) if kind in _TOUCH_TEXTS else kind.capitalize()


# Entries of one day sort by when they were recorded. For equal stamps (demo data, rows written
# at whole seconds by older releases) the order is how one thing follows another: the client is
# added, an incident opened, its events, promises made, then what closes them and the status
# changes they cause.
_RANK = {"added": 0, "incident": 1, "event": 2, "promise": 3, "compensation": 4, "touch": 5, "closed": 6,
         "status": 7}


def _promise_entries(promise: Promise) -> list[tuple[str, Entry]]:
    made = _("Promised by {due}: {promise}").format(due=promise.due, promise=promise.text)
    entries = [("promise", Entry(promise.made_on, "promise", made, promise.created_by, promise.created_at,
                                 promise.incident_id))]
    if promise.status != "open" and promise.closed_on:
        if promise.status == "kept" and promise.closed_on <= promise.due:
            text = _("Kept on time: {promise}")
        elif promise.status == "kept":
            text = _("Kept late (due {due}): {promise}")
        elif promise.status == "broken":
            text = _("Broken (due {due}): {promise}")
        elif promise.status == "cancelled":
            text = _("Cancelled (was due {due}): {promise}")
        else:
            text = _("Renegotiated (was due {due}): {promise}")
        text = text.format(due=promise.due, promise=promise.text)
        entries.append(("closed", Entry(promise.closed_on, f"promise_{promise.status}", text, promise.updated_by,
                                        promise.updated_at, promise.incident_id)))
    return entries


def client_timeline(client_id: int, limit: int | None = None) -> list[Entry]:
    """Every dated thing about the client, newest first (`limit` keeps the newest few)."""
    found: list[tuple[str, int, Entry]] = []  # (rank name, row id, entry)
    # Touches and events are most of a long story: plain tuples, not model instances (3x faster).
    touches = Touch.select(Touch.id, Touch.on, Touch.kind, Touch.note, Touch.created_by, Touch.created_at)
    # (`cast`: peewee's stubs type `.tuples()` as the model it would otherwise give)
    touch_rows = cast("Iterable[tuple[int, date, str, str, str, datetime]]",
                      touches.where(Touch.client == client_id).tuples())
    for tid, on, kind, note, by, at in touch_rows:
        found.append(("touch", tid, Entry(on, kind, note or _touch_text(kind), by, at)))
    for s in StatusChange.select().where(StatusChange.client == client_id):
        rank = "status" if s.old_status else "added"
        found.append((rank, s.id, Entry(s.on, "status", _status_text(s), s.created_by, s.created_at)))
    titles: dict[int, str] = {}
    opened = _("#{id} opened ({severity}): {title}")
    for i in Incident.select().where(Incident.client == client_id):
        titles[i.id] = i.title
        found.append(("incident", i.id, Entry(i.opened_on, "incident",
                                              opened.format(id=i.id, severity=i.severity, title=i.title),
                                              i.created_by, i.created_at, i.id)))
    if titles:
        events = IncidentEvent.select(
            IncidentEvent.id, IncidentEvent.on, IncidentEvent.kind, IncidentEvent.text, IncidentEvent.created_by,
            IncidentEvent.created_at, IncidentEvent.incident,
        ).where(IncidentEvent.incident.in_(list(titles)))
        event_rows = cast("Iterable[tuple[int, date, str, str, str, datetime, int]]", events.tuples())
        for eid, on, kind, text, by, at, incident_id in event_rows:
            found.append(("event", eid, Entry(on, kind, f"#{incident_id} {text}", by, at, incident_id)))
    for p in Promise.select().where(Promise.client == client_id):
        found.extend((rank, p.id, entry) for rank, entry in _promise_entries(p))
    # A compensation on an incident is told by the incident's "compensation_offered" event.
    for c in Compensation.select().where((Compensation.client == client_id) & Compensation.incident.is_null()):
        told = _("{kind} {amount}, valid until {date} ({status})") if c.valid_until else _("{kind} {amount} ({status})")
        kind = word("compensation", c.kind)
        text = told.format(kind=kind[:1].upper() + kind[1:], amount=Money(c.amount, c.currency), date=c.valid_until,
                           status=word("compensation status", c.status))
        found.append(("compensation", c.id, Entry(c.on, "compensation", text, c.created_by, c.created_at,
                                                  c.incident_id)))
    found.sort(key=lambda f: (f[2].on, f[2].at, _RANK[f[0]], f[1]), reverse=True)
    entries = [entry for _, _, entry in found]
    return entries[:limit] if limit else entries


def incident_timeline(incident_id: int) -> list[Entry]:
    """An incident's own events, oldest first, as the story of the conflict reads."""
    return [
        Entry(e.on, e.kind, e.text, e.created_by, e.created_at, incident_id)
        for e in IncidentEvent.select().where(IncidentEvent.incident == incident_id).order_by(
            IncidentEvent.on, IncidentEvent.id
        )
    ]
