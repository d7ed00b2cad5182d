"""Compensation (PLAYBOOK §6): a gift, a bonus with its validity, both, or a refund, with its cost."""

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Select, Static

from crm import wizard
from crm.app.screens.wizard.step import WizardStep, bullets, row
from crm.errors import UserError
from crm.text import safe
from crm.widgets.safe_fields import SafeInput
from crm.wizard import WizardState

COMPENSATION_LABELS = {
    "gift": "A gift now",
    "bonus": "A bonus on the next order",
    "double": "Double: a gift and a bonus",
    "refund": "A refund",
    "none": "None",
}
# The figures each compensation needs (input ids in this step).
FIGURES = {
    "gift": ("gift_cost",),
    "bonus": ("order_value", "percent", "months"),
    "double": ("order_value", "percent", "months", "gift_cost", "fixing_cost"),
    "refund": ("refund",),
    "none": (),
}
FIGURE_LABELS = {
    "order_value": "Problem order",
    "percent": "Bonus %",
    "months": "Valid (months)",
    "gift_cost": "Gift cost",
    "fixing_cost": "Fixing cost",
    "refund": "Refund",
}
FIGURE_HINTS = {"percent": "10", "months": "3"}


class CompensationStep(WizardStep):
    """The advice, the kind, the figures it needs, and what it comes to."""

    stage = "compensation"

    def compose(self) -> ComposeResult:
        _, rec = wizard.advice(self.data.state, self.data.language)
        comp = dict(self.data.state.compensation)
        kind = comp.get("kind") or wizard.default_compensation(rec)
        yield Static(bullets(rec.compensation.reasons))
        yield row("Compensation", Select(((label, k) for k, label in COMPENSATION_LABELS.items()), value=kind,
                                         allow_blank=False, id="comp-kind", compact=True))
        for name, label in FIGURE_LABELS.items():
            yield row(label, SafeInput(comp.get(name, ""), placeholder=FIGURE_HINTS.get(name, "amount"),
                                       id=f"fig-{name}", compact=True))
        yield Static("", id="comp-preview")

    def read(self, state: WizardState) -> WizardState:
        comp = {name: self.value(f"#fig-{name}") for name in FIGURE_LABELS}
        return replace(state, compensation={"kind": self.value("#comp-kind"), **comp})

    def check(self, state: WizardState) -> WizardState:
        self._plan(state)
        return state

    def _plan(self, state: WizardState) -> wizard.CompensationPlan:
        return wizard.compensation_plan(state.compensation, today=self.data.today,
                                        currency=self.data.session.currency, language=self.data.language)

    @on(Select.Changed)
    @on(Input.Changed)
    def _edited(self) -> None:
        self.preview()

    def preview(self) -> None:
        state = self.current
        kind = state.compensation.get("kind", "none")
        for name in FIGURE_LABELS:
            line = self.query_one(f"#fig-{name}").parent
            if line is not None:
                line.display = name in FIGURES.get(kind, ())
        try:
            plan = self._plan(state)
        except UserError as exc:
            shown = Content.styled(safe(str(exc)), "$text-error")
        else:
            shown = Content.assemble(Content("\n").join(Content(safe(line)) for line in plan.lines),
                                     "\n", Content.styled("\n".join(plan.notes), "$text-muted"))
        self.query_one("#comp-preview", Static).update(shown)
