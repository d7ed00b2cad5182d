"""The Clients screen: filtering as you type, the status filter, opening, adding and editing."""

from datetime import timedelta

import pytest
from textual.widgets import DataTable, Input

from crm.app.screens.client import ClientScreen
from crm.app.screens.clients import ClientsScreen, ago
from crm.app.screens.form_engine import FormScreen
from crm.app.screens.forms import EditClientForm
from crm.clients import ClientFields, add_client, change_status
from crm.incidents import open_incident
from crm.models import Client, database

from .support import settle, shown, start_app, until, watching


def names(app) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [table.get_row_at(i)[0].plain for i in range(table.row_count)]


def cells(app, name: str) -> list[str]:
    table = app.screen.query_one(DataTable)
    for i in range(table.row_count):
        row = table.get_row_at(i)
        if row[0].plain == name:
            return [cell.plain for cell in row]
    raise AssertionError(f"{name} not shown")


@pytest.fixture
def clients(db, today):
    ids = {
        "acme": add_client(ClientFields(name="Acme Ltd", company="Acme Holdings", email="anna@acme.de",
                                        country="DE", temperament="fierce"), today=today - timedelta(days=200)),
        "bright": add_client(ClientFields(name="Bright Studio", email="hi@bright.ro", country="RO"),
                             today=today - timedelta(days=5)),
        "calm": add_client(ClientFields(name="Calm Co", company="Quiet Things", temperament="quiet"),
                           today=today - timedelta(days=5)),
    }
    open_incident(ids["acme"], "Logo broken", severity="high", on=today - timedelta(days=2))
    change_status(ids["calm"], "depart", on=today - timedelta(days=1), reason="budget")
    return ids


async def open_clients(app, pilot):
    await settle(app, pilot)
    app.show_clients()
    await settle(app, pilot)
    assert isinstance(app.screen, ClientsScreen)


async def test_lists_clients_with_status_health_and_incidents(clients, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_clients(app, pilot)
        assert names(app) == ["Acme Ltd", "Bright Studio", "Calm Co"]
        acme = cells(app, "Acme Ltd")
        assert acme[1:4] == ["active", "fierce", "● red"]  # an open high incident
        assert acme[5] == "1"
        assert cells(app, "Calm Co")[1] == "departed"
        assert "3 clients" in shown(app.screen.query_one("#clients-bar"))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("acme", ["Acme Ltd"]),
        ("HOLDINGS", ["Acme Ltd"]),  # company, any case
        ("bright.ro", ["Bright Studio"]),  # e-mail
        ("ro", ["Bright Studio"]),  # country code (and nothing else holds "ro")
        ("quiet", ["Calm Co"]),
        ("st br", ["Bright Studio"]),  # every word must match
        ("nobody", []),
    ],
)
async def test_filter_narrows_rows_as_you_type(clients, db_path, today, typed, expected):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_clients(app, pilot)
        await pilot.press(*typed)
        await settle(app, pilot)
        assert names(app) == expected


async def test_status_filter_cycles_and_escape_clears(clients, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_clients(app, pilot)
        await pilot.press("down", "f")  # to the list, then all → active
        await settle(app, pilot)
        assert names(app) == ["Acme Ltd", "Bright Studio"]
        await pilot.press("f", "f")  # → prospect → departed
        await settle(app, pilot)
        assert names(app) == ["Calm Co"]
        assert "departed" in shown(app.screen.query_one("#clients-bar"))
        await pilot.press("escape")  # clears the status filter first
        await settle(app, pilot)
        assert len(names(app)) == 3
        await pilot.press("escape")  # then goes back
        await settle(app, pilot)
        assert not isinstance(app.screen, ClientsScreen)


async def test_enter_opens_the_client(clients, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_clients(app, pilot)
        await pilot.press(*"bright", "enter")  # the only match opens at once
        await settle(app, pilot)
        assert isinstance(app.screen, ClientScreen)
        assert app.screen.client_id == clients["bright"]


async def test_every_client_can_be_reached_though_rows_are_built_as_you_go(db, db_path, today):
    count = 250
    with database.atomic():
        for n in range(count):
            add_client(ClientFields(name=f"Client {n:04d}"), today=today)
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_clients(app, pilot)
        assert "250 clients" in shown(app.screen.query_one("#clients-bar"))
        built = len(names(app))
        assert built < count  # only the first page is built
        await pilot.press("down", *["pagedown"] * 12)  # paging down builds more as it goes
        await settle(app, pilot)
        assert Client.get_by_id(app.screen.client_id).name > f"Client {built:04d}"
        await pilot.press("end")  # End reaches the last client at once
        await settle(app, pilot)
        assert len(names(app)) == count
        assert app.screen.client_id == Client.get(Client.name == "Client 0249").id
        await watching(app, pilot)
        add_client(ClientFields(name="Client 0000a"), today=today)  # another session's write
        app.poll_changes()
        await until(app, pilot, lambda: "251 clients" in shown(app.screen.query_one("#clients-bar")),
                    "the new client to be counted")
        assert app.screen.client_id == Client.get(Client.name == "Client 0249").id  # the cursor stays
        await pilot.press("slash", *"client 02")  # typing highlights the first match
        await settle(app, pilot)
        assert names(app)[0] == "Client 0002"
        assert app.screen.client_id == Client.get(Client.name == "Client 0002").id
        await pilot.press(*"49")
        await settle(app, pilot)
        assert names(app) == ["Client 0249"]
        assert app.screen.client_id == Client.get(Client.name == "Client 0249").id


async def test_add_client_through_the_form(clients, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_clients(app, pilot)
        await pilot.press("down", "a")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"Delta GmbH", "tab", *"Delta", "tab", *"ops@delta.de", "enter")
        await settle(app, pilot)
        added = Client.get(Client.name == "Delta GmbH")
        assert (added.company, added.email, added.status) == ("Delta", "ops@delta.de", "active")
        assert isinstance(app.screen, ClientScreen) and app.screen.client_id == added.id


async def test_bad_email_shows_inline_error_and_saves_nothing(clients, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_clients(app, pilot)
        await pilot.press("down", "a")
        await settle(app, pilot)
        form = app.screen
        await pilot.press(*"Echo", "tab", "tab", *"not-an-email")
        await settle(app, pilot)
        assert shown(form.query_one("#note-email")) == "not an e-mail address: 'not-an-email'"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is form  # still open, with what was typed
        assert form.query_one("#field-email", Input).value == "not-an-email"
        assert "E-mail: not an e-mail address" in shown(form.query_one("#form-message"))
        assert not Client.select().where(Client.name == "Echo").exists()


async def test_stale_edit_says_who_and_keeps_typed_values(clients, db_path, today, monkeypatch):
    from crm.clients import edit_client

    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_clients(app, pilot)
        await pilot.press("down", "e")  # edit Acme Ltd (first row)
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, EditClientForm)
        # Meanwhile Bob changes the phone number from his own session.
        monkeypatch.setenv("CRM_AUTHOR", "bob")
        client = Client.get_by_id(clients["acme"])
        edit_client(client.id, client.version, ClientFields(name="Acme Ltd", company="Acme Holdings",
                    email="anna@acme.de", country="DE", temperament="fierce", phone="+49 30 1234"))
        monkeypatch.setenv("CRM_AUTHOR", "tester")
        email = form.query_one("#field-email", Input)
        email.value = "boss@acme.de"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        message = shown(form.query_one("#form-message"))
        assert "Acme Ltd was changed by bob meanwhile" in message and "ctrl+r" in message
        assert email.value == "boss@acme.de"
        assert Client.get_by_id(clients["acme"]).email == "anna@acme.de"  # nothing overwritten
        # Reload: their phone comes in, my e-mail stays; saving keeps both.
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert form.query_one("#field-phone", Input).value == "+49 30 1234"
        assert email.value == "boss@acme.de"
        assert "took their phone" in shown(form.query_one("#form-message"))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        saved = Client.get_by_id(clients["acme"])
        assert (saved.email, saved.phone) == ("boss@acme.de", "+49 30 1234")
        assert app.screen is not form


async def test_hostile_names_render_literally(db, db_path, today):
    hostile = ["[bold]x[/]", "[/]", "evil\x1b[2Jname", "[@click=app.quit]q[/]"]
    for name in hostile:
        add_client(ClientFields(name=name, company="[red]"), today=today)
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_clients(app, pilot)
        await pilot.pause()  # the table renders during idle: a markup error would end the app here
        shown_names = names(app)
        assert "[bold]x[/]" in shown_names and "[/]" in shown_names
        assert "evil\\x1b[2Jname" in shown_names  # the escape is shown, not sent to the terminal
        assert app.is_running


def test_ago_in_five_characters(today):
    assert [ago(today - timedelta(days=d), today) for d in (0, 3, 20, 100, 800)] == ["today", "3d", "2w", "3mo", "2y"]
    assert ago(None, today) == "never"


async def test_changes_made_in_a_client_show_when_coming_back(clients, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_clients(app, pilot)
        assert cells(app, "Bright Studio")[4] == "never"
        await pilot.press(*"bright", "enter")  # open it
        await settle(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        await pilot.press("enter")  # log a call today
        await settle(app, pilot)
        await pilot.press("escape")  # back to the list
        await settle(app, pilot)
        assert isinstance(app.screen, ClientsScreen)
        assert cells(app, "Bright Studio")[4] == "today"


@pytest.mark.parametrize("language", ["en", "ru", "ro"])
def test_every_status_and_temperament_fits_its_column_in_every_language(language):
    from crm.app.screens.clients import COLUMNS, SHORT_STATUSES, SHORT_TEMPERAMENTS
    from crm.domain import STATUSES, TEMPERAMENTS
    from crm.i18n import pgettext, use
    from crm.text import cells

    use(language)
    widths = {str(label): width for label, width in COLUMNS}
    assert set(SHORT_STATUSES) == set(STATUSES) and set(SHORT_TEMPERAMENTS) == set(TEMPERAMENTS)
    assert max(cells(pgettext(*mark)) for mark in SHORT_STATUSES.values()) <= widths["Status"]
    assert max(cells(pgettext(*mark)) for mark in SHORT_TEMPERAMENTS.values()) <= widths["Temper."]
