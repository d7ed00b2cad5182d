"""Diagnosis (PLAYBOOK §1, §3, §4): the questions, and the verdict as they are answered."""

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from crm import wizard
from crm.app.screens.wizard.step import WizardStep, row
from crm.errors import UserError
from crm.playbook import load_playbook
from crm.text import safe
from crm.widgets.safe_fields import SafeInput
from crm.wizard import WizardState


class DiagnosisStep(WizardStep):
    """One field per diagnosis question, prefilled from the client's record."""

    stage = "diagnosis"

    def compose(self) -> ComposeResult:
        book = load_playbook(self.data.language)
        answers = self.data.state.answers_obj.to_dict()
        yield Static("", id="verdict")
        for key, question in book.questions.items():
            if key == "yearly_revenue":
                widget: Widget = SafeInput(str(answers[key]), id=f"q-{key}", compact=True)
            else:
                options = question.options or {k: t.name for k, t in book.temperaments.items()}
                value = answers[key]
                value = {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value
                widget = Select(((Content(label), k) for k, label in options.items()), value=value,
                                allow_blank=False, id=f"q-{key}", compact=True)
            yield row(question.text, widget)

    def read(self, state: WizardState) -> WizardState:
        answers = {key: self.value(f"#q-{key}") for key in load_playbook(self.data.language).questions}
        return replace(state, answers={**state.answers, **answers})

    def check(self, state: WizardState) -> WizardState:
        return replace(state, answers=state.answers_obj.to_dict())

    @on(Select.Changed)
    @on(Input.Changed)
    def _answered(self) -> None:
        self.preview()

    def preview(self) -> None:
        try:
            diagnosis, rec = wizard.advice(self.current, self.data.language)
        except UserError as exc:
            text, style = str(exc), "$text-error"
        else:
            client = "a bad client" if diagnosis.bad_client else "a difficult client"
            fault = {"ours": "our error", "out_of_scope": "beyond the scope", "in_scope": "within the scope"}
            text = (f"→ Group {diagnosis.group} · {client} · {fault[diagnosis.fault]} · value {diagnosis.value}"
                    f" · {rec.strategy_name}")
            style = "bold"
        self.query_one("#verdict", Static).update(Content.styled(safe(text), style))
