"""Several people on one database: others' writes show up, and two editors never overwrite each other.

(Reloading the other side's version into a stale form is tested in test_clients_screen.py.)
"""

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from textual.widgets import Input

from crm.app.screens.client import ClientScreen
from crm.app.screens.forms import EditClientForm
from crm.clients import ClientFields, add_client
from crm.models import Client
from crm.widgets.client_card import ClientCard
from crm.widgets.timeline import Timeline

from .rendered import painted
from .support import settle, start_app, until, watching


def crm(db_path, *args: str) -> None:
    """The command line in its own process: another session, with its own connection."""
    command = Path(sys.executable).parent / "crm"  # the installed console script
    subprocess.run([str(command), "--db", str(db_path), *args], check=True, capture_output=True)


async def test_a_touch_logged_elsewhere_shows_on_the_open_client(db, db_path, today):
    client_id = add_client(ClientFields(name="Acme Ltd"), today=today - timedelta(days=40))
    app = start_app(db_path, today)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.open_client(client_id)
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ClientScreen)
        assert [e.kind for e in screen.query_one(Timeline).entries] == ["status"]  # "Added as active"
        await watching(app, pilot)
        crm(db_path, "touch", "Acme", "--kind", "call", "--note", "Called from the office")
        app.poll_changes()  # what the app's watch does every POLL_SECONDS
        await until(app, pilot, lambda: screen.query_one(Timeline).entries[0].kind == "call", "the touch to show")
        assert app.screen is screen
        newest = screen.query_one(Timeline).entries[0]
        assert (newest.kind, newest.text) == ("call", "Called from the office")
        assert "Called from the office" in painted(app)
        assert "1 touch" in painted(app)


async def test_two_sessions_see_each_others_changes_within_3_s(db, db_path, today):
    """Issue 14: two app sessions on one database, nobody asking for a poll: a write in one (its
    connection) and one from another process each reach both within 3 s. On an SQLite file the
    watch reads data_version every 2 s; on PostgreSQL it is told by NOTIFY."""
    anna, bob = start_app(db_path, today), start_app(db_path, today)
    async with anna.run_test(size=(100, 30)) as anna_keys, bob.run_test(size=(100, 30)) as bob_keys:
        for app, keys in ((anna, anna_keys), (bob, bob_keys)):
            await settle(app, keys)
            await watching(app, keys)
        for write in (lambda: add_client(ClientFields(name="Written by Anna"), today=today),
                      lambda: crm(db_path, "client", "add", "Written elsewhere")):
            seen = {app: app.data_generation for app in (anna, bob)}
            write()
            started = time.monotonic()
            for app, keys in ((anna, anna_keys), (bob, bob_keys)):
                await until(app, keys, lambda app=app, seen=seen: app.data_generation > seen[app],
                            "the write to be noticed", timeout=3.0 - (time.monotonic() - started))
            assert time.monotonic() - started < 3.0


async def test_two_sessions_editing_one_client(db, db_path, today, monkeypatch):
    """The second save is refused as stale, says who changed it, and keeps what was typed."""
    client_id = add_client(ClientFields(name="Acme Ltd", email="anna@acme.de"), today=today)
    anna, bob = start_app(db_path, today), start_app(db_path, today)
    async with anna.run_test(size=(100, 30)) as anna_keys, bob.run_test(size=(100, 30)) as bob_keys:
        for app, keys in ((anna, anna_keys), (bob, bob_keys)):
            await settle(app, keys)
            # From the app's own task: a screen's `self.app` is the app whose task made it, and this
            # test's task last entered bob's. Called directly, anna's screen would watch bob's app.
            app.call_later(app.open_client, client_id)
            await settle(app, keys)
            await keys.press("e")
            await settle(app, keys)
            assert isinstance(app.screen, EditClientForm)
        await anna_keys.press("tab", "tab", "tab", *"+49 30 1234")  # name, company, e-mail, phone
        await bob_keys.press("tab", "tab", "ctrl+u", *"boss@acme.de")
        bob_form = bob.screen
        monkeypatch.setenv("CRM_AUTHOR", "anna")
        await anna_keys.press("ctrl+s")
        await settle(anna, anna_keys)
        assert isinstance(anna.screen, ClientScreen)
        monkeypatch.setenv("CRM_AUTHOR", "bob")
        await bob_keys.press("ctrl+s")
        await settle(bob, bob_keys)
        assert bob.screen is bob_form
        assert "Acme Ltd was changed by anna meanwhile" in painted(bob)
        assert bob_form.query_one("#field-email", Input).value == "boss@acme.de"
        saved = Client.get_by_id(client_id)
        assert (saved.email, saved.phone, saved.updated_by) == ("anna@acme.de", "+49 30 1234", "anna")
        # Anna sees her own change on her screen.
        await settle(anna, anna_keys)
        assert "+49 30 1234" in str(anna.screen.query_one(ClientCard).render())
