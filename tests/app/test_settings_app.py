"""The app and the person's settings file: the theme is each person's (moved once from the shared
database), a broken file is said and the app opens all the same."""

from crm.app.app import THEME_SETTING, make_app
from crm.clients import ClientFields, add_client
from crm.config import load, set_value, settings_path
from crm.models import Setting

from .support import until


async def test_the_database_s_theme_moves_into_the_settings_once(db, db_path, today):
    Setting.create(key=THEME_SETTING, value="textual-light")
    app = make_app(db_path, today)
    assert app.theme == "textual-light" and load().theme == "textual-light"
    Setting.update(value="nord").where(Setting.key == THEME_SETTING).execute()  # someone else's choice
    assert make_app(db_path, today).theme == "textual-light"  # no longer read


async def test_toggling_the_theme_is_kept_in_the_person_s_settings(db, db_path, today):
    add_client(ClientFields(name="Acme Ltd"), today=today)  # no welcome dialog
    set_value("theme", "textual-dark")
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+t")
        await until(app, pilot, lambda: load().theme == "textual-light", "the theme kept in the settings")
    assert Setting.get_or_none(Setting.key == THEME_SETTING) is None  # the database is not touched


async def test_a_broken_settings_file_is_said_and_the_app_opens(db, db_path, today):
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text('theme = "nord"\nlanguage = \n')
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(app, pilot, lambda: app._notifications, "a notification")
        (note,) = [n for n in app._notifications if n.title == "Settings"]
        assert note.message.startswith(f"{path}:2: not TOML") and note.severity == "warning"
        assert app.theme == "textual-dark"  # the defaults
