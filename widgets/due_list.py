"""The review queue as a keyboard list: due items grouped by when, holiday greetings by occasion.

Plain data in (objects shaped like `crm.review.DueItem`); the grouping and "which item comes
next" are pure functions so they can be tested without a screen. Every user string is shown
literally (Content, never markup) and made terminal-safe first.

The cursor never moves under the user: it is kept on its item by identity across reloads, and
when items leave the list it goes to the item that followed them in the list as it was (or the
one before, at the end), never to a heading. It does not wrap around at either end, and the
headings above the highlighted item stay in view.

Like `paged_table.PagedTable`, the list makes its rows into options a page at a time (an option
is measured when added: 33,000 of them froze the screen for seconds): the first page, then the
next whenever the cursor or the scroll comes within half a page of the end, all of them for End,
and up to any item asked for by id.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from textual import _widget_navigation
from textual.content import Content
from textual.geometry import Region
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from crm import kinds
from crm.i18n import N_, _, ngettext
from crm.l10n import format_day, widest_day
from crm.text import cells, safe_line

KIND_WIDTH, CLIENT_WIDTH = 9, 22
GAP = "  "
# Rows made into options at a time: more than a tall terminal shows, so a page down never reaches the end.
PAGE = 100
BIRTHDAY = "Birthday"  # crm.rules.BIRTHDAY: a birthday greeting's occasion (widgets read no rules)


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


OccasionKey = tuple[str, date]


@dataclass(frozen=True)
class Heading:
    """A group heading: "Overdue — 4", "Today — 2", … or an occasion ("Christmas Day — 12 clients")."""

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
WHEN_LABELS = {"Overdue": N_("Overdue"), "Today": N_("Today"), "This week": N_("This week"), "Later": N_("Later")}


def holiday(item: Due) -> OccasionKey | None:
    """The holiday a greeting is for, with its date; None for a birthday or any other item.

    A birthday is one person's own day: several clients' birthdays are never one occasion.
    """
    if item.kind != "greeting" or not item.occasion or item.occasion == BIRTHDAY:
        return None
    return (item.occasion, item.due)


def group_rows(items: Sequence[Due], today: date) -> list[Row]:
    """Headings and items in display order.

    Items are grouped Overdue / Today / This week / Later, sorted by date. Within a group, the
    greetings for a holiday shared by several clients on the same day are gathered under one
    heading placed where the holiday's first greeting would be. Birthdays stay single items in
    date order.
    """
    groups: dict[str, list[Due]] = {when: [] for when in WHEN_ORDER}
    for item in items:  # one pass: a 50,000-client review has 33,000 items
        groups[when_group(item, today)].append(item)
    rows: list[Row] = []
    for when, members in groups.items():
        if not members:
            continue
        members.sort(key=lambda i: (i.due, i.kind, i.client.lower(), i.id))
        rows.append(Heading(_("{when} — {count}").format(when=_(WHEN_LABELS[when]), count=len(members))))
        keys = [holiday(item) for item in members]
        occasions: dict[OccasionKey, list[Due]] = {}
        for item, key in zip(members, keys, strict=True):
            if key is not None:
                occasions.setdefault(key, []).append(item)
        placed: set[OccasionKey] = set()
        for item, key in zip(members, keys, strict=True):
            shared = occasions[key] if key is not None else []
            if len(shared) < 2:
                rows.append(Entry(item))
            elif key not in placed:
                placed.add(key)
                text = ngettext("{occasion} — {count} client", "{occasion} — {count} clients", len(shared))
                rows.append(Heading(text.format(occasion=safe_line(item.occasion), count=len(shared)), occasion=True))
                rows.extend(Entry(i, True) for i in sorted(shared, key=lambda i: (i.client.lower(), i.id)))
    return rows


def follower(order: Sequence[str], current: str | None, present: Collection[str]) -> str | None:
    """Where the cursor goes when `current` may have left the list.

    `order` is the list as it was (ids in display order), `present` the ids still listed. The
    cursor stays on `current` if it is still there, else goes to the first item after it in the
    old order that is still there, else to the nearest one before it; with no old position, to
    the first item of the old order still there. None when nothing is left.
    """
    if current is not None and current in present:
        return current
    if current is None or current not in order:
        return next((i for i in order if i in present), None)
    at = order.index(current)
    after = (i for i in order[at + 1:] if i in present)
    before = (i for i in reversed(order[:at]) if i in present)
    return next(after, None) or next(before, None)


def due_counter(items: Sequence[Due], today: date) -> str:
    """"12 due · 3 overdue" (the overdue part only when there are some)."""
    overdue = sum(1 for i in items if when_group(i, today) == "Overdue")
    text = ngettext("{count} due", "{count} due", len(items)).format(count=len(items))
    if not overdue:
        return text
    return ngettext("{due} · {overdue} overdue", "{due} · {overdue} overdue", overdue).format(due=text, overdue=overdue)


def _cell(text: str, width: int, style: str = "") -> Content:
    return Content.styled(text, style).truncate(width, ellipsis=True, pad=True)


def date_column() -> int:
    """The date column's width in the reader's language: its widest day, or "Today"."""
    return max(widest_day(), cells(_("Today")))


def item_prompt(item: Due, today: date, width: int, *, indent: bool = False) -> Content:
    """One line: date, kind, client, title; overdue dates in the error colour."""
    day = _("Today") if item.due == today else format_day(item.due)
    date_width = date_column()
    date_style = "$text-error" if when_group(item, today) == "Overdue" else "$text-muted"
    lead = "    " if indent else "  "
    title_width = max(width - len(lead) - date_width - KIND_WIDTH - CLIENT_WIDTH - 3 * len(GAP), 8)
    title = Content(safe_line(item.title))
    if getattr(item, "snoozed", False):  # listed on the date it was snoozed to
        title = Content.assemble(Content.styled(_("snoozed") + " · ", "italic $text-muted"), title)
    return Content.assemble(
        lead,
        _cell(day, date_width, date_style),
        GAP,
        _cell(kinds.label(item.kind), KIND_WIDTH, "$text-accent"),
        GAP,
        _cell(safe_line(item.client), CLIENT_WIDTH, "bold"),
        GAP,
        title.truncate(title_width, ellipsis=True, pad=True),
    )


def heading_prompt(heading: Heading, hint: str = "") -> Content:
    """A heading line; an occasion's carries `hint` (the key that acts on all of it), dimmed."""
    if heading.occasion:
        tail = Content.styled(f"   {hint}", "$text-muted") if hint else Content("")
        return Content.assemble("  ", Content.styled(f"✦ {heading.text}", "bold $text-secondary"), tail)
    return Content.styled(heading.text, "bold $text-primary")


class DueList(OptionList):
    """The review queue; the highlighted row is the item the keys act on (never a heading)."""

    DEFAULT_CSS = """
    DueList {
        height: 1fr;
        border: none;
        padding: 0;
        scrollbar-gutter: stable;  /* the columns stay put as the list grows past the screen and back */
        text-wrap: nowrap;
        text-overflow: ellipsis;
        &:focus { border: none; }
        & > .option-list--option-disabled { color: $foreground; }
    }
    """

    def __init__(self, *, id: str | None = None, occasion_hint: str = "") -> None:
        """`occasion_hint`: shown after each occasion heading (e.g. "D: all done")."""
        super().__init__(id=id)
        self._occasion_hint = occasion_hint
        self._rows: list[Row] = []
        self._items: list[Due] = []
        self._by_id: dict[str, Due] = {}
        self._row_of: dict[str, int] = {}  # item id → its row
        self._today = date.today()

    @property
    def items(self) -> list[Due]:
        """The items in display order."""
        return list(self._items)

    @property
    def highlighted_item(self) -> Due | None:
        option = self.highlighted_option
        if option is None or option.disabled:
            return None
        return self._by_id.get(option.id or "")

    def holiday_items(self, item: Due) -> list[Due]:
        """The greetings listed for `item`'s holiday on its day, in display order (all under its
        heading, or just `item` when it stands alone); empty for anything but a holiday greeting."""
        key = holiday(item)
        if key is None:
            return []
        when = when_group(item, self._today)
        return [i for i in self._items if holiday(i) == key and when_group(i, self._today) == when]

    def show_items(self, items: Sequence[Due], today: date) -> None:
        """Replace the list, keeping the cursor on its item, or on the item that followed it."""
        self._today = today
        self._replace(group_rows(items, today))

    def remove_items(self, item_ids: Collection[str]) -> None:
        """Take items out (done or snoozed): the cursor goes to the item that followed."""
        gone = set(item_ids)
        self._replace(group_rows([i for i in self._items if i.id not in gone], self._today))

    def remove_item(self, item_id: str) -> None:
        self.remove_items({item_id})

    def _replace(self, rows: list[Row]) -> None:
        order = [item.id for item in self._items]
        current = self.highlighted_item
        row = self._screen_row()
        self._rows = rows
        self._items = [r.item for r in rows if isinstance(r, Entry)]
        self._by_id = {item.id: item for item in self._items}
        self._row_of = {r.item.id: n for n, r in enumerate(rows) if isinstance(r, Entry)}
        self._render_rows(PAGE)
        target = follower(order, current.id if current else None, self._by_id)
        if target is None and self._items:
            target = self._items[0].id  # nothing of the old list is left: start at the top
        self._place(self.get_option_index(target) if target is not None else None, row)

    def _screen_row(self) -> int | None:
        """How far below the top of the view the highlighted row is (None: not in view)."""
        if self.highlighted is None:
            return None
        row = self.highlighted - round(self.scroll_y)
        return row if 0 <= row < self.scrollable_content_region.height else None

    def _place(self, index: int | None, row: int | None) -> None:
        """Highlight `index`, on the same row of the view as before when it can be (the list
        does not jump under the cursor), with the headings above it in view."""
        self.highlighted = index
        if index is None:
            return
        if row is not None:
            top = max(0, min(index - row, self._heading_start(index)))
            self.scroll_to(y=top, animate=False, immediate=True, force=True)
        self.scroll_to_highlight()

    def _heading_start(self, index: int) -> int:
        """The first of the headings directly above row `index` (or `index` itself)."""
        start = index
        while start > 0 and self.options[start - 1].disabled:
            start -= 1
        return start

    def scroll_to_highlight(self, top: bool = False) -> None:
        """Bring the highlighted item into view together with the headings right above it."""
        highlighted = self.highlighted
        if highlighted is None or not self.is_mounted:
            return
        self._update_lines()
        try:
            first = self._index_to_line[self._heading_start(highlighted)]
            y = self._index_to_line[highlighted]
        except KeyError:
            return
        height = self._heights[highlighted]
        width = self.scrollable_content_region.width
        view = self.scrollable_content_region.height
        if y + height - first > view:  # headings and item do not fit together: the item wins
            first = y
        self.scroll_to_region(Region(0, first, width, y + height - first), force=True, animate=False,
                              top=top, immediate=True)

    def action_cursor_up(self) -> None:
        """Up to the previous item; on the first one, stay (and show the headings above it)."""
        self._step(-1)

    def action_cursor_down(self) -> None:
        """Down to the next item; on the last one, stay."""
        self._step(1)

    def _step(self, direction: _widget_navigation.Direction) -> None:
        if self.highlighted is None:
            self.highlighted = _widget_navigation.find_next_enabled(self.options, None, direction)
            return
        step = _widget_navigation.find_next_enabled_no_wrap(self.options, self.highlighted, direction)
        if step is None or step == self.highlighted:
            self.scroll_to_highlight()
        else:
            self.highlighted = step

    def _made_options(self, rows: Sequence[Row]) -> list[Option]:
        width = self.scrollable_content_region.width or 78  # the scrollbar's room always kept
        return [
            Option(heading_prompt(row, self._occasion_hint), disabled=True)
            if isinstance(row, Heading)
            else Option(item_prompt(row.item, self._today, width, indent=row.under_occasion), id=row.item.id)
            for row in rows
        ]

    def _render_rows(self, upto: int) -> None:
        """Make the first `upto` rows the options, afresh (the highlight and scroll are reset)."""
        self.set_options(self._made_options(self._rows[:upto]))

    def _build(self, upto: int) -> None:
        """Make options of the rows up to `upto` that are not options yet."""
        if self.option_count < min(upto, len(self._rows)):
            self.add_options(self._made_options(self._rows[self.option_count:upto]))

    def get_option_index(self, option_id: str) -> int:
        """The option index of an item, its row made an option first if it was not yet."""
        if (row := self._row_of.get(option_id)) is not None:
            self._build(row + PAGE)
        return super().get_option_index(option_id)

    def watch_highlighted(self, highlighted: int | None) -> None:
        if highlighted is not None and highlighted >= self.option_count - PAGE // 2:
            self._build(self.option_count + PAGE)
        super().watch_highlighted(highlighted)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value > old_value and new_value >= self.max_scroll_y - PAGE // 2:
            self._build(self.option_count + PAGE)

    def action_last(self) -> None:
        self._build(len(self._rows))
        super().action_last()

    def on_resize(self) -> None:
        if self._rows:
            highlighted, row = self.highlighted, self._screen_row()
            self._render_rows(max(self.option_count, PAGE))
            self._place(highlighted, row)
