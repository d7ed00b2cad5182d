"""Cool down (docs/method.md §5): do not answer at once, let off steam on paper, step away 20–40 minutes."""

from dataclasses import replace
from datetime import datetime, timedelta

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Static

from crm import wizard
from crm.app.screens.wizard.step import StepData, WizardStep, bullets
from crm.dates import utcnow
from crm.i18n import N_, _
from crm.playbook import load_playbook
from crm.text import safe_line, shorten
from crm.widgets.safe_fields import SafeTextArea
from crm.wizard import WizardState

NAME_WIDTH = 50  # the client's name, cut to keep the first line one line


class CoolDownStep(WizardStep):
    """The cool-down advice, a timer, and a place for the reply that is never sent."""

    stage = "cool_down"
    heading = N_("Do not answer at once")
    main = "#steam"

    def __init__(self, data: StepData) -> None:
        super().__init__(data)
        self.cool_until = data.state.cool_until  # the timer's end, saved with the state

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(
            Content.styled(_("Before you answer {client}:").format(
                client=shorten(safe_line(self.data.session.client), NAME_WIDTH)), "bold"),
            "\n", bullets(load_playbook(self.data.language).cool_down)))
        yield Horizontal(*(Button(_("{n} min").format(n=m), id=f"timer-{m}", compact=True)
                           for m in wizard.COOL_DOWN_MINUTES),
                         Button(_("Stop"), id="timer-stop", compact=True), Static("", id="timer"), classes="timer")
        yield Static(_("Let off steam here: never sent, never stored, gone when the cool-down ends."),
                     classes="muted tight", markup=False)
        yield SafeTextArea(self.data.state.steam, id="steam", soft_wrap=True, tab_behavior="focus",
                           placeholder=_("write the reply you will not send"))

    def on_mount(self) -> None:
        self.set_interval(1, self.preview)

    def read(self, state: WizardState) -> WizardState:
        return replace(state, steam=self.value("#steam"), cool_until=self.cool_until)

    @on(Button.Pressed)
    def _timer(self, event: Button.Pressed) -> None:
        minutes = (event.button.id or "").removeprefix("timer-")
        self.cool_until = "" if minutes == "stop" else (utcnow() + timedelta(minutes=int(minutes))).isoformat()
        self.preview()
        self.post_message(self.Edited())

    def preview(self) -> None:
        label = self.query_one("#timer", Static)
        if not self.cool_until:
            label.update(Content.styled(_("No timer: ctrl+n when calm."), "$text-muted"))
            return
        left = datetime.fromisoformat(self.cool_until) - utcnow()
        if left.total_seconds() <= 0:
            label.update(Content.styled(_("Time is up: read them again."), "$text-success"))
            return
        minutes, seconds = divmod(int(left.total_seconds()), 60)
        label.update(_("Cooling down: {minutes:02d}:{seconds:02d} left.").format(minutes=minutes, seconds=seconds))
