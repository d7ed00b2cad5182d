"""The app shell: navigation, help, palette, theme, welcome, and other sessions' changes."""

from datetime import timedelta

import pytest
from textual.command import CommandPalette

from crm.app.app import make_app
from crm.app.screens.help import HelpScreen
from crm.app.screens.keep_in_touch import KeepInTouchScreen
from crm.app.screens.review import ReviewScreen
from crm.app.screens.review_dialogs import NoteDialog
from crm.app.screens.welcome import WelcomeScreen
from crm.clients import ClientFields, add_client
from crm.config import load
from crm.models import Client
from crm.promises import add_promise
from crm.widgets.due_list import DueList

from .support import palette_offers, until, watching


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def acme(db, today) -> int:
    client_id = add_client(ClientFields(name="Acme Ltd"), today=today - timedelta(days=10))
    add_promise(client_id, "Send the fixed logo", due=today, on=today - timedelta(days=1))
    return client_id


async def test_opens_on_review_and_keys_navigate(acme, db_path, today):
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("k")
        await settle(app, pilot)
        assert isinstance(app.screen, KeepInTouchScreen)
        await pilot.press("k")  # already there: stays, doesn't stack a second copy
        assert len(app.screen_stack) == 2
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")  # nothing behind the home screen: still there
        assert isinstance(app.screen, ReviewScreen) and app.is_running


async def test_c_opens_clients_and_r_comes_home(acme, db_path, today):
    from crm.app.screens.clients import ClientsScreen

    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientsScreen)
        await pilot.press("escape", "k")
        await settle(app, pilot)
        assert isinstance(app.screen, KeepInTouchScreen)
        await pilot.press("r")
        assert isinstance(app.screen, ReviewScreen) and len(app.screen_stack) == 1


async def test_navigation_keys_type_into_dialogs_instead(acme, db_path, today):
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("d", "k", "c", "r")
        assert isinstance(app.screen, NoteDialog)
        assert app.screen.query_one("#note").value == "kcr"


async def test_help_lists_keys_by_screen(acme, db_path, today):
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-keys").render())
        for section in ("Everywhere", "Review", "Snooze dialog", "Keep in touch"):
            assert section in text
        for line in ("Mark done, with an optional note", "Look 7 or 30 days ahead", "Light or dark theme",
                     "^p", "Quit"):
            assert line in text
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_palette_jumps_to_a_client_by_fuzzy_name(acme, db_path, today, monkeypatch):
    add_client(ClientFields(name="[bold]Brackets[/] & Co"), today=today)
    app = make_app(db_path, today)
    opened: list[int] = []
    monkeypatch.setattr(app, "open_client", opened.append)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"acmltd")
        await palette_offers(app, pilot, "Acme Ltd", highlighted=True)
        await pilot.press("enter")
        await settle(app, pilot)
        assert opened == [acme]


async def test_palette_shows_hostile_names_literally(acme, db_path, today):
    add_client(ClientFields(name="[bold]Brackets[/] & Co"), today=today)
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", *"brackets")
        prompts = await palette_offers(app, pilot, "Brackets")
        assert any("Client: [bold]Brackets[/] & Co" in p for p in prompts)


async def test_palette_offers_every_action(acme, db_path, today):
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        actions = ("Go to: Review", "Go to: Clients", "Go to: Keep in touch", "Sort out the relationship…",
                   "Toggle dark/light theme")
        prompts = "\n".join(await palette_offers(app, pilot, *actions))
        for action in actions:
            assert action in prompts


async def test_theme_toggle_is_remembered_across_restarts(acme, db_path, today):
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.current_theme.dark
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        assert not app.current_theme.dark
    assert load().theme == "textual-light"  # the person's settings (crm.config), not the shared database
    again = make_app(db_path, today)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(again, pilot)
        assert again.theme == "textual-light"
        await pilot.press("ctrl+t")
        await settle(again, pilot)
    assert load().theme == "textual-dark"


async def test_welcome_on_an_empty_database_and_skip(db, db_path, today):
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("k")  # navigation waits until the welcome is answered
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert "nothing due" in str(app.screen.query_one("#review-empty").render())


async def test_no_welcome_when_there_are_clients(acme, db_path, today):
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert not any(isinstance(s, WelcomeScreen) for s in app.screen_stack)


async def test_welcome_loads_demo_data(db, db_path, today):
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert Client.select().count() == 40
        assert app.screen.query_one(DueList).items  # the demo's review shows up at once


async def test_wizard_key_is_answered(acme, db_path, today, monkeypatch):
    app = make_app(db_path, today)
    notices: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: notices.append(message))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("w")
        await pilot.pause()
        assert not isinstance(app.screen, ReviewScreen)


async def test_another_sessions_write_shows_up(acme, db_path, today):
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        before = len(app.screen.query_one(DueList).items)
        await watching(app, pilot)
        # Written on this thread's own connection: for the app's watcher it is another session.
        add_promise(acme, "Promise made elsewhere", due=today, on=today)
        app.poll_changes()  # what the watch does every 2 seconds
        await until(app, pilot, lambda: len(app.screen.query_one(DueList).items) == before + 1,
                    "the promise to show")
        items = app.screen.query_one(DueList).items
        assert len(items) == before + 1
        assert any("Promise made elsewhere" in i.title for i in items)


@pytest.mark.parametrize("where", ["job", "callback"])
async def test_a_failure_in_database_work_is_shown_not_swallowed(acme, db_path, today, monkeypatch, where):
    from crm.app.work import db_work

    app = make_app(db_path, today)
    notices: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: notices.append(message))

    def broken(_=None):
        raise KeyError("lost row")

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        if where == "job":
            db_work(app.screen, broken, lambda _: None)
        else:
            db_work(app.screen, lambda: 1, broken)
        await settle(app, pilot)
        assert notices == ["Unexpected error: KeyError: 'lost row'"]
        assert isinstance(app.screen, ReviewScreen)  # the app carries on
