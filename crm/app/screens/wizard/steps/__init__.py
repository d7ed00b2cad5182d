"""The wizard's steps in the order the owner meets them: adding a step is a widget and a line here.

Each is one screenful (at most three questions, within 80×24); steps of one stage (a step of
crm.wizard.STEPS, what the state saves) follow each other.
"""

from crm.app.screens.wizard.step import WizardStep
from crm.app.screens.wizard.steps.call import CallStep
from crm.app.screens.wizard.steps.compensation import BonusStep, DiscountStep, GiftStep, KindStep, RefundStep
from crm.app.screens.wizard.steps.cool_down import CoolDownStep
from crm.app.screens.wizard.steps.diagnosis import BadSignsStep, FaultStep, UnhappyStep, ValueStep
from crm.app.screens.wizard.steps.letter import LetterStep, ThanksStep
from crm.app.screens.wizard.steps.plan import OutcomeStep, PromisesStep
from crm.app.screens.wizard.steps.postmortem import PostmortemStep
from crm.app.screens.wizard.steps.remedies import RemediesStep
from crm.app.screens.wizard.steps.strategy import StrategyStep
from crm.app.screens.wizard.steps.temperament import TemperamentStep
from crm.app.screens.wizard.steps.verdict import VerdictStep
from crm.app.screens.wizard.steps.words import WordsStep

STEP_WIDGETS: tuple[type[WizardStep], ...] = (
    CoolDownStep,
    WordsStep,
    UnhappyStep,
    TemperamentStep,
    BadSignsStep,
    FaultStep,
    ValueStep,
    VerdictStep,
    StrategyStep,
    CallStep,
    RemediesStep,
    KindStep,
    BonusStep,
    GiftStep,
    DiscountStep,
    RefundStep,
    OutcomeStep,
    PromisesStep,
    LetterStep,
    PostmortemStep,
    ThanksStep,
)
