"""A long review is built a page at a time and still behaves as one list: the cursor walks past
every page, End reaches the last item, an item asked for by id is there, and the cursor follows
its item across rows not built yet."""

from datetime import date, timedelta

from crm.app.app import make_app
from crm.clients import ClientFields, add_client
from crm.promises import add_promise
from crm.review import DueItem
from crm.widgets.due_list import PAGE, DueList

from .support import settle

TODAY = date(2026, 11, 23)
COUNT = 3 * PAGE + 17


def items() -> list[DueItem]:
    """Overdue promises, one a day, then greetings for one holiday: several pages with headings."""
    promises = [DueItem(f"promise-{n}", "promise", TODAY - timedelta(days=COUNT - n), n, f"Client {n:04}",
                        f"Thing {n}", True) for n in range(1, COUNT - 20)]
    greetings = [DueItem(f"greeting-{n}-20261126", "greeting", TODAY + timedelta(days=3), n, f"Client {n:04}",
                         "Thanksgiving Day", False, "Thanksgiving Day") for n in range(COUNT - 20, COUNT + 1)]
    return promises + greetings


async def test_a_long_review_is_built_a_page_at_a_time_and_walks_as_one(db, db_path):
    add_promise(add_client(ClientFields("Acme"), today=TODAY), "Call", due=TODAY, on=TODAY)  # a review to show
    app = make_app(db_path, TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        listing = app.screen.query_one(DueList)
        listing.focus()
        listing.show_items(items(), TODAY)
        await pilot.pause()
        assert len(listing.items) == COUNT and listing.option_count < COUNT / 2  # only the first pages
        assert listing.highlighted_item.id == "promise-1"
        built = listing.option_count
        listing.highlighted = built - 8  # near the end of what is built (row 0 is the heading)
        await pilot.pause()
        assert listing.highlighted_item.id == f"promise-{built - 8}"
        for n in range(built - 7, built + 5):  # down past it, one item at a time
            await pilot.press("down")
            assert listing.highlighted_item.id == f"promise-{n}"
        await pilot.press("end")
        assert listing.highlighted_item.id == f"greeting-{COUNT}-20261126"
        assert listing.option_count == COUNT + 3  # every row now, with the three headings
        await pilot.press("down")
        assert listing.highlighted_item.id == f"greeting-{COUNT}-20261126"  # no wrapping round

        listing.show_items(items(), TODAY)  # a reload: the cursor stays on its item, far down
        await pilot.pause()
        assert listing.highlighted_item.id == f"greeting-{COUNT}-20261126"
        assert listing.holiday_items(listing.highlighted_item) == items()[-21:]

        wanted = f"promise-{2 * PAGE + 5}"
        listing.highlighted = listing.get_option_index(wanted)  # a row not built yet, asked for by id
        await pilot.pause()
        assert listing.highlighted_item.id == wanted
        listing.show_items([i for i in items() if i.id != wanted], TODAY)  # it leaves: the next one
        await pilot.pause()
        assert listing.highlighted_item.id == f"promise-{2 * PAGE + 6}"
        row = listing.highlighted - round(listing.scroll_y)
        assert 0 <= row < listing.scrollable_content_region.height
