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

from crm import i18n
from crm.app.bindings import TranslatedBindings
from crm.app.keys import quiet_sections
from crm.app.screens import forms
from crm.app.screens.form_engine import FormScreen
from crm.app.work import db_work
from crm.domain import word
from crm.i18n import N_, _, ngettext
from crm.l10n import format_day, format_money
from crm.money import Money
from crm.playbook import load_playbook
from crm.profile import IncidentProfile, incident_profile
from crm.text import safe_line
from crm.widgets.sentence import sentence
from crm.widgets.timeline import Timeline, entry_title

if TYPE_CHECKING:
    from crm.app.app import RapportApp


def incident_card(incident: IncidentProfile, today: date) -> Content:
    """Title and client; severity, group, dates; strategy; compensations; open promises. Stored keys
    (`soften_blow`, `B`, `withdrawn`) are shown as the playbook names them."""
    book = load_playbook(i18n.language())  # the owner reads it in the app's language
    lines = [
        Content.assemble(
            Content.styled(f"#{incident.id} ", "$text-muted"),
            Content.styled(safe_line(incident.title), "bold $text-primary"),
            " — ",
            safe_line(incident.client),
        )
    ]
    facts = [_("{severity} severity").format(severity=word("severity", incident.severity))]
    if incident.group:
        facts.append(_("group {group}").format(group=book.label("group", incident.group)))
    if incident.resolved_on or incident.opened_on != today:
        facts.append(_("opened {date}").format(date=format_day(incident.opened_on, "date")))
    if incident.resolved_on:
        facts.append(_("resolved {date}: client {outcome}").format(date=format_day(incident.resolved_on, "date"),
                                                                   outcome=word("outcome", incident.outcome or "")))
        state = Content.styled(_("resolved"), "$text-success")
    else:
        age = (today - incident.opened_on).days
        facts.append(ngettext("open {count} day", "open {count} days", age).format(count=age) if age > 0
                     else _("opened today"))
        state = Content.styled(_("open"), "bold $text-warning")
    lines.append(Content.assemble(state, " · ", " · ".join(facts)))
    if incident.strategy:
        lines.append(sentence(_("Strategy: {strategy}"), strategy=safe_line(book.label("strategy", incident.strategy))))
    for c in incident.compensations:
        if c.valid_until:
            text = _("Compensation: {kind} {amount}, valid until {date} ({status})")
        else:
            text = _("Compensation: {kind} {amount} ({status})")
        lines.append(Content(text.format(
            kind=book.label("compensation", c.kind), amount=format_money(Money(c.amount, c.currency)),
            date=format_day(c.valid_until, "date") if c.valid_until else "",
            status=book.label("compensation_status", c.status))))
    for p in incident.open_promises:
        style = "$text-error" if p.overdue else ""
        lead = Content.styled(_("Promised by {date}:").format(date=format_day(p.due, "date")), style)
        lines.append(Content.assemble(lead, " ", safe_line(p.text)))
    return Content("\n").join(lines)


class IncidentScreen(TranslatedBindings, Screen[None]):
    """An incident's story, and the keys to move it forward."""

    DEFAULT_CSS = """
    IncidentScreen #incident-card { height: auto; max-height: 9; padding: 0 1; background: $boost; }
    IncidentScreen .bar { margin-top: 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *quiet_sections(),
        Binding("a", "event", N_("Add event"), tooltip=N_("Add an event to the timeline"), id="incident.event"),
        Binding("m", "compensate", N_("Compensate"), tooltip=N_("Offer a compensation (gift, bonus …)"),
                id="incident.compensate"),
        Binding("p", "promise", N_("Promise"), tooltip=N_("Make a promise tied to this incident"),
                id="incident.promise"),
        Binding("x", "resolve", N_("Resolve"), tooltip=N_("Resolve: retained, departed or parted"),
                id="incident.resolve"),
        Binding("w", "wizard", N_("Wizard"), tooltip=N_("Sort out the relationship"), id="incident.wizard"),
        Binding("o", "open_client", N_("Client"), tooltip=N_("Open the client"), id="incident.client"),
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
        yield Static(_("Loading…"), id="incident-card")
        yield Static(_("Timeline — oldest first; enter shows an entry in full"), classes="bar", markup=False)
        yield Timeline(empty=_("No events yet: press a to add one."), id="incident-timeline")
        yield Footer(compact=True, show_command_palette=False)  # its own keys fill 80 columns

    def on_mount(self) -> None:
        self.sub_title = _("Incident #{id}").format(id=self.incident_id)
        self.watch(self.app, "data_generation", self.reload, init=False)
        self.query_one(Timeline).focus()
        self.reload()

    def reload(self) -> None:
        incident_id, today = self.incident_id, self.rapport.today
        db_work(self, lambda: incident_profile(incident_id, today), self._show, group="incident-profile")

    def _show(self, incident: IncidentProfile) -> None:
        self.incident = incident
        self.sub_title = _("Incident #{id} · {client}").format(id=incident.id, client=safe_line(incident.client))
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

    def _form(self, form: FormScreen, done: str) -> None:
        self.app.push_screen(form, lambda result: self.notify(done, markup=False) if result is not None else None)

    def action_event(self) -> None:
        if self.incident:
            self._form(forms.event_form(self.incident.id, self.incident.title, self.rapport.today), _("Event added."))

    def action_compensate(self) -> None:
        incident = self.incident
        if not incident:
            return

        def offered(amount: Money | None) -> None:
            if amount is not None:
                self.notify(_("Compensation of {amount} offered.").format(amount=format_money(amount)), markup=False)

        form = forms.compensation_form(incident.id, incident.title, incident.currency, self.rapport.today)
        self.app.push_screen(form, offered)

    def action_promise(self) -> None:
        incident = self.incident
        if incident:
            form = forms.promise_form(incident.client_id, incident.client, self.rapport.today, incident.id)
            self._form(form, _("Promise made."))

    async def action_resolve(self) -> None:
        incident = self.incident
        if not incident or not incident.is_open:
            return

        def resolved(outcome: str | None) -> None:
            if outcome is not None:
                if outcome == "parted":
                    text = _("Resolved: client {outcome}; no follow-ups: we parted.")
                else:
                    text = _("Resolved: client {outcome}; a check-in is due in 30 days.")
                self.notify(text.format(outcome=outcome), markup=False)

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
        self.app.push_screen(DraftDialog(entry_title(entry), entry.text))
