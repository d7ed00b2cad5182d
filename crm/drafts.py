"""The letter a due item calls for (a greeting, a win-back, a check-in), drafted from the templates
in the client's language and addressed to the decision-maker if there is one."""

from dataclasses import dataclass

from crm import kinds
from crm.models import Client, Contact
from crm.review import DueItem
from crm.rules import parse_item_id


@dataclass(frozen=True)
class Draft:
    title: str
    text: str


def has_letter(item: DueItem) -> bool:
    return kinds.kind(item.kind).letter is not None


def letter_kind(item: DueItem) -> str:
    """The letter template for an item: a birthday greeting has its own."""
    kind = kinds.kind(item.kind).letter or ""
    return "birthday" if kind == "greeting" and "birthday" in item.occasion.lower() else kind


def draft_for(item: DueItem) -> Draft:
    """The letter for an item, in the client's language, to the decision-maker if there is one,
    signed by the owner once their name is set."""
    from crm.agency import signer
    from crm.letters import draft_letter

    client = Client.get_by_id(item.client_id)
    contact = (
        Contact.select()
        .where(Contact.client == item.client_id)
        .order_by(Contact.decision_maker.desc(), Contact.id)
        .first()
    )
    owner = signer()
    text = draft_letter(
        letter_kind(item),
        language=client.language or "en",
        client_name=client.name,
        occasion=item.occasion,
        contact_name=contact.name if contact else "",
        sender="\n".join(owner.lines) if owner.configured else "",  # else the template's own closing
        country=client.country,
        # The holiday's own date (a snoozed greeting's due date has moved), for its local name.
        occasion_on=parse_item_id(item.id)[2] if item.kind == "greeting" else None,
    )
    return Draft(f"Draft: {item.title} — {client.name}", text)
