"""The Incident screen: its timeline, adding events, compensation, resolving, the wizard key."""

from datetime import timedelta
from decimal import Decimal

import pytest
from textual.widgets import Input

from crm.app.screens.incident import IncidentScreen
from crm.clients import ClientFields, add_client
from crm.incidents import log_event, open_incident
from crm.models import Client, Compensation, Incident, IncidentEvent, Promise
from crm.review import review

from .support import fill, settle, shown, start_app, timeline_lines


@pytest.fixture
def incident(db, today) -> int:
    client_id = add_client(ClientFields(name="Acme Ltd"), today=today - timedelta(days=100))
    incident_id = open_incident(client_id, "Logo in the wrong blue", severity="high", on=today - timedelta(days=4),
                                words="This is unacceptable!")
    log_event(incident_id, "Apologised by phone", kind="apology", on=today - timedelta(days=3))
    return incident_id


async def open_screen(app, pilot, incident_id: int) -> IncidentScreen:
    await settle(app, pilot)
    app.open_incident(incident_id)
    await settle(app, pilot)
    assert isinstance(app.screen, IncidentScreen)
    return app.screen


async def test_shows_the_story_oldest_first(incident, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, incident)
        card = shown(screen.query_one("#incident-card"))
        assert "#1 Logo in the wrong blue — Acme Ltd" in card
        assert "open · high severity · opened 19 Nov 2026 · open 4 days" in card
        shown_lines = timeline_lines(screen)
        assert "complaint" in shown_lines[0] and "This is unacceptable!" in shown_lines[0]
        assert "apology" in shown_lines[1]


async def test_add_event(incident, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, incident)
        await pilot.press("a")
        await settle(app, pilot)
        await fill(pilot, app.screen, kind="fix_delivered", text="Reprinted 500 [/] flyers")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        event = IncidentEvent.get(IncidentEvent.kind == "fix_delivered")
        assert (event.text, event.on, event.incident_id) == ("Reprinted 500 [/] flyers", today, incident)
        last = timeline_lines(screen)[-1]
        assert "fix delivered" in last and "Reprinted 500 [/] flyers" in last


async def test_compensation_shows_the_amount_formatted(incident, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, incident)
        await pilot.press("m")
        await settle(app, pilot)
        form = app.screen
        await fill(pilot, form, kind="bonus", amount="2000")
        assert shown(form.query_one("#note-amount")) == "= 2,000.00 EUR"
        await pilot.press("enter")
        await settle(app, pilot)
        comp = Compensation.get(Compensation.incident == incident)
        assert (comp.kind, comp.amount, comp.currency) == ("bonus", Decimal("2000.00"), "EUR")
        assert comp.valid_until == today + timedelta(days=92)  # three months (docs/method.md §6)
        assert "Compensation: Bonus on the next order 2,000.00 EUR, valid until 23 Feb 2027 (offered)" in shown(
            screen.query_one("#incident-card"))


async def test_bad_amount_is_refused_inline(incident, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, incident)
        await pilot.press("m")
        await settle(app, pilot)
        form = app.screen
        await fill(pilot, form, amount="lots")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is form
        assert shown(form.query_one("#note-amount")) == "not an amount: 'lots'"
        assert form.query_one("#field-amount", Input).value == "lots"
        assert not Compensation.select().exists()


async def test_promise_tied_to_the_incident(incident, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, incident)
        await pilot.press("p")
        await settle(app, pilot)
        await fill(pilot, app.screen, text="Send the corrected files", due="friday")
        await pilot.press("enter")
        await settle(app, pilot)
        promise = Promise.get(Promise.text == "Send the corrected files")
        assert (promise.incident_id, promise.due) == (incident, today + timedelta(days=4))
        assert "Promised by 27 Nov 2026: Send the corrected files" in shown(screen.query_one("#incident-card"))


async def test_resolve_schedules_the_checkin(incident, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, incident)
        await pilot.press("x")
        await settle(app, pilot)
        await fill(pilot, app.screen, outcome="departed", note="They moved to another studio")
        await pilot.press("enter")
        await settle(app, pilot)
        resolved = Incident.get_by_id(incident)
        assert (resolved.resolved_on, resolved.outcome) == (today, "departed")
        assert Client.get_by_id(resolved.client_id).status == "departed"
        assert "resolved 23 Nov 2026: client departed" in shown(screen.query_one("#incident-card"))
        assert not screen.check_action("resolve", ())  # resolving twice is not offered
    items = review(today, 40)
    assert any(i.kind == "checkin" and i.client == "Acme Ltd" and i.due == today + timedelta(days=30) for i in items)


async def test_resolve_before_it_was_opened_keeps_the_form(incident, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, incident)
        await pilot.press("x")
        await settle(app, pilot)
        form = app.screen
        await fill(pilot, form, on="-".join(("2026", "01", "01")), note="typed text")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is form
        assert "it cannot be resolved before" in shown(form.query_one("#form-message"))
        assert form.query_one("#field-note", Input).value == "typed text"
        assert Incident.get_by_id(incident).resolved_on is None


async def test_wizard_key_opens_the_wizard_on_this_incident(incident, db_path, today, monkeypatch):
    opened = []
    app = start_app(db_path, today)
    monkeypatch.setattr(app, "open_wizard", lambda **kw: opened.append(kw))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, incident)
        await pilot.press("w")
        assert opened == [{"client_id": screen.incident.client_id, "incident_id": incident}]
