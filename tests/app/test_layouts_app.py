"""One-letter keys in the Russian layout: в on the Review does what d does, while Cyrillic typed
into a dialog stays text; a key rebound in the settings gets its twin too."""

from datetime import timedelta

from crm.app.app import make_app
from crm.app.screens.review import ReviewScreen
from crm.app.screens.review_dialogs import NoteDialog
from crm.clients import ClientFields, add_client
from crm.config import set_value
from crm.models import ItemState
from crm.promises import add_promise
from crm.widgets.due_list import DueList

from .support import settle, until


async def test_v_in_the_russian_layout_marks_done_like_d(db, db_path, today):
    acme = add_client(ClientFields(name="Acme Ltd"), today=today - timedelta(days=10))
    add_promise(acme, "Send the fixed logo", due=today, on=today - timedelta(days=5))
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(app, pilot, lambda: app.screen.query_one(DueList).items, "the review")
        (item,) = app.screen.query_one(DueList).items
        await pilot.press("в")
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"выслал вчера", "enter")  # в and ы are text here, not keys
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        state = ItemState.get_by_id(item.id)
        assert (state.state, state.note) == ("done", "выслал вчера")


async def test_a_key_rebound_in_the_settings_works_in_both_layouts(db, db_path, today):
    acme = add_client(ClientFields(name="Acme Ltd"), today=today - timedelta(days=10))
    add_promise(acme, "Send the fixed logo", due=today, on=today - timedelta(days=5))
    set_value("keymap.review.done", "x")
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(app, pilot, lambda: app.screen.query_one(DueList).items, "the review")
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)  # d is free now
        await pilot.press("ч")  # where x is
        assert isinstance(app.screen, NoteDialog)


async def test_snooze_picks_a_week_with_the_russian_twin_of_w(db, db_path, today):
    from crm.app.screens.review_dialogs import SnoozeDialog

    acme = add_client(ClientFields(name="Acme Ltd"), today=today - timedelta(days=10))
    add_promise(acme, "Send the fixed logo", due=today, on=today - timedelta(days=5))
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(app, pilot, lambda: app.screen.query_one(DueList).items, "the review")
        (item,) = app.screen.query_one(DueList).items
        await pilot.press("ы")  # s
        assert isinstance(app.screen, SnoozeDialog)
        await pilot.press("ц")  # w: a week, not the letter typed into the date
        await settle(app, pilot)
        state = ItemState.get_by_id(item.id)
        assert (state.state, state.until) == ("snoozed", today + timedelta(days=7))
