"""Forgetting a client from the app: F on the Client screen (also in the palette) erases them
only once their name is typed exactly, then says what went and which backups still hold them."""

from crm.app.screens.client import ClientScreen
from crm.app.screens.clients import ClientsScreen
from crm.app.screens.form_engine import FormScreen
from crm.backup import DAILY_NAME, SERVER_DAILY_NAMES, backup_dir
from crm.clients import ClientFields, add_client, log_touch
from crm.location import on_server
from crm.models import Client, Touch

from .support import fill, palette_offers, settle, start_app, until


async def test_forget_asks_for_the_name_then_erases(db, db_path, today):
    anna = add_client(ClientFields(name="Anna [b]Berg", email="anna@berg.example"), today=today)
    log_touch(anna, kind="call", on=today, note="tulips")
    add_client(ClientFields(name="Bob"), today=today)
    app = start_app(db_path, today)
    notices: list[tuple[str, str]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.notify = lambda message, **kw: notices.append((message, kw.get("severity", "information")))
        await settle(app, pilot)  # today's backup is made at start: it holds her
        app.open_client(anna)
        await settle(app, pilot)
        await pilot.press("ctrl+p", *"forget")
        await palette_offers(app, pilot, "Forget this client", highlighted=True)
        await pilot.press("enter")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        await fill(pilot, form, name="Anna Berg")  # not quite: the name has "[b]" in it
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is form and Client.select().where(Client.id == anna).exists()
        await fill(pilot, form, name="Anna [b]Berg")
        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, ClientsScreen), "the Clients screen")
    assert not Client.select().where(Client.id == anna).exists()
    assert not Touch.select().exists()
    server = on_server(db_path)
    backup = backup_dir(db_path) / (SERVER_DAILY_NAMES[0] if server else DAILY_NAME).format(day=today)
    rewritten = (" The database's tables were rewritten and keep no trace of them; the server's write-ahead log, "
                 "replicas and own backups keep older copies until they are recycled.") if server else ""
    assert notices == [(f"Forgot Anna [b]Berg: erased their card, 1 touch, 1 status change and 2 history entries. "
                        f"This backup still holds them: {backup}{rewritten}", "information")]  # no "client not found"


async def test_the_dialog_cancelled_changes_nothing(db, db_path, today):
    anna = add_client(ClientFields(name="Anna"), today=today)
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_client(anna)
        await settle(app, pilot)
        await pilot.press("F")
        await settle(app, pilot)
        await fill(pilot, app.screen, name="Anna")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientScreen)
    assert Client.select().where(Client.id == anna).exists()
