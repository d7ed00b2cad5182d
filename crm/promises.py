"""Promises to clients: made, kept (on time or late), broken, renegotiated to a new date, or
cancelled (dropped from a plan; not counted in the client's record)."""

from dataclasses import dataclass
from datetime import date

from peewee import SQL, fn

from crm import audit, validate
from crm.dialect import in_list
from crm.errors import UserError
from crm.i18n import N_, _, ngettext
from crm.journal import change
from crm.models import Promise, database
from crm.text import shorten


@dataclass(frozen=True)
class PromiseRecord:
    """How a client's promises went: docs/method.md §5 says promises are sacred."""

    kept_on_time: int
    kept_late: int
    broken: int
    open: int

    @property
    def closed(self) -> int:
        return self.kept_on_time + self.kept_late + self.broken

    def __str__(self) -> str:
        if not self.closed:
            return _("no promises closed yet")
        return ngettext("{kept} of {count} kept on time", "{kept} of {count} kept on time", self.closed).format(
            kept=self.kept_on_time, count=self.closed)


def get_promise(promise_id: int) -> Promise:
    promise = Promise.get_or_none(Promise.id == promise_id)
    if promise is None:
        raise UserError(_("no promise with id {id}").format(id=promise_id))
    return promise


def add_promise(client_id: int, text: str, *, due: date, on: date, incident_id: int | None = None) -> int:
    text = validate.text(text, _("promise"), required=True)
    if due < on:
        raise UserError(_("due date {due} is in the past (today is {today})").format(due=due, today=on))
    with change(N_("Promised {client}: {text}"), text=shorten(text, 60), client_id=client_id):
        promise = Promise.create(
            client=client_id, incident=incident_id, text=text, made_on=on, due=due, **audit.created()
        )
    return promise.id


def _close(promise_id: int, status: str, on: date) -> Promise:
    promise = get_promise(promise_id)
    if promise.status != "open":
        raise UserError(_("promise #{id} is already {status}").format(id=promise_id, status=promise.status))
    if on < promise.made_on:
        raise UserError(_("promise #{id} was made on {date}; it cannot be closed before").format(
            id=promise_id, date=promise.made_on))
    Promise.update(status=status, closed_on=on, **audit.updated()).where(Promise.id == promise_id).execute()
    return promise


def keep_promise(promise_id: int, *, on: date) -> bool:
    """Mark a promise kept; True if it was kept on time."""
    with change(N_("Kept promise #{id}"), id=promise_id):
        promise = _close(promise_id, "kept", on)
    return on <= promise.due


def break_promise(promise_id: int, *, on: date) -> None:
    with change(N_("Broke promise #{id}"), id=promise_id):
        _close(promise_id, "broken", on)


def cancel_promise(promise_id: int, *, on: date) -> None:
    """Take back a promise before it came due (a plan changed): no longer open, neither kept nor
    broken, so the client's record does not count it."""
    with change(N_("Cancelled promise #{id}"), id=promise_id):
        _close(promise_id, "cancelled", on)


def renegotiate_promise(promise_id: int, *, new_due: date, on: date) -> int:
    """Agree a new due date with the client: the old promise stays in history; the new one's id."""
    with change(N_("Moved promise #{id} to {due}"), id=promise_id, due=new_due.isoformat()):
        old = _close(promise_id, "renegotiated", on)
        if new_due < on:
            raise UserError(_("new due date {due} is in the past (today is {today})").format(due=new_due, today=on))
        new = Promise.create(
            client=old.client_id,
            incident=old.incident_id,
            text=old.text,
            made_on=on,
            due=new_due,
            replaces=old.id,
            **audit.created(),
        )
    return new.id


def promise_record(client_id: int) -> PromiseRecord:
    return promise_records([client_id]).get(client_id, PromiseRecord(0, 0, 0, 0))


def promise_records(client_ids: list[int] | None = None) -> dict[int, PromiseRecord]:
    """Each client's record in one grouped query (None: every client that has promises)."""
    counts: dict[int, dict[str, int]] = {}
    late = (Promise.status == "kept") & (Promise.closed_on > Promise.due)
    query = Promise.select(Promise.client, Promise.status, late.alias("late"), fn.COUNT(Promise.id).alias("n"))
    if client_ids is not None:
        query = query.where(Promise.client.in_(in_list(client_ids)))
    # Grouped by position: PostgreSQL cannot tell `late`, bound with parameters of its own twice, is one expression.
    for client_id, status, is_late, n in database.execute(query.group_by(SQL("1"), SQL("2"), SQL("3"))):
        mine = counts.setdefault(client_id, {"kept_on_time": 0, "kept_late": 0, "broken": 0, "open": 0})
        if status == "kept":
            mine["kept_late" if is_late else "kept_on_time"] += n
        elif status in ("broken", "open"):
            mine[status] += n
    return {client_id: PromiseRecord(**mine) for client_id, mine in counts.items()}
