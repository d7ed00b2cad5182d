"""What a wizard step is: one widget that lays out its part of the conversation from plain data,
reads back what was entered, checks it and previews what it will do.

The screen (`screen.py`) only keeps the order of the steps and the state, and switches between
them; the reasoning and every write stay in the core (`crm.wizard`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import ClassVar, cast

from textual import on
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Select, Static, TextArea

from crm import wizard
from crm.dates import parse_date
from crm.diagnosis import Diagnosis, Recommendation
from crm.errors import UserError
from crm.i18n import _
from crm.text import safe
from crm.widgets.choice import PickList
from crm.wizard import Session, WizardState


@dataclass(frozen=True)
class StepData:
    """What a step is built from: the session, the state as saved, and "today"."""

    session: Session
    state: WizardState
    today: date

    @property
    def language(self) -> str:
        """The advice's language (the owner's); letters use the client's (`Session.language`)."""
        return wizard.advice_language()

    def advice(self, state: WizardState | None = None) -> tuple[Diagnosis, Recommendation]:
        """The diagnosis and recommendation of `state` (else the saved one)."""
        return self.session.advice(self.state if state is None else state, self.language)


@dataclass(frozen=True)
class Question:
    """A yes-or-no before a write: what happens on yes, in full, and the way out."""

    title: str
    yes: str
    no: str


@dataclass(frozen=True)
class Saving:
    """A step's own write when the owner moves on from it.

    `job` runs in a worker, one write at a time, given the session at the latest saved version and
    the state already moved to where the wizard goes next; it returns the session as it now
    stands. `said` is the message line afterwards. `ask`, run in a worker first, gives the question
    the owner must answer yes to before anything is written (None when there is nothing to ask).
    """

    busy: str
    job: Callable[[Session, WizardState, date], Session]
    said: Callable[[Session], str]
    ask: Callable[[Session], Question | None] | None = None


class WizardStep(Widget):
    """One screenful of the wizard. Subclasses set `stage` and `heading` and override what they need.

    Several steps may share a stage (the diagnosis asks its questions three at a time): the state
    saves the stage, and the wizard resumes at the stage's first step.
    """

    DEFAULT_CSS = "WizardStep { height: auto; }"

    stage: ClassVar[str]  # the crm.wizard step it belongs to: what the state saves and resumes at
    heading: ClassVar[str] = ""  # what this screenful is about, after the stage's title
    main: ClassVar[str] = ""  # the field typing starts in, when not the first control

    @classmethod
    def applies(cls, state: WizardState) -> bool:
        """Whether the wizard shows this step for `state` (figures only for the compensation chosen)."""
        return True

    class Edited(Message):
        """Something other than a field changed the step's entries (a timer started): save now."""

    class Submitted(Message):
        """The owner is done with the step (enter on a list): go on, as ctrl+n does."""

    def action_go_on(self) -> None:
        """For a step whose list takes space to pick: enter goes on, as on every other step."""
        self.post_message(self.Submitted())

    def __init__(self, data: StepData) -> None:
        super().__init__(classes="wizard-step")
        self.data = data

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        """enter on a list of answers picks the highlighted one and goes on."""
        if isinstance(event.option_list, PickList):
            event.stop()
            self.post_message(self.Submitted())

    def read(self, state: WizardState) -> WizardState:
        """`state` with what this step's widgets hold (no checks)."""
        return state

    def check(self, state: WizardState) -> WizardState:
        """`state` with this step's entries checked and made exact; UserError if they are not."""
        return state

    def preview(self) -> None:
        """Show what the entries will do (called once laid out; steps call it as entries change)."""

    def saving(self, state: WizardState) -> Saving | None:
        """The write that moving on from this step makes, if any (else the state is just saved)."""
        return None

    @property
    def current(self) -> WizardState:
        """The state with what is on the step now."""
        return self.read(self.data.state)

    def value(self, selector: str) -> str:
        """The text of an Input or TextArea, or a Select's value, by selector."""
        widget = self.query_one(selector)
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Input):
            return widget.value
        return str(cast(Select[str], widget).value)


def plain(text: str, classes: str = "", id: str | None = None) -> Static:
    """A Static that shows `text` literally."""
    return Static(Content(safe(text)), classes=classes, id=id)


def bullets(lines: Iterable[str], style: str = "") -> Content:
    return Content("\n").join(Content.styled(f"• {safe(line)}", style) for line in lines)


def row(label: str, widget: Widget) -> Horizontal:
    """A labelled field on one line."""
    return Horizontal(Label(Content(label)), widget, classes="row")


def date_problem(text: str, today: date) -> str | None:
    """What is wrong with a typed date (not a date, or in the past), or None."""
    try:
        day = parse_date(text, today)
    except UserError as exc:
        return str(exc)
    return _("date {day} is in the past (today is {today})").format(day=day, today=today) if day < today else None
