"""Diagnosis (docs/method.md §1, §4): the questions, at most three to a screen, each answered in place.

A yes/no or a short choice is a `Choice` (the first letter answers: y, n); the yearly revenue is
typed. Answers start from what the client's record says.
"""

from dataclasses import replace
from decimal import Decimal
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Label, Static

from crm.app.screens.wizard.step import WizardStep
from crm.i18n import N_, _
from crm.money import Money
from crm.playbook import load_playbook
from crm.widgets.choice import Choice
from crm.widgets.safe_fields import SafeInput
from crm.wizard import WizardState


class QuestionsStep(WizardStep):
    """A few diagnosis questions (`questions`: fields of crm.diagnosis.Answers), one under another."""

    stage = "diagnosis"
    questions: ClassVar[tuple[str, ...]]

    def intro(self) -> str:
        """A line above the questions, when they need one."""
        return ""

    def hint(self, key: str) -> str:
        """A line under a question, when it needs one."""
        return ""

    def compose(self) -> ComposeResult:
        book = load_playbook(self.data.language)
        answers = self.data.state.answers_obj.to_dict()
        if intro := self.intro():
            yield Static(Content(intro), classes="muted")
        for key in self.questions:
            question = book.questions[key]
            value = answers[key]
            widget: Widget
            if key == "yearly_revenue":  # none known yet: an empty field, ready to type into
                widget = SafeInput("" if Decimal(str(value)) == 0 else str(value), placeholder="0",
                                   id=f"q-{key}", compact=True)
            else:
                value = {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value
                widget = Choice(list(question.options.items()), value, id=f"q-{key}")
            parts: list[Widget] = [Label(Content(question.text)), widget]
            if hint := self.hint(key):
                parts.append(Static(Content(hint), classes="muted hint"))
            yield Vertical(*parts, classes="question")

    def read(self, state: WizardState) -> WizardState:
        answers = {key: self.value(f"#q-{key}") for key in self.questions}
        if answers.get("yearly_revenue", "0").strip() == "":
            answers["yearly_revenue"] = "0"  # the empty field means none known
        return replace(state, answers={**state.answers, **answers})

    def check(self, state: WizardState) -> WizardState:
        return replace(state, answers=state.answers_obj.to_dict())


class UnhappyStep(QuestionsStep):
    """§1: how unhappy, and whether they will talk."""

    heading = N_("How unhappy are they?")
    questions = ("negativity", "irrational", "ready_to_negotiate")


class BadSignsStep(QuestionsStep):
    """§4: the three signs of a bad client."""

    heading = N_("A difficult client, or a bad one?")
    questions = ("rude_to_staff", "unfounded_demands", "threatens_reviews")

    def intro(self) -> str:
        return _("{bad} Two of these signs or more make a bad client.").format(
            bad=load_playbook(self.data.language).difficult_vs_bad.bad)

    def hint(self, key: str) -> str:
        """What counts as unfounded (§4's examples): the other two signs say themselves."""
        if key != "unfounded_demands":
            return ""
        criterion = load_playbook(self.data.language).difficult_vs_bad.criteria["unfounded_demands"]
        return _("For example: {examples}").format(examples=criterion.split(": ", 1)[-1])


class FaultStep(QuestionsStep):
    """Whose fault, what they ask for, and whether they want to go."""

    heading = N_("Whose fault, and what now?")
    questions = ("our_error", "within_scope", "wants_to_leave")


class ValueStep(QuestionsStep):
    """The client's value: tier, revenue (judged in the client's currency), prospects."""

    heading = N_("What is the client worth to us?")
    questions = ("tier", "yearly_revenue", "prospects")

    def hint(self, key: str) -> str:
        if key != "yearly_revenue":
            return ""
        currency = self.data.session.currency
        limits = self.data.session.thresholds
        if limits is None:
            return _("In {currency}: no value thresholds are set for it, so the revenue is not judged.").format(
                currency=currency)
        return _("In {currency}: high from {high}, medium from {medium} a year.").format(
            currency=currency, high=Money(limits.high, currency), medium=Money(limits.medium, currency))
