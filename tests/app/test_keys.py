"""One key, one meaning: a screen never reuses a key the whole app gives (k is Keep in touch
everywhere), and help (?) lists what each key does where the user is."""

from datetime import timedelta

import pytest
from textual.binding import Binding

from crm.app.app import RapportApp
from crm.app.screens.client import ClientScreen
from crm.app.screens.form_engine import FormScreen
from crm.app.screens.help import SCREENS, HelpScreen, _screen_bindings
from crm.app.screens.keep_in_touch import KeepInTouchScreen
from crm.clients import ClientFields, add_client
from crm.models import Promise
from crm.promises import add_promise

from .support import settle, start_app

EVERYWHERE = {b.key: b for b in Binding.make_bindings(RapportApp.BINDINGS) if b.key not in ("escape",)}


def _full_screens() -> list[tuple[str, str, str]]:
    """Help's screens but the dialogs: a dialog's keys (w a week, c copy) answer its question."""
    from importlib import import_module

    from textual.screen import ModalScreen

    found = []
    for title, module, name, _ in SCREENS:
        screen = getattr(import_module(module), name, None)
        if screen is not None and not issubclass(screen, ModalScreen):
            found.append((title, module, name))
    return found


@pytest.mark.parametrize(("title", "module", "name"), _full_screens())
def test_no_screen_gives_an_app_wide_key_another_meaning(title, module, name):
    for binding in _screen_bindings(module, name) or []:
        app_wide = EVERYWHERE.get(binding.key)
        if app_wide is None or not binding.description:
            continue  # the screen's own key, or one that only guards the app's (no description)
        same = binding.action == f"app.{app_wide.action}" or binding.description == app_wide.description
        assert same, f"{title}: {binding.key} means {binding.description!r}, everywhere else {app_wide.description!r}"


@pytest.fixture
def acme(db, today) -> int:
    client_id = add_client(ClientFields(name="Acme Ltd"), today=today - timedelta(days=30))
    add_promise(client_id, "Send the draft", due=today + timedelta(days=2), on=today)
    return client_id


def _section(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(title) + 1
    return lines[start : lines.index("", start)]


async def test_on_the_client_screen_k_is_keep_in_touch_and_d_keeps_a_promise(acme, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_client(acme)
        await settle(app, pilot)
        assert isinstance(app.screen, ClientScreen)
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-keys").render())
        everywhere, client = _section(text, "Everywhere"), _section(text, "Client")
        assert any(line.split()[:1] == ["k"] and "Keep in touch" in line for line in everywhere)
        assert not [line for line in client if line.split()[:1] == ["k"]]
        assert any(line.split()[:1] == ["d"] and "promise kept" in line for line in client)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("d")  # the only open promise: the "kept on" form
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        assert Promise.get().status == "kept"
        assert isinstance(app.screen, ClientScreen)
        await pilot.press("k")
        await settle(app, pilot)
        assert isinstance(app.screen, KeepInTouchScreen)
