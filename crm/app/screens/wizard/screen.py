""""Sort out the relationship": the method (docs/method.md) walked step by step, ending in a saved plan.

One small screen: a step bar, the current step's widget (`steps/`, in the order `STEP_WIDGETS`
gives; a step that does not apply to the state is passed over), a message line. It keeps the
state, switches the steps and saves (in a worker) whenever the step changes or the owner leaves,
so the wizard resumes where it was. A step's own write (the client's words, the plan, the
post-mortem) is the step's `saving`; the reasoning and every write live in `crm.wizard`.
Keys: ctrl+n (or enter on an answer or a one-line field) next, ctrl+b or alt+left back (tmux keeps
ctrl+b for itself), esc leaves, keeping everything (nothing, when nothing was entered yet).
"""

import threading
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, OptionList, Select, SelectionList, Static, TextArea

from crm import wizard
from crm.app.bindings import TranslatedBindings
from crm.app.screens.forms import PickScreen
from crm.app.screens.wizard.choose import ClientChooser
from crm.app.screens.wizard.step import Question, Saving, StepData, WizardStep
from crm.app.screens.wizard.steps import STEP_WIDGETS
from crm.app.work import db_work
from crm.clients import client_names
from crm.errors import UserError
from crm.i18n import N_, _
from crm.text import safe, safe_line
from crm.widgets.choice import Choice
from crm.widgets.step_bar import StepBar
from crm.wizard import STEP_TITLES, STEPS, Session, WizardState

if TYPE_CHECKING:
    from crm.app.app import RapportApp

AUTOSAVE_SECONDS = 1.0


class Saver:
    """One wizard's writes, one at a time, each at the version the previous one left.

    Saves run in worker threads in no set order; the lock orders them and each saves the latest
    state, so a save on leaving never collides with one still under way.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.incident_id: int | None = None
        self.version = 0
        self.state: WizardState | None = None

    def save(self) -> int:
        with self.lock:
            if self.state is not None:
                if self.incident_id is None:
                    wizard.save_draft(self.state)
                else:
                    self.version = wizard.save_state(self.incident_id, self.state, self.version)
            return self.version


class WizardScreen(TranslatedBindings, Screen[None]):
    """The relationship wizard on a client or an incident; chooses a client first if given none."""

    CSS_PATH = "wizard.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next", N_("Next"), tooltip=N_("Next step (saved)"), priority=True, id="wizard.next"),
        Binding("ctrl+b", "previous", N_("Back"), tooltip=N_("Previous step (alt+left too: tmux keeps ctrl+b)"),
                priority=True, id="wizard.back"),
        Binding("alt+left", "previous", N_("Back"), show=False, priority=True, id="wizard.back_alt"),
        Binding("alt+right", "next", N_("Next"), show=False, priority=True, id="wizard.next_alt"),
        Binding("escape", "leave", N_("Leave (kept)"), tooltip=N_("Leave; the wizard resumes here next time"),
                id="wizard.leave"),
        Binding("w", "already_open", show=False, id="wizard.already_open"),  # not a second wizard on top
    ]

    def __init__(self, client_id: int | None = None, incident_id: int | None = None) -> None:
        super().__init__()
        self.client_id = client_id
        self.incident_id = incident_id
        self.session: Session | None = None
        self.state: WizardState | None = None
        self.opened: WizardState | None = None  # the state as opened
        self.page = 0  # the index in STEP_WIDGETS of the step shown
        self._busy = False  # a step's own write (words, plan, post-mortem) is running
        self.saver = Saver()
        self._laying_out = False
        self._autosave: Timer | None = None

    @property
    def rapport(self) -> "RapportApp":
        return cast("RapportApp", self.app)

    @property
    def today(self) -> date:
        return self.rapport.today

    @property
    def step(self) -> str:
        """The crm.wizard step shown ("" while choosing a client)."""
        return self.state.step if self.state else ""

    @property
    def shown(self) -> WizardStep | None:
        """The step widget on screen, once laid out."""
        found = self.query("#wizard-body > WizardStep")
        return None if self._laying_out or not found else cast(WizardStep, found.first())

    def compose(self) -> ComposeResult:
        yield Header()
        yield StepBar([_(STEP_TITLES[s]) for s in STEPS], id="wizard-steps")
        yield VerticalScroll(id="wizard-body")
        yield Static("", id="wizard-message", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = _("Sort out the relationship")
        if self.client_id is None and self.incident_id is None:
            self.query_one("#wizard-body").mount(ClientChooser())
            db_work(self, client_names, lambda found: self.query_one(ClientChooser).show_clients(found),
                    group="wizard-clients")
        else:
            self._start(self.client_id, self.incident_id)

    # --- opening ------------------------------------------------------------------------------

    @on(ClientChooser.Chosen)
    async def _chosen(self, event: ClientChooser.Chosen) -> None:
        if self.session is not None:
            return
        await self.query_one(ClientChooser).remove()
        self.client_id = event.client_id
        self._start(self.client_id, None)

    def _start(self, client_id: int | None, incident_id: int | None) -> None:
        today = self.today
        db_work(self, lambda: wizard.start(client_id, incident_id, today=today), self._opened, group="wizard-open",
                on_error=lambda text: self.message(text, error=True))

    async def _opened(self, session: Session) -> None:
        self.session, self.state = session, session.state
        self.opened = session.state  # leaving with nothing entered since keeps nothing
        self.saver.incident_id, self.saver.version = session.incident_id, session.version
        self.client_id, self.incident_id = session.client_id, session.incident_id
        self.sub_title = _("Sort out the relationship · {client}").format(client=safe_line(session.client))
        stage = session.state.step
        self.page = next((i for i, step in enumerate(STEP_WIDGETS) if step.stage == stage and step.applies(
            session.state)), next(i for i, step in enumerate(STEP_WIDGETS) if step.stage == stage))
        if session.resumed:
            self.message(_("Resumed at “{step}”.").format(step=_(STEP_TITLES[stage])))
        await self.show_step()

    # --- messages and steps -------------------------------------------------------------------

    def message(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#wizard-message", Static)
        line.update(Content(safe(text)))
        line.set_class(error, "-error")
        line.display = bool(text)  # an empty line would take a row from the step

    async def show_step(self) -> None:
        """Lay out the current step from the state."""
        assert self.session is not None and self.state is not None
        shown = STEP_WIDGETS[self.page]
        stage = shown.stage
        self.query_one(StepBar).current = STEPS.index(stage)
        body = self.query_one("#wizard-body", VerticalScroll)
        self._laying_out = True  # events of the widgets going away must not read the new step
        await body.remove_children()
        title = Static(self._title(), classes="step-title", id=f"title-{stage}")
        step = shown(StepData(self.session, self.state, self.today))
        await body.mount_all([title, step])
        self._laying_out = False
        body.scroll_home(animate=False)
        step.preview()
        self._focus_first(step)  # at once: keys typed as the step appears go to it
        self.refresh_bindings()

    def _title(self) -> Content:
        """"3/9 Diagnosis · How unhappy are they? (1 of 5)": the stage, this screenful, how far in it."""
        assert self.state is not None
        shown = STEP_WIDGETS[self.page]
        stage = shown.stage
        siblings = [i for i, step in enumerate(STEP_WIDGETS) if step.stage == stage and step.applies(self.state)]
        text = f"{STEPS.index(stage) + 1}/{len(STEPS)}  {_(STEP_TITLES[stage])}"
        if shown.heading:
            text += f" · {_(shown.heading)}"
        if len(siblings) > 1 and self.page in siblings:
            text += " " + _("({n} of {count})").format(n=siblings.index(self.page) + 1, count=len(siblings))
        return Content(text)

    def _focus_first(self, step: WizardStep) -> None:
        """Where typing starts: the step's main field, else its first control."""
        main = step.query(step.main) if step.main else []
        for widget in [*main, *step.query("Input, TextArea, Select, SelectionList, OptionList, Choice, Button")]:
            if widget.focusable:
                widget.focus()
                return
        self.query_one("#wizard-body").focus()

    def harvest(self) -> WizardState:
        """The state with what the step on screen holds (no checks)."""
        assert self.state is not None
        step = self.shown
        return step.read(self.state) if step is not None else self.state

    # --- saving as the owner types ----------------------------------------------------------------

    @on(TextArea.Changed)
    @on(SelectionList.SelectedChanged)
    @on(Select.Changed)
    @on(Input.Changed)
    @on(Choice.Changed)
    @on(OptionList.OptionHighlighted)
    def _edited(self) -> None:
        if not self._laying_out:
            self._save_soon()

    @on(Input.Submitted)
    @on(Choice.Submitted)
    @on(WizardStep.Submitted)
    async def _submitted(self, event: Input.Submitted | Choice.Submitted | WizardStep.Submitted) -> None:
        """enter on a one-line field or an answer: the step is done."""
        event.stop()
        await self.action_next()

    @on(WizardStep.Edited)
    def _edited_now(self) -> None:
        if self.state is not None and not self._busy:
            self.state = self.harvest()
            self.persist()

    def _save_soon(self) -> None:
        """Save what is typed shortly after typing stops: leaving by any key keeps it."""
        if self.state is None or self._busy:
            return
        typed = self.harvest()
        if typed == self.state:
            return  # a widget reporting its first value, or an edit undone: nothing new to save
        self.state = typed
        if self._autosave is not None:
            self._autosave.stop()
        self._autosave = self.set_timer(AUTOSAVE_SECONDS, self._autosave_now)

    def _autosave_now(self) -> None:
        self._autosave = None
        if not self._busy:
            self.persist()

    def on_unmount(self) -> None:
        if self._autosave is not None:  # leaving before the timer fired: save now, on the app's worker
            self._autosave.stop()
            self.persist(node=self.app)

    def persist(self, node: Any = None) -> None:
        """Save the latest state in a worker (`node`'s: the app's outlives this screen)."""
        if self.session is None or self.state is None:
            return
        self.saver.state = self.state
        db_work(node or self, self.saver.save, self._persisted, group=f"wizard-save-{id(self)}", exclusive=False,
                on_error=lambda text: self.message(_("Not saved: {error}").format(error=text), error=True))

    def _persisted(self, version: int) -> None:
        if self.session is not None:
            self.session = replace(self.session, version=version)

    # --- moving -------------------------------------------------------------------------------------

    def _neighbour(self, step: int) -> int | None:
        """The page `step` (+1 or -1) away that applies to the state, if any."""
        assert self.state is not None
        page = self.page + step
        while 0 <= page < len(STEP_WIDGETS) and not STEP_WIDGETS[page].applies(self.state):
            page += step
        return page if 0 <= page < len(STEP_WIDGETS) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "previous":
            return self.state is not None and self.page > 0
        return True

    async def action_next(self) -> None:
        if self.state is None:
            if self.query(ClientChooser):
                self.query_one(ClientChooser).pick()
            return
        step = self.shown
        if self._busy or step is None:
            return
        try:
            state = step.check(step.read(self.state))
        except UserError as exc:
            self.message(str(exc), error=True)
            return
        self.state = state
        ahead = self._neighbour(+1)
        saving = step.saving(state)
        if saving is not None:
            self._ask(saving, ahead)
        elif ahead is not None:
            await self.go(ahead)
        else:  # the last step needs no write of its own: the wizard is done
            self.persist(node=self.app)
            self.notify(_("The wizard is done for this incident."), markup=False)
            self.dismiss()

    async def action_previous(self) -> None:
        if self.state is None or self._busy:
            return
        self.state = self.harvest()
        back = self._neighbour(-1)
        if back is not None:
            await self.go(back)

    async def go(self, page: int) -> None:
        assert self.state is not None
        self.state = self.state.moved(STEP_WIDGETS[page].stage)
        self.page = page
        self.message("")
        await self.show_step()
        self.persist()

    def _ask(self, saving: Saving, page: int | None) -> None:
        """The step's write, once the owner said yes to its question (when it has one)."""
        ask, session = saving.ask, self.session
        if ask is None or session is None:
            self._write(saving, page)
            return
        self._busy = True

        def asked(question: Question | None) -> None:
            self._busy = False
            if question is None:
                self._write(saving, page)
                return

            def answered(yes: bool | None) -> None:
                if yes:
                    self._write(saving, page)
                else:
                    self.message(_("Nothing saved. Change the outcome on the plan if they should stay."))

            self.app.push_screen(PickScreen(question.title, [(question.yes, True), (question.no, False)]), answered)

        def failed(message: str) -> None:
            self._busy = False
            self.message(message, error=True)

        db_work(self, lambda: ask(session), asked, group=f"wizard-ask-{id(self)}", on_error=failed)

    def _write(self, saving: Saving, page: int | None) -> None:
        """A step's own write: nothing else moves until it is done; on failure the step stays as typed.
        Then the wizard goes on to `page`, or is done when there is none."""
        session, state, today, saver = self.session, self.state, self.today, self.saver
        assert session is not None and state is not None
        ahead = state.moved(STEP_WIDGETS[page].stage) if page is not None else state
        self._busy = True
        self.message(saving.busy)

        def job() -> Session:
            with saver.lock:
                written = saving.job(replace(session, version=saver.version), ahead, today)
                saver.incident_id, saver.version = written.incident_id, written.version
                return written

        async def done(written: Session) -> None:
            self._busy = False
            self.session, self.state = written, written.state
            self.incident_id = written.incident_id
            self.rapport.note_change()
            if page is None:
                self.notify(saving.said(written), markup=False)
                self.dismiss()
                return
            self.page = page
            await self.show_step()
            self.message(saving.said(written))

        def failed(message: str) -> None:
            self._busy = False
            self.message(message, error=True)

        db_work(self, job, done, group=f"wizard-write-{id(self)}", on_error=failed)

    def action_already_open(self) -> None:
        self.message(_("This is the wizard already: ctrl+n next, alt+left back, esc leave."))

    def action_leave(self) -> None:
        """Leave, keeping everything typed: the wizard resumes at this step."""
        if self._busy:
            self.message(_("Saving… one moment."))
            return
        if self._autosave is not None:
            self._autosave.stop()
            self._autosave = None
        if self.state is not None:
            self.state = self.harvest()
            if self.session is not None and not self.session.resumed and self.state == self.opened:
                self.notify(_("Left before anything was entered: nothing kept."), markup=False)
            else:
                self.persist(node=self.app)  # the app's worker outlives this screen
                self.notify(_("Wizard kept at “{step}”: press w on the client to resume.").format(
                    step=_(STEP_TITLES[self.step])), markup=False)
        self.dismiss()
