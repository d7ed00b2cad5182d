"""Strategy (docs/method.md §2–§4): what to do, how to talk to this client, and what never to do
(parting's own steps come with the outcome, where the owner decides to part)."""

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from crm.app.screens.wizard.step import WizardStep, bullets
from crm.i18n import N_, _
from crm.playbook import load_playbook


class StrategyStep(WizardStep):
    """The strategy and its meaning, the approach for the temperament, warnings, and why."""

    stage = "strategy"
    heading = N_("What to do")

    def compose(self) -> ComposeResult:
        _diagnosis, rec = self.data.advice()
        book = load_playbook(self.data.language)
        yield Static(Content.assemble(Content.styled(rec.strategy_name, "bold $text-success"), " — ",
                                      rec.strategy_essence))
        reasons = list(rec.reasons)
        if rec.approach:
            mood = book.temperaments[rec.temperament or ""]
            reasons.remove(book.message("strategy.temperament", name=mood.name, approach=mood.approach))
            yield Static(Content.assemble(
                Content.styled(_("How to talk to a {name} client: ").format(name=mood.name.lower()), "bold"),
                rec.approach))
        yield Static(Content("\n").join(Content.styled(f"⚠ {w.name}: {w.text}", "$text-warning")
                                        for w in rec.warnings))
        yield Static(bullets(reasons, "$text-muted"))
