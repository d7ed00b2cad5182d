"""The Clients table's "Next due" column: each client's earliest due item, asked for as its row is
built (a screenful at a time, never the whole book's review), and asked again when data changes."""

from datetime import date, timedelta

from textual.widgets import DataTable

from crm.app.screens.clients import ClientsScreen
from crm.clients import ClientFields, add_client
from crm.models import database
from crm.promises import add_promise, keep_promise
from crm.widgets.paged_table import PAGE

from .support import settle, start_app, until, watching


def due_column(app) -> dict[str, str]:
    table = app.screen.query_one(DataTable)
    return {row[0].plain: row[-1].plain for row in (table.get_row_at(i) for i in range(table.row_count))}


async def open_clients(app, pilot) -> None:
    await settle(app, pilot)
    app.show_clients()
    await settle(app, pilot)
    assert isinstance(app.screen, ClientsScreen)


async def test_next_due_is_each_clients_earliest_item_and_follows_changes(db, db_path, today):
    acme = add_client(ClientFields("Acme Ltd"), today=today)
    add_client(ClientFields("Bright Studio"), today=today)
    add_promise(acme, "Send the report", due=today + timedelta(days=9), on=today)
    add_promise(acme, "Call back", due=today - timedelta(days=2), on=today - timedelta(days=5))
    app = start_app(db_path, today)
    async with app.run_test(size=(100, 24)) as pilot:
        await open_clients(app, pilot)
        shown = due_column(app)
        assert shown["Acme Ltd"] == "!21 Nov Promise"  # the overdue one first
        assert shown["Bright Studio"] == " 1 Jan Greeting"  # New Year's Day: no country set
        await watching(app, pilot)
        first = database.execute_sql("SELECT id FROM promise WHERE text = 'Call back'").fetchone()[0]
        keep_promise(first, on=today)  # another session keeps it: the next one shows
        app.poll_changes()
        await until(app, pilot, lambda: due_column(app)["Acme Ltd"] == " 2 Dec Promise", "the next promise")


async def test_next_due_is_asked_for_the_rows_built_only(db, db_path, today: date):
    count = 2 * PAGE + 30
    with database.atomic():
        for n in range(count):
            client = add_client(ClientFields(f"Client {n:04d}"), today=today)
            add_promise(client, f"Promise {n}", due=today + timedelta(days=1 + n % 30), on=today)
    app = start_app(db_path, today)
    async with app.run_test(size=(100, 24)) as pilot:
        await open_clients(app, pilot)
        screen = app.screen
        built = screen.query_one(DataTable).row_count
        assert built < count and len(screen._due) == built  # asked for the rows built, not the book
        assert due_column(app)["Client 0000"] == " 24 Nov Promise"  # before New Year's Day
        await pilot.press("down", "end")  # every row built: each asks and fills in
        await settle(app, pilot)
        shown = due_column(app)
        assert len(shown) == count and len(screen._due) == count
        last = today + timedelta(days=1 + (count - 1) % 30)
        assert shown[f"Client {count - 1:04d}"] == f" {last.day} {last:%b} Promise"
        assert "…" not in shown.values()
