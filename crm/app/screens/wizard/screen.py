""""Sort out the relationship": the PLAYBOOK walked step by step, ending in a saved plan.

One screen: a step bar, the current step's content, a message line. The reasoning and every write
live in `crm.wizard`; this screen only lays out a step, reads back what was entered and saves it
(in a worker) whenever the step changes or the owner leaves, so the wizard resumes where it was.
Keys: ctrl+n (or enter in a one-line field) next, ctrl+b or alt+left back (tmux keeps ctrl+b for
itself), esc leaves, keeping everything.
"""

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import (
    Button,
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from crm import wizard
from crm.app.commands import PaletteClient, palette_clients
from crm.app.work import db_work
from crm.dates import add_months, parse_date, utcnow
from crm.errors import UserError
from crm.i18n import _
from crm.letters import KINDS as LETTER_KINDS
from crm.playbook import load_playbook
from crm.text import safe, safe_line
from crm.widgets.safe_fields import SafeInput, SafeTextArea
from crm.widgets.step_bar import StepBar
from crm.wizard import STEP_TITLES, STEPS, Holdings, PlanPromise, Session, WizardState

if TYPE_CHECKING:
    from crm.app.app import RapportApp

AUTOSAVE_SECONDS = 1.0
NEW_INCIDENT = "new"
FOCUS = {"cool_down": "#steam", "words": "#words"}  # a step's main field, when not its first control
WIZARD_LETTERS = ("apology", "parting", "winback", "checkin")
OUTCOME_LABELS = {
    "retained": "Stays: check in after the fix",
    "departed": "Leaves: win-back in 6 months",
    "parted": "We part: no win-back",
}
COMPENSATION_LABELS = {
    "gift": "A gift now",
    "bonus": "A bonus on the next order",
    "double": "Double: a gift and a bonus",
    "refund": "A refund",
    "none": "None",
}
# The figures each compensation needs (input ids in the compensation step).
FIGURES = {
    "gift": ("gift_cost",),
    "bonus": ("order_value", "percent", "months"),
    "double": ("order_value", "percent", "months", "gift_cost", "fixing_cost"),
    "refund": ("refund",),
    "none": (),
}
FIGURE_LABELS = {
    "order_value": "Problem order",
    "percent": "Bonus %",
    "months": "Valid (months)",
    "gift_cost": "Gift cost",
    "fixing_cost": "Fixing cost",
    "refund": "Refund",
}
FIGURE_HINTS = {"percent": "10", "months": "3"}


def _plain(text: str, classes: str = "", id: str | None = None) -> Static:  # noqa: A002
    """A Static that shows `text` literally."""
    return Static(Content(safe(text)), classes=classes, id=id)


def _bullets(lines: Any, style: str = "") -> Content:
    return Content("\n").join(Content.styled(f"• {safe(line)}", style) for line in lines)


def _row(label: str, widget: Widget) -> Horizontal:
    return Horizontal(Label(Content(label)), widget, classes="row")


def _date_problem(text: str, today: date) -> str | None:
    try:
        day = parse_date(text, today)
    except UserError as exc:
        return str(exc)
    return f"date {day} is in the past (today is {today})" if day < today else None


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


class WizardScreen(Screen[None]):
    """The relationship wizard on a client or an incident; chooses a client first if given none."""

    DEFAULT_CSS = """
    WizardScreen #wizard-body { height: 1fr; padding: 0 1; }
    WizardScreen #wizard-body > Static { margin-bottom: 1; }
    WizardScreen #wizard-body > Static.tight { margin-bottom: 0; }
    WizardScreen #wizard-message { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    WizardScreen #wizard-message.-error { color: $text-error; }
    WizardScreen #wizard-body > .step-title { text-style: bold; color: $text-primary; margin-bottom: 0; }
    WizardScreen .muted { color: $text-muted; }
    WizardScreen .row { height: auto; }
    WizardScreen .row Label { width: 42; padding-right: 1; }
    WizardScreen .row Input, WizardScreen .row Select { width: 1fr; }
    WizardScreen .timer { height: auto; }
    WizardScreen .timer Button { min-width: 10; margin-right: 1; }
    WizardScreen #steam { height: 6; }
    WizardScreen #words { height: 8; }
    WizardScreen #letter { height: 14; }
    WizardScreen .promise { height: auto; }
    WizardScreen .promise Input { width: 1fr; }
    WizardScreen .promise .due { width: 16; }
    WizardScreen SelectionList { height: auto; max-height: 14; }
    WizardScreen #choose-list { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next", "Next", tooltip="Next step (saved)", priority=True, id="wizard.next"),
        Binding("ctrl+b", "previous", "Back", tooltip="Previous step (alt+left too: tmux keeps ctrl+b)", priority=True,
                id="wizard.back"),
        Binding("alt+left", "previous", "Back", show=False, priority=True, id="wizard.back_alt"),
        Binding("alt+right", "next", "Next", show=False, priority=True, id="wizard.next_alt"),
        Binding("escape", "leave", "Leave (kept)", tooltip="Leave; the wizard resumes here next time",
                id="wizard.leave"),
        Binding("w", "already_open", show=False, id="wizard.already_open"),  # not a second wizard on top
    ]

    def __init__(self, client_id: int | None = None, incident_id: int | None = None) -> None:
        super().__init__()
        self.client_id = client_id
        self.incident_id = incident_id
        self.session: Session | None = None
        self.state: WizardState | None = None
        self._busy = False  # a step's own write (words, plan, post-mortem) is running
        self.saver = Saver()
        self._clients: list[PaletteClient] = []
        self._laying_out = False
        self._autosave: Timer | None = None

    @property
    def rapport(self) -> "RapportApp":
        return cast("RapportApp", self.app)

    @property
    def today(self) -> date:
        return self.rapport.today

    @property
    def language(self) -> str:
        """The advice's language (the owner's); letters use the client's (`Session.language`)."""
        return wizard.ADVICE_LANGUAGE

    def compose(self) -> ComposeResult:
        yield Header()
        yield StepBar([STEP_TITLES[s] for s in STEPS], id="wizard-steps")
        yield VerticalScroll(id="wizard-body")
        yield Static("", id="wizard-message", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Sort out the relationship"
        self.set_interval(1, self._tick)
        if self.client_id is None and self.incident_id is None:
            self._choose_client()
        else:
            self._start(self.client_id, self.incident_id)

    # --- opening ------------------------------------------------------------------------------

    def _choose_client(self) -> None:
        body = self.query_one("#wizard-body")
        body.mount(Static("Whose relationship? Type a name, then enter.", classes="step-title"),
                   SafeInput(placeholder="client name", id="choose-filter"), OptionList(id="choose-list"))
        self.query_one("#choose-filter").focus()
        db_work(self, palette_clients, self._clients_loaded, group="wizard-clients")

    def _clients_loaded(self, clients: list[PaletteClient]) -> None:
        self._clients = [c for c in clients if c.status != "prospect"] or clients
        self._filter_clients("")

    def _filter_clients(self, text: str) -> None:
        wanted = text.casefold().strip()
        found = [c for c in self._clients if wanted in c.name.casefold()][:100]
        options = self.query_one("#choose-list", OptionList)
        options.clear_options()
        options.add_options(Option(Content(f"{safe_line(c.name)}  ({c.status})"), id=str(c.id)) for c in found)
        if found:
            options.highlighted = 0

    def _start(self, client_id: int | None, incident_id: int | None) -> None:
        today = self.today
        db_work(self, lambda: wizard.start(client_id, incident_id, today=today), self._opened, group="wizard-open",
                on_error=lambda text: self.message(text, error=True))

    async def _opened(self, session: Session) -> None:
        self.session, self.state = session, session.state
        self.saver.incident_id, self.saver.version = session.incident_id, session.version
        self.client_id, self.incident_id = session.client_id, session.incident_id
        self.sub_title = f"Sort out the relationship · {safe_line(session.client)}"
        step = session.state.step
        if session.resumed:
            self.message(f"Resumed at “{STEP_TITLES[step]}”.")
        await self.show_step()

    # --- messages and steps -------------------------------------------------------------------

    def message(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#wizard-message", Static)
        line.update(Content(safe(text)))
        line.set_class(error, "-error")

    @property
    def step(self) -> str:
        return self.state.step if self.state else ""

    async def show_step(self) -> None:
        """Lay out the current step from the state."""
        assert self.state is not None
        self.query_one(StepBar).current = STEPS.index(self.step)
        body = self.query_one("#wizard-body", VerticalScroll)
        self._laying_out = True  # events of the widgets going away must not read the new step
        await body.remove_children()
        number = STEPS.index(self.step) + 1
        title = Static(Content(f"{number}/{len(STEPS)}  {STEP_TITLES[self.step]}"), classes="step-title",
                       id=f"title-{self.step}")
        await body.mount_all([title, *getattr(self, f"_step_{self.step}")()])
        self._laying_out = False
        body.scroll_home(animate=False)
        self._refresh_previews()
        self._focus_first()
        self.refresh_bindings()

    def _refresh_previews(self) -> None:
        self._tick()
        if self.step == "diagnosis":
            self._show_verdict()
        elif self.step == "compensation":
            self._show_figures()
        elif self.step == "plan":
            self._show_plan()

    def _focus_first(self) -> None:
        """Where typing starts: the step's main field, else its first control."""
        body = self.query_one("#wizard-body")
        main = body.query(FOCUS.get(self.step, "#none"))
        for widget in [*main, *body.query("Input, TextArea, Select, SelectionList, Button")]:
            if widget.focusable:
                widget.focus()
                return
        body.focus()

    # --- the steps: layout ---------------------------------------------------------------------

    def _step_cool_down(self) -> list[Widget]:
        book = load_playbook(self.language)
        return [
            Static(_bullets(book.cool_down)),
            Horizontal(*(Button(f"{m} min", id=f"timer-{m}", compact=True) for m in wizard.COOL_DOWN_MINUTES),
                       Button("Stop", id="timer-stop", compact=True), classes="timer"),
            Static("", id="timer", classes="muted"),
            Static("Let off steam here. It is never sent, never shown to the client, never in a letter.",
                   classes="muted tight"),
            SafeTextArea(self.state.steam, id="steam", soft_wrap=True, tab_behavior="focus",
                     placeholder="write the reply you will not send"),
        ]

    def _step_words(self) -> list[Widget]:
        assert self.session is not None
        session = self.session
        widgets: list[Widget] = []
        if session.incident_id:
            widgets.append(_plain(f"Incident #{session.incident_id}: {session.incident_title}", "muted"))
        elif session.open_incidents:  # a new complaint, or more of one already open?
            choices = [(Content("A new incident"), NEW_INCIDENT)] + [
                (Content(f"#{iid} {safe_line(title)}"), str(iid)) for iid, title in session.open_incidents]
            # More of a complaint already open is likelier than a new one: the newest is the default.
            ids = [iid for iid, _ in session.open_incidents]
            chosen = self.state.attach_to
            attach = NEW_INCIDENT if chosen == 0 else str(chosen if chosen in ids else ids[0])
            widgets.append(_row("Their words go to", Select(choices, value=attach, allow_blank=False, id="attach",
                                                           compact=True)))
        else:
            widgets.append(Static("This opens an incident; their words become its first timeline event.",
                                  classes="muted", markup=False))
        return [
            *widgets,
            _row("Title of a new incident", SafeInput(self.state.title, id="title", compact=True,
                                                  placeholder="empty: their first line")),
            Static("What the client said, as they said it:", classes="muted tight"),
            SafeTextArea(self.state.words, id="words", soft_wrap=True, tab_behavior="focus"),
        ]

    def _step_diagnosis(self) -> list[Widget]:
        book = load_playbook(self.language)
        answers = self.state.answers_obj.to_dict()
        rows: list[Widget] = []
        for key, question in book.questions.items():
            if key == "yearly_revenue":
                widget: Widget = SafeInput(str(answers[key]), id=f"q-{key}", compact=True)
            else:
                options = question.options or {k: t.name for k, t in book.temperaments.items()}
                value = answers[key]
                value = {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value
                widget = Select(((Content(label), k) for k, label in options.items()), value=value,
                                allow_blank=False, id=f"q-{key}", compact=True)
            rows.append(_row(question.text, widget))
        return [Static("", id="verdict"), *rows]

    def _step_strategy(self) -> list[Widget]:
        """The strategy first, then how to talk and what never to do, then why (the reasons)."""
        diagnosis, rec = wizard.advice(self.state, self.language)
        book = load_playbook(self.language)
        group = book.groups[diagnosis.group]
        widgets: list[Widget] = [
            Static(Content.assemble(Content.styled(rec.strategy_name, "bold $text-success"), " — ",
                                    rec.strategy_essence)),
        ]
        reasons = list(rec.reasons)
        if rec.approach:
            mood = book.temperaments[rec.temperament or ""]
            reasons.remove(book.message("strategy.temperament", name=mood.name, approach=mood.approach))
            widgets.append(Static(Content.assemble(Content.styled(f"How to talk to a {mood.name.lower()} client: ",
                                                                  "bold"), rec.approach)))
        if rec.parting_steps:
            widgets.append(Static(Content.assemble(Content.styled("Parting with dignity:\n", "bold"),
                                                   _bullets(rec.parting_steps))))
        widgets += [
            Static(Content("\n").join(Content.styled(f"⚠ {w.name}: {w.text}", "$text-warning") for w in rec.warnings)),
            Static(Content(f"Why — group {group.key}, {group.name}: {group.summary} Repair cost: {group.repair_cost}"),
                   classes="tight"),
            Static(_bullets(reasons)),
        ]
        return widgets

    def _step_remedies(self) -> list[Widget]:
        _, rec = wizard.advice(self.state, self.language)
        chosen = set(self.state.remedies)
        options = [(Content(r.title), r.key, r.key in chosen) for r in rec.remedies]
        return [
            Static(f"Offer the client a choice of at least three ways to put it right ({len(options)} fit here). "
                   "space picks or drops the highlighted one.", classes="muted", markup=False),
            SelectionList[str](*options, id="remedies"),
            Static(Content(rec.remedies[0].text), id="remedy-text"),
        ]

    @on(SelectionList.SelectionHighlighted, "#remedies")
    def _remedy_highlighted(self, event: SelectionList.SelectionHighlighted) -> None:
        _, rec = wizard.advice(self.state, self.language)
        texts = {r.key: r.text for r in rec.remedies}
        self.query_one("#remedy-text", Static).update(Content(texts.get(event.selection.value, "")))

    def _step_compensation(self) -> list[Widget]:
        _, rec = wizard.advice(self.state, self.language)
        comp = dict(self.state.compensation)
        kind = comp.get("kind") or wizard.default_compensation(rec)
        widgets: list[Widget] = [
            Static(_bullets(rec.compensation.reasons)),
            _row("Compensation", Select(((label, k) for k, label in COMPENSATION_LABELS.items()), value=kind,
                                        allow_blank=False, id="comp-kind", compact=True)),
        ]
        for name, label in FIGURE_LABELS.items():
            widgets.append(_row(label, SafeInput(comp.get(name, ""), placeholder=FIGURE_HINTS.get(name, "amount"),
                                             id=f"fig-{name}", compact=True)))
        widgets.append(Static("", id="comp-preview"))
        return widgets

    def _step_plan(self) -> list[Widget]:
        assert self.session is not None
        _, rec = wizard.advice(self.state, self.language)
        state = self.state
        outcome = wizard.planned_outcome(state, rec)
        promises = list(state.promises)
        if not promises:  # start from the remedies chosen: each is something to promise
            titles = {r.key: r.title for r in rec.remedies}
            week = (self.today + timedelta(days=7)).isoformat()
            promises = [PlanPromise(titles[k], week) for k in state.remedies if k in titles][: wizard.MAX_PROMISES]
        promises += [PlanPromise()] * (wizard.MAX_PROMISES - len(promises))
        widgets: list[Widget] = [
            _row("Outcome", Select(((label, k) for k, label in OUTCOME_LABELS.items()), value=outcome,
                                   allow_blank=False, id="outcome", compact=True)),
            _row("Problem solved by", SafeInput(state.fixed_by or "+1w", id="fixed_by", compact=True)),
            _row("Leaves / parts on", SafeInput(state.leaves_on or "today", id="leaves_on", compact=True)),
            Static("Promises to the client (keep every one on time): what, and by when", classes="muted tight"),
        ]
        for i, promise in enumerate(promises[: wizard.MAX_PROMISES]):
            widgets.append(Horizontal(
                SafeInput(promise.text, placeholder="what we will do", id=f"p-text-{i}", compact=True),
                SafeInput(promise.due, placeholder="by: +3d, friday", id=f"p-due-{i}", compact=True, classes="due"),
                classes="promise"))
        widgets.append(Static("", id="plan-preview"))
        return widgets

    def _step_letter(self) -> list[Widget]:
        assert self.session is not None
        _, rec = wizard.advice(self.state, self.language)
        kind = wizard.letter_kind(self.state, self.session, rec)
        text = self.state.letter or wizard.draft(kind, self.session, self.state)
        return [
            _row("Letter", Select(((k, k) for k in WIZARD_LETTERS if k in LETTER_KINDS), value=kind,
                                  allow_blank=False, id="letter-kind", compact=True)),
            SafeTextArea(text, id="letter", soft_wrap=True, tab_behavior="focus"),
            Static("ctrl+n saves the plan: its promises, compensation and follow-ups go into the review at once.",
                   classes="muted", markup=False),
        ]

    def _step_postmortem(self) -> list[Widget]:
        applied = self.state.applied
        if applied and self.incident_id is not None:
            # What the incident holds is read back from the database (`_show_holdings`), not counted here.
            saved = _plain(_("Plan saved on {on}: client {outcome}. Reading what it holds…").format(
                on=applied.get("revised") or applied.get("on", ""), outcome=applied.get("outcome", "")), id="holdings")
            incident_id = self.incident_id
            db_work(self, lambda: wizard.holdings(incident_id), self._show_holdings, group="wizard-holdings")
        else:
            saved = _plain("The plan is not saved yet: go back to the letter and press ctrl+n.", id="holdings")
        return [
            saved,
            Static("Once it is solved: why did it happen, and what rule keeps other clients from hitting it? "
                   "No culprits, just the weak spot. Leave with esc and come back later if it is too early.",
                   classes="muted", markup=False),
            _row("Cause", SafeInput(self.state.postmortem_cause, id="pm-cause", compact=True)),
            _row("Prevention rule", SafeInput(self.state.postmortem_rule, id="pm-rule", compact=True)),
        ]

    def _show_holdings(self, held: Holdings) -> None:
        """The plan's summary: what the incident holds now, as stored (an edited plan replaced, not added)."""
        if self.step != "postmortem" or not self.query("#holdings") or self.state is None:
            return
        applied = self.state.applied
        promises, offers = sorted(held.open_promises, key=lambda p: (p.due, p.id)), held.offers
        head = (_("Plan revised on {on}") if applied.get("revised") else _("Plan saved on {on}")).format(
            on=applied.get("revised") or applied.get("on", ""))
        lines = [_("{head}: client {outcome}. Incident #{id} now holds {promises} and {offers}.").format(
            head=head, outcome=applied.get("outcome", ""), id=self.incident_id,
            promises=(_("1 open promise") if len(promises) == 1
                      else _("{n} open promises").format(n=len(promises))),
            offers=(_("1 offer") if len(offers) == 1 else _("{n} offers").format(n=len(offers))))]
        lines += [_("• Promise by {due:%a %d %b}: {text}").format(due=p.due, text=p.what) for p in promises]
        for offer in offers:
            until = _(", valid until {day:%d %b %Y}").format(day=offer.due) if offer.due else ""
            lines.append(_("• Offered: {kind} of {amount}{until}").format(kind=offer.what, amount=offer.amount,
                                                                          until=until))
        if held.reminder:
            lines.append(_("• Check-in reminder on {day:%d %b %Y}").format(day=held.reminder[1]))
        lines.append(_("The review shows them now."))
        self.query_one("#holdings", Static).update(Content(safe("\n".join(lines))))

    # --- reading a step back into the state -----------------------------------------------------

    def _value(self, selector: str) -> str:
        widget = self.query_one(selector)
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Input):
            return widget.value
        return str(cast(Select[str], widget).value)

    def harvest(self) -> WizardState:
        """The state with what the current step's widgets hold (no checks)."""
        state = self.state
        assert state is not None
        if self._laying_out or not self.query(f"#title-{state.step}"):
            return state  # the step's widgets are not (or no longer) there
        step, value = state.step, self._value
        if step == "cool_down":
            return replace(state, steam=value("#steam"))
        if step == "words":
            attach = value("#attach") if self.query("#attach") else NEW_INCIDENT
            return replace(state, title=value("#title"), words=value("#words"),
                           attach_to=0 if attach == NEW_INCIDENT else int(attach))
        if step == "diagnosis":
            answers = {key: value(f"#q-{key}") for key in load_playbook(self.language).questions}
            return replace(state, answers={**state.answers, **answers})
        if step == "remedies":
            return replace(state, remedies=list(self.query_one("#remedies", SelectionList).selected))
        if step == "compensation":
            comp = {name: value(f"#fig-{name}") for name in FIGURE_LABELS}
            return replace(state, compensation={"kind": value("#comp-kind"), **comp})
        if step == "plan":
            # Row i shows the state's promise i: it keeps the id of what an earlier apply wrote for it, so
            # applying again edits that promise (a row emptied cancels it).
            ids = [p.id for p in state.promises]
            promises = [PlanPromise(value(f"#p-text-{i}"), value(f"#p-due-{i}"), ids[i] if i < len(ids) else None)
                        for i in range(wizard.MAX_PROMISES)]
            return replace(state, outcome=value("#outcome"), fixed_by=value("#fixed_by"),
                           leaves_on=value("#leaves_on"), promises=promises)
        if step == "letter":
            return replace(state, letter_kind=value("#letter-kind"), letter=value("#letter"))
        if step == "postmortem":
            return replace(state, postmortem_cause=value("#pm-cause"), postmortem_rule=value("#pm-rule"))
        return state

    def checked(self, state: WizardState) -> WizardState:
        """The state with the current step's entries checked and dates made exact; UserError if not."""
        today = self.today
        if state.step == "diagnosis":
            return replace(state, answers=state.answers_obj.to_dict())
        if state.step == "compensation":
            wizard.compensation_plan(state.compensation, today=today, currency=self._currency, language=self.language)
        if state.step == "plan":
            def day(text: str, what: str) -> str:
                if problem := _date_problem(text, today):
                    raise UserError(f"{what}: {problem}")
                return parse_date(text, today).isoformat()

            promises = [PlanPromise(p.text.strip(), day(p.due, f"“{p.text.strip()}”"), p.id)
                        for p in state.promises if p.text.strip()]
            return replace(state, fixed_by=day(state.fixed_by, "Problem solved by"),
                           leaves_on=day(state.leaves_on, "Leaves / parts on"), promises=promises)
        return state

    @property
    def _currency(self) -> str:
        return self.session.currency if self.session else "EUR"

    # --- live previews --------------------------------------------------------------------------

    @on(TextArea.Changed)
    @on(SelectionList.SelectedChanged)
    def _edited(self) -> None:
        if not self._laying_out:
            self._save_soon()

    def _save_soon(self) -> None:
        """Save what is typed shortly after typing stops: leaving by any key keeps it."""
        if self.state is not None and not self._busy:
            self.state = self.harvest()
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

    @on(Select.Changed)
    @on(Input.Changed)
    def _changed(self, event: Select.Changed | Input.Changed) -> None:
        wid = event.control.id or ""
        if self._laying_out:
            return
        if wid != "choose-filter":
            self._save_soon()
        if wid == "choose-filter":
            self._filter_clients(str(event.value))
        elif wid.startswith("q-"):
            self._show_verdict()
        elif wid == "comp-kind" or wid.startswith("fig-"):
            self._show_figures()
        elif wid in ("outcome", "fixed_by", "leaves_on"):
            self._show_plan()
        elif wid == "attach" and self.query("#title"):
            self.query_one("#title").parent.display = event.value == NEW_INCIDENT  # type: ignore[union-attr]
        elif wid == "letter-kind" and self.session and self.state and self.query("#letter"):
            letter = wizard.draft(str(event.value), self.session, self.state)
            self.query_one("#letter", TextArea).text = letter

    def _show_verdict(self) -> None:
        if self.step != "diagnosis" or not self.query("#verdict"):
            return
        try:
            diagnosis, rec = wizard.advice(self.harvest(), self.language)
        except UserError as exc:
            text, style = str(exc), "$text-error"
        else:
            client = "a bad client" if diagnosis.bad_client else "a difficult client"
            fault = {"ours": "our error", "out_of_scope": "beyond the scope", "in_scope": "within the scope"}
            text = (f"→ Group {diagnosis.group} · {client} · {fault[diagnosis.fault]} · value {diagnosis.value}"
                    f" · {rec.strategy_name}")
            style = "bold"
        self.query_one("#verdict", Static).update(Content.styled(safe(text), style))

    def _show_figures(self) -> None:
        if self.step != "compensation" or not self.query("#comp-preview"):
            return
        state = self.harvest()
        kind = state.compensation.get("kind", "none")
        for name in FIGURE_LABELS:
            row = self.query_one(f"#fig-{name}").parent
            if row is not None:
                row.display = name in FIGURES.get(kind, ())
        try:
            plan = wizard.compensation_plan(state.compensation, today=self.today, currency=self._currency,
                                            language=self.language)
        except UserError as exc:
            preview = Content.styled(safe(str(exc)), "$text-error")
        else:
            preview = Content.assemble(Content("\n").join(Content(safe(line)) for line in plan.lines),
                                       "\n", Content.styled("\n".join(plan.notes), "$text-muted"))
        self.query_one("#comp-preview", Static).update(preview)

    def _show_plan(self) -> None:
        if self.step != "plan" or not self.query("#plan-preview"):
            return
        state, today = self.harvest(), self.today
        outcome = state.outcome
        self.query_one("#fixed_by").parent.display = outcome == "retained"  # type: ignore[union-attr]
        self.query_one("#leaves_on").parent.display = outcome != "retained"  # type: ignore[union-attr]
        field = "fixed_by" if outcome == "retained" else "leaves_on"
        text = getattr(state, field)
        if problem := _date_problem(text, today):
            self.query_one("#plan-preview", Static).update(Content.styled(safe(problem), "$text-error"))
            return
        day = parse_date(text, today)
        if outcome == "retained":
            lines = [f"Check-in reminder on {day + timedelta(days=30):%a %d %b %Y}, 30 days after the fix."]
        elif outcome == "departed":
            lines = [f"Leaves on {day:%d %b %Y}: check-in on {day + timedelta(days=30):%d %b %Y}, "
                     f"win-back on {add_months(day, 6):%d %b %Y}; greetings continue."]
        else:
            lines = [f"Parted on {day:%d %b %Y}: no win-back, no greetings. With dignity:",
                     *(f"• {s}" for s in load_playbook(self.language).parting_steps)]
        self.query_one("#plan-preview", Static).update(Content(safe("\n".join(lines))))

    # --- the cool-down timer ----------------------------------------------------------------------

    @on(Button.Pressed)
    def _timer(self, event: Button.Pressed) -> None:
        if not self.state or not (event.button.id or "").startswith("timer-"):
            return
        minutes = event.button.id.removeprefix("timer-")  # type: ignore[union-attr]
        until = "" if minutes == "stop" else (utcnow() + timedelta(minutes=int(minutes))).isoformat()
        self.state = replace(self.harvest(), cool_until=until)
        self._tick()
        self.persist()

    def _tick(self) -> None:
        if not self.state or not self.query("#timer"):
            return
        label = self.query_one("#timer", Static)
        if not self.state.cool_until:
            label.update("No timer. Pick 20, 30 or 40 minutes, or go on when you are calm (ctrl+n).")
            return
        left = datetime.fromisoformat(self.state.cool_until) - utcnow()
        if left.total_seconds() <= 0:
            label.update(Content.styled("Time is up. Read their message again, looking for what is constructive.",
                                        "$text-success"))
            return
        minutes, seconds = divmod(int(left.total_seconds()), 60)
        label.update(f"Cooling down: {minutes:02d}:{seconds:02d} left. Step away from the screen.")

    # --- moving -------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "previous":
            return self.state is not None and self.step != STEPS[0]
        return True

    async def action_next(self) -> None:
        if self.state is None:
            self._pick_highlighted()
            return
        if self._busy:
            return
        try:
            state = self.checked(self.harvest())
        except UserError as exc:
            self.message(str(exc), error=True)
            return
        self.state = state
        if state.step == "words":
            self._save_words(state)
        elif state.step == "letter":
            self._apply(state)
        elif state.step == "postmortem":
            self._finish(state)
        else:
            await self.go(STEPS[STEPS.index(state.step) + 1])

    async def action_previous(self) -> None:
        if self.state is None or self._busy or self.step == STEPS[0]:
            return
        self.state = self.harvest()
        await self.go(STEPS[STEPS.index(self.step) - 1])

    async def go(self, step: str) -> None:
        assert self.state is not None
        self.state = self.state.moved(step)
        self.message("")
        await self.show_step()
        self.persist()

    def persist(self, node: Any = None) -> None:
        """Save the latest state in a worker (`node`'s: the app's outlives this screen)."""
        if self.session is None or self.state is None:
            return
        self.saver.state = self.state
        db_work(node or self, self.saver.save, self._persisted, group=f"wizard-save-{id(self)}", exclusive=False,
                on_error=lambda text: self.message(f"Not saved: {text}", error=True))

    def _persisted(self, version: int) -> None:
        if self.session is not None:
            self.session = replace(self.session, version=version)

    def _run(self, job: Callable[[], Any], done: Callable[[Any], Any], busy: str) -> None:
        """A step's own write: nothing else moves until it is done; on failure the step stays as typed."""
        self._busy = True
        self.message(busy)

        def failed(message: str) -> None:
            self._busy = False
            self.message(message, error=True)

        db_work(self, job, done, group=f"wizard-write-{id(self)}", on_error=failed)

    def _save_words(self, state: WizardState) -> None:
        session, today, saver = self.session, self.today, self.saver
        assert session is not None
        ahead = state.moved("diagnosis")

        def job() -> Session:
            with saver.lock:
                opened = wizard.record_words(replace(session, version=saver.version), ahead, today=today)
                saver.incident_id, saver.version = opened.incident_id, opened.version
                return opened

        self._run(job, self._words_saved, "Saving their words…")

    async def _words_saved(self, session: Session) -> None:
        self._busy = False
        self.session, self.state, self.incident_id = session, session.state, session.incident_id
        self.rapport.note_change()
        self.message(f"Incident #{session.incident_id} holds their words.")
        await self.show_step()

    def _apply(self, state: WizardState) -> None:
        today, saver = self.today, self.saver
        incident_id = saver.incident_id
        assert incident_id is not None
        ahead = state.moved("postmortem")

        def job() -> tuple[WizardState, int]:
            with saver.lock:
                wizard.apply_plan(incident_id, ahead, today, version=saver.version)
                # Read back what was recorded (the ids written) so the summary is the stored truth.
                stored, saver.version = wizard.load_state(incident_id)
                return stored, saver.version

        self._run(job, self._applied, "Saving the plan…")

    async def _applied(self, loaded: tuple[WizardState, int]) -> None:
        state, version = loaded
        self._busy = False
        assert self.session is not None
        self.session = replace(self.session, version=version, state=state)
        self.state = state
        self.rapport.note_change()
        if state.applied.get("revised"):
            self.message(_("Plan updated: changed promises and offers replace the earlier ones, kept in the history."))
        else:
            self.message("Plan saved. Its promises and follow-ups are in the review now.")
        await self.show_step()

    def _finish(self, state: WizardState) -> None:
        if not state.postmortem_cause.strip() and not state.postmortem_rule.strip():
            self.message("Fill in the cause and the rule, or press esc: the wizard waits here for the post-mortem.",
                         error=True)
            return
        today, saver = self.today, self.saver
        incident_id = saver.incident_id
        assert incident_id is not None

        def job() -> int:
            with saver.lock:
                saver.version = wizard.save_postmortem(incident_id, state, today=today, version=saver.version)
                return saver.version

        self._run(job, self._finished, "Saving the post-mortem…")

    def _finished(self, version: int) -> None:
        self._busy = False
        self.rapport.note_change()
        self.notify("Post-mortem saved. The wizard is done for this incident.", markup=False)
        self.dismiss()

    def action_already_open(self) -> None:
        self.message("This is the wizard already: ctrl+n next, alt+left back, esc leave.")

    def action_leave(self) -> None:
        """Leave, keeping everything typed: the wizard resumes at this step."""
        if self._busy:
            self.message("Saving… one moment.")
            return
        if self._autosave is not None:
            self._autosave.stop()
            self._autosave = None
        if self.state is not None:
            self.state = self.harvest()
            self.persist(node=self.app)  # the app's worker outlives this screen
            self.notify(f"Wizard kept at “{STEP_TITLES[self.step]}”: press w on the client to resume.",
                        markup=False)
        self.dismiss()

    # --- choosing a client --------------------------------------------------------------------------

    @on(Input.Submitted)
    async def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.action_next()

    @on(OptionList.OptionSelected, "#choose-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._open_chosen(event.option.id)

    def _pick_highlighted(self) -> None:
        if not self.query("#choose-list"):
            return
        options = self.query_one("#choose-list", OptionList)
        if options.highlighted is not None:
            self._open_chosen(options.get_option_at_index(options.highlighted).id)

    def _open_chosen(self, option_id: str | None) -> None:
        if option_id is None or self.session is not None:
            return
        self.query_one("#wizard-body").remove_children()
        self.client_id = int(option_id)
        self._start(self.client_id, None)

