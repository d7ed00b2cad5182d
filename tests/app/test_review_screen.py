"""The Review screen driven by keys, checked on screen and in the database."""

from datetime import timedelta

import pytest
from textual.widgets import Input

from crm.app.app import make_app
from crm.app.screens.review import ReviewScreen
from crm.app.screens.review_dialogs import DraftDialog, NoteDialog, SnoozeDialog, TouchDialog
from crm.clients import ClientFields, add_client
from crm.errors import UserError
from crm.models import ItemState, Touch
from crm.promises import add_promise
from crm.review import DueItem, review
from crm.widgets.due_list import DueList


def client(name: str, today, **fields) -> int:
    return add_client(ClientFields(name=name, **fields), today=today - timedelta(days=10))


@pytest.fixture
def week(db, today):
    """An overdue promise, one due today, Thanksgiving (Thu 26 Nov) for two US clients, one later."""
    acme = client("Acme Ltd", today)
    bright = client("Bright Studio", today, language="en")
    add_promise(acme, "Send the fixed logo", due=today - timedelta(days=2), on=today - timedelta(days=5))
    add_promise(bright, "Call about the brochure", due=today, on=today - timedelta(days=3))
    client("Calm Co", today, country="US")
    client("Delta Inc", today, country="US")
    add_promise(acme, "Quarterly report", due=today + timedelta(days=20), on=today)
    return {"acme": acme, "bright": bright}


def due_list(app) -> DueList:
    return app.screen.query_one(DueList)


def lines(app) -> list[str]:
    listing = due_list(app)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


def highlight(app, predicate) -> object:
    """Put the cursor on the first item matching `predicate`; returns that item."""
    listing = due_list(app)
    item = next(i for i in listing.items if predicate(i))
    listing.highlighted = listing.get_option_index(item.id)
    return item


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_groups_greetings_by_occasion_and_counts(week, db_path, today):
    expected = review(today, 7)
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        shown = lines(app)
        assert shown[0].startswith("Overdue — ")
        assert any(line.startswith("Today — ") for line in shown)
        assert any(line.startswith("This week — ") for line in shown)
        # The two US clients' Thanksgiving greetings sit under one occasion heading.
        greetings = [i for i in expected if i.kind == "greeting" and i.client in ("Calm Co", "Delta Inc")]
        occasion = greetings[0].occasion
        heading = next(n for n, line in enumerate(shown) if f"{occasion} — " in line and "clients" in line)
        assert "Calm Co" in shown[heading + 1] and "Delta Inc" in shown[heading + 2]
        overdue = sum(1 for i in expected if i.overdue)
        counter = str(app.screen.query_one("#review-counter").render())
        assert counter == f"{len(expected)} due · {overdue} overdue"
        assert "Quarterly report" not in "\n".join(shown)  # 20 days out: not this week


async def test_done_with_note_writes_state_and_touch_and_moves_on(week, db_path, today):
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        item = highlight(app, lambda i: i.kind == "greeting" and i.client == "Calm Co")
        following = due_list(app).items[due_list(app).items.index(item) + 1]
        touches = Touch.select().where(Touch.client == item.client_id).count()
        await pilot.press("d")
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"sent a card", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert item.id not in [i.id for i in due_list(app).items]
        assert due_list(app).highlighted_item.id == following.id  # the cursor moved on, like an inbox
        state = ItemState.get_by_id(item.id)
        assert (state.state, state.note) == ("done", "sent a card")
        assert Touch.select().where(Touch.client == item.client_id).count() == touches + 1
        counter = str(app.screen.query_one("#review-counter").render())
        assert counter.startswith(f"{len(review(today, 7))} due")


async def test_a_refused_note_keeps_the_dialog_open_with_the_reason(week, db_path, today):
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        item = due_list(app).highlighted_item
        await pilot.press("d")
        app.screen.query_one("#note", Input).value = "pasted\x00text"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteDialog)
        assert "must not contain a NUL" in str(app.screen.query_one("#error").render())
        assert app.screen.query_one("#note", Input).value == "pasted\x00text"
        assert ItemState.get_or_none(ItemState.item_id == item.id) is None


@pytest.mark.parametrize("key", ["d", "t"])
async def test_a_failed_write_asks_again_with_what_was_typed(week, db_path, today, monkeypatch, key):
    def busy(*_, **__):
        raise UserError("the database is busy: try again")

    monkeypatch.setattr("crm.app.screens.review.mark_done", busy)
    monkeypatch.setattr("crm.app.screens.review.log_touch", busy)
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        item = due_list(app).highlighted_item
        await pilot.press(key, *"long talk, they agreed", "enter")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, NoteDialog if key == "d" else TouchDialog)
        assert dialog.query_one("#note", Input).value == "long talk, they agreed"
        assert str(dialog.query_one("#error").render()) == "the database is busy: try again"
        await pilot.press("escape")
        await settle(app, pilot)
        assert item.id in [i.id for i in due_list(app).items]  # back in the list


async def test_done_cancelled_with_escape_writes_nothing(week, db_path, today):
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        item = due_list(app).highlighted_item
        await pilot.press("d", "x", "escape")
        await settle(app, pilot)
        assert ItemState.get_or_none(ItemState.item_id == item.id) is None
        assert item.id in [i.id for i in due_list(app).items]


async def test_snooze_a_week_moves_the_item_to_its_new_date_marked_snoozed(week, db_path, today):
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        item = highlight(app, lambda i: i.kind == "promise" and i.due == today)
        await pilot.press("s")
        assert isinstance(app.screen, SnoozeDialog)
        await pilot.press("w")
        await settle(app, pilot)
        state = ItemState.get_by_id(item.id)
        assert (state.state, state.until) == ("snoozed", today + timedelta(days=7))
        assert due_list(app).highlighted_item.id != item.id  # the cursor moved on
        moved = next(i for i in due_list(app).items if i.id == item.id)  # listed on its new date
        assert (moved.due, moved.snoozed) == (today + timedelta(days=7), True)
        line = next(line for line in lines(app) if "Bright Studio" in line)
        assert "Mon 30 Nov" in line and "snoozed · Call about" in line


async def test_snooze_to_a_typed_date_and_a_bad_one_shows_the_error(week, db_path, today):
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        item = highlight(app, lambda i: i.kind == "promise" and i.due == today)
        await pilot.press("s", *"someday", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SnoozeDialog)
        assert "not a date" in str(app.screen.query_one("#error").render())
        assert ItemState.get_or_none(ItemState.item_id == item.id) is None
        for _ in "someday":
            await pilot.press("backspace")
        await pilot.press(*"friday", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert ItemState.get_by_id(item.id).until == today + timedelta(days=4)  # Mon 23 → Fri 27


async def test_log_a_touch(week, db_path, today):
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        item = highlight(app, lambda i: i.client == "Acme Ltd")
        await pilot.press("t", *"called, all fine", "enter")
        await settle(app, pilot)
        touch = Touch.select().where(Touch.client == item.client_id).order_by(Touch.id.desc()).first()
        assert (touch.kind, touch.note, touch.on) == ("call", "called, all fine", today)
        assert ItemState.get_or_none(ItemState.item_id == item.id) is None  # a touch is not "done"


async def test_draft_letter_for_a_greeting_can_be_copied(week, db_path, today, monkeypatch):
    app = make_app(db_path, today)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        highlight(app, lambda i: i.kind == "promise")
        assert not app.screen.check_action("draft", ())  # no letter for a promise
        highlight(app, lambda i: i.kind == "greeting" and i.client == "Delta Inc")
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, DraftDialog)
        letter = app.screen.query_one("#letter").text
        assert "Delta Inc" in letter
        await pilot.press("c")
        assert copied == [letter]
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_enter_opens_the_client(week, db_path, today, monkeypatch):
    app = make_app(db_path, today)
    opened: list[int] = []
    monkeypatch.setattr(app, "open_client", opened.append)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        item = highlight(app, lambda i: i.client == "Bright Studio")
        await pilot.press("enter")
        await pilot.press("o")
        assert opened == [item.client_id, item.client_id]


async def test_horizon_toggles_between_7_and_30_days(week, db_path, today):
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        assert "next 30 days" in str(app.screen.query_one("#review-horizon").render())
        shown = "\n".join(lines(app))
        assert "Later — " in shown and "Quarterly report" in shown
        await pilot.press("h")
        await settle(app, pilot)
        assert "Quarterly report" not in "\n".join(lines(app))


async def test_empty_review_says_so(db, db_path, today):
    client("Quiet One", today)
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert review(today, 7) == []  # a brand-new client with no country owes nothing this week
        empty = app.screen.query_one("#review-empty")
        assert empty.display and "nothing due in the next 7 days" in str(empty.render())
        assert str(app.screen.query_one("#review-counter").render()) == "0 due"


HOSTILE = ["[bold]Acme[/]", "[/]", "Evil \x1b]52;c;aGk=\x07 Corp", "[@click=app.quit]x[/]"]


async def test_hostile_client_names_render_literally(db, db_path, today):
    for name in HOSTILE:
        cid = client(name, today)
        add_promise(cid, f"Promise to {name}", due=today, on=today - timedelta(days=1))
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        shown = "\n".join(lines(app))
        assert "[bold]Acme[/]" in shown
        assert "[@click=app.quit]x[/]" in shown
        assert "\x1b" not in shown and "\\x1b]52" in shown
        highlight(app, lambda i: i.client == "[/]")
        await pilot.press("d")  # the dialog shows the name too
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("escape")
        assert app.is_running


def test_grouping_puts_shared_occasions_under_one_heading(today):
    from crm.widgets.due_list import Heading, group_rows

    def item(n: int, kind: str, days: int, occasion: str = "") -> DueItem:
        due = today + timedelta(days=days)
        return DueItem(f"{kind}:{n}", kind, due, n, f"Client {n}", f"{kind} {n}", due < today, occasion)

    rows = group_rows(
        [
            item(1, "greeting", 3, "Thanksgiving"),
            item(2, "promise", -1),
            item(3, "greeting", 3, "Thanksgiving"),
            item(4, "greeting", 2, "Birthday"),
            item(5, "quiet", 0),
            item(6, "custom", 12),
        ],
        today,
    )
    shape = [row.text if isinstance(row, Heading) else (row.item.id, row.under_occasion) for row in rows]
    assert shape == [
        "Overdue — 1",
        ("promise:2", False),
        "Today — 1",
        ("quiet:5", False),
        "This week — 3",
        ("greeting:4", False),  # a lone birthday needs no heading of its own
        "Thanksgiving — 2 clients",
        ("greeting:1", True),
        ("greeting:3", True),
        "Later — 1",
        ("custom:6", False),
    ]


async def test_a_holiday_greeted_no_more_leaves_the_review_and_the_palette_brings_it_back(week, db_path, today):
    from crm.app.screens.forms import PickScreen

    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        item = highlight(app, lambda i: i.kind == "greeting" and i.client == "Calm Co")
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, PickScreen)
        await pilot.press("enter")  # "Yes: no more greetings for …"
        await settle(app, pilot)
        assert not [i for i in due_list(app).items if i.occasion == item.occasion]  # Calm Co's and Delta's
        assert any(i.kind == "promise" for i in due_list(app).items)
        app.greeting_settings()  # the palette's "Greetings: holidays not greeted…"
        await settle(app, pilot)
        assert isinstance(app.screen, PickScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        back = [i.client for i in due_list(app).items if i.occasion == item.occasion]
        assert sorted(back) == ["Calm Co", "Delta Inc"]


async def test_birthdays_cannot_be_greeted_no_more(db, db_path, today, monkeypatch):
    client("Born Today", today, birthday=today.replace(year=1980))
    app = make_app(db_path, today)
    notices: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: notices.append(str(message)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert due_list(app).highlighted_item.occasion == "Birthday"
        await pilot.press("n")  # says why instead of doing nothing
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert notices and "birthday" in notices[0].lower()
        await pilot.press("D")  # not a holiday either, and says so
        assert isinstance(app.screen, ReviewScreen) and "holiday" in notices[1]


def test_a_greeting_draft_names_the_holiday_in_the_letters_language(db, today):
    from crm.drafts import draft_for

    add_client(ClientFields(name="Carpați Design", country="RO", language="ro"), today=today)
    eve = today.replace(month=12, day=24)
    (christmas,) = [i for i in review(eve, 1) if i.occasion == "Christmas Day" and i.due.day == 25]
    draft = draft_for(christmas)
    assert "Crăciun" in draft.text and "Christmas" not in draft.text


def test_a_review_draft_is_signed_by_the_owner_once_set(db, today):
    from crm.agency import set_signer
    from crm.drafts import draft_for

    add_client(ClientFields(name="Carpați Design", country="RO", language="en"), today=today)
    eve = today.replace(month=12, day=24)
    (christmas,) = [i for i in review(eve, 1) if i.occasion == "Christmas Day" and i.due.day == 25]
    set_signer("Ana Popescu", "Director")
    assert draft_for(christmas).text.rstrip().endswith("Ana Popescu\nDirector")
