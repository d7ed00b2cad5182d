"""docs/method.md §8, "more from the articles", in the words the wizard shows where each one helps.

The playbook data (data/playbook/*.json) does not carry §8 yet; until it does, its advice lives
here, translated like the rest of the app's text.
"""

from crm.agency import Signer
from crm.i18n import _


def call_advice() -> tuple[str, ...]:
    """Who speaks for the company, a new account manager, "what can we do for you?"."""
    return (
        _("Reply as the owner or a head of department: it carries more weight than the account manager."),
        _("Unhappy with the person? Offer them another account manager."),
        _("Ask: what can we do for you? Free use of our service for a while is compensation too; "
          "good service is not servility."),
    )


def redo_anyway() -> str:
    return _("Redo the work even if the client will not pay for it: whoever follows them there may come back.")


def replace_not_discount() -> str:
    return _("Replace or redo the work where you can: it keeps the margin, a 20-30% discount eats it.")


def refund_is_investment() -> str:
    return _("A refund is an investment in reputation, most of all when parting.")


def respect_leaving() -> str:
    return _("Respect the decision to leave: let them go gracefully and keep in touch (greetings, a win-back "
             "in six months). An offer at the door only delays the loss by one deal.")


def who_signs(signer: Signer) -> str:
    """Who signs the letter, and why the owner rather than "the team"."""
    who = ", ".join(signer.lines)
    if not signer.configured:
        return _("Signed by {who} until the owner's name and title are set: a letter from the owner carries "
                 "more weight than one from “the team”.").format(who=who)
    return _("Signed by {who}: a letter from the owner carries more weight than one from “the team”.").format(who=who)


def tell_what_changed() -> str:
    return _("The rule becomes a letter: tell the client what you changed and thank them for helping you "
             "improve. That client may bring colleagues.")
