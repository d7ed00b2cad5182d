"""The weekly review: the rules' due items with what the owner did about them (done, snoozed).

State lives in ItemState, one row per occurrence id:

- done: that occurrence never comes back. Where the item was a contact it logs a touch (which
  restarts the quiet clock); a promise is marked kept; a stale incident gets a timeline note, so
  it is looked at again `stale_days` later if still open. Recurring items move to their next
  occurrence, and each holiday greeting is one occurrence per client per occasion per year.
- snoozed until a date: the item moves to that date, listed there (marked `snoozed`) by any review
  whose window reaches it, and by none before; its look-back moves with it (a greeting snoozed to
  the 30th stays until 14 days after the 30th).
"""

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from peewee import Field, chunked

from crm import audit, kinds, validate
from crm.dialect import in_list, in_list_sql, rows_at_most
from crm.errors import UserError
from crm.i18n import N_, _
from crm.models import ItemState, database
from crm.rules import Occurrence, find_occurrence, load_rules, occurrences, parse_item_id, shifted
from crm.text import safe_line, shorten

if TYPE_CHECKING:  # the journal is loaded by the writing commands only: a review starts faster
    from crm.journal import Recording

STALE_DONE_NOTE = N_("Looked at in the weekly review")  # stored in the incident's timeline, in the writer's language
# A snoozed occurrence is looked for this long after its date; every look-back is far shorter.
SNOOZE_MEMORY = timedelta(days=400)
LATEST = date(8999, 12, 31)  # the rules look a year or so around a date: keep clear of date.max

# The review's groups: each name is a key (as `when` returns it) and, through `_`, a heading.
WHEN_ORDER = (N_("Overdue"), N_("Today"), N_("This week"), N_("Later"))


@dataclass(slots=True)  # not frozen: a review makes thousands, and frozen ones cost 5x to create
class DueItem:
    id: str
    kind: str
    due: date
    client_id: int
    client: str
    title: str
    overdue: bool
    occasion: str = ""  # greetings: the holiday's English name or "Birthday"; "" otherwise
    snoozed: bool = False  # shown on the date it was snoozed to

    def as_json(self) -> dict[str, object]:
        """The keys of `crm review --json` (docs/spec.md), nothing more."""
        return {
            "id": self.id,
            "kind": self.kind,
            "due": self.due.isoformat(),
            "client": self.client,
            "client_id": self.client_id,
            "title": self.title,
            "overdue": self.overdue,
            "occasion": self.occasion or None,
            "snoozed": self.snoozed,
        }


def when(item: DueItem, today: date) -> str:
    """The review group of an item: Overdue, Today, This week (next 7 days) or Later."""
    if item.due < today:
        return "Overdue"
    if item.due == today:
        return "Today"
    return "This week" if item.due <= today + timedelta(days=7) else "Later"


def _item(occurrence: Occurrence, today: date, state: ItemState | None = None) -> DueItem:
    o = occurrence
    snoozed = state is not None and state.state == "snoozed"
    return DueItem(o.id, o.kind, o.due, o.client_id, o.client, o.title, o.due < today, o.occasion, snoozed)


def _states(ids: Collection[str]) -> dict[str, ItemState]:
    """The marks on these item ids. Where the marks are fewer than the ids (a big review), their
    ids are read and matched here rather than each id looked up in SQLite."""
    most = rows_at_most("item_state")
    if not most:
        return {}
    if most < len(ids):
        ids = [item for (item,) in database.execute_sql("SELECT item_id FROM item_state") if item in ids]
        if not ids:
            return {}
    return {s.item_id: s for s in ItemState.select().where(ItemState.item_id.in_(in_list(ids)))}


def _of_clients(item_ids: Iterable[str], clients: tuple[int, ...]) -> set[str]:
    """Those of the item ids that belong to one of `clients`, told by the row each id names."""
    by_table: dict[str, dict[int, list[str]]] = {}
    for item in item_ids:
        try:
            kind, key, _day = parse_item_id(item)
        except UserError:
            continue  # a mark of a kind no longer known names nobody we can tell
        by_table.setdefault(kinds.kind(kind).row, {}).setdefault(key, []).append(item)
    mine = {item for key, items in by_table.pop("client", {}).items() if key in clients for item in items}
    for table, keyed in by_table.items():
        (ids, id_params), (owners, owner_params) = in_list_sql(list(keyed)), in_list_sql(clients)
        rows = database.execute_sql(f'SELECT id FROM "{table}" WHERE id IN {ids} AND client_id IN {owners}',
                                    id_params + owner_params)
        mine.update(item for (key,) in rows for item in keyed[key])
    return mine


def _shown(occurrence: Occurrence, state: ItemState | None, today: date) -> Occurrence | None:
    """The occurrence as it stands today (moved to its snooze date), or None if done or past its
    look-back."""
    if state is not None and state.state == "done":
        return None
    if state is not None and state.state == "snoozed" and state.until is not None:
        occurrence = shifted(occurrence, state.until)
    if occurrence.last_day is not None and today > occurrence.last_day:
        return None
    return occurrence


def _due(today: date, days: int, clients: tuple[int, ...] | None = None) -> list[DueItem]:
    if days < 0:
        raise UserError(_("days must be 0 or more, not {days}").format(days=days))
    if today > LATEST or (LATEST - today).days < days:
        raise UserError(_("the review cannot look beyond {date}").format(date=LATEST))
    rules = load_rules()
    end = today + timedelta(days=days)
    found = {o.id: o for o in occurrences(rules, today, end, clients)}
    states = _states(found)
    # Snoozed occurrences coming back in the window whose natural date lies outside it.
    snoozed = {state.item_id: state for state in ItemState.select().where(
        (ItemState.state == "snoozed") & (ItemState.until <= end) & (ItemState.until >= today - SNOOZE_MEMORY)
    ) if state.item_id not in found}
    if snoozed and clients is not None:  # one client's page looks up its own marks, not the book's
        snoozed = {item: snoozed[item] for item in _of_clients(snoozed, clients)}
    for item, mark in snoozed.items():
        occurrence = find_occurrence(rules, item, today)
        if occurrence is not None and (clients is None or occurrence.client_id in clients):
            found[occurrence.id] = occurrence
            states[occurrence.id] = mark
    items: list[DueItem] = []
    append = items.append
    for o in found.values():
        state = states.get(o.id)
        if state is None:  # most items carry no mark: the short way (`_shown` and `_item` inlined)
            if (o.last_day is None or today <= o.last_day) and o.due <= end:
                append(DueItem(o.id, o.kind, o.due, o.client_id, o.client, o.title, o.due < today, o.occasion))
        elif (shown := _shown(o, state, today)) is not None and shown.due <= end:
            append(_item(shown, today, state))
    items.sort(key=lambda i: (i.due, i.kind, i.client.casefold(), i.id))
    return items


def review(today: date, days: int = 7) -> list[DueItem]:
    """Overdue items plus those due within `days`, sorted by (due, kind, client); a snoozed item
    on the date it was snoozed to."""
    return _due(today, days)


def client_due(client_id: int, today: date, days: int = 400) -> list[DueItem]:
    """One client's overdue and upcoming items, including the next win-back and greetings;
    snoozed items on their snooze date."""
    return _due(today, days, (client_id,))


def clients_due(client_ids: Iterable[int], today: date, days: int = 400) -> dict[int, list[DueItem]]:
    """`client_due` for many clients in one pass (a list of departed clients, say): far cheaper
    than one call per client. Every id is a key, with an empty list when nothing is due."""
    wanted = tuple(sorted(set(client_ids)))
    found: dict[int, list[DueItem]] = {client_id: [] for client_id in wanted}
    for chunk in chunked(wanted, 900):
        for item in _due(today, days, tuple(chunk)):
            found[item.client_id].append(item)
    return found


def _current(item: str, today: date) -> Occurrence:
    """The occurrence `item` names as it stands today; UserError if it is not a current item."""
    item = item.strip().lower()
    kind = parse_item_id(item)[0]
    if today > LATEST:
        raise UserError(_("today must be {date} at the latest, not {today}").format(date=LATEST, today=today))
    state = ItemState.get_or_none(ItemState.item_id == item)
    if state is not None and state.state == "done":
        raise UserError(_("{item} is already done ({date}, by {who})").format(
            item=item, date=f"{state.updated_at:%Y-%m-%d}", who=safe_line(state.updated_by)))
    occurrence = find_occurrence(load_rules(), item, today)
    if occurrence is None:
        raise UserError(_("{item} is not due: nothing of that kind is pending (see crm review)").format(item=item))
    shown = _shown(occurrence, state, today)
    if shown is None:
        raise UserError(_("{item} is no longer in the review: {kind} items drop off after their look-back").format(
            item=item, kind=kind))
    return shown


def _remember(item: str, state: str, *, until: date | None = None, note: str = "") -> None:
    stamp = audit.created()
    update: dict[Field[Any], object] = {ItemState.state: state, ItemState.until: until, ItemState.note: note}
    update |= {ItemState.updated_at: stamp["updated_at"], ItemState.updated_by: stamp["updated_by"]}
    ItemState.insert(item_id=item, state=state, until=until, note=note, **stamp).on_conflict(
        conflict_target=[ItemState.item_id], update=update
    ).execute()


def _describe_done(recording: "Recording", done: Sequence[Occurrence]) -> None:
    """One item by its title; a holiday's greetings by the holiday; else a count."""
    if len(done) == 1:
        recording.what = N_("Marked done: {title}")
        recording.params["title"] = shorten(done[0].title, 50)
        recording.client_id = done[0].client_id
    elif {(o.kind, o.occasion) for o in done} == {("greeting", done[0].occasion)} and done[0].occasion:
        recording.what = N_("Marked {count} greetings done: {occasion}")
        recording.params["occasion"] = done[0].occasion


def mark_done(item_id: str, today: date, note: str = "") -> DueItem:
    """Mark an item done: logs a touch where it was a contact, keeps a promise, notes a stale
    incident. UserError if the id is unknown or the item is not currently due."""
    return mark_done_many([item_id], today, note)[0]


def mark_done_many(item_ids: Sequence[str], today: date, note: str = "") -> list[DueItem]:
    """Mark several items done in one transaction, all or nothing: an unknown, repeated or
    already-done id refuses the whole batch (UserError naming it) and nothing is written."""
    from crm.clients import log_touch  # not at the top: a review, which only reads, starts faster
    from crm.incidents import log_event
    from crm.journal import change
    from crm.promises import keep_promise

    note = validate.text(note, _("note"))
    wanted = [item_id.strip().lower() for item_id in item_ids]
    if not wanted:
        raise UserError(_("name at least one item to mark done (see crm review)"))
    repeated = sorted(item_id for item_id, n in Counter(wanted).items() if n > 1)  # not count(): n² on a long list
    if repeated:
        raise UserError(_("{item} is named twice").format(item=safe_line(repeated[0])))
    with change(N_("Marked {count} items done"), count=len(wanted)) as recording:  # IMMEDIATE: one at a time
        # Every item is checked before any is written: one's touch must not make another vanish.
        current = [(item_id, _current(item_id, today)) for item_id in wanted]
        _describe_done(recording, [occurrence for _item_id, occurrence in current])
        for item_id, occurrence in current:
            kind, key, _day = parse_item_id(item_id)
            if kind == "promise":
                keep_promise(key, on=today)
            elif kind == "incident_stale":
                log_event(key, note or _(STALE_DONE_NOTE), kind="note", on=today)
            elif touch := kinds.kind(kind).done_touch:
                log_touch(occurrence.client_id, kind=touch, on=today, note=note or occurrence.title)
            _remember(item_id, "done", note=note)
    return [_item(occurrence, today) for _item_id, occurrence in current]


def snooze(item_id: str, until: date, today: date) -> DueItem:
    """Hide an item until `until` (after today), when it reappears with that date as its due date."""
    if until <= today:
        raise UserError(_("snooze until a day after today ({today}), not {until}").format(today=today, until=until))
    if until > LATEST:
        raise UserError(_("snooze until {date} at the latest, not {until}").format(date=LATEST, until=until))
    from crm.journal import change

    item_id = item_id.strip().lower()
    with change(N_("Snoozed “{title}” until {until}"), until=until.isoformat()) as recording:
        occurrence = _current(item_id, today)
        recording.params["title"] = shorten(occurrence.title, 50)
        recording.client_id = occurrence.client_id
        _remember(item_id, "snoozed", until=until)
    return _item(shifted(occurrence, until), today)
