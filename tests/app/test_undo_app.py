"""`u` in the app: undo this user's last change, say what was undone, go further back when pressed
again, and refuse someone else's later work with their name."""

from datetime import timedelta

import pytest

from crm.app.screens.review import ReviewScreen
from crm.clients import ClientFields, add_client, log_touch
from crm.models import ItemState, Touch
from crm.promises import add_promise
from crm.widgets.due_list import DueList

from .support import settle, start_app, until


@pytest.fixture
def acme(db, today) -> int:
    client_id = add_client(ClientFields(name="Acme Ltd"), today=today - timedelta(days=10))
    add_promise(client_id, "Send the fixed logo", due=today, on=today - timedelta(days=1))
    add_promise(client_id, "Call back", due=today + timedelta(days=1), on=today - timedelta(days=1))
    return client_id


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_u_undoes_a_done_item_and_then_the_one_before(acme, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        listed = lambda: [item.title for item in app.screen.query_one(DueList).items]  # noqa: E731
        assert listed() == ["Send the fixed logo", "Call back"]
        await pilot.press("d", "enter")  # done, no note
        await until(app, pilot, lambda: listed() == ["Call back"], "the done item to leave")
        await until(app, pilot, lambda: ItemState.select().count() == 1, "the write")

        await pilot.press("u")
        await until(app, pilot, lambda: listed() == ["Send the fixed logo", "Call back"], "the item to come back")
        assert ItemState.select().count() == 0
        assert "Undone: Marked done: Send the fixed logo" in notes(app)

        await pilot.press("u")  # further back: the second promise, made before the app opened
        await until(app, pilot, lambda: listed() == ["Send the fixed logo"], "the promise to go")
        assert "Undone: Promised Acme Ltd: Call back" in notes(app)


async def test_u_refuses_to_undo_over_someone_elses_change(acme, db_path, today):
    log_touch(acme, kind="call", on=today, note="My call")  # tester's own newest change
    # bob corrects the note with another tool: no journal entry, but the row says who
    Touch.update(note="Bob corrected the note", updated_by="bob").execute()

    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("u")
        await until(app, pilot, lambda: any("Cannot undo" in n for n in notes(app)), "the refusal")
        assert any("bob has changed it since" in n for n in notes(app))
        assert Touch.select().count() == 1  # nothing undone
