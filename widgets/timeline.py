"""A timeline of dated entries as a keyboard list, shown a page at a time.

A client's story can hold thousands of entries; building a line for each would make the screen
slow to open. The list shows the newest page and a last line to show the next one, so opening
costs the same for 20 entries or 20,000. Entries are plain data (`crm.timeline.Entry` fits);
their text is made terminal-safe and shown literally.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Protocol

from textual.content import Content
from textual.css.styles import RulesMap
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from crm import i18n
from crm.i18n import NC_, _, ngettext
from crm.l10n import format_day
from crm.text import cells, safe_line, shorten

PAGE = 100
TEXT_LIMIT = 240  # a long note is cut in the list; selecting the entry shows all of it
KIND_WIDTH = 13
MORE_ID = "more"
# Kinds that belong to a conflict, shown in the warning colour so trouble stands out.
TROUBLE = {"incident", "complaint", "promise_broken", "resolved"}
# Each kind's word in the kind column (KIND_WIDTH cells), marked with its context: a touch, an
# event of an incident, a promise's end; the longest kinds get a short word.
KIND_WORDS = {
    "call": NC_("timeline", "call"),
    "email": NC_("timeline", "email"),
    "meeting": NC_("timeline", "meeting"),
    "greeting": NC_("timeline", "greeting"),
    "news": NC_("timeline", "news"),
    "gift": NC_("timeline", "gift"),
    "letter": NC_("timeline", "letter"),
    "note": NC_("timeline", "note"),
    "incident": NC_("timeline", "incident"),
    "complaint": NC_("timeline", "complaint"),
    "apology": NC_("timeline", "apology"),
    "fix_delivered": NC_("timeline", "fix delivered"),
    "client_approved": NC_("timeline", "approved"),
    "compensation_offered": NC_("timeline", "compensation"),
    "compensation": NC_("timeline", "compensation"),
    "decision": NC_("timeline", "decision"),
    "resolved": NC_("timeline", "resolved"),
    "promise": NC_("timeline", "promise"),
    "promise_kept": NC_("timeline", "kept"),
    "promise_broken": NC_("timeline", "broken"),
    "promise_renegotiated": NC_("timeline", "renegotiated"),
    "promise_cancelled": NC_("timeline", "cancelled"),
    "status": NC_("timeline", "status"),
}


class EntryLike(Protocol):
    on: date
    kind: str
    text: str
    author: str
    incident_id: int | None


def kind_label(kind: str) -> str:
    """A kind as the reader's language says it ("fix_delivered" → "fix delivered"); a kind the
    table lacks as stored, "_" read as a space."""
    mark = KIND_WORDS.get(kind)
    return i18n.pgettext(*mark) if mark else kind.replace("_", " ")


def entry_title(entry: EntryLike) -> str:
    """An entry's heading when shown in full: "24 Nov 2026 · complaint · by Ana"."""
    by = _("by {author}").format(author=entry.author)
    return f"{format_day(entry.on, 'date')} · {kind_label(entry.kind)} · {by}"


def date_width() -> int:
    """The cells a date takes in a column ("28 Sep 2026" in English), in the reader's language."""
    return _date_width(i18n.language())


@cache
def _date_width(language: str) -> int:
    return max(cells(format_day(date(2026, month, 28), "date", language)) for month in range(1, 13))


def date_cell(day: date, style: str) -> Content:
    """`day` styled and padded to the date column's width, so the columns after it line up."""
    return Content.styled(format_day(day, "date"), style).truncate(date_width(), pad=True)


def lead_width() -> int:
    """The date and kind columns before an entry's text: "24 Nov 2026  complaint     "."""
    return date_width() + 2 + KIND_WIDTH + 1


class Hanging(Visual):
    """A fixed-width lead (date and kind) and a text that wraps in the room beside it: its second
    and later lines start under its first, not under the date."""

    def __init__(self, lead: Content, text: Content, lead_width: int) -> None:
        self.lead, self.text, self.lead_width = lead, text, lead_width

    def __str__(self) -> str:
        return f"{self.lead.plain}{self.text.plain}"

    def _room(self, width: int) -> int:
        return max(width - self.lead_width, 1)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.lead_width + self.text.get_optimal_width(rules, self._room(container_width))

    def get_minimal_width(self, rules: RulesMap) -> int:
        return self.lead_width + 1

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.text.get_height(rules, self._room(width))

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        size = self.lead_width
        lead = self.lead.render_strips(size, 1, style, options)[:1]
        first = lead[0].adjust_cell_length(size, style.rich_style) if lead else Strip.blank(size, style.rich_style)
        body = self.text.render_strips(self._room(width), None, style, options) or [Strip.blank(0)]
        blank = Strip.blank(size, style.rich_style)
        strips = [Strip.join([first if n == 0 else blank, line]) for n, line in enumerate(body)]
        return strips if height is None else strips[:height]


def entry_prompt(entry: EntryLike) -> Hanging:
    """Date, kind (cut with "…" past KIND_WIDTH) and the text, wrapped under itself."""
    style = "$text-warning" if entry.kind in TROUBLE else "$text-accent"
    lead = Content.assemble(
        date_cell(entry.on, "$text-muted"),
        "  ",
        Content.styled(kind_label(entry.kind), style).truncate(KIND_WIDTH, ellipsis=True, pad=True),
        " ",
    )
    return Hanging(lead, Content(shorten(safe_line(entry.text), TEXT_LIMIT)), lead_width())


class Timeline(OptionList):
    """Entries in the order given; enter on one posts `Timeline.Selected`."""

    DEFAULT_CSS = """
    Timeline {
        height: 1fr;
        border: none;
        padding: 0;
        &:focus { border: none; }
    }
    """

    @dataclass
    class Selected(Message):
        """An entry was chosen (enter or click)."""

        timeline: "Timeline"
        entry: EntryLike

    def __init__(self, *, empty: str = "", id: str | None = None) -> None:
        """`empty`: what an empty timeline says ("Nothing yet." when not given)."""
        super().__init__(id=id)
        self._entries: Sequence[EntryLike] = ()
        self._shown = 0
        self._empty = empty or _("Nothing yet.")

    @property
    def entries(self) -> Sequence[EntryLike]:
        return self._entries

    @property
    def shown(self) -> int:
        """How many entries are in the list (the rest wait behind the "show more" line)."""
        return self._shown

    @property
    def highlighted_entry(self) -> EntryLike | None:
        index = self.highlighted
        return self._entries[index] if index is not None and index < self._shown else None

    def show_entries(self, entries: Sequence[EntryLike]) -> None:
        """Replace the entries, keeping as many shown as before and the cursor where it was."""
        index = self.highlighted
        self._entries = entries
        self._shown = 0
        self.clear_options()
        if not entries:
            self.add_option(Option(Content.styled(self._empty, "$text-muted"), disabled=True))
            return
        self._show_more(max(PAGE, min(index or 0, len(entries)) + 1))
        self.highlighted = min(index or 0, self.option_count - 1)

    def _show_more(self, count: int) -> None:
        if self.option_count > self._shown:  # the "show more" line
            self.remove_option(MORE_ID)
        start, end = self._shown, min(self._shown + count, len(self._entries))
        self.add_options(Option(entry_prompt(e), id=str(i)) for i, e in enumerate(self._entries[start:end], start))
        self._shown = end
        rest = len(self._entries) - end
        if rest:
            more = ngettext("▼ {rest} older — enter to show {more} more", "▼ {rest} older — enter to show {more} more",
                            rest).format(rest=f"{rest:,}", more=f"{min(PAGE, rest):,}")
            self.add_option(Option(Content.styled(more, "italic $text-muted"), id=MORE_ID))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == MORE_ID:
            index = self._shown
            self._show_more(PAGE)
            self.highlighted = index
        elif event.option.id is not None:
            self.post_message(self.Selected(self, self._entries[int(event.option.id)]))
