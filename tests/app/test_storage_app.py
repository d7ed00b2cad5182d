"""The app says what the CLI says when storage fails: a busy database and a full disk get the same
clear line as `crm` (crm.db.storage_problem), never "Unexpected error: OperationalError…", and
what the user typed stays in the form to try again."""

import sqlite3

import pytest
from textual.widgets import Static

from crm import db as crm_db
from crm.app.screens.form_engine import FormScreen
from crm.clients import ClientFields, add_client
from crm.db import open_database, storage_problem
from crm.models import Touch
from tests.hostile import LONG_TEXT
from tests.postgres import write_lock

from .support import fill, settle, shown, start_app, until


def _cli_words(sqlite_message: str) -> str:
    """What `crm` prints for this SQLite failure (after "crm: "), as the app shows it."""
    line = storage_problem(sqlite3.OperationalError(sqlite_message))
    return line[:1].upper() + line[1:]


async def _touch_form(app, pilot, client_id: int, note: str) -> FormScreen:
    await settle(app, pilot)
    app.open_client(client_id)
    await settle(app, pilot)
    await pilot.press("t")
    await settle(app, pilot)
    form = app.screen
    assert isinstance(form, FormScreen)
    await fill(pilot, form, note=note)
    return form


def _message(form: FormScreen) -> str:
    return shown(form.query_one("#form-message", Static))


async def test_a_busy_database_is_said_as_the_cli_says_it(db_path, today, monkeypatch):
    monkeypatch.setattr(crm_db, "BUSY_TIMEOUT_S", 1)  # the wait before giving up (10 s in use)
    open_database(db_path)
    acme = add_client(ClientFields(name="Acme"), today=today)
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _touch_form(app, pilot, acme, "Called about the invoice")
        with write_lock(db_path):  # another session holding the write lock
            await pilot.press("enter")
            expected = _cli_words("database is locked")
            await until(app, pilot, lambda: _message(form) == expected, "the busy message")
            assert "stayed busy for 1 s" in expected and "Unexpected" not in _message(form)
            assert app.screen is form and form.values()["note"] == "Called about the invoice"  # kept

        await pilot.press("enter")  # the other session is done: the same form saves
        await until(app, pilot, lambda: app.screen is not form, "the form to save and close")
        assert Touch.get(Touch.client == acme).note == "Called about the invoice"


@pytest.mark.sqlite_only  # the full disk is made with SQLite's max_page_count
async def test_a_full_disk_is_said_as_the_cli_says_it(db_path, today, monkeypatch):
    db = open_database(db_path)
    acme = add_client(ClientFields(name="Acme"), today=today)
    (pages,) = db.execute_sql("PRAGMA page_count").fetchone()
    db.close()
    monkeypatch.setitem(crm_db.PRAGMAS, "max_page_count", pages)  # the file may not grow: a full disk
    open_database(db_path)
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        form = await _touch_form(app, pilot, acme, LONG_TEXT)
        await pilot.press("enter")
        expected = _cli_words("database or disk is full")
        await until(app, pilot, lambda: _message(form) == expected, "the disk-full message")
        assert expected.startswith("The disk is full") and "nothing was written" in expected
        assert app.screen is form and form.values()["note"] == LONG_TEXT
    assert not Touch.select().exists()


async def test_outside_a_form_the_same_words_are_a_notification(db_path, today, monkeypatch):
    monkeypatch.setattr(crm_db, "BUSY_TIMEOUT_S", 1)
    open_database(db_path)
    add_client(ClientFields(name="Acme"), today=today)
    app = start_app(db_path, today)
    notices: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.notify = lambda message, **_: notices.append(message)  # type: ignore[method-assign]
        with write_lock(db_path):
            await pilot.press("u")  # undo "Added the client Acme"
            await until(app, pilot, lambda: notices, "the notification")
    assert notices == [_cli_words("database is locked")]
