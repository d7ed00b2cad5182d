"""Strategy (PLAYBOOK §2–§4): what to do, how to talk to this client, what never to do, and why."""

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from crm import wizard
from crm.app.screens.wizard.step import WizardStep, bullets
from crm.playbook import load_playbook


class StrategyStep(WizardStep):
    """The strategy first, then how to talk and what never to do, then why (the reasons)."""

    stage = "strategy"

    def compose(self) -> ComposeResult:
        language = self.data.language
        diagnosis, rec = wizard.advice(self.data.state, language)
        book = load_playbook(language)
        group = book.groups[diagnosis.group]
        yield Static(Content.assemble(Content.styled(rec.strategy_name, "bold $text-success"), " — ",
                                      rec.strategy_essence))
        reasons = list(rec.reasons)
        if rec.approach:
            mood = book.temperaments[rec.temperament or ""]
            reasons.remove(book.message("strategy.temperament", name=mood.name, approach=mood.approach))
            yield Static(Content.assemble(Content.styled(f"How to talk to a {mood.name.lower()} client: ", "bold"),
                                          rec.approach))
        if rec.parting_steps:
            yield Static(Content.assemble(Content.styled("Parting with dignity:\n", "bold"),
                                          bullets(rec.parting_steps)))
        yield Static(Content("\n").join(Content.styled(f"⚠ {w.name}: {w.text}", "$text-warning")
                                        for w in rec.warnings))
        yield Static(Content(f"Why — group {group.key}, {group.name}: {group.summary} Repair cost: {group.repair_cost}"),
                     classes="tight")
        yield Static(bullets(reasons))
