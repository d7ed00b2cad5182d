"""Daily backups from the app: made once a day at start, off the UI thread, configurable, never fatal.

On a PostgreSQL server (CRM_TEST_DATABASE_URL) the daily copies are pg_dump's plain SQL, kept in
the user's data folder (crm.backup.backup_dir)."""

import stat
from datetime import timedelta

from textual.widgets import Input

from crm.app.screens.form_engine import FormScreen
from crm.backup import DAILY_NAME, SERVER_DAILY_NAMES, backup_dir, daily_backups, private_dir
from crm.clients import ClientFields, add_client
from crm.location import on_server
from crm.models import Setting

from .rendered import painted
from .support import palette_offers, settle, start_app


def daily_files(db_path):
    return [p.name for p in daily_backups(backup_dir(db_path))]


def daily_name(db_path, day) -> str:
    return (SERVER_DAILY_NAMES[0] if on_server(db_path) else DAILY_NAME).format(day=day.isoformat())


def beside_backups(db_path, name: str):
    """Where the relative `backup.dir` setting `name` points (its parent made)."""
    place = backup_dir(db_path, name)
    private_dir(place.parent)
    return place


async def run_once(db_path, today) -> None:
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        assert app.is_running


async def test_starting_the_app_makes_todays_backup_once(db, db_path, today):
    add_client(ClientFields(name="Acme Ltd"), today=today)
    await run_once(db_path, today)
    backup = backup_dir(db_path) / daily_name(db_path, today)
    assert daily_files(db_path) == [backup.name]
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    first = backup.stat()
    await run_once(db_path, today)  # a second start the same day
    assert daily_files(db_path) == [backup.name]
    assert (backup.stat().st_ino, backup.stat().st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    await run_once(db_path, today + timedelta(days=1))
    assert len(daily_files(db_path)) == 2


async def test_keep_zero_turns_daily_backups_off(db, db_path, today):
    Setting.create(key="backup.keep", value="0")
    await run_once(db_path, today)
    assert not backup_dir(db_path).exists()


async def test_a_failing_backup_is_said_and_the_app_goes_on(db, db_path, today):
    beside_backups(db_path, "not-a-dir").write_text("a file where the backups should go")
    Setting.create(key="backup.dir", value="not-a-dir")
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        assert app.is_running
        assert "Today's backup was not made" in painted(app)


async def test_palette_sets_how_many_to_keep(db, db_path, today):
    add_client(ClientFields(name="Acme Ltd"), today=today)
    old = backup_dir(db_path)
    private_dir(old)
    for days in (3, 2, 1):
        (old / daily_name(db_path, today - timedelta(days=days))).write_bytes(b"")
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        assert len(daily_files(db_path)) == 4  # three old ones and today's
        await pilot.press("ctrl+p", *"backups")
        await settle(app, pilot)
        await palette_offers(app, pilot, "Backups", highlighted=True)
        await pilot.press("enter")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        keep = form.query_one("#field-keep", Input)
        assert keep.value == "7"
        keep.value = "many"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is form and "must be a whole number" in painted(app)
        beside_backups(db_path, "a-file").write_text("not a directory")
        keep.value = "2"
        form.query_one("#field-directory", Input).value = "a-file"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is form and "is not a directory" in painted(app)
        assert not Setting.select().where(Setting.key.startswith("backup.")).exists()  # nothing half-saved
        form.query_one("#field-directory", Input).value = ""
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is not form
        assert Setting.get(Setting.key == "backup.keep").value == "2"
        days = (today - timedelta(days=1), today)
        assert daily_files(db_path) == [daily_name(db_path, d) for d in days]
        assert "Keeping the newest 2" in painted(app)
