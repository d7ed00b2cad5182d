"""A DataTable for thousands of rows that builds them a page at a time.

A DataTable measures every cell of every row it holds, so filling one with 5,000 rows on each
keystroke of a filter is felt. This table is given all its items as plain data and functions
that make one item's cells and key; it builds the first page, then the next whenever the cursor
or the scroll comes within half a page of the end, and all of them when asked for the last row.
Scrolling through it looks the same as through a full table.
"""

from collections.abc import Callable, Sequence
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from crm.i18n import N_

Item = TypeVar("Item")
# Rows built at a time: more than a tall terminal shows, so a page down never reaches the end.
PAGE = 60


class PagedTable(DataTable[Text], Generic[Item]):
    """Rows built lazily from `items`; `items[n]` is always the item on row n."""

    # In a list of rows, Home and End mean the first and the last row (DataTable: ctrl+home/end).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "scroll_top", N_("First row"), show=False),
        Binding("end", "scroll_bottom", N_("Last row"), show=False),
    ]

    def __init__(self, cells: Callable[[Item], Sequence[Text]], key: Callable[[Item], object],
                 built: Callable[[Sequence[Item]], None] | None = None, **kwargs) -> None:
        """`cells(item)` makes an item's row; `key(item)` tells which item it is across reloads (its
        row key is `str(key(item))`); `built(items)` hears of the items whose rows were just made
        (to fetch what their cells show only for the rows made)."""
        super().__init__(**kwargs)
        self._cells = cells
        self._key = key
        self._built = built
        self.items: Sequence[Item] = ()
        self._building = False

    def show(self, items: Sequence[Item], keep_cursor: bool = False) -> None:
        """Replace the rows with `items`, the cursor on the first row.

        With `keep_cursor` it stays on the same item (by key) if that is still among them.
        """
        cursor = 0
        if keep_cursor and (current := self.item) is not None:
            wanted = self._key(current)
            cursor = next((n for n, item in enumerate(items) if self._key(item) == wanted), 0)
        self.items = ()  # clearing moves the cursor: nothing old may be built meanwhile
        self.clear()
        self.items = items
        self._build(cursor + PAGE)
        if items:
            self.move_cursor(row=cursor, animate=False)

    def rebuild(self) -> None:
        """Make the rows again (after the columns changed), keeping the cursor where it was."""
        self.show(self.items, keep_cursor=True)

    @property
    def item(self) -> Item | None:
        """The item under the cursor."""
        if not self.items or self.cursor_row < 0:
            return None
        return self.items[min(self.cursor_row, len(self.items) - 1)]

    def _build(self, upto: int) -> None:
        if self._building:  # adding a row can move the cursor, which asks for more rows
            return
        self._building = True
        made = self.items[self.row_count:upto]
        try:
            for item in made:
                self.add_row(*self._cells(item), key=str(self._key(item)))
        finally:
            self._building = False
        if made and self._built is not None:
            self._built(made)

    def _near_end(self) -> None:
        self._build(self.row_count + PAGE)

    def watch_cursor_coordinate(self, old_coordinate: Coordinate, new_coordinate: Coordinate) -> None:
        super().watch_cursor_coordinate(old_coordinate, new_coordinate)
        if new_coordinate.row >= self.row_count - PAGE // 2:
            self._near_end()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value > old_value and new_value >= self.max_scroll_y - PAGE // 2:
            self._near_end()

    def action_scroll_bottom(self) -> None:
        self._build(len(self.items))
        super().action_scroll_bottom()
