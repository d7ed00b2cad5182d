"""A bad amount written by another tool: the Review, Client and Incident screens still open and
show it as unreadable (it used to stop the review with an error)."""

from datetime import timedelta
from decimal import Decimal

from crm.clients import ClientFields, add_client
from crm.incidents import compensate, open_incident
from tests.postgres import run_sql

from .rendered import painted
from .support import settle, start_app


async def test_screens_show_an_unreadable_amount_and_go_on(db, db_path, today):
    client = add_client(ClientFields(name="Nordlicht Hotels"), today=today - timedelta(days=30))
    incident = open_incident(client, "Late rooms", on=today - timedelta(days=20))
    bonus = compensate(incident, kind="bonus", amount=Decimal("300"), valid_until=today + timedelta(days=5),
                       on=today - timedelta(days=20))
    run_sql(db_path, "UPDATE compensation SET amount = '1E+999999999' WHERE id = ?", (bonus,))  # another tool

    app = start_app(db_path, today)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert "Nordlicht Hotels" in painted(app) and "unreadable amount" in painted(app)
        app.open_client(client)
        await settle(app, pilot)
        assert "Nordlicht Hotels" in painted(app)
        app.open_incident(incident)
        await settle(app, pilot)
        assert "unreadable amount '1E+999999999'" in painted(app)
