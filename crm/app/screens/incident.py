"""One incident: what it is about, its timeline of events, compensations and promises.

Keys add an event, offer a compensation, make a promise, resolve it (which schedules the 30-day
check-in the review shows) or open the relationship wizard on it.
"""

from datetime import date
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from crm.app.screens import forms
from crm.app.keys import quiet_sections
from crm.app.work import db_work
from crm.i18n import _
from crm.money import Money
from crm.playbook import load_playbook
from crm.profile import IncidentProfile, incident_profile
from crm.text import safe_line
from crm.widgets.timeline import Timeline

if TYPE_CHECKING:
    from crm.app.app import RapportApp


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def incident_card(incident: IncidentProfile, today: date) -> Content:
    """Title and client; severity, group, dates; strategy; compensations; open promises. Stored keys
    (`soften_blow`, `B`, `withdrawn`) are shown as the playbook names them."""
    book = load_playbook()
    lines = [
        Content.assemble(
            Content.styled(f"#{incident.id} ", "$text-muted"),
            Content.styled(safe_line(incident.title), "bold $text-primary"),
            " — ",
            safe_line(incident.client),
        )
    ]
    facts = [f"{incident.severity} severity"]
    if incident.group:
        facts.append(_("group {group}").format(group=book.label("group", incident.group)))
    if incident.resolved_on or incident.opened_on != today:
        facts.append(f"opened {incident.opened_on:%d %b %Y}")
    if incident.resolved_on:
        facts.append(f"resolved {incident.resolved_on:%d %b %Y}: client {incident.outcome}")
        state = Content.styled("resolved", "$text-success")
    else:
        age = (today - incident.opened_on).days
        facts.append(f"open {_days(age)}" if age > 0 else "opened today")
        state = Content.styled("open", "bold $text-warning")
    lines.append(Content.assemble(state, " · ", " · ".join(facts)))
    if incident.strategy:
        lines.append(Content.assemble(_("Strategy: "), safe_line(book.label("strategy", incident.strategy))))
    for c in incident.compensations:
        until = f", valid until {c.valid_until:%d %b %Y}" if c.valid_until else ""
        lines.append(Content(_("Compensation: {kind} {amount}{until} ({status})").format(
            kind=book.label("compensation", c.kind), amount=Money(c.amount, c.currency), until=until,
            status=book.label("compensation_status", c.status))))
    for p in incident.open_promises:
        style = "$text-error" if p.overdue else ""
        lines.append(Content.assemble(Content.styled(f"Promised by {p.due:%d %b %Y}: ", style), safe_line(p.text)))
    return Content("\n").join(lines)


class IncidentScreen(Screen[None]):
    """An incident's story, and the keys to move it forward."""

    DEFAULT_CSS = """
    IncidentScreen #incident-card { height: auto; max-height: 9; padding: 0 1; background: $boost; }
    IncidentScreen .bar { margin-top: 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *quiet_sections(),
        Binding("a", "event", "Add event", tooltip="Add an event to the timeline", id="incident.event"),
        Binding("m", "compensate", "Compensate", tooltip="Offer a compensation (gift, bonus …)",
                id="incident.compensate"),
        Binding("p", "promise", "Promise", tooltip="Make a promise tied to this incident", id="incident.promise"),
        Binding("x", "resolve", "Resolve", tooltip="Resolve: retained, departed or parted", id="incident.resolve"),
        Binding("w", "wizard", "Wizard", tooltip="Sort out the relationship", id="incident.wizard"),
        Binding("o", "open_client", "Client", tooltip="Open the client", id="incident.client"),
    ]

    def __init__(self, incident_id: int) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.incident: IncidentProfile | None = None

    @property
    def rapport(self) -> "RapportApp":
        return cast("RapportApp", self.app)

    @property
    def client_id(self) -> int | None:
        """The incident's client (what the app-wide wizard key and the palette act on)."""
        return self.incident.client_id if self.incident else None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="incident-card")
        yield Static("Timeline — oldest first; enter shows an entry in full", classes="bar", markup=False)
        yield Timeline(empty="No events yet: press a to add one.", id="incident-timeline")
        yield Footer(compact=True, show_command_palette=False)  # its own keys fill 80 columns

    def on_mount(self) -> None:
        self.sub_title = f"Incident #{self.incident_id}"
        self.watch(self.app, "data_generation", self.reload, init=False)
        self.query_one(Timeline).focus()
        self.reload()

    def reload(self) -> None:
        incident_id, today = self.incident_id, self.rapport.today
        db_work(self, lambda: incident_profile(incident_id, today), self._show, group="incident-profile")

    def _show(self, incident: IncidentProfile) -> None:
        self.incident = incident
        self.sub_title = f"Incident #{incident.id} · {safe_line(incident.client)}"
        self.query_one("#incident-card", Static).update(incident_card(incident, self.rapport.today))
        self.query_one(Timeline).show_entries(incident.timeline)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"event", "compensate", "promise", "resolve", "open_client"}:
            if self.incident is None:
                return False
            if action == "resolve":
                return self.incident.is_open
        return True

    def _form(self, form: forms.FormScreen, done: str) -> None:
        self.app.push_screen(form, lambda result: self.notify(done, markup=False) if result is not None else None)

    def action_event(self) -> None:
        if self.incident:
            self._form(forms.event_form(self.incident.id, self.incident.title, self.rapport.today), "Event added.")

    def action_compensate(self) -> None:
        incident = self.incident
        if not incident:
            return

        def offered(amount: Money | None) -> None:
            if amount is not None:
                self.notify(f"Compensation of {amount} offered.", markup=False)

        form = forms.compensation_form(incident.id, incident.title, incident.currency, self.rapport.today)
        self.app.push_screen(form, offered)

    def action_promise(self) -> None:
        incident = self.incident
        if incident:
            form = forms.promise_form(incident.client_id, incident.client, self.rapport.today, incident.id)
            self._form(form, "Promise made.")

    async def action_resolve(self) -> None:
        incident = self.incident
        if not incident or not incident.is_open:
            return

        def resolved(outcome: str | None) -> None:
            if outcome is not None:
                follow = "a check-in is due in 30 days" if outcome != "parted" else "no follow-ups: we parted"
                self.notify(f"Resolved: client {outcome}; {follow}.", markup=False)

        form = forms.resolve_form(incident.id, incident.title, self.rapport.today)
        await self.app.push_screen(form, resolved)
        form.query_one("#field-note").focus()  # how it ended first; the day (today) is a Tab away

    def action_wizard(self) -> None:
        self.rapport.open_wizard(client_id=self.client_id, incident_id=self.incident_id)

    def action_open_client(self) -> None:
        if self.incident:
            self.rapport.open_client(self.incident.client_id)

    @on(Timeline.Selected)
    def _entry(self, event: Timeline.Selected) -> None:
        from crm.app.screens.review_dialogs import DraftDialog

        entry = event.entry
        title = f"{entry.on:%d %b %Y} · {entry.kind.replace('_', ' ')} · by {entry.author}"
        self.app.push_screen(DraftDialog(title, entry.text))
