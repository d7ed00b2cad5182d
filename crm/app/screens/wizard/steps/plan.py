"""The plan (PLAYBOOK §5, §7): how it ends for the client, and the promises kept on time."""

from dataclasses import replace
from datetime import timedelta

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Select, Static

from crm import wizard
from crm.app.screens.wizard.step import WizardStep, date_problem, row
from crm.dates import add_months, parse_date
from crm.errors import UserError
from crm.playbook import load_playbook
from crm.text import safe
from crm.widgets.safe_fields import SafeInput
from crm.wizard import PlanPromise, WizardState

OUTCOME_LABELS = {
    "retained": "Stays: check in after the fix",
    "departed": "Leaves: win-back in 6 months",
    "parted": "We part: no win-back",
}


class PlanStep(WizardStep):
    """The outcome, the day the problem is solved (or the client leaves), up to three promises."""

    stage = "plan"

    def compose(self) -> ComposeResult:
        state = self.data.state
        _, rec = wizard.advice(state, self.data.language)
        outcome = wizard.planned_outcome(state, rec)
        promises = list(state.promises)
        if not promises:  # start from the remedies chosen: each is something to promise
            titles = {r.key: r.title for r in rec.remedies}
            week = (self.data.today + timedelta(days=7)).isoformat()
            promises = [PlanPromise(titles[k], week) for k in state.remedies if k in titles][: wizard.MAX_PROMISES]
        promises += [PlanPromise()] * (wizard.MAX_PROMISES - len(promises))
        yield row("Outcome", Select(((label, k) for k, label in OUTCOME_LABELS.items()), value=outcome,
                                    allow_blank=False, id="outcome", compact=True))
        yield row("Problem solved by", SafeInput(state.fixed_by or "+1w", id="fixed_by", compact=True))
        yield row("Leaves / parts on", SafeInput(state.leaves_on or "today", id="leaves_on", compact=True))
        yield Static("Promises to the client (keep every one on time): what, and by when", classes="muted tight",
                     markup=False)
        for i, promise in enumerate(promises[: wizard.MAX_PROMISES]):
            yield Horizontal(
                SafeInput(promise.text, placeholder="what we will do", id=f"p-text-{i}", compact=True),
                SafeInput(promise.due, placeholder="by: +3d, friday", id=f"p-due-{i}", compact=True, classes="due"),
                classes="promise")
        yield Static("", id="plan-preview")

    def read(self, state: WizardState) -> WizardState:
        # Row i shows the state's promise i: it keeps the id of what an earlier apply wrote for it, so
        # applying again edits that promise (a row emptied cancels it).
        ids = [p.id for p in state.promises]
        promises = [PlanPromise(self.value(f"#p-text-{i}"), self.value(f"#p-due-{i}"), ids[i] if i < len(ids) else None)
                    for i in range(wizard.MAX_PROMISES)]
        return replace(state, outcome=self.value("#outcome"), fixed_by=self.value("#fixed_by"),
                       leaves_on=self.value("#leaves_on"), promises=promises)

    def check(self, state: WizardState) -> WizardState:
        today = self.data.today

        def day(text: str, what: str) -> str:
            if problem := date_problem(text, today):
                raise UserError(f"{what}: {problem}")
            return parse_date(text, today).isoformat()

        promises = [PlanPromise(p.text.strip(), day(p.due, f"“{p.text.strip()}”"), p.id)
                    for p in state.promises if p.text.strip()]
        return replace(state, fixed_by=day(state.fixed_by, "Problem solved by"),
                       leaves_on=day(state.leaves_on, "Leaves / parts on"), promises=promises)

    @on(Select.Changed, "#outcome")
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
            lines = [f"Check-in reminder on {day + timedelta(days=30):%a %d %b %Y}, 30 days after the fix."]
        elif outcome == "departed":
            lines = [f"Leaves on {day:%d %b %Y}: check-in on {day + timedelta(days=30):%d %b %Y}, "
                     f"win-back on {add_months(day, 6):%d %b %Y}; greetings continue."]
        else:
            lines = [f"Parted on {day:%d %b %Y}: no win-back, no greetings. With dignity:",
                     *(f"• {s}" for s in load_playbook(self.data.language).parting_steps)]
        shown.update(Content(safe("\n".join(lines))))
