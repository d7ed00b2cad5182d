"""PagedTable: thousands of rows, built as the user gets near them, reachable every way a table is."""

from operator import itemgetter

from rich.text import Text
from textual.app import App, ComposeResult

from crm.widgets.paged_table import PAGE, PagedTable

ITEMS = [(n, f"Row {n:04d}") for n in range(1_000)]


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PagedTable(lambda item: (Text(item[1]),), itemgetter(0), cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.add_column("Name", width=20)
        table.show(ITEMS)
        table.focus()


async def test_only_the_first_page_is_built_until_needed():
    app = TableApp()
    async with app.run_test(size=(40, 20)) as pilot:
        table = app.query_one(PagedTable)
        assert table.row_count < 2 * PAGE
        await pilot.press(*["pagedown"] * 10)
        await pilot.pause()
        assert table.item == ITEMS[table.cursor_row] and table.cursor_row > PAGE
        assert table.row_count > table.cursor_row + PAGE // 2  # always ahead of the cursor


async def test_scrolling_to_the_bottom_builds_more():
    """What the mouse wheel or the scrollbar does: scroll without moving the cursor."""
    app = TableApp()
    async with app.run_test(size=(40, 20)) as pilot:
        table = app.query_one(PagedTable)
        built = table.row_count
        for _ in range(3):
            table.scroll_to(y=table.max_scroll_y, animate=False)
            await pilot.pause()
        assert table.row_count >= built + 2 * PAGE
        assert table.cursor_row == 0


async def test_end_and_home_reach_the_last_and_first_rows():
    app = TableApp()
    async with app.run_test(size=(40, 20)) as pilot:
        table = app.query_one(PagedTable)
        await pilot.press("end")
        await pilot.pause()
        assert table.item == ITEMS[-1] and table.row_count == len(ITEMS)
        assert table.get_row_at(table.cursor_row)[0].plain == "Row 0999"
        await pilot.press("home")
        await pilot.pause()
        assert table.item == ITEMS[0]


async def test_new_items_keep_the_cursor_on_its_item_when_asked():
    app = TableApp()
    async with app.run_test(size=(40, 20)) as pilot:
        table = app.query_one(PagedTable)
        await pilot.press("end")
        await pilot.pause()
        table.show([(-1, "New first"), *ITEMS], keep_cursor=True)
        await pilot.pause()
        assert table.item == ITEMS[-1]
        table.show(ITEMS[::-1])
        await pilot.pause()
        assert table.item == ITEMS[-1] and table.cursor_row == 0  # a fresh list starts at the top
        table.show([])
        assert table.item is None and table.row_count == 0
