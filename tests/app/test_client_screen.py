"""The Client screen: the card and its approach, the timeline, and every key that writes."""

from datetime import date, timedelta

import pytest
from textual.widgets import Input, Sparkline

from crm.app.screens.client import ClientScreen
from crm.app.screens.form_engine import FormScreen
from crm.app.screens.forms import PickScreen
from crm.app.screens.incident import IncidentScreen
from crm.clients import ClientFields, add_client, add_contact, log_touch
from crm.incidents import open_incident
from crm.models import Client, Contact, Incident, IncidentEvent, Promise, StatusChange, Touch, database
from crm.promises import add_promise
from crm.review import review
from crm.widgets.client_card import ClientCard
from crm.widgets.timeline import PAGE, Timeline

from .support import fill, palette_offers, settle, shown, start_app, timeline_lines


@pytest.fixture
def acme(db, today) -> int:
    client_id = add_client(
        ClientFields(name="Acme Ltd", company="Acme Holdings", temperament="fierce", tier="key", country="DE"),
        today=today - timedelta(days=300),
    )
    add_contact(client_id, "Anna Schmidt", role="CEO", decision_maker=True)
    add_contact(client_id, "Bob Meier", role="PM")
    log_touch(client_id, kind="meeting", on=today - timedelta(days=40), note="Kick-off for the new brochure")
    log_touch(client_id, kind="call", on=today - timedelta(days=10), note="Asked about the invoice")
    return client_id


async def open_screen(app, pilot, client_id: int) -> ClientScreen:
    await settle(app, pilot)
    app.open_client(client_id)
    await settle(app, pilot)
    assert isinstance(app.screen, ClientScreen)
    return app.screen


async def test_card_shows_approach_contacts_health_and_record(acme, db_path, today):
    add_promise(acme, "Send the draft", due=today - timedelta(days=1), on=today - timedelta(days=5))
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, acme)
        card = shown(screen.query_one(ClientCard))
        assert "Acme Ltd — Acme Holdings" in card
        assert "key account" in card
        assert "fierce: Be firm, patient and polite" in card  # docs/method.md §3
        assert "★ Anna Schmidt (CEO)" in card and "Bob Meier (PM)" in card
        assert "● amber — 1 overdue promise" in card
        assert "Promises: 1 open · none closed yet" in card
        assert screen.query_one(Sparkline).data[-2:] == [1, 1]  # October and November
        lines = timeline_lines(screen)
        assert "call" in lines[1] and "Asked about the invoice" in lines[1]
        assert any("Kick-off for the new brochure" in line for line in lines)


async def test_log_touch(acme, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, acme)
        await pilot.press("t")
        await settle(app, pilot)
        await fill(pilot, app.screen, note="Talked about next year", on="yesterday")
        await pilot.press("enter")
        await settle(app, pilot)
        touch = Touch.get(Touch.note == "Talked about next year")
        assert (touch.kind, touch.on, touch.client_id) == ("call", today - timedelta(days=1), acme)
        assert app.screen is screen
        assert any("Talked about next year" in line for line in timeline_lines(screen))


async def test_open_incident_with_the_clients_words(acme, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, acme)
        await pilot.press("i")
        await settle(app, pilot)
        await fill(pilot, app.screen, title="Wrong colours", severity="high",
                   words="You printed our logo [/] in the wrong blue!")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        incident = Incident.get(Incident.title == "Wrong colours")
        assert (incident.severity, incident.opened_on) == ("high", today)
        event = IncidentEvent.get(IncidentEvent.incident == incident)
        assert (event.kind, event.text) == ("complaint", "You printed our logo [/] in the wrong blue!")
        assert isinstance(app.screen, IncidentScreen) and app.screen.incident_id == incident.id


async def test_add_promise_then_keep_it(acme, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, acme)
        await pilot.press("p")
        await settle(app, pilot)
        await fill(pilot, app.screen, text="Deliver the brochure", due="+3d")
        assert shown(app.screen.query_one("#note-due")) == "Thu 26 Nov 2026"
        await pilot.press("enter")
        await settle(app, pilot)
        promise = Promise.get(Promise.text == "Deliver the brochure")
        assert (promise.due, promise.status) == (today + timedelta(days=3), "open")
        assert "Open promises (1)" in str(screen.query_one("#tabs").get_tab("promises").label)
        await pilot.press("d")  # the only open promise: straight to "kept on"
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert Promise.get_by_id(promise.id).status == "kept"
        assert "Promises: none open · 1 of 1 kept on time" in shown(screen.query_one(ClientCard))
        assert "Open promises (0)" in str(screen.query_one("#tabs").get_tab("promises").label)


async def test_keep_asks_which_promise_when_several(acme, db_path, today):
    first = add_promise(acme, "Send the draft", due=today + timedelta(days=2), on=today)
    add_promise(acme, "Call back", due=today + timedelta(days=5), on=today)
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, acme)
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, PickScreen)
        await pilot.press("enter")  # the first: the soonest due
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert Promise.get_by_id(first).status == "kept"
        assert Promise.select().where(Promise.status == "open").count() == 1


async def test_depart_with_date_and_reason_then_win_back(acme, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, acme)
        await pilot.press("x")
        await settle(app, pilot)
        await fill(pilot, app.screen, on="+3d", reason="Budget cut [/] for next year")
        await pilot.press("enter")
        await settle(app, pilot)
        change = StatusChange.get(StatusChange.new_status == "departed")
        assert (change.on, change.reason, change.old_status) == (
            today + timedelta(days=3), "Budget cut [/] for next year", "active")
        assert Client.get_by_id(acme).status == "departed"
        assert "departed since 26 Nov 2026" in shown(screen.query_one(ClientCard))
        assert screen.check_action("status", ("return",)) and not screen.check_action("status", ("depart",))
        await pilot.press("b")
        await settle(app, pilot)
        await fill(pilot, app.screen, on="+10d")
        await pilot.press("enter")
        await settle(app, pilot)
        assert Client.get_by_id(acme).status == "active"


async def test_bad_date_in_status_form_keeps_it_open(acme, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, acme)
        await pilot.press("P")
        await settle(app, pilot)
        form = app.screen
        await fill(pilot, form, on="someday", reason="rude to staff")
        assert shown(form.query_one("#note-on")).startswith("not a date: 'someday'")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is form
        assert form.query_one("#field-reason", Input).value == "rude to staff"
        assert Client.get_by_id(acme).status == "active"


async def test_enter_on_an_incident_entry_opens_it(acme, db_path, today):
    incident = open_incident(acme, "Late delivery", on=today)
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, acme)
        assert "Late delivery" in timeline_lines(screen)[0]
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, IncidentScreen) and app.screen.incident_id == incident


async def test_hostile_client_text_renders_literally(db, db_path, today):
    client_id = add_client(ClientFields(name="[bold]x[/]", company="[/]", notes="evil\x1b[2J [@click=app.quit]q[/]"),
                           today=today)
    add_contact(client_id, "[/]", role="[red]", decision_maker=True)
    log_touch(client_id, on=today, note="[/] \x1b]52;c;aGk=\x07")
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, client_id)
        await pilot.pause()
        card = shown(screen.query_one(ClientCard))
        assert "[bold]x[/] — [/]" in card and "★ [/] ([red])" in card
        assert "evil\\x1b[2J" in card
        assert "[/] \\x1b]52;c;aGk=\\x07" in timeline_lines(screen)[0]
        assert app.is_running


async def test_a_long_timeline_opens_a_page_at_a_time(acme, db_path, today):
    with database.atomic():
        for n in range(2000):
            log_touch(acme, kind="note", on=date(2020, 1, 1) + timedelta(days=n), note=f"entry {n}")
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, acme)
        timeline = screen.query_one(Timeline)
        total = len(timeline.entries)
        assert total == 2003  # 2,000 notes, two touches, the "added" status change
        assert timeline.shown == PAGE
        lines = timeline_lines(screen)
        assert lines[-1].startswith(f"▼ {total - PAGE:,} older")
        timeline.highlighted = timeline.option_count - 1
        await pilot.press("enter")
        await pilot.pause()
        assert timeline.shown == 2 * PAGE
        assert "Timeline (2,003)" in str(screen.query_one("#tabs").get_tab("timeline").label)


async def test_add_a_contact_whose_birthday_is_then_greeted(acme, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot, acme)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.form_title == "New contact"
        await fill(pilot, form, name="Clara Vogel", role="Marketing lead", email="clara@", birthday="26.11.1985",
                   decides="yes")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form  # a bad e-mail keeps the form and everything typed
        assert form.query_one("#field-name", Input).value == "Clara Vogel"
        await fill(pilot, form, email="clara@acme.de")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        clara = Contact.get(Contact.name == "Clara Vogel")
        assert (clara.role, clara.email, clara.birthday, clara.decision_maker) == (
            "Marketing lead", "clara@acme.de", date(1985, 11, 26), True)
        assert not Contact.get(Contact.name == "Anna Schmidt").decision_maker  # one decision-maker
        card = str(screen.query_one(ClientCard).render())
        assert "Clara Vogel" in card
    greetings = [i for i in review(today, 7) if i.client_id == acme and i.kind == "greeting"]
    assert any("Clara Vogel" in i.title for i in greetings)


async def test_the_palette_offers_the_screens_keys_the_footer_leaves_out(acme, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, acme)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        prompts = await palette_offers(app, pilot, "Add a contact: a person at the client",
                                       "We end it (do not contact)")
        assert "Add a contact: a person at the client\nOn this screen (a)" in prompts
        assert "We end it (do not contact)\nOn this screen (P)" in prompts  # not in the footer
        assert not any(p.startswith("Up\n") for p in prompts)  # a list's own keys are no actions
        await pilot.press(*"add a contact")
        await palette_offers(app, pilot, "Add a contact", highlighted=True)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.form_title == "New contact"
