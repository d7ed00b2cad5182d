"""Hostile text through the whole app: shown literally, never acting on the terminal, never lost.

Each case stores one hostile string (from `tests.hostile`) in every free-text field of a client
(name, company, notes, a contact, a touch note, an incident title, its event, a promise) and walks
the app: Review, the letter draft, Clients filtered by typing part of the name, the Client screen
(card, timeline, an entry in full, the edit form), the Incident screen, the palette and help.
On every screen the rendered terminal output is checked (see `tests/app/rendered.py`): the text is
on screen literally and no control character of its own reaches the terminal. Clicks on the text
must not run anything (`[@click=app.quit]` stays a label).
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from rich.cells import cell_len
from textual import events
from textual.command import CommandPalette
from textual.widgets import DataTable, Input, TextArea

from crm.app.screens.client import ClientScreen
from crm.app.screens.clients import ClientsScreen
from crm.app.screens.form_engine import FormScreen
from crm.app.screens.forms import EditClientForm
from crm.app.screens.help import HelpScreen
from crm.app.screens.incident import IncidentScreen
from crm.app.screens.review import ReviewScreen
from crm.app.screens.review_dialogs import DraftDialog
from crm.clients import ClientFields, add_client, add_contact, log_touch
from crm.incidents import log_event, open_incident
from crm.models import Client, Contact, IncidentEvent, Promise, Touch
from crm.promises import add_promise
from crm.text import safe
from crm.widgets.client_card import ClientCard
from crm.widgets.due_list import DueList
from crm.widgets.timeline import Timeline
from tests.hostile import LONG_TEXT

from .rendered import leaks, painted, painted_lines
from .support import palette_offers, settle, start_app

LONG_NAME = "Longname" * 25  # 200 characters, the most a name may hold (and easy to type)


@dataclass(frozen=True)
class Case:
    id: str
    short: str  # for name, company, contact and incident title (at most 200 characters)
    long: str  # for notes, the touch note, the event and the promise
    typed: str  # what is typed into the Clients filter to find the client
    marker: str  # what must be on screen, literally, where the name is shown


CASES = [
    Case("markup", "[bold]x[/]", "[bold]x[/]", "[bold]", "[bold]x[/]"),
    Case("lone-close", "[/]", "[/]", "[/]", "[/]"),
    Case("link", "[link=https://evil]x[/link]", "[link=https://evil]x[/link]", "link=", "[link=https://"),
    Case("click", "[@click=app.quit]x[/]", "[@click=app.quit]x[/]", "@click", "[@click=app.quit"),
    Case("osc52", "\x1b]52;c;aGVsbG8=\x07", "\x1b]52;c;aGVsbG8=\x07", "aGVsbG8", "\\x1b]52;c;aGVs"),
    Case("csi-clear", "\x1b[2J", "\x1b[2J", "[2J", "\\x1b[2J"),
    Case("bidi", "\u202eevil.exe", "\u202eevil.exe", "evil.exe", "\\u202eevil.exe"),
    Case("100k-note", "Long notes Ltd", LONG_TEXT, "notes", "Long notes Ltd"),
    Case("200-name", LONG_NAME, LONG_NAME, "longname", "LongnameLongname"),
]


def seed(case: Case, today: date) -> int:
    """One client with the hostile text in every free-text field, and work due this week."""
    client_id = add_client(
        ClientFields(name=case.short, company=case.short, notes=case.long, language="en",
                     birthday=date(1980, 11, 25)),  # a birthday greeting (with a letter) on Wednesday
        today=today - timedelta(days=30),
    )
    add_contact(client_id, case.short, role=case.short, decision_maker=True)
    log_touch(client_id, kind="call", on=today - timedelta(days=2), note=case.long)
    incident = open_incident(client_id, case.short, on=today - timedelta(days=1), words=case.long)
    log_event(incident, case.long, kind="note", on=today)
    add_promise(client_id, case.long, due=today, on=today - timedelta(days=1), incident_id=incident)
    return client_id


def assert_safe(app, where: str, marker: str | None = None) -> None:
    """The screen shows `marker` literally and sends nothing of the hostile text to the terminal."""
    assert app.is_running, f"the app exited on {where}"
    assert leaks(app) == [], f"{where}: {leaks(app)}"
    if marker is not None:
        assert marker in painted(app), f"{where}: {marker!r} not on screen"


async def click_text(app, pilot, text: str, widget) -> None:
    """Click on every place `widget` shows `text` (an injected @click would run there)."""
    region = widget.region
    clicked = 0
    for y, line in enumerate(painted_lines(app)[region.y : region.bottom], region.y):
        start = line.find(text)
        while start >= 0:
            await pilot.click(offset=(cell_len(line[:start]) + 1, y))
            await pilot.pause()
            clicked += 1
            start = line.find(text, start + len(text))
    assert clicked, f"{text!r} is not shown in {widget}"


async def paste(app, pilot, text: str) -> None:
    """Paste into the focused widget, as a terminal's bracketed paste would."""
    app.post_message(events.Paste(text))
    await pilot.pause()


def highlight(listing, index: int) -> None:
    listing.highlighted = index


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_hostile_text_on_every_screen(case, db, db_path, today):
    client_id = seed(case, today)
    app = start_app(db_path, today)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        # Review: the client's promise due today and the birthday greeting.
        assert isinstance(app.screen, ReviewScreen)
        assert_safe(app, "review", case.marker)
        due = app.screen.query_one(DueList)
        kinds = [item.kind for item in due.items]
        assert "greeting" in kinds and "promise" in kinds
        highlight(due, due.get_option_index(next(i.id for i in due.items if i.kind == "greeting")))
        await pilot.press("m")  # the letter draft, to the hostile contact of the hostile client
        await settle(app, pilot)
        assert isinstance(app.screen, DraftDialog)
        assert_safe(app, "review draft")
        await pilot.press("escape")

        # Clients, filtered by typing (pasting) part of the name.
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientsScreen)
        await paste(app, pilot, case.typed)
        await settle(app, pilot)
        assert app.screen.query_one(DataTable).row_count == 1
        assert_safe(app, "clients", case.marker[:12])
        await pilot.press("enter")  # the only match opens
        await settle(app, pilot)

        # Client: card, timeline; clicking the name runs nothing.
        assert isinstance(app.screen, ClientScreen) and app.screen.client_id == client_id
        assert_safe(app, "client", case.marker)
        card = app.screen.query_one(ClientCard)
        title = painted_lines(app)[card.region.y]
        assert title.count(case.marker) >= 2, title  # "name — company", both literally
        await click_text(app, pilot, case.marker, card)
        assert_safe(app, "client, after a click", case.marker)
        timeline = app.screen.query_one(Timeline)
        touch = next(i for i, e in enumerate(timeline.entries) if e.kind == "call")
        highlight(timeline, touch)
        await pilot.press("enter")  # the touch note in full
        await settle(app, pilot)
        assert isinstance(app.screen, DraftDialog)
        assert app.screen.query_one(TextArea).text == safe(case.long)  # all of it, escapes made visible
        assert_safe(app, "timeline entry in full")
        await pilot.press("escape")
        await pilot.press("e")  # the edit form holds the stored values as they are
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, EditClientForm)
        assert form.query_one("#field-name", Input).value == case.short
        assert form.query_one("#field-notes", TextArea).text == case.long
        assert_safe(app, "edit form")
        await pilot.press("escape")
        await settle(app, pilot)

        # Incident: title, the client's words, the event, the promise.
        timeline = app.screen.query_one(Timeline)
        highlight(timeline, next(i for i, e in enumerate(timeline.entries) if e.kind == "incident"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, IncidentScreen)
        assert_safe(app, "incident", case.marker[:12])
        await click_text(app, pilot, case.marker[:12], app.screen.query_one("#incident-card"))
        assert_safe(app, "incident, after a click")

        # The palette finds the client by name; help opens over it all.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await paste(app, pilot, case.typed)
        await palette_offers(app, pilot, "Client:")
        assert isinstance(app.screen, CommandPalette)
        assert_safe(app, "palette", case.marker[:8])
        assert "Client:" in painted(app)
        await pilot.press("escape")
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        assert_safe(app, "help")
        await pilot.press("question_mark")
        assert app.is_running and app.return_code is None


# --- typed and pasted into forms: stored exactly ---------------------------------------------


async def open_add_form(app, pilot) -> FormScreen:
    await settle(app, pilot)
    await pilot.press("c")
    await settle(app, pilot)
    await pilot.press("down", "a")  # from the list: "a" adds
    await settle(app, pilot)
    assert isinstance(app.screen, FormScreen)
    return app.screen


async def test_typed_and_pasted_hostile_name_is_stored_exactly(db, db_path, today):
    add_client(ClientFields(name="Acme Ltd"), today=today)
    app = start_app(db_path, today)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await open_add_form(app, pilot)
        await pilot.press("left_square_bracket", "slash", "right_square_bracket", "space")  # typed: "[/] "
        await paste(app, pilot, "\x1b[2J\x1b]52;c;aGVsbG8=\x07")
        name = form.query_one("#field-name", Input)
        assert name.value == "[/] \x1b[2J\x1b]52;c;aGVsbG8=\x07"
        assert_safe(app, "add form, while typing", "[/] ␛[2J")
        form.query_one("#field-notes", TextArea).focus()
        await paste(app, pilot, "[@click=app.quit]q[/]\n\x1b]0;title\x07\u202e")
        assert_safe(app, "add form, notes pasted", "[@click=app.quit]q[/]")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        saved = Client.get(Client.name != "Acme Ltd")
        assert saved.name == "[/] \x1b[2J\x1b]52;c;aGVsbG8=\x07"
        assert saved.notes == "[@click=app.quit]q[/]\n\x1b]0;title\x07\u202e"
        assert isinstance(app.screen, ClientScreen) and app.screen.client_id == saved.id  # the new client opens
        assert_safe(app, "the new client", "[/] \\x1b[2J")


async def test_a_pasted_nul_is_refused_with_a_message_and_the_text_kept(db, db_path, today):
    add_client(ClientFields(name="Acme Ltd"), today=today)
    app = start_app(db_path, today)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await open_add_form(app, pilot)
        await paste(app, pilot, "Nul\x00Corp")
        assert "must not contain a NUL character" in painted(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is form
        assert form.query_one("#field-name", Input).value == "Nul\x00Corp"  # nothing typed is lost
        assert "Name: name must not contain a NUL character" in painted(app)
        assert_safe(app, "form with a NUL")
        assert Client.select().count() == 1


@pytest.mark.parametrize("text", ["[/]", "\x1b]52;c;aGVsbG8=\x07", "[@click=app.quit]x[/]", "\u202eevil.exe"])
async def test_hostile_text_typed_into_the_client_forms_is_stored_exactly(text, db, db_path, today):
    """Touch note, incident title and words, event text and promise text, through their forms."""
    client_id = add_client(ClientFields(name="Acme Ltd"), today=today)
    app = start_app(db_path, today)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.open_client(client_id)
        await settle(app, pilot)

        async def fill(key: str, **fields: str) -> None:
            await pilot.press(key)
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, FormScreen)
            for name, value in fields.items():
                form.query_one(f"#field-{name}").focus()
                await paste(app, pilot, value)
            assert_safe(app, f"form {key}")
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert app.screen is not form, painted(app)

        await fill("t", note=text)
        await fill("p", text=text)
        await fill("i", title=text, words=text)  # opens the incident
        assert isinstance(app.screen, IncidentScreen)
        await fill("a", text=text)
        assert_safe(app, "incident with typed text")
        assert Touch.get().note == text
        assert Promise.get().text == text
        assert app.screen.incident.title == text
        assert [e.text for e in IncidentEvent.select().order_by(IncidentEvent.id)] == [text, text]
        assert Contact.select().count() == 0
