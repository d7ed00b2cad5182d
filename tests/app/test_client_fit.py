"""What the owner sees at 80×24 on the Client and Keep in touch screens: the promise record as one
story, no "Loading…" flash when a client opens, and every cut column ending in "…"."""

import threading
from datetime import date, timedelta

import pytest

from crm.app.screens import client as client_screen
from crm.app.screens.client import ClientScreen
from crm.app.screens.keep_in_touch import KeepInTouchScreen
from crm.clients import ClientFields, add_client, change_status, log_touch
from crm.promises import add_promise, keep_promise
from crm.widgets.client_card import ClientCard

from .rendered import painted_lines
from .support import settle, shown, start_app, until

LONG_NOTE = ("Talked through the whole spring campaign with the marketing team, the budget, "
             "the print run and the launch party at the trade fair")


@pytest.fixture
def acme(db, today) -> int:
    client_id = add_client(ClientFields(name="Acme Ltd", country="RO", language="ro"), today=today - timedelta(days=60))
    for n, due in enumerate((5, 9)):
        promise = add_promise(client_id, f"Promise {n}", due=today - timedelta(days=due), on=today - timedelta(days=20))
        keep_promise(promise, on=today - timedelta(days=due))
    log_touch(client_id, kind="meeting", on=today - timedelta(days=3), note=LONG_NOTE)
    return client_id


async def test_the_promise_record_reads_as_one_story(acme, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_client(acme)
        await settle(app, pilot)
        screen = app.screen
        assert "Promises: none open · 2 of 2 kept on time" in shown(screen.query_one(ClientCard))
        assert str(screen.query_one("#tabs").get_tab("promises").label) == "Open promises (0)"


async def test_a_client_opens_without_a_loading_flash(acme, db_path, today, monkeypatch):
    release = threading.Event()
    real = client_screen.client_profile

    def slow_profile(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(client_screen, "client_profile", slow_profile)
    monkeypatch.setattr(client_screen, "REVEAL_AFTER", 60)  # a loaded machine never reaches it here
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        before = painted_lines(app)
        app.open_client(acme)
        await until(app, pilot, lambda: isinstance(app.screen, ClientScreen), "the client screen", workers=False)
        await pilot.pause()
        assert app.screen.loading_first
        during = painted_lines(app)
        assert not any("Loading" in line for line in during)
        assert during[1:-1] == before[1:-1]  # the review stays in view (header clock and footer aside)
        release.set()
        await settle(app, pilot)
        after = "\n".join(painted_lines(app))
        assert "Acme Ltd" in after and "Promises: none open" in after and "Loading" not in after


async def test_a_slow_load_says_it_is_loading(acme, db_path, today, monkeypatch):
    release = threading.Event()
    real = client_screen.client_profile
    monkeypatch.setattr(client_screen, "client_profile", lambda *a, **k: (release.wait(10), real(*a, **k))[1])
    monkeypatch.setattr(client_screen, "REVEAL_AFTER", 0.05)
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_client(acme)
        await until(app, pilot, lambda: any("Loading…" in line for line in painted_lines(app)), "Loading…",
                    workers=False)
        release.set()
        await settle(app, pilot)
        assert "Acme Ltd" in "\n".join(painted_lines(app))


async def test_a_long_timeline_entry_wraps_under_its_own_text(acme, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_client(acme)
        await settle(app, pilot)
        lines = painted_lines(app)
        first = next(i for i, line in enumerate(lines) if "Talked through the whole" in line)
        column = lines[first].index("Talked")
        rest = lines[first + 1]
        assert rest[:column].strip() == "" and rest[column] != " "  # under the text, not the date
        assert all(len(line.rstrip()) <= 80 for line in lines)


async def test_keep_in_touch_cuts_long_values_with_an_ellipsis(db, db_path, today):
    gone = add_client(ClientFields(name="Hollis & Reed Architects and Partners", country="RO"),
                      today=date(2025, 1, 1))
    change_status(gone, "depart", on=today - timedelta(days=40))
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(KeepInTouchScreen())
        await settle(app, pilot)
        (row,) = [line for line in painted_lines(app) if "Hollis" in line]
        assert "Hollis & Reed Arc…" in row
        assert row.rstrip().endswith("…")  # Saint Andrew's Day, cut at the screen's edge
        assert len(row) <= 80
