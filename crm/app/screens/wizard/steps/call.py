"""For the call (docs/method.md §2, §5, §8): the general advice and the §5 step lists as a checklist to
tick while talking to the client; the list that fits the case comes first."""

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static

from crm.app.screens.wizard.more_advice import call_advice
from crm.app.screens.wizard.step import WizardStep
from crm.diagnosis import Answers, Diagnosis
from crm.i18n import N_, _
from crm.playbook import load_playbook
from crm.widgets.choice import Checklist, Choice

GENERAL = "general"
# The lists to choose from, by key (GENERAL, else a crm.playbook.STEP_LISTS key), with a short name.
LISTS = {
    GENERAL: N_("General"),
    "angry_ten": N_("Angry 10"),
    "settling_seven": N_("Settle 7"),
    "studio_seven": N_("Studio 7"),
    "five_stages": N_("5 stages"),
    "rule_of_three": N_("Rule of 3"),
}


def fitting_list(answers: Answers, diagnosis: Diagnosis) -> str:
    """The list for this case: ten steps with an angry client, the studio's seven when the demand is
    about what was agreed, the rule of three for our own error, else the seven to settle a conflict."""
    if answers.negativity in ("high", "off-scale") or answers.temperament == "fierce":
        return "angry_ten"
    if diagnosis.fault in ("out_of_scope", "unfounded", "in_scope"):
        return "studio_seven"
    return "rule_of_three" if diagnosis.fault == "ours" else "settling_seven"


class CallStep(WizardStep):
    """Which list, then its steps to tick (ticks last while the wizard is open)."""

    stage = "strategy"
    heading = N_("For the call")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "go_on", show=False, priority=True)]  # space ticks

    def compose(self) -> ComposeResult:
        diagnosis, _rec = self.data.advice()
        self.ticked: dict[str, set[int]] = {}
        chosen = fitting_list(self.data.state.answers_obj, diagnosis)
        yield Choice([(key, _(name)) for key, name in LISTS.items()], chosen, id="call-list")
        yield Static("", id="call-title", classes="muted tight")
        yield Checklist(id="call-steps")

    def on_mount(self) -> None:
        self._show(self.query_one("#call-list", Choice).value)

    def _steps(self, key: str) -> tuple[str, tuple[str, ...]]:
        book = load_playbook(self.data.language)
        if key == GENERAL:
            return _("Before and during the call; space ticks a line off."), (*book.general_advice, *call_advice())
        steps = book.step_lists[key]
        return _("{title}; space ticks a step off.").format(title=steps.title), steps.steps

    def _show(self, key: str) -> None:
        title, steps = self._steps(key)
        self.query_one("#call-title", Static).update(Content(title))
        self.query_one("#call-steps", Checklist).show_lines(steps, self.ticked.get(key))

    @on(Choice.Changed, "#call-list")
    def _list(self, event: Choice.Changed) -> None:
        event.stop()  # which list is shown is no answer to save
        self._show(event.value)

    @on(Checklist.Ticked, "#call-steps")
    def _ticked(self, event: Checklist.Ticked) -> None:
        self.ticked[self.query_one("#call-list", Choice).value] = set(event.checklist.ticked)
