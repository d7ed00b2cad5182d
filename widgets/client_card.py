"""The Client screen's header card: who the client is, how to talk to them, how things stand.

Takes plain data (`crm.profile.ClientProfile` fits). Every user string is made terminal-safe and
shown literally (Content, never markup); long values wrap instead of breaking the layout.
"""

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from textual.content import Content
from textual.widgets import Static

from crm.domain import word
from crm.i18n import _, ngettext
from crm.l10n import format_day
from crm.text import safe_line, shorten
from crm.widgets.health_light import HealthLike, health_content
from crm.widgets.sentence import sentence

NOTES_WIDTH = 160  # the card shows the start of the notes; the edit form shows them all


class ContactLike(Protocol):
    name: str
    role: str
    decision_maker: bool


class RecordLike(Protocol):
    """How a client's promises went (`crm.promises.PromiseRecord` fits)."""

    kept_on_time: int
    kept_late: int
    broken: int
    open: int


class CardLike(Protocol):
    name: str
    company: str
    emails: Sequence[tuple[str, str]]  # (value, kind), the primary first
    phones: Sequence[tuple[str, str]]
    country: str
    language: str
    status: str
    status_since: date | None
    tier: str
    temperament: str
    approach: str
    notes: str
    contacts: Sequence[ContactLike]
    health: HealthLike
    record: RecordLike


def _contact(contact: ContactLike) -> Content:
    name = Content(safe_line(contact.name))
    if contact.decision_maker:
        name = Content.assemble(Content.styled("★ ", "$text-warning"), name.stylize("bold"))
    if contact.role:
        name = Content.assemble(name, f" ({safe_line(contact.role)})")
    return name


def promise_story(record: RecordLike) -> str:
    """The client's promises in one line: what is open, then how the closed ones went
    ("Promises: none open · 2 of 2 kept on time", "Promises: 1 open · 3 of 5 kept on time, 1 late,
    1 broken"). docs/method.md §5: promises are sacred, so the record is always in sight."""
    closed = record.kept_on_time + record.kept_late + record.broken
    if not closed and not record.open:
        return _("Promises: none made yet")
    opened = _("none open") if not record.open else ngettext("{count} open", "{count} open", record.open).format(
        count=record.open)
    if not closed:
        return _("Promises: {open} · none closed yet").format(open=opened)
    kept = ngettext("{kept} of {closed} kept on time", "{kept} of {closed} kept on time", closed).format(
        kept=record.kept_on_time, closed=closed)
    if record.kept_late:
        kept += ", " + _("{count} late").format(count=record.kept_late)
    if record.broken:
        kept += ", " + _("{count} broken").format(count=record.broken)
    return _("Promises: {open} · {record}").format(open=opened, record=kept)


def card_content(card: CardLike) -> Content:
    """The card's lines: name and status; temperament and approach; health and promises; details."""
    title = Content.styled(safe_line(card.name), "bold $text-primary")
    if card.company:
        title = Content.assemble(title, " — ", safe_line(card.company))
    if card.status_since:
        status_text = _("{status} since {date}").format(status=word("client status", card.status),
                                                        date=format_day(card.status_since, "date"))
    else:
        status_text = word("client status", card.status)
    status = Content.styled(status_text, "$text-accent")
    tier = " · " + _("key account") if card.tier == "key" else ""
    lines = [Content.assemble(title, "  ", status, tier)]
    temperament = Content.styled(word("temperament", card.temperament), "bold")
    lines.append(Content.assemble(temperament, ": ", card.approach) if card.approach else temperament)
    lines.append(Content.assemble(health_content(card.health), " · ", promise_story(card.record)))
    details = [safe_line(v) for v in (card.country, card.language) if v]
    details += [f"{safe_line(value)} ({kind})" if kind else safe_line(value)
                for value, kind in (*card.emails, *card.phones)]
    if details:
        lines.append(Content(" · ".join(details)))
    if card.contacts:
        contacts = Content(", ").join(_contact(c) for c in card.contacts)
        lines.append(sentence(_("Contacts: {contacts}"), contacts=contacts))
    if card.notes.strip():
        lines.append(Content.styled(shorten(safe_line(card.notes), NOTES_WIDTH), "$text-muted"))
    return Content("\n").join(lines)


class ClientCard(Static):
    """The header card; `show` replaces its contents."""

    DEFAULT_CSS = """
    ClientCard {
        height: auto;
        max-height: 9;
        padding: 0 1;
        background: $boost;
    }
    """

    def show(self, card: CardLike) -> None:
        self.update(card_content(card))
