"""The plan (docs/method.md §4, §5, §7): how it ends for the client, then the promises kept on time."""

from dataclasses import replace
from datetime import timedelta

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static

from crm import wizard
from crm.app.screens.wizard import more_advice
from crm.app.screens.wizard.step import WizardStep, date_problem
from crm.dates import add_months, parse_date, today_word
from crm.diagnosis import severity_for_group
from crm.domain import OUTCOMES, SEVERITIES
from crm.errors import UserError
from crm.i18n import N_, _
from crm.l10n import format_day
from crm.playbook import load_playbook
from crm.text import safe
from crm.widgets.choice import Choice, PickList
from crm.widgets.safe_fields import SafeInput
from crm.wizard import PlanPromise, WizardState

WHAT_FOLLOWS = {  # one line each at 80 columns, after the outcome's label
    "retained": N_("we fix it; a check-in 30 days after the fix"),
    "departed": N_("greetings and a win-back in six months"),
    "parted": N_("no win-back or greetings; open promises and reminders cancelled"),
}


class OutcomeStep(WizardStep):
    """The outcome, the day it happens, the incident's severity, and what follows from them."""

    stage = "plan"
    heading = N_("How does it end?")

    def compose(self) -> ComposeResult:
        state = self.data.state
        diagnosis, rec = self.data.advice()
        book = load_playbook(self.data.language)
        self.group_severity = severity_for_group(diagnosis.group)
        yield PickList([(k, book.label("outcome", k), _(WHAT_FOLLOWS[k])) for k in OUTCOMES],
                       wizard.planned_outcome(state, rec), id="outcome")
        yield Vertical(Label(_("The problem is solved by")),
                       SafeInput(state.fixed_by or "+1w", id="fixed_by", compact=True), classes="question")
        yield Vertical(Label(_("They leave, or we part, on")),
                       SafeInput(state.leaves_on or today_word(), id="leaves_on", compact=True), classes="question")
        yield Vertical(Label(_("How urgent is the incident? (group {group}: {severity})").format(
            group=diagnosis.group, severity=book.label("severity", self.group_severity).lower())),
            Choice([(k, book.label("severity", k)) for k in SEVERITIES], state.severity or self.group_severity,
                   id="severity"), classes="question")
        yield Static("", id="plan-preview")

    def read(self, state: WizardState) -> WizardState:
        severity = self.value("#severity")
        return replace(state, outcome=self.query_one("#outcome", PickList).value, fixed_by=self.value("#fixed_by"),
                       leaves_on=self.value("#leaves_on"), severity="" if severity == self.group_severity else severity)

    def check(self, state: WizardState) -> WizardState:
        retained = state.outcome == "retained"
        field, what = ("fixed_by", _("Solved by")) if retained else ("leaves_on", _("Leaves on"))
        text = getattr(state, field)
        if problem := date_problem(text, self.data.today):
            raise UserError(_("{what}: {problem}").format(what=what, problem=problem))
        # The date the outcome needs, exact; the other one is not part of this plan.
        day = parse_date(text, self.data.today).isoformat()
        state = replace(state, **{"fixed_by": "", "leaves_on": "", field: day})
        # A parted client is not contacted again: the plan makes no promises (parting cancels them).
        return replace(state, promises=[]) if state.outcome == "parted" else state

    @on(OptionList.OptionHighlighted, "#outcome")
    @on(Input.Changed, "#fixed_by, #leaves_on")
    def _edited(self) -> None:
        self.preview()

    def preview(self) -> None:
        state, today = self.current, self.data.today
        outcome = state.outcome
        self.query_one("#fixed_by").parent.display = outcome == "retained"  # type: ignore[union-attr]
        self.query_one("#leaves_on").parent.display = outcome != "retained"  # type: ignore[union-attr]
        text = state.fixed_by if outcome == "retained" else state.leaves_on
        shown = self.query_one("#plan-preview", Static)
        if problem := date_problem(text, today):
            shown.update(Content.styled(safe(problem), "$text-error"))
            return
        day = parse_date(text, today)
        if outcome == "retained":
            lines = [_("Check-in reminder on {day}, 30 days after the fix.").format(
                day=format_day(day + timedelta(days=30), "full"))]
        elif outcome == "departed":
            lines = [_("Leaves on {day}: check-in on {checkin}, win-back on {winback}; "
                       "greetings continue.").format(day=format_day(day, "date"),
                                                     checkin=format_day(day + timedelta(days=30), "date"),
                                                     winback=format_day(add_months(day, 6), "date")),
                     more_advice.respect_leaving()]
        else:
            lines = [_("Parted on {day}. With dignity:").format(day=format_day(day, "date")),
                     *(f"• {step}" for step in load_playbook(self.data.language).parting_steps)]
        shown.update(Content(safe("\n".join(lines))))


class PromisesStep(WizardStep):
    """Up to three promises, each with its date (none when parting: a parted client hears no more)."""

    stage = "plan"
    heading = N_("What we promise, and by when")

    @classmethod
    def applies(cls, state: WizardState) -> bool:
        return wizard.planned_outcome(state, wizard.advice(state, wizard.advice_language())[1]) != "parted"

    def compose(self) -> ComposeResult:
        state = self.data.state
        _diagnosis, rec = self.data.advice()
        promises = list(state.promises)
        if not promises:  # start from the remedies chosen: each is something to promise
            titles = {r.key: r.title for r in rec.remedies}
            week = (self.data.today + timedelta(days=7)).isoformat()
            promises = [PlanPromise(titles[k], week) for k in state.remedies if k in titles][: wizard.MAX_PROMISES]
        promises += [PlanPromise()] * (wizard.MAX_PROMISES - len(promises))
        yield Static(_("Keep every promise on time once it is made. An emptied line drops its promise."),
                     classes="muted", markup=False)
        for i, promise in enumerate(promises[: wizard.MAX_PROMISES]):
            yield Horizontal(
                SafeInput(promise.text, placeholder=_("what we will do"), id=f"p-text-{i}", compact=True),
                SafeInput(promise.due, placeholder=_("by: +3d, friday"), id=f"p-due-{i}", compact=True,
                          classes="due"),
                classes="promise")

    def read(self, state: WizardState) -> WizardState:
        # Row i shows the state's promise i: it keeps the id of what an earlier apply wrote for it, so
        # applying again edits that promise (a row emptied cancels it).
        ids = [p.id for p in state.promises]
        promises = [PlanPromise(self.value(f"#p-text-{i}"), self.value(f"#p-due-{i}"), ids[i] if i < len(ids) else None)
                    for i in range(wizard.MAX_PROMISES)]
        return replace(state, promises=promises)

    def check(self, state: WizardState) -> WizardState:
        today = self.data.today

        def day(text: str, what: str) -> str:
            if problem := date_problem(text, today):
                raise UserError(_("{what}: {problem}").format(what=what, problem=problem))
            return parse_date(text, today).isoformat()

        return replace(state, promises=[PlanPromise(p.text.strip(), day(p.due, f"“{p.text.strip()}”"), p.id)
                                        for p in state.promises if p.text.strip()])
