"""Dialogs that start where the typing is: the note first, the day (today) a key away."""

from datetime import timedelta

from textual.widgets import Input

from crm.app.screens.form_engine import FormScreen
from crm.app.screens.incident import IncidentScreen
from crm.clients import ClientFields, add_client
from crm.incidents import open_incident
from crm.models import Incident

from .support import settle, start_app


async def test_resolve_starts_in_the_note_with_the_day_one_key_away(db, db_path, today):
    client_id = add_client(ClientFields(name="Acme Ltd"), today=today - timedelta(days=100))
    incident_id = open_incident(client_id, "Logo in the wrong blue", on=today - timedelta(days=4))
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_incident(incident_id)
        await settle(app, pilot)
        assert isinstance(app.screen, IncidentScreen)
        await pilot.press("x")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert app.focused is form.query_one("#field-note", Input)
        await pilot.press(*"Fixed and approved", "tab")
        day = form.query_one("#field-on", Input)
        assert app.focused is day and day.value == "today"
        await pilot.press("enter")
        await settle(app, pilot)
    resolved = Incident.get_by_id(incident_id)
    assert (resolved.resolved_on, resolved.outcome) == (today, "retained")
