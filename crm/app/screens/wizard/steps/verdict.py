"""The verdict in plain words (docs/method.md §1, §4): how unhappy, which signs were met, whose fault, the
client's value, 26 silent for each who complains, Pareto, and so the strategy."""

from textual.app import ComposeResult
from textual.widgets import Static

from crm.app.screens.wizard.step import WizardStep, bullets
from crm.diagnosis import explain
from crm.i18n import N_


class VerdictStep(WizardStep):
    """What the answers say, one finding a line, each with its reasons."""

    stage = "strategy"
    heading = N_("What the answers say")

    def compose(self) -> ComposeResult:
        diagnosis, rec = self.data.advice()
        yield Static(bullets(explain(diagnosis, rec)), id="verdict")
