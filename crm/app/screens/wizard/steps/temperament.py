"""Which temperament (docs/method.md §3): each shown with how it behaves, so the owner recognises the client."""

from dataclasses import replace

from textual.app import ComposeResult

from crm.app.screens.wizard.step import WizardStep
from crm.i18n import N_, _
from crm.playbook import load_playbook
from crm.widgets.choice import PickList
from crm.wizard import WizardState

UNSURE = "unsure"


class TemperamentStep(WizardStep):
    """The seven temperaments with their behaviour; enter picks the highlighted one and goes on."""

    stage = "diagnosis"
    heading = N_("Which of these sounds like them?")

    def compose(self) -> ComposeResult:
        book = load_playbook(self.data.language)
        options = [(key, t.name, t.behaviour) for key, t in book.temperaments.items()]
        options.append((UNSURE, _("Not sure"), _("none of these fits yet")))
        yield PickList(options, self.data.state.answers_obj.temperament or UNSURE, id="q-temperament")

    def read(self, state: WizardState) -> WizardState:
        picked = self.query_one("#q-temperament", PickList).value
        return replace(state, answers={**state.answers, "temperament": None if picked == UNSURE else picked})
