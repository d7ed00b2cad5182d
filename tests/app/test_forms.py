"""The forms: the CLI's checks and messages as you type, escape cancels, failures keep the values."""

from datetime import timedelta

import pytest
from textual.widgets import Input

from crm.app.screens.form_engine import CoreCheck, FormScreen, date_field
from crm.app.screens.forms import touch_form
from crm.clients import ClientFields, add_client
from crm.errors import UserError
from crm.models import Touch
from crm.validate import email

from .support import settle, shown, start_app


@pytest.mark.parametrize(
    ("value", "message"),
    [("a@b.co", None), ("", None), ("nope", "not an e-mail address: 'nope'")],
)
def test_core_check_gives_the_cli_message(value, message):
    result = CoreCheck(email).validate(value)
    assert result.is_valid == (message is None)
    if message:
        assert result.failure_descriptions == [message]
        with pytest.raises(UserError, match=message):
            email(value)


@pytest.mark.parametrize(
    ("typed", "preview", "problem"),
    [
        ("today", "Mon 23 Nov 2026", None),
        ("+3d", "Thu 26 Nov 2026", None),
        ("25.12.2026", "Fri 25 Dec 2026", None),
        ("friday", "Fri 27 Nov 2026", None),
        ("31.02.2026", None, "no such date: '31.02.2026'"),
        ("soon", None, "not a date: 'soon'"),
    ],
)
def test_date_field_accepts_what_the_cli_accepts(today, typed, preview, problem):
    f = date_field("on", "On", today)
    if problem:
        with pytest.raises(UserError, match=problem):
            f.check(typed)
    else:
        assert f.preview(typed) == preview


@pytest.fixture
def client_id(db, today) -> int:
    return add_client(ClientFields(name="Acme Ltd"), today=today - timedelta(days=3))


async def test_escape_cancels_and_saves_nothing(client_id, db_path, today):
    results = []
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(touch_form(client_id, "Acme Ltd", today), results.append)
        await settle(app, pilot)
        await pilot.press("tab", *"a note")
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen)
        assert results == [None]
        assert not Touch.select().exists()


async def test_a_failing_save_keeps_the_form_and_its_values(client_id, db_path, today):
    """A UserError raised by the service (not caught as you type) is shown; nothing typed is lost."""

    def save(values):
        raise UserError("the database said no")

    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        form = FormScreen("Try", [date_field("on", "On", today)], save)
        app.push_screen(form)
        await settle(app, pilot)
        field = form.query_one("#field-on", Input)
        field.value = "+2w"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is form
        assert shown(form.query_one("#form-message")) == "the database said no"
        assert field.value == "+2w"


async def test_hostile_text_in_a_form_saves_exactly(client_id, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(touch_form(client_id, "[bold]Acme[/]", today))
        await settle(app, pilot)
        assert "with [bold]Acme[/]" in shown(app.screen.query_one(".about"))
        app.screen.query_one("#field-note", Input).value = "[/] literally"
        await pilot.press("enter")
        await settle(app, pilot)
        assert Touch.get().note == "[/] literally"
