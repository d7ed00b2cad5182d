"""The review queue as a keyboard list: due items grouped by when, greetings by occasion.

Plain data in (objects shaped like `crm.review.DueItem`); the grouping is a pure function so it
can be tested without a screen. Every user string is shown literally (Content, never markup) and
made terminal-safe first.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from crm.domain import KIND_LABELS
from crm.text import safe_line

DATE_WIDTH, KIND_WIDTH, CLIENT_WIDTH = 10, 9, 22
GAP = "  "


class Due(Protocol):
    """What the list needs from a due item (`crm.review.DueItem` fits)."""

    id: str
    kind: str
    due: date
    client_id: int
    client: str
    title: str
    overdue: bool
    occasion: str


@dataclass(frozen=True)
class Heading:
    """A group heading: "Overdue", "Today", … or an occasion ("Christmas Day — 12 clients")."""

    text: str
    occasion: bool = False


@dataclass(frozen=True)
class Entry:
    """A due item in the list; `under_occasion` when it sits under an occasion heading."""

    item: Due
    under_occasion: bool = False


Row = Heading | Entry


def when_group(item: Due, today: date) -> str:
    if item.overdue or item.due < today:
        return "Overdue"
    if item.due == today:
        return "Today"
    if item.due <= today + timedelta(days=7):
        return "This week"
    return "Later"


WHEN_ORDER = ("Overdue", "Today", "This week", "Later")


def group_rows(items: Sequence[Due], today: date) -> list[Row]:
    """Headings and items in display order.

    Items are grouped Overdue / Today / This week / Later, sorted by date. Within a group,
    greetings for an occasion shared by several clients are gathered under one heading placed
    where the occasion's first greeting would be.
    """
    rows: list[Row] = []
    for when in WHEN_ORDER:
        members = sorted(
            (i for i in items if when_group(i, today) == when),
            key=lambda i: (i.due, i.kind, i.client.lower(), i.id),
        )
        if not members:
            continue
        rows.append(Heading(f"{when} — {len(members)}"))
        occasions: dict[str, list[Due]] = {}
        for item in members:
            if item.kind == "greeting" and item.occasion:
                occasions.setdefault(item.occasion, []).append(item)
        placed: set[str] = set()
        for item in members:
            shared = occasions.get(item.occasion) if item.kind == "greeting" and item.occasion else None
            if not shared or len(shared) < 2:
                rows.append(Entry(item))
            elif item.occasion not in placed:
                placed.add(item.occasion)
                rows.append(Heading(f"{safe_line(item.occasion)} — {len(shared)} clients", occasion=True))
                rows.extend(Entry(i, True) for i in sorted(shared, key=lambda i: (i.client.lower(), i.id)))
    return rows


def due_counter(items: Sequence[Due], today: date) -> str:
    """"12 due · 3 overdue" (the overdue part only when there are some)."""
    overdue = sum(1 for i in items if when_group(i, today) == "Overdue")
    text = f"{len(items)} due"
    return f"{text} · {overdue} overdue" if overdue else text


def _cell(text: str, width: int, style: str = "") -> Content:
    return Content.styled(text, style).truncate(width, ellipsis=True, pad=True)


def item_prompt(item: Due, today: date, width: int, *, indent: bool = False) -> Content:
    """One line: date, kind, client, title; overdue dates in the error colour."""
    day = "Today" if item.due == today else f"{item.due:%a %d %b}"
    date_style = "$text-error" if when_group(item, today) == "Overdue" else "$text-muted"
    lead = "    " if indent else "  "
    title_width = max(width - len(lead) - DATE_WIDTH - KIND_WIDTH - CLIENT_WIDTH - 3 * len(GAP), 8)
    return Content.assemble(
        lead,
        _cell(day, DATE_WIDTH, date_style),
        GAP,
        _cell(KIND_LABELS.get(item.kind, item.kind), KIND_WIDTH, "$text-accent"),
        GAP,
        _cell(safe_line(item.client), CLIENT_WIDTH, "bold"),
        GAP,
        _cell(safe_line(item.title), title_width),
    )


def heading_prompt(heading: Heading) -> Content:
    if heading.occasion:
        return Content.assemble("  ", Content.styled(f"✦ {heading.text}", "bold $text-secondary"))
    return Content.styled(heading.text, "bold $text-primary")


class DueList(OptionList):
    """The review queue; the highlighted row is the item the keys act on."""

    DEFAULT_CSS = """
    DueList {
        height: 1fr;
        border: none;
        padding: 0;
        &:focus { border: none; }
        & > .option-list--option-disabled { color: $foreground; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[Row] = []
        self._today = date.today()

    @property
    def items(self) -> list[Due]:
        return [row.item for row in self._rows if isinstance(row, Entry)]

    @property
    def highlighted_item(self) -> Due | None:
        option = self.highlighted_option
        if option is None or option.disabled:
            return None
        return self._by_id().get(option.id or "")

    def _by_id(self) -> dict[str, Due]:
        return {item.id: item for item in self.items}

    def show_items(self, items: Sequence[Due], today: date) -> None:
        """Replace the list, keeping the cursor on the same item (or where it was)."""
        current = self.highlighted_item
        index = self.highlighted
        self._today = today
        self._rows = group_rows(items, today)
        self._render_rows()
        if current is not None and current.id in self._by_id():
            self.highlighted = self.get_option_index(current.id)
        else:
            self._highlight_near(index)

    def remove_item(self, item_id: str) -> None:
        """Take one item out (it was done or snoozed) and move the cursor to the next one."""
        index = self.highlighted
        remaining = [item for item in self.items if item.id != item_id]
        self._rows = group_rows(remaining, self._today)
        self._render_rows()
        self._highlight_near(index)

    def _highlight_near(self, index: int | None) -> None:
        """Highlight the first item at or after `index` (or the last item before it)."""
        options = self.options
        if not options:
            self.highlighted = None
            return
        start = min(index or 0, len(options) - 1)
        for candidate in list(range(start, len(options))) + list(range(start - 1, -1, -1)):
            if not options[candidate].disabled:
                self.highlighted = candidate
                if candidate == next(i for i, o in enumerate(options) if not o.disabled):
                    self.scroll_home(animate=False)  # show the group heading above the first item
                return
        self.highlighted = None

    def _render_rows(self) -> None:
        width = self.scrollable_content_region.width or 78
        self.set_options(
            Option(heading_prompt(row), disabled=True)
            if isinstance(row, Heading)
            else Option(item_prompt(row.item, self._today, width, indent=row.under_occasion), id=row.item.id)
            for row in self._rows
        )

    def on_resize(self) -> None:
        if self._rows:
            highlighted = self.highlighted
            self._render_rows()
            self.highlighted = highlighted
