"""Remedies (docs/method.md §2, §5): at least three ways to put it right, for the client to choose from."""

from dataclasses import replace
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import SelectionList, Static

from crm.app.screens.wizard import more_advice
from crm.app.screens.wizard.step import WizardStep
from crm.i18n import N_, _
from crm.wizard import WizardState


class RemediesStep(WizardStep):
    """The remedies that fit, to pick from; the highlighted one explained below."""

    stage = "remedies"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "go_on", show=False, priority=True)]  # space picks
    heading = N_("Ways to put it right")

    def compose(self) -> ComposeResult:
        _diagnosis, rec = self.data.advice()
        # What each remedy means; redoing the work comes with §8's reason to do it even unpaid.
        self.texts = {r.key: f"{r.text} {more_advice.redo_anyway()}" if r.key == "redo" else r.text
                      for r in rec.remedies}
        chosen = set(self.data.state.remedies)
        options = [(Content(r.title), r.key, r.key in chosen) for r in rec.remedies]
        yield Static(_("Offer the client a choice of at least three ways to put it right ({n} fit here). "
                       "space picks or drops the highlighted one.").format(n=len(options)), classes="muted",
                     markup=False)
        yield SelectionList[str](*options, id="remedies")
        yield Static(Content(self.texts[rec.remedies[0].key]), id="remedy-text")

    @on(SelectionList.SelectionHighlighted, "#remedies")
    def _highlighted(self, event: SelectionList.SelectionHighlighted) -> None:
        self.query_one("#remedy-text", Static).update(Content(self.texts.get(event.selection.value, "")))

    def read(self, state: WizardState) -> WizardState:
        return replace(state, remedies=list(self.query_one("#remedies", SelectionList).selected))
