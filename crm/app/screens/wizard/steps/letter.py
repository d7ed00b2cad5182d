"""The letter: drafted from the templates in the client's language; moving on saves the whole plan."""

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.widgets import Select, Static, TextArea

from crm import wizard
from crm.app.screens.wizard.step import Saving, WizardStep, row
from crm.i18n import _
from crm.letters import KINDS as LETTER_KINDS
from crm.widgets.safe_fields import SafeTextArea
from crm.wizard import Session, WizardState

WIZARD_LETTERS = ("apology", "parting", "winback", "checkin")


def apply_plan(session: Session, ahead: WizardState, today) -> Session:  # noqa: ANN001
    """Write the plan, then read back what was recorded (the ids written): the summary is the stored truth."""
    assert session.incident_id is not None
    wizard.apply_plan(session.incident_id, ahead, today, version=session.version)
    stored, version = wizard.load_state(session.incident_id)
    return replace(session, state=stored, version=version)


def plan_said(session: Session) -> str:
    if session.state.applied.get("revised"):
        return _("Plan updated: changed promises and offers replace the earlier ones, kept in the history.")
    return "Plan saved. Its promises and follow-ups are in the review now."


class LetterStep(WizardStep):
    """Which letter, and its text to edit."""

    stage = "letter"

    def compose(self) -> ComposeResult:
        session, state = self.data.session, self.data.state
        _diagnosis, rec = wizard.advice(state, self.data.language)
        kind = wizard.letter_kind(state, session, rec)
        text = state.letter or wizard.draft(kind, session, state)
        yield row("Letter", Select(((k, k) for k in WIZARD_LETTERS if k in LETTER_KINDS), value=kind,
                                   allow_blank=False, id="letter-kind", compact=True))
        yield SafeTextArea(text, id="letter", soft_wrap=True, tab_behavior="focus")
        yield Static("ctrl+n saves the plan: its promises, compensation and follow-ups go into the review at once.",
                     classes="muted", markup=False)

    @on(Select.Changed, "#letter-kind")
    def _kind(self, event: Select.Changed) -> None:
        self.query_one("#letter", TextArea).text = wizard.draft(str(event.value), self.data.session, self.data.state)

    def read(self, state: WizardState) -> WizardState:
        return replace(state, letter_kind=self.value("#letter-kind"), letter=self.value("#letter"))

    def saving(self, state: WizardState) -> Saving:
        return Saving("Saving the plan…", apply_plan, plan_said)
