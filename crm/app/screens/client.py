"""One client: the card, the merged timeline, open promises, what is due, touches per month.

Loaded in one worker as a `crm.profile.ClientProfile` and reloaded whenever data changes (here or
in another session). Until the first load arrives (a few milliseconds) the screen is transparent
and empty, so the screen it was opened from stays in view instead of a "Loading…" flash; a load
slower than REVEAL_AFTER shows the screen with "Loading…" after all. Every action opens a form
that saves in its own worker and stays open on a failure; the screen only reloads afterwards.
"""

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Sparkline, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from crm import kinds
from crm.app.bindings import TranslatedBindings
from crm.app.keys import quiet_sections
from crm.app.screens import forms
from crm.app.screens.form_engine import FormScreen
from crm.app.work import db_work
from crm.i18n import N_, _, ngettext
from crm.l10n import format_day
from crm.profile import ClientProfile, OpenPromise, client_profile
from crm.text import safe_line
from crm.widgets.client_card import ClientCard
from crm.widgets.timeline import Hanging, Timeline, date_cell, date_width, entry_title

if TYPE_CHECKING:
    from crm.app.app import RapportApp

# Status changes: which statuses each may start from (crm.clients enforces the same).
STATUS_ACTIONS = {
    "depart": ("active", "prospect"),
    "part": ("active", "prospect", "departed"),
    "return": ("departed", "parted", "prospect"),
}
# What a status change's notification says.
STATUS_CHANGED = {"depart": N_("{client} departed."), "part": N_("{client} parted."),
                  "return": N_("{client} is active again.")}
REVEAL_AFTER = 0.5  # seconds: a slower first load shows the screen, saying it is loading


DUE_KIND_WIDTH = 14  # a kind's label, cut with "…" past this


def promise_prompt(promise: OpenPromise) -> Hanging:
    """Due date (and "overdue") in a column, the promise wrapped beside it."""
    when = _("due {date}").format(date=format_day(promise.due, "date"))
    if promise.overdue:
        when = _("{when} overdue").format(when=when)
    lead = Content.styled(when, "$text-error" if promise.overdue else "$text-muted")
    width = max(lead.cell_length, 15 + 8) + 2  # "due 28 Dec 2026" and " overdue" line up in every row
    return Hanging(lead, Content(safe_line(promise.text)), width)


def due_prompt(item: Any) -> Hanging:
    """A `crm.review.DueItem`: date and kind in columns, the title wrapped beside them."""
    lead = Content.assemble(
        date_cell(item.due, "$text-error" if item.overdue else "$text-muted"),
        "  ",
        Content.styled(kinds.label(item.kind), "$text-accent").truncate(DUE_KIND_WIDTH, ellipsis=True, pad=True),
        " ",
    )
    return Hanging(lead, Content(safe_line(item.title)), date_width() + 2 + DUE_KIND_WIDTH + 1)


class ClientScreen(TranslatedBindings, Screen[None]):
    """Everything about one client, and the keys to act on it."""


    BINDINGS: ClassVar[list[BindingType]] = [
        *quiet_sections(),  # k is Keep in touch here too, as everywhere; d marks a promise kept
        Binding("t", "touch", N_("Touch"), tooltip=N_("Log a touch (call, e-mail, meeting …)"), id="client.touch"),
        Binding("i", "incident", N_("Incident"), tooltip=N_("Open an incident"), id="client.incident"),
        Binding("p", "promise", N_("Promise"), tooltip=N_("Make a promise"), id="client.promise"),
        Binding("d", "keep", N_("Kept"), tooltip=N_("Mark an open promise kept (done)"), id="client.keep"),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the client"), id="client.edit"),
        Binding("x", "status('depart')", N_("Depart"), tooltip=N_("The client leaves (kept in touch)"),
                id="client.depart"),
        Binding("P", "status('part')", N_("Part"), key_display="P", tooltip=N_("We end it (do not contact)"),
                show=False, id="client.part"),  # rare and weighty: in help and the palette
        Binding("b", "status('return')", N_("Win back"), tooltip=N_("The client is back (active)"),
                id="client.return"),
        Binding("w", "wizard", N_("Wizard"), tooltip=N_("Sort out the relationship"), id="client.wizard"),
        Binding("a", "contact", N_("Contact"), show=False, tooltip=N_("Add a contact: a person at the client"),
                id="client.contact"),
        Binding("1", "tab('timeline')", N_("Timeline"), show=False, id="client.tab.timeline"),
        Binding("2", "tab('promises')", N_("Promises"), show=False, id="client.tab.promises"),
        Binding("3", "tab('due')", N_("Due"), show=False, id="client.tab.due"),
        Binding("F", "forget", N_("Forget"), key_display="F", show=False, id="client.forget",
                tooltip=N_("Forget this client: erase their data everywhere (asks for their name)")),
    ]

    def __init__(self, client_id: int) -> None:
        super().__init__()
        self.client_id = client_id
        self.profile: ClientProfile | None = None
        self._forgetting = False  # the Forget dialog is open

    @property
    def rapport(self) -> "RapportApp":
        return cast("RapportApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield ClientCard("", id="card")
        with Horizontal(id="spark-row"):
            yield Static(_("Touches, 12 months"), id="spark-label", markup=False)
            yield Sparkline([], id="spark")
            yield Static("", id="spark-total", markup=False)
        with TabbedContent(id="tabs"):
            with TabPane(_("Timeline"), id="timeline"):
                yield Timeline(empty=_("Nothing recorded yet."), id="timeline-list")
            with TabPane(_("Promises"), id="promises"):
                yield OptionList(id="promise-list")
            with TabPane(_("Due"), id="due"):
                yield OptionList(id="due-list")
        yield Footer(compact=True, show_command_palette=False)  # its own keys fill 80 columns

    def on_mount(self) -> None:
        self.sub_title = _("Client")
        self.add_class("-loading")
        self.set_timer(REVEAL_AFTER, self._slow)
        self.watch(self.app, "data_generation", self.reload, init=False)
        self.reload()

    @property
    def loading_first(self) -> bool:
        """True until the first load arrives (or fails): the screen is not shown yet."""
        return self.has_class("-loading")

    def _reveal(self) -> None:
        if self.loading_first:
            self.remove_class("-loading")
            self.query_one(Timeline).focus()

    def _slow(self) -> None:
        if self.loading_first:
            self.query_one(ClientCard).update(Content.styled(_("Loading…"), "$text-muted"))
            self._reveal()

    def _failed(self, message: str) -> None:
        if self._forgetting:
            return  # the reload after the erasure finds no client: the screen is about to close
        self._reveal()
        self.notify(message, severity="error", markup=False)

    def reload(self) -> None:
        client_id, today = self.client_id, self.rapport.today
        db_work(self, lambda: client_profile(client_id, today), self._show, group="client-profile",
                on_error=self._failed)

    def _show(self, profile: ClientProfile) -> None:
        self.profile = profile
        self._reveal()
        self.sub_title = safe_line(profile.name)
        self.query_one(ClientCard).show(profile)
        self.query_one(Sparkline).data = list(profile.touches_per_month)
        total = sum(profile.touches_per_month)
        self.query_one("#spark-total", Static).update(
            ngettext("{count} touch", "{count} touches", total).format(count=f"{total:,}"))
        self.query_one(Timeline).show_entries(profile.timeline)
        self._fill(
            "#promise-list",
            [Option(promise_prompt(p), id=str(p.id)) for p in profile.open_promises],
            _("No open promises."),
        )
        self._fill("#due-list", [Option(due_prompt(i)) for i in profile.due], _("Nothing due in the next year."))
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("timeline").label = Content(_("Timeline ({count})").format(count=f"{len(profile.timeline):,}"))
        # "Open": the card beside it tells the whole record ("Promises: none open · 2 of 2 kept …").
        open_count = len(profile.open_promises)
        tabs.get_tab("promises").label = Content(_("Open promises ({count})").format(count=open_count))
        tabs.get_tab("due").label = Content(_("Due ({count})").format(count=len(profile.due)))
        self.refresh_bindings()

    def _fill(self, selector: str, options: list[Option], empty: str) -> None:
        listing = self.query_one(selector, OptionList)
        index = listing.highlighted
        listing.clear_options()
        listing.add_options(options or [Option(Content.styled(empty, "$text-muted"), disabled=True)])
        if options and index is not None:
            listing.highlighted = min(index, len(options) - 1)

    # --- keys -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "tab":
            return True
        profile = self.profile
        if profile is None:
            return action not in {"touch", "incident", "promise", "keep", "edit", "status", "contact", "forget"}
        if action == "keep":
            return bool(profile.open_promises)
        if action == "status":
            return profile.status in STATUS_ACTIONS[str(parameters[0])]
        return True

    def action_forget(self) -> None:
        """Erase this client for good once their name is typed (crm.forget); then back to Clients."""
        from crm.app.screens.forget import forget_form, forgotten_note
        from crm.forget import Erasure

        def done(erasure: Erasure | None) -> None:
            if erasure is None:
                self._forgetting = False
                return
            self.notify(forgotten_note(erasure), title=_("Forgotten"), markup=False, timeout=20)
            self.rapport.show_clients()

        assert self.profile is not None  # check_action: only once loaded
        self._forgetting = True
        self.app.push_screen(forget_form(self.client_id, self.profile.name, self.rapport.db_path), done)

    def action_tab(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane
        target = {"timeline": Timeline, "promises": "#promise-list", "due": "#due-list"}[pane]
        self.query_one(target).focus()  # type: ignore[call-overload]

    def _form(self, form: FormScreen, done: str | None = None) -> None:
        """Open a form; on success say what happened (the form already noted the change)."""

        def closed(result: object) -> None:
            if result is not None and done:
                self.notify(done, markup=False)

        self.app.push_screen(form, closed)

    def action_touch(self) -> None:
        if self.profile:
            self._form(forms.touch_form(self.client_id, self.profile.name, self.rapport.today), _("Touch logged."))

    def action_incident(self) -> None:
        if not self.profile:
            return

        def opened(incident_id: int | None) -> None:
            if incident_id is not None:
                self.rapport.open_incident(incident_id)

        self.app.push_screen(forms.incident_form(self.client_id, self.profile.name, self.rapport.today), opened)

    def action_contact(self) -> None:
        if self.profile:
            self._form(forms.contact_form(self.client_id, self.profile.name, self.rapport.today), _("Contact added."))

    def action_promise(self) -> None:
        if self.profile:
            self._form(forms.promise_form(self.client_id, self.profile.name, self.rapport.today), _("Promise made."))

    def action_keep(self) -> None:
        """Keep the highlighted promise (Promises tab), the only one, or one picked from a list."""
        profile = self.profile
        if not profile or not profile.open_promises:
            return
        today = self.rapport.today

        def kept(on_time: bool | None) -> None:
            if on_time is not None:
                self.notify(_("Promise kept on time.") if on_time else _("Promise kept, late."), markup=False)

        def picked(promise: OpenPromise | None) -> None:
            if promise is not None:
                self.app.push_screen(forms.keep_form(promise.id, promise.text, promise.due, today), kept)

        highlighted = self.query_one("#promise-list", OptionList).highlighted_option
        if self.query_one(TabbedContent).active == "promises" and highlighted is not None:
            picked(next((p for p in profile.open_promises if str(p.id) == highlighted.id), None))
        elif len(profile.open_promises) == 1:
            picked(profile.open_promises[0])
        else:
            due = _("due {date}")
            choices = [(f"{due.format(date=format_day(p.due, 'date'))}  {p.text}", p) for p in profile.open_promises]
            self.app.push_screen(forms.PickScreen(_("Which promise was kept?"), choices), picked)

    def action_edit(self) -> None:
        client_id, today = self.client_id, self.rapport.today
        db_work(self, lambda: forms.read_client_snapshot(client_id),
                lambda snapshot: self._form(forms.EditClientForm(client_id, snapshot, today), _("Saved.")),
                group="client-edit")

    def action_status(self, action: str) -> None:
        if not self.profile:
            return
        name = self.profile.name
        self._form(forms.status_form(self.client_id, name, action, self.rapport.today),
                   _(STATUS_CHANGED[action]).format(client=safe_line(name)))

    def action_wizard(self) -> None:
        self.rapport.open_wizard(client_id=self.client_id)

    @on(Timeline.Selected)
    def _entry(self, event: Timeline.Selected) -> None:
        entry = event.entry
        if entry.incident_id is not None:
            self.rapport.open_incident(entry.incident_id)
        else:
            from crm.app.screens.review_dialogs import DraftDialog

            self.app.push_screen(DraftDialog(entry_title(entry), entry.text))

    @on(OptionList.OptionSelected, "#promise-list")
    def _promise_selected(self) -> None:
        self.action_keep()
