"""The app on an archived copy (a read-only file in a read-only directory), as a user who may only
read it: it opens, says "read-only" in its title and a note, makes no daily backup, and a write is
refused with the CLI's words while the form keeps what was typed."""

import asyncio
import shutil

from textual.widgets import Static

from crm.app.app import make_app
from crm.app.screens.form_engine import FormScreen
from crm.clients import ClientFields, add_client
from crm.db import open_database
from tests.users import NOBODY, needs_root, reachable_dir, run_as

from .support import fill, settle, shown, until

pytestmark = needs_root


def _session(path, today) -> dict[str, object]:
    """Open the app the way `crm` does, look at the client, try to log a touch."""

    async def scenario() -> dict[str, object]:
        open_database(path, reading=True)
        app = make_app(path, today)
        notices: list[str] = []
        app.notify = lambda message, **_: notices.append(message)  # type: ignore[method-assign]
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            app.open_client(1)
            await settle(app, pilot)
            card = app.screen.sub_title
            await pilot.press("t")
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, FormScreen), notices
            await fill(pilot, form, note="a call I cannot log")
            message = form.query_one("#form-message", Static)
            await pilot.press("enter")
            await until(app, pilot, lambda: app.screen is not form or "nothing was written" in shown(message),
                        "the touch saved or refused")
            refused = app.screen is form
            return {"title": app.title, "notices": notices, "client": card,
                    "refusal": shown(message) if refused else None, "kept": form.values()["note"] if refused else None}

    return asyncio.run(scenario())


def test_the_app_browses_an_archive_read_only(today, tmp_path):
    with reachable_dir("rapport-archive-app-") as base:
        path = base / "crm.db"
        db = open_database(path)
        add_client(ClientFields(name="Anna Berg"), today=today)
        db.close()
        path.chmod(0o444)
        base.chmod(0o555)
        before = path.read_bytes()
        # The same session first as root on a copy it may write: every module it needs is loaded
        # before the child drops root (where Python lives in root's home, as with pyenv, the child
        # could not read it).
        shutil.copyfile(path, tmp_path / "copy.db")
        assert _session(tmp_path / "copy.db", today)["title"] == "Rapport"

        seen = run_as(NOBODY, NOBODY, lambda: _session(path, today))

        assert seen["title"] == "Rapport (read-only)"
        assert seen["notices"] == ["This database is read-only for you: you can look around, but nothing can be "
                                   "changed."]  # and no "Today's backup was not made"
        assert seen["client"] == "Anna Berg"
        assert seen["refusal"] == "The database is read-only for you; nothing was written"
        assert seen["kept"] == "a call I cannot log"
        assert path.read_bytes() == before
        assert sorted(p.name for p in base.iterdir()) == ["crm.db"]
