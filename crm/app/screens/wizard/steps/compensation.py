"""Compensation (docs/method.md §6): what to offer, then the figures it needs, with its cost shown.

The kind first (what each choice signals), then one screen of figures per part of it: a bonus
(the problem order, its share and validity), a gift (with what fixing costs, for a double
compensation), a discount (a monthly order, our margin, its share and period: its cost against
the margin, flagged when it loses money) or a refund (a month's revenue suggested when parting).
"""

from dataclasses import replace
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Label, Static

from crm import wizard
from crm.app.screens.wizard import more_advice
from crm.app.screens.wizard.step import WizardStep, bullets
from crm.errors import UserError
from crm.i18n import N_, _
from crm.playbook import load_playbook
from crm.text import safe
from crm.widgets.choice import PickList
from crm.widgets.safe_fields import SafeInput
from crm.wizard import COMPENSATION_CHOICES, WizardState

# The parts of each compensation, in the order their figures are asked for (the last one checks the whole).
# What an empty figure stands for (the core's defaults), else what to type.
HINTS = {"percent": "10", "months": "3", "margin": "30", "fixing_cost": "0"}
PARTS = {"gift": ("gift",), "bonus": ("bonus",), "double": ("bonus", "gift"), "discount": ("discount",),
         "refund": ("refund",), "none": ()}


def chosen_kind(state: WizardState) -> str:
    """The compensation kind chosen on the first screen ("none" before one is)."""
    kind = state.compensation.get("kind", "")
    return kind if kind in COMPENSATION_CHOICES else "none"


class KindStep(WizardStep):
    """The advice for this client, and the kinds to choose from with what each one means."""

    stage = "compensation"
    heading = N_("What to offer")

    def compose(self) -> ComposeResult:
        _diagnosis, rec = self.data.advice()
        book = load_playbook(self.data.language)
        meaning = {
            "gift": book.compensation.signals["gift"],
            "bonus": book.compensation.signals["bonus"],
            "double": book.compensation.double,
            "discount": _("20-30% buys an unhappy client back, and eats the margin: its cost comes next."),
            "refund": _("Full or partial; last month's payment is received well."),
            "none": "",
        }
        yield Static(bullets(rec.compensation.reasons))
        kind = self.data.state.compensation.get("kind") or wizard.default_compensation(rec)
        yield PickList([(k, book.label("compensation", k), meaning[k]) for k in COMPENSATION_CHOICES], kind,
                       id="comp-kind")

    def read(self, state: WizardState) -> WizardState:
        return replace(state, compensation={**state.compensation, "kind": self.query_one("#comp-kind", PickList).value})


class FiguresStep(WizardStep):
    """The figures of one part of the compensation chosen, and what it comes to."""

    stage = "compensation"
    part: ClassVar[str]  # the compensation kind whose figures are asked here
    # One question per row: its words and the figures it takes, each with the words after it.
    rows: ClassVar[tuple[tuple[str, tuple[tuple[str, str], ...]], ...]]
    only_with: ClassVar[dict[str, str]] = {}  # figure → the only kind it is asked for (fixing cost: double)
    hints: ClassVar[dict[str, str]] = {}  # this part's own placeholders (a discount runs 20% for 6 months)

    @classmethod
    def applies(cls, state: WizardState) -> bool:
        return cls.part in PARTS[chosen_kind(state)]

    def compose(self) -> ComposeResult:
        comp = self.data.state.compensation
        kind = chosen_kind(self.data.state)
        for words, figures in self.rows:
            asked = [(name, after) for name, after in figures if self.only_with.get(name, kind) == kind]
            if not asked:
                continue
            fields = []
            for name, after in asked:
                fields.append(SafeInput(comp.get(name, "") or self.suggested(name), id=f"fig-{name}", compact=True,
                                        placeholder=self.hints.get(name) or HINTS.get(name) or _("amount"),
                                        classes="figure"))
                if after:
                    fields.append(Label(Content(_(after))))
            yield Vertical(Label(Content(_(words))), Horizontal(*fields, classes="figures"), classes="question")
        yield Static("", id="comp-preview")

    def suggested(self, name: str) -> str:
        """What a figure starts as when nothing was typed."""
        return ""

    def figures(self) -> list[str]:
        return [str(widget.id).removeprefix("fig-") for widget in self.query("Input.figure")]

    def read(self, state: WizardState) -> WizardState:
        typed = {name: self.value(f"#fig-{name}") for name in self.figures()}
        return replace(state, compensation={**state.compensation, **typed})

    def _plan(self, state: WizardState) -> wizard.CompensationPlan:
        """This part's plan, or the whole compensation's on its last screen."""
        kind = chosen_kind(state)
        whole = PARTS[kind][-1] == self.part
        comp = state.compensation if whole else {**state.compensation, "kind": self.part}
        return wizard.compensation_plan(comp, today=self.data.today, currency=self.data.session.currency,
                                        language=self.data.language)

    def check(self, state: WizardState) -> WizardState:
        self._plan(state)
        return state

    def advice(self) -> tuple[str, ...]:
        """Lines of advice under the figures (docs/method.md §6, §8)."""
        return ()

    @on(Input.Changed)
    def _typed(self) -> None:
        self.preview()

    def preview(self) -> None:
        state = self.current
        try:
            plan = self._plan(state)
        except UserError as exc:
            shown = Content.styled(safe(str(exc)), "$text-error")
        else:
            warning = load_playbook(self.data.language).message("discount.warning")
            notes = [*plan.notes, *([plan.signal] if plan.signal and chosen_kind(state) == self.part else []),
                     *self.advice()]
            shown = Content("\n").join([
                *(Content(safe(line)) for line in plan.lines),
                *(Content.styled(f"⚠ {safe(note)}", "bold $text-error") if note == warning
                  else Content.styled(safe(note), "$text-muted") for note in notes)])
        self.query_one("#comp-preview", Static).update(shown)


class BonusStep(FiguresStep):
    heading = N_("The bonus")
    part = "bonus"
    rows = (
        (N_("The problem order (the bonus is a share of it, not of the next order)"), (("order_value", ""),)),
        (N_("The bonus"), (("percent", N_("% of it, usable on the next order for")), ("months", N_("months")))),
    )


class GiftStep(FiguresStep):
    heading = N_("The gift")
    part = "gift"
    rows = (
        (N_("What the gift costs us (our own product is the cheapest dignified gift)"), (("gift_cost", ""),)),
        (N_("What fixing the problem costs us (overtime, materials)"), (("fixing_cost", ""),)),
    )
    only_with: ClassVar[dict[str, str]] = {"fixing_cost": "double"}


class DiscountStep(FiguresStep):
    heading = N_("The discount, against the margin")
    part = "discount"
    rows = (
        (N_("The client's order per month"), (("order_value", ""),)),
        (N_("Our margin on it"), (("margin", "%"),)),
        (N_("The discount"), (("percent", N_("% for")), ("months", N_("months")))),
    )
    hints: ClassVar[dict[str, str]] = {"percent": "20", "months": "6"}

    def advice(self) -> tuple[str, ...]:
        return (more_advice.replace_not_discount(),)


class RefundStep(FiguresStep):
    heading = N_("The refund")
    part = "refund"
    rows = ((N_("The refund"), (("refund", ""),)),)

    def _suggestion(self) -> tuple[str, str] | None:
        session = self.data.session
        found = wizard.suggested_refund(session.yearly_revenue, session.currency, self.data.language)
        return (f"{found[0].amount}", found[1]) if found else None

    def suggested(self, name: str) -> str:
        found = self._suggestion()
        return found[0] if found else ""

    def advice(self) -> tuple[str, ...]:
        found = self._suggestion()
        return (*([found[1]] if found else []), more_advice.refund_is_investment())
