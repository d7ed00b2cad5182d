"""The wizard's steps in the order the owner meets them: adding a step is a widget and a line here."""

from crm.app.screens.wizard.step import WizardStep
from crm.app.screens.wizard.steps.compensation import CompensationStep
from crm.app.screens.wizard.steps.cool_down import CoolDownStep
from crm.app.screens.wizard.steps.diagnosis import DiagnosisStep
from crm.app.screens.wizard.steps.letter import LetterStep
from crm.app.screens.wizard.steps.plan import PlanStep
from crm.app.screens.wizard.steps.postmortem import PostmortemStep
from crm.app.screens.wizard.steps.remedies import RemediesStep
from crm.app.screens.wizard.steps.strategy import StrategyStep
from crm.app.screens.wizard.steps.words import WordsStep

STEP_WIDGETS: tuple[type[WizardStep], ...] = (
    CoolDownStep,
    WordsStep,
    DiagnosisStep,
    StrategyStep,
    RemediesStep,
    CompensationStep,
    PlanStep,
    LetterStep,
    PostmortemStep,
)
