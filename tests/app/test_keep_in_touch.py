"""Keep in touch: departed clients by next action; parted ones apart as "do not contact"."""

from datetime import date, timedelta

import pytest

from crm.app.app import make_app
from crm.app.screens.keep_in_touch import KeepInTouchScreen
from crm.clients import ClientFields, add_client, change_status, log_touch
from crm.keep_in_touch import keep_in_touch_rows
from crm.review import client_due


def client(name: str, today: date, **fields) -> int:
    return add_client(ClientFields(name=name, **fields), today=today - timedelta(days=400))


@pytest.fixture
def departures(db, today):
    early = client("Early Leaver", today)
    change_status(early, "depart", on=date(2026, 6, 1), reason="budget")  # win-back 1 Dec 2026
    late = client("Late Leaver", today)
    change_status(late, "depart", on=date(2026, 10, 15))  # win-back 15 Apr 2027
    log_touch(late, kind="email", on=date(2026, 11, 2), note="farewell")
    ended = client("[bold]Ended[/] Ltd", today)
    change_status(ended, "part", on=date(2026, 9, 1), reason="abusive")
    client("Still Active", today)
    return {"early": early, "late": late, "ended": ended}


def cells(table) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(r)] for r in range(table.row_count)]


def test_rows_are_sorted_by_next_action(departures, today):
    departed, parted = keep_in_touch_rows(today)
    # Early: win-back 1 Dec; Late: a greeting on 1 Jan at the earliest (win-back only in April).
    assert [r.name for r in departed] == ["Early Leaver", "Late Leaver"]
    assert departed[0].next_action < departed[1].next_action
    early = next(r for r in departed if r.client_id == departures["early"])
    winbacks = [i.due for i in client_due(departures["early"], today, days=400) if i.kind == "winback"]
    assert early.next_winback == winbacks[0]
    assert early.since == date(2026, 6, 1)
    assert [r.name for r in parted] == ["[bold]Ended[/] Ltd"]
    assert "Still Active" not in [r.name for r in departed + parted]


async def test_screen_lists_departed_and_parted_and_opens_a_client(departures, db_path, today, monkeypatch):
    app = make_app(db_path, today)
    opened: list[int] = []
    monkeypatch.setattr(app, "open_client", opened.append)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("k")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, KeepInTouchScreen)
        departed = cells(screen.query_one("#departed"))
        assert [row[0] for row in departed] == ["Early Leaver", "Late Leaver"]
        assert departed[0][3] == " 1 Dec"  # the next win-back (the year only when far off; "!" when overdue)
        assert departed[1][1:3] == ["15 Oct", "2 Nov"]  # left, last touch (crm.l10n.format_day)
        parted = cells(screen.query_one("#parted"))
        assert [row[0] for row in parted] == ["[bold]Ended[/] Ltd"]
        assert "do not contact" in str(screen.query_one("#parted-title").render())
        await pilot.press("enter")
        assert opened == [departures["early"]]
