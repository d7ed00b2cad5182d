"""The app's forms: clients, contacts, touches, incidents, events, promises, compensations,
status changes; and the picker for one of a few things.

Each form is a list of `Field`s and a `save(values)` calling one core service; the engine that
shows, checks and saves them is `crm.app.screens.form_engine`.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from crm import validate
from crm.app.bindings import TranslatedBindings
from crm.app.screens.form_engine import Field, FormScreen, Values, date_field, day_preview, optional_date
from crm.app.work import db_work
from crm.clients import ClientFields
from crm.dates import NO_YEAR, parse_birthday, parse_date
from crm.domain import (
    COMPENSATION_KINDS,
    EVENT_KINDS,
    NEW_CLIENT_STATUSES,
    OUTCOMES,
    SEVERITIES,
    TEMPERAMENTS,
    TIERS,
    TOUCH_KINDS,
    words,
)
from crm.errors import UserError
from crm.i18n import N_, _
from crm.l10n import format_day, format_money
from crm.money import Money, parse_amount, parse_currency
from crm.text import safe_line, shorten


def optional_birthday(text: str, today: date) -> date | None:
    """A birthday typed, or one without a year (--12-25, as imported address books hold them)."""
    return parse_birthday(text, today) if text.strip() else None


def _birthday(day: date | None) -> str:
    return format_day(day, "day") if day is not None and day.year == NO_YEAR else day_preview(day)


def birthday_field(today: date, value: str = "") -> Field:
    return Field("birthday", _("Birthday"), value, lambda v: optional_birthday(v, today),
                 placeholder=_("optional: 25.12.1980"), preview=lambda v: _birthday(optional_birthday(v, today)))


def client_fields(values: Mapping[str, str], today: date, *, new: bool) -> list[Field]:
    """The client form's fields, filled from `values` (empty for a new client)."""
    get = values.get
    fields = [
        Field("name", _("Name"), get("name", ""), validate.name),
        Field("company", _("Company"), get("company", ""),
              lambda v: validate.text(v.strip(), _("company"), limit=validate.MAX_NAME)),
        Field("email", _("E-mail"), get("email", ""), validate.email),
        Field("phone", _("Phone"), get("phone", ""), validate.phone),
        Field("country", _("Country"), get("country", ""), validate.country, placeholder=_("ISO code: DE, RO, US")),
        Field("language", _("Language"), get("language", ""), validate.language,
              placeholder=_("ISO code: en, de, ru")),
        birthday_field(today, get("birthday", "")),
        Field("tier", _("Tier"), get("tier", "regular"), choices=TIERS, labels=words("tier")),
        Field("temperament", _("Temperament"), get("temperament", "balanced"), choices=TEMPERAMENTS,
              labels=words("temperament")),
    ]
    if new:
        fields.append(Field("status", _("Status"), "active", choices=NEW_CLIENT_STATUSES,
                            labels=words("client status")))
    fields.append(Field("notes", _("Notes"), get("notes", ""), lambda v: validate.text(v, _("notes")), long=True))
    return fields


def client_from(values: Values, today: date) -> ClientFields:
    return ClientFields(
        name=values["name"],
        company=values["company"],
        email=values["email"],
        phone=values["phone"],
        country=values["country"],
        language=values["language"],
        birthday=optional_birthday(values["birthday"], today),
        notes=values["notes"],
        tier=values["tier"],
        temperament=values["temperament"],
    )


def add_client_form(today: date) -> "FormScreen[int]":
    """New client; dismissed with its id."""
    from crm.clients import add_client

    def save(values: Values) -> int:
        return add_client(client_from(values, today), status=values["status"], today=today)

    return FormScreen(_("New client"), client_fields({}, today, new=True), save)


def contact_form(client_id: int, client: str, today: date) -> "FormScreen[int]":
    """A person at the client (their birthday is greeted too); dismissed with the contact's id."""
    from crm.clients import add_contact

    def save(values: Values) -> int:
        return add_contact(client_id, values["name"], role=values["role"], email=values["email"],
                           phone=values["phone"], birthday=optional_birthday(values["birthday"], today),
                           decision_maker=values["decides"] == "yes")

    return FormScreen(
        _("New contact"),
        [
            Field("name", _("Name"), "", lambda v: validate.name(v, _("contact name"))),
            Field("role", _("Role"), "", lambda v: validate.text(v.strip(), _("role"), limit=validate.MAX_NAME),
                  placeholder=_("optional: owner, marketing lead …")),
            Field("email", _("E-mail"), "", validate.email),
            Field("phone", _("Phone"), "", validate.phone),
            birthday_field(today),
            # the decision-maker (see `about`)
            Field("decides", _("Decides?"), "no", choices=("no", "yes"), labels={"no": _("no"), "yes": _("yes")}),
        ],
        save,
        about=_("at {client}; letters go to the decision-maker").format(client=client),
    )


@dataclass
class Snapshot:
    """A record as read: its version and its fields as text."""

    version: int
    values: Values = field(default_factory=dict)


class EditClientForm(FormScreen[int]):
    """Edit a client with optimistic locking; on a conflict, reload merges their change with yours.

    Reloading takes their value for every field you did not touch and keeps yours for the rest,
    so saving afterwards loses neither side's work.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", N_("Reload theirs"), show=False),
    ]

    def __init__(self, client_id: int, snapshot: Snapshot, today: date) -> None:
        from crm.clients import edit_client

        self.client_id = client_id
        self.snapshot = snapshot
        self.today = today
        self._stale = False

        def save(values: Values) -> int:
            return edit_client(client_id, self.snapshot.version, client_from(values, today))

        super().__init__(_("Edit client"), client_fields(snapshot.values, today, new=False), save,
                         about=snapshot.values.get("name", ""))

    def on_stale(self, message: str) -> None:
        self._stale = True
        self.show_message(_("{reason}. Press ctrl+r to load their version; what you typed stays.").format(
            reason=message))

    def action_reload(self) -> None:
        if not self._stale:
            return
        client_id = self.client_id
        db_work(self, lambda: read_client_snapshot(client_id), self._merge, group=f"form-reload-{id(self)}")

    def _merge(self, theirs: Snapshot) -> None:
        mine = self.values()
        taken, kept = [], []
        for name, their_value in theirs.values.items():
            if name not in mine:
                continue
            if mine[name] == self.snapshot.values.get(name, ""):
                if their_value != mine[name]:
                    self.set_value(name, their_value)
                    taken.append(self.fields[name].label.lower())
            elif their_value != self.snapshot.values.get(name, "") and their_value != mine[name]:
                kept.append(_("{field} (theirs: {value})").format(field=self.fields[name].label.lower(),
                                                                   value=shorten(safe_line(their_value), 30)))
        self.snapshot = theirs
        self._stale = False
        parts = [_("took their {fields}").format(fields=", ".join(taken)) if taken
                 else _("nothing new of theirs in fields you left")]
        if kept:
            parts.append(_("kept yours for {fields}").format(fields=", ".join(kept)))
        self.show_message(_("Reloaded: {changes}. Enter saves.").format(changes="; ".join(parts)), error=False)


def read_client_snapshot(client_id: int) -> Snapshot:
    """The client's current version and editable fields (run in a worker)."""
    from crm.profile import client_form_values

    return Snapshot(*client_form_values(client_id))


def touch_form(client_id: int, client: str, today: date, kind: str = "call") -> "FormScreen[int]":
    from crm.clients import log_touch

    def save(values: Values) -> int:
        return log_touch(client_id, kind=values["kind"], on=parse_date(values["on"], today), note=values["note"])

    return FormScreen(
        _("Log a touch"),
        [
            Field("kind", _("Kind"), kind, choices=TOUCH_KINDS, labels=words("touch")),
            date_field("on", _("On"), today),
            Field("note", _("Note"), "", lambda v: validate.text(v, _("note")),
                  placeholder=_("what was said (optional)")),
        ],
        save,
        about=_("with {client}").format(client=client),
    )


def incident_form(client_id: int, client: str, today: date) -> "FormScreen[int]":
    """Open an incident; the client's own words become its first timeline event."""
    from crm.incidents import open_incident

    def save(values: Values) -> int:
        return open_incident(client_id, values["title"], severity=values["severity"],
                             on=parse_date(values["on"], today), words=values["words"])

    return FormScreen(
        _("Open an incident"),
        [
            Field("title", _("Title"), "", lambda v: validate.name(v, _("incident title")),
                  placeholder=_("what went wrong, in a few words")),
            Field("severity", _("Severity"), "medium", choices=SEVERITIES, labels=words("severity")),
            date_field("on", _("Opened"), today),
            Field("words", _("Their words"), "", lambda v: validate.text(v, _("text")), long=True,
                  placeholder=_("what the client said, as they said it")),
        ],
        save,
        about=_("for {client}").format(client=client),
    )


def event_form(incident_id: int, title: str, today: date) -> "FormScreen[int]":
    from crm.incidents import log_event

    def save(values: Values) -> int:
        return log_event(incident_id, values["text"], kind=values["kind"], on=parse_date(values["on"], today))

    kinds = [k for k in EVENT_KINDS if k != "resolved"]  # resolving has its own form
    return FormScreen(
        _("Add an event"),
        [
            Field("kind", _("Kind"), "note", choices=kinds, labels=words("incident event")),
            date_field("on", _("On"), today),
            Field("text", _("What happened"), "", lambda v: validate.text(v, _("event text"), required=True),
                  long=True),
        ],
        save,
        about=f"#{incident_id} {title}",
    )


def promise_form(client_id: int, client: str, today: date, incident_id: int | None = None) -> "FormScreen[int]":
    from crm.promises import add_promise

    def check_due(text: str) -> date:
        due = parse_date(text, today)
        if due < today:
            raise UserError(_("due date {due} is in the past (today is {today})").format(due=due, today=today))
        return due

    def save(values: Values) -> int:
        return add_promise(client_id, values["text"], due=parse_date(values["due"], today), on=today,
                           incident_id=incident_id)

    due = date_field("due", _("Due"), today, "+1w")
    if incident_id:
        about = _("to {client} (incident #{incident})").format(client=client, incident=incident_id)
    else:
        about = _("to {client}").format(client=client)
    return FormScreen(
        _("Make a promise"),
        [
            Field("text", _("Promise"), "", lambda v: validate.text(v, _("promise"), required=True),
                  placeholder=_("what we will do")),
            Field(due.name, due.label, due.value, check_due, preview=due.preview),
        ],
        save,
        about=about,
    )


def keep_form(promise_id: int, text: str, due: date, today: date) -> "FormScreen[bool]":
    """Mark a promise kept on a date; dismissed with whether it was on time."""
    from crm.promises import keep_promise

    def save(values: Values) -> bool:
        return keep_promise(promise_id, on=parse_date(values["on"], today))

    return FormScreen(_("Keep a promise"), [date_field("on", _("Kept on"), today)], save,
                      about=_("{promise} (due {date})").format(promise=text, date=format_day(due, "date")))


def compensation_form(incident_id: int, title: str, currency: str, today: date) -> "FormScreen[Money]":
    """Offer a compensation; dismissed with its amount (a bonus without a date gets three months)."""
    from crm.incidents import compensate

    def amount_preview(text: str) -> str:
        return f"= {format_money(Money(parse_amount(text), currency))}" if text.strip() else ""

    def save(values: Values) -> Money:
        amount, code = parse_amount(values["amount"]), parse_currency(values["currency"])
        compensate(incident_id, kind=values["kind"], amount=amount, currency=code,
                   valid_until=optional_date(values["valid_until"], today), on=today, note=values["note"])
        return Money(amount, code)

    return FormScreen(
        _("Offer a compensation"),
        [
            Field("kind", _("Kind"), "gift", choices=COMPENSATION_KINDS, labels=words("compensation")),
            Field("amount", _("Amount"), "", parse_amount, placeholder=_("e.g. 300 or 2,000.00"),
                  preview=amount_preview),
            Field("currency", _("Currency"), currency, parse_currency),
            date_field("valid_until", _("Valid until"), today, "", optional=True),
            Field("note", _("Note"), "", lambda v: validate.text(v, _("note"))),
        ],
        save,
        about=_("#{incident} {title} · a bonus is valid 3 months unless you give a date").format(
            incident=incident_id, title=title),
    )


STATUS_TITLES = {"depart": N_("The client leaves"), "part": N_("We part with the client"), "return": N_("Won back")}


def status_form(client_id: int, client: str, action: str, today: date) -> "FormScreen[str]":
    """Depart, part or return, with a date and a reason; dismissed with the new status."""
    from crm.clients import change_status

    def save(values: Values) -> str:
        return change_status(client_id, action, on=parse_date(values["on"], today), reason=values["reason"])

    return FormScreen(
        _(STATUS_TITLES[action]),
        [
            date_field("on", _("On"), today),
            Field("reason", _("Reason"), "", lambda v: validate.text(v, _("reason")), placeholder=_("why (optional)")),
        ],
        save,
        about=client,
    )


def resolve_form(incident_id: int, title: str, today: date) -> "FormScreen[str]":
    """Resolve an incident; dismissed with the outcome."""
    from crm.incidents import resolve_incident

    def save(values: Values) -> str:
        resolve_incident(incident_id, outcome=values["outcome"], on=parse_date(values["on"], today),
                         note=values["note"])
        return values["outcome"]

    return FormScreen(
        _("Resolve the incident"),
        [
            Field("outcome", _("Outcome"), "retained", choices=OUTCOMES, labels=words("outcome")),
            # The note is typed first (the dialog opens there); the day, today, is one Tab on.
            Field("note", _("Note"), "", lambda v: validate.text(v, _("note")),
                  placeholder=_("how it ended (optional)")),
            date_field("on", _("On"), today),
        ],
        save,
        about=_("#{incident} {title} · a check-in follows in 30 days").format(incident=incident_id, title=title),
    )


class PickScreen(TranslatedBindings, ModalScreen[Any]):
    """Pick one of a few things (e.g. which open promise was kept); dismissed with its value."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, title: str, choices: Sequence[tuple[str, Any]]) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        options = OptionList(*(Option(Content(safe_line(label)), id=str(i))
                               for i, (label, _) in enumerate(self.choices)), classes="dialog pick")
        options.border_title = self.title_text
        options.border_subtitle = _("enter pick · esc cancel")
        yield options

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id or 0)][1])

    def action_cancel(self) -> None:
        self.dismiss(None)

