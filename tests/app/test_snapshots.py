"""How the shell's screens and every dialog look at 80×24, with today and the data frozen.

Update after an intended change with `pytest tests/app/test_snapshots.py --snapshot-update`, and
look at the SVGs before committing them.
"""

from datetime import timedelta

import pytest
from textual.screen import ModalScreen

from crm.app.app import make_app
from crm.clients import ClientFields, add_client
from crm.promises import add_promise

from .support import settle


async def _settled(pilot) -> None:
    """Every worker done, and the work their results started (the Clients screen's rows, then each
    row's next due item): on a loaded machine the chain takes longer than two rounds. No animation:
    a tab's underline caught gliding made the Client screen's picture depend on the machine's speed."""
    pilot.app.animation_level = "none"
    for _ in range(20):
        await settle(pilot.app, pilot)
        if not list(pilot.app.workers):
            await pilot.pause()
            if not list(pilot.app.workers):
                return


async def _still(pilot) -> None:
    """No blinking cursor in the dialog: a blink would make the picture depend on the machine's speed."""
    for field in pilot.app.screen.query("Input, TextArea"):
        field.cursor_blink = False
    await pilot.pause()


@pytest.fixture
def week(db, today):
    """A small, fixed week: overdue and due promises, Thanksgiving for two US clients, a hostile name."""
    def client(name: str, **fields) -> int:
        return add_client(ClientFields(name=name, **fields), today=today - timedelta(days=10))

    acme = client("Acme Ltd")
    add_promise(acme, "Send the fixed logo", due=today - timedelta(days=2), on=today - timedelta(days=5))
    add_promise(client("Bright Studio"), "Call about the brochure", due=today, on=today - timedelta(days=3))
    client("Calm Co", country="US")
    client("Delta Inc", country="US")
    hostile = client("[bold]Acme[/] \x1b[2J")
    add_promise(hostile, "Answer [/] literally", due=today + timedelta(days=2), on=today)


def test_review_with_a_week_of_work(week, db_path, today, snap_compare):
    assert snap_compare(make_app(db_path, today), terminal_size=(80, 24), run_before=_settled)


def test_review_light_theme(week, db_path, today, snap_compare):
    assert snap_compare(make_app(db_path, today), press=["ctrl+t"], terminal_size=(80, 24), run_before=_settled)


def test_help(week, db_path, today, snap_compare):
    async def open_help(pilot) -> None:
        await _settled(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(db_path, today), terminal_size=(80, 24), run_before=open_help)


def test_welcome_on_an_empty_database(db, db_path, today, snap_compare):
    assert snap_compare(make_app(db_path, today), terminal_size=(80, 24), run_before=_settled)


@pytest.fixture
def story(week, today):
    """Acme with a touch, a contact and an incident with an apology and a bonus on offer."""
    from decimal import Decimal

    from crm.clients import add_contact, log_touch
    from crm.incidents import compensate, log_event, open_incident

    add_contact(1, "Hanna Berg", role="CEO", email="hanna@acme.example", decision_maker=True)
    log_touch(1, kind="call", on=today - timedelta(days=4), note="Quarterly call")
    incident = open_incident(1, "Logo in the wrong blue", severity="high", on=today - timedelta(days=3),
                             words="This is unacceptable!")
    log_event(incident, "Apologised by phone", kind="apology", on=today - timedelta(days=2))
    compensate(incident, kind="bonus", amount=Decimal("200"), valid_until=today + timedelta(days=90),
               on=today - timedelta(days=1))
    return incident


def _opened(open_screen):
    async def run_before(pilot) -> None:
        await _settled(pilot)
        open_screen(pilot.app)
        await _settled(pilot)

    return run_before


def test_client(story, db_path, today, snap_compare):
    assert snap_compare(make_app(db_path, today), terminal_size=(80, 24),
                        run_before=_opened(lambda app: app.open_client(1)))


def test_incident(story, db_path, today, snap_compare):
    assert snap_compare(make_app(db_path, today), terminal_size=(80, 24),
                        run_before=_opened(lambda app: app.open_incident(story)))


def test_keep_in_touch(story, db_path, today, snap_compare):
    from crm.clients import change_status

    change_status(2, "depart", on=today - timedelta(days=170), reason="Moved to a bigger agency")
    assert snap_compare(make_app(db_path, today), terminal_size=(80, 24),
                        run_before=_opened(lambda app: app.show_keep_in_touch()))


def test_edit_client_form(story, db_path, today, snap_compare):
    async def run_before(pilot) -> None:
        await _opened(lambda app: app.open_client(1))(pilot)
        await pilot.press("e")
        await _settled(pilot)
        await _still(pilot)

    assert snap_compare(make_app(db_path, today), terminal_size=(80, 24), run_before=run_before)


def test_clients(story, db_path, today, snap_compare):
    assert snap_compare(make_app(db_path, today), terminal_size=(80, 24),
                        run_before=_opened(lambda app: app.show_clients()))


# --- the dialogs ------------------------------------------------------------------------------


def _on_review(kind: str):
    """The Review (the first screen), the cursor on its first item of `kind`."""
    def put_cursor(app, _incident: int) -> None:
        from crm.widgets.due_list import DueList

        listing = app.screen.query_one(DueList)
        item = next(i for i in listing.items if i.kind == kind)
        listing.highlighted = listing.get_option_index(item.id)

    return put_cursor


def _on_client(client_id: int):
    return lambda app, _incident: app.open_client(client_id)


def _second_promise(today) -> None:
    add_promise(1, "Quarterly report", due=today + timedelta(days=20), on=today)


def _backups_off_elsewhere(_today) -> None:
    """A directory that is the same on every machine (none is made: daily copies are off)."""
    from crm.backup import set_backup_settings

    set_backup_settings(0, "/srv/rapport/backups")


# dialog → (what to add to the story, opening the screen it is on, the keys that open it there)
DIALOGS = {
    "done": (None, _on_review("promise"), "d"),
    "done_holiday": (None, _on_review("greeting"), "D"),
    "snooze": (None, _on_review("promise"), "s"),
    "touch": (None, _on_review("promise"), "t"),
    "draft": (None, _on_review("greeting"), "m"),
    "greet_no_more": (None, _on_review("greeting"), "n"),
    "client_touch": (None, _on_client(1), "t"),
    "contact": (None, _on_client(1), "a"),
    "open_incident": (None, _on_client(1), "i"),
    "promise": (None, _on_client(1), "p"),
    "keep": (None, _on_client(2), "d"),
    "pick_kept": (_second_promise, _on_client(1), "d"),
    "depart": (None, _on_client(1), "x"),
    "forget": (None, _on_client(1), "F"),
    "event": (None, lambda app, incident: app.open_incident(incident), "a"),
    "compensate": (None, lambda app, incident: app.open_incident(incident), "m"),
    "resolve": (None, lambda app, incident: app.open_incident(incident), "x"),
    "add_client": (None, lambda app, _incident: app.show_clients(), "down a"),  # the filter has focus
    "backups": (_backups_off_elsewhere, lambda app, _incident: app.backup_settings(), ""),
}


@pytest.mark.parametrize("name", list(DIALOGS))
def test_dialog(name, story, db_path, today, snap_compare):
    more, where, keys = DIALOGS[name]
    if more:
        more(today)

    async def open_the_dialog(pilot) -> None:
        await _opened(lambda app: where(app, story))(pilot)
        await pilot.press(*keys.split())
        await _settled(pilot)
        assert isinstance(pilot.app.screen, ModalScreen), f"{keys!r} opened no dialog"
        await _still(pilot)

    assert snap_compare(make_app(db_path, today), terminal_size=(80, 24), run_before=open_the_dialog)
