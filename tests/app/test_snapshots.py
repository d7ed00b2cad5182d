"""How the shell's screens look at 80×24, with today and the data frozen.

Update after an intended change with `pytest tests/app/test_snapshots.py --snapshot-update`, and
look at the SVGs before committing them.
"""

from datetime import timedelta

import pytest


from crm.app.app import make_app
from crm.clients import ClientFields, add_client
from crm.promises import add_promise


async def _settled(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def week(db, today):
    """A small, fixed week: overdue and due promises, Thanksgiving for two US clients, a hostile name."""
    def client(name: str, **fields) -> int:
        return add_client(ClientFields(name=name, **fields), today=today - timedelta(days=10))

    acme = client("Acme Ltd")
    add_promise(acme, "Send the fixed logo", due=today - timedelta(days=2), on=today - timedelta(days=5))
    add_promise(client("Bright Studio"), "Call about the brochure", due=today, on=today - timedelta(days=3))
    client("Calm Co", country="US")
    client("Delta Inc", country="US")
    hostile = client("[bold]Acme[/] \x1b[2J")
    add_promise(hostile, "Answer [/] literally", due=today + timedelta(days=2), on=today)


def test_review_with_a_week_of_work(week, db_path, today, snap_compare):
    assert snap_compare(make_app(db_path, today), terminal_size=(80, 24), run_before=_settled)


def test_review_light_theme(week, db_path, today, snap_compare):
    assert snap_compare(make_app(db_path, today), press=["ctrl+t"], terminal_size=(80, 24), run_before=_settled)


def test_help(week, db_path, today, snap_compare):
    async def open_help(pilot) -> None:
        await _settled(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(db_path, today), terminal_size=(80, 24), run_before=open_help)


def test_welcome_on_an_empty_database(db, db_path, today, snap_compare):
    assert snap_compare(make_app(db_path, today), terminal_size=(80, 24), run_before=_settled)
