"""A review you can trust: the cursor never moves under you, and a holiday goes in one stroke.

After every key the tests say exactly which item is highlighted, both at once and after the
write and the reload that follows it have landed.
"""

from datetime import date, timedelta

import pytest
from textual.widgets import Input

from crm.app.app import make_app
from crm.app.screens.review import ReviewScreen
from crm.app.screens.review_dialogs import NoteDialog, TouchDialog
from crm.clients import ClientFields, add_client
from crm.errors import UserError
from crm.models import ItemState, Touch
from crm.promises import add_promise
from crm.review import DueItem, review
from crm.widgets.due_list import DueList, Entry, Heading, follower, group_rows

from .support import settle

RO = ["Arad", "Brasov", "Cluj", "Deva", "Iasi", "Sibiu", "Timis"]


def client(name: str, today: date, **fields) -> int:
    return add_client(ClientFields(name=name, **fields), today=today - timedelta(days=10))


@pytest.fixture
def week(db, today):
    """Monday 23 Nov 2026. Five overdue promises; today Labor Thanksgiving Day for one Japanese
    client (a group of 1); this week a birthday, Thanksgiving for two US clients (2), a promise, a
    second birthday, Barbados' Independence Day (1) and Saint Andrew's Day for seven Romanian
    clients (7), both on Mon 30 Nov. 24 rows: more than the 21 an 80x24 screen shows."""
    acme = client("Acme Ltd", today)
    for n in range(1, 6):
        add_promise(acme, f"Overdue thing {n}", due=today - timedelta(days=7 - n), on=today - timedelta(days=9))
    client("Kyoto Works", today, country="JP")
    client("Born Wednesday", today, birthday=date(1980, 11, 25))
    client("Calm Co", today, country="US")
    client("Delta Inc", today, country="US")
    bright = client("Bright Studio", today)
    add_promise(bright, "Call about the brochure", due=date(2026, 11, 27), on=today - timedelta(days=3))
    client("Born Saturday", today, birthday=date(1975, 11, 28))
    client("Bridgetown Ltd", today, country="BB")
    for town in RO:
        client(f"Ro {town} SRL", today, country="RO")


def names(today: date) -> dict[str, str]:
    """Short names for the week's item ids: a1…a5, kyoto, bwed, calm, delta, bright, bsat,
    bridgetown, ro1…ro7."""
    short = {"Kyoto Works": "kyoto", "Born Wednesday": "bwed", "Calm Co": "calm", "Delta Inc": "delta",
             "Bright Studio": "bright", "Born Saturday": "bsat", "Bridgetown Ltd": "bridgetown"}
    short |= {f"Ro {town} SRL": f"ro{n}" for n, town in enumerate(RO, 1)}
    found = {}
    for item in review(today, 7):
        if item.client == "Acme Ltd":
            found["a" + item.title.removeprefix("Overdue thing ")] = item.id
        else:
            found[short[item.client]] = item.id
    return found


def due_list(app) -> DueList:
    return app.screen.query_one(DueList)


def at(app) -> str | None:
    """The id of the highlighted item (None on a heading or nothing)."""
    item = due_list(app).highlighted_item
    return item.id if item else None


class Script:
    """Press keys and check where the cursor is, at once and after the writes have landed."""

    def __init__(self, app, pilot, ids: dict[str, str]) -> None:
        self.app, self.pilot, self.ids = app, pilot, ids
        self.by_id = {v: k for k, v in ids.items()}

    async def __call__(self, keys: list[str], expected: str) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause()
        shown = self.by_id.get(at(self.app) or "", at(self.app))
        assert shown == expected, f"after {keys}: on {shown}, expected {expected} (at once)"
        await settle(self.app, self.pilot)
        assert isinstance(self.app.screen, ReviewScreen)
        shown = self.by_id.get(at(self.app) or "", at(self.app))
        assert shown == expected, f"after {keys}: on {shown}, expected {expected} (after the reload)"
        listing = due_list(self.app)
        assert listing.highlighted is not None
        row = listing.highlighted - round(listing.scroll_y)
        assert 0 <= row < listing.scrollable_content_region.height, "the highlighted item is out of view"

    def state(self, name: str) -> tuple[str, date | None] | None:
        found = ItemState.get_or_none(ItemState.item_id == self.ids[name])
        return (found.state, found.until) if found else None


async def test_after_every_key_the_cursor_is_on_the_item_that_followed(week, db_path, today, monkeypatch):
    ids = names(today)
    app = make_app(db_path, today)
    notices: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: notices.append(str(message)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        step = Script(app, pilot, ids)
        listing = due_list(app)
        assert at(app) == ids["a1"] and listing.scroll_y == 0  # "Overdue — 5" in view above it

        await step(["up"], "a1")  # no wrapping round to the bottom
        assert listing.scroll_y == 0
        await step(["down"], "a2")
        await step(["d", "enter"], "a3")
        await step(["up"], "a1")
        await step(["d", "enter"], "a3")  # the item that followed a1 now that a2 is gone
        await step(["s", "m"], "a4")
        assert step.state("a3") == ("snoozed", date(2026, 12, 23))
        await step(["down", "down"], "kyoto")  # over the "Today" heading, never onto it
        await step(["up"], "a5")
        await step(["down"], "kyoto")
        await step(["d", "enter"], "bwed")  # Labor Thanksgiving Day (a group of 1) done
        await step(["n"], "bwed")  # a birthday cannot be skipped, and says why
        assert "birthday" in notices[-1].lower() and "holiday" in notices[-1].lower()
        await step(["down"], "calm")  # over the Thanksgiving heading
        await step(["d", "enter"], "delta")  # Thanksgiving shrinks to one: its heading goes, delta stays
        await step(["d", "enter"], "bright")  # …and its follower is not skipped
        touches = Touch.select().where(Touch.client == due_list(app).highlighted_item.client_id).count()
        await step(["t", *"called", "enter"], "bright")  # a touch leaves the promise due: stay on it
        assert Touch.select().where(Touch.client == due_list(app).highlighted_item.client_id).count() == touches + 1
        await step(["up"], "bwed")
        await step(["down"], "bright")
        await step(["s", "1"], "bsat")  # back tomorrow, so the reload lists it above: the cursor stays
        await step(["down"], "bridgetown")
        await pilot.press("D")
        assert isinstance(app.screen, NoteDialog)
        assert str(app.screen.query_one(".dialog-title").render()) == "Mark the 1 Independence Day greeting done?"
        await step(["enter"], "ro1")
        await step(["down", "down", "down"], "ro4")
        await step(["d", "enter"], "ro5")
        await step(["D", "escape"], "ro5")  # asked, not done
        assert step.state("ro5") is None
        await step(["end"], "ro7")
        await step(["down"], "ro7")  # no wrapping round to the top
        await step(["d", "enter"], "ro6")  # the last one went: the one before it
        await pilot.press("D")
        assert str(app.screen.query_one(".dialog-title").render()) == "Mark all 5 Saint Andrew's Day greetings done?"
        await step(["enter"], "bsat")  # nothing after them any more: the nearest one before
        await step(["up"], "bwed")
        await step(["up"], "bright")  # snoozed to tomorrow: listed on its new date
        await step(["up", "up"], "a4")
        await step(["up"], "a4")
        assert listing.scroll_y == 0

        done = {"a1", "a2", "kyoto", "calm", "delta", "bridgetown", "ro1", "ro2", "ro3", "ro4", "ro5", "ro6", "ro7"}
        assert {name for name in ids if step.state(name) == ("done", None)} == done
        assert step.state("bright") == ("snoozed", today + timedelta(days=1))
        assert [i.id for i in listing.items] == [ids[n] for n in ("a4", "a5", "bright", "bwed", "bsat")]
        assert "5 Saint Andrew's Day greetings marked done." in notices


async def test_seven_done_one_by_one_never_skip_one(week, db_path, today):
    """The reported bug: as a holiday's group shrank to one, its heading went and d ⏎ landed on
    the wrong greeting."""
    ids = names(today)
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        step = Script(app, pilot, ids)
        due_list(app).highlighted = due_list(app).get_option_index(ids["ro1"])
        await pilot.pause()
        for n in range(1, 7):
            await step(["d", "enter"], f"ro{n + 1}")
        await step(["d", "enter"], "bridgetown")  # ro7 was the last: the one before it
        assert all(step.state(f"ro{n}") == ("done", None) for n in range(1, 8))
        assert step.state("bridgetown") is None


async def test_the_cursor_stays_on_its_item_when_another_session_changes_the_list(week, db_path, today):
    ids = names(today)
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        listing = due_list(app)
        listing.highlighted = listing.get_option_index(ids["ro7"])  # the bottom: the list is scrolled
        await pilot.pause()
        row = listing.highlighted - round(listing.scroll_y)
        assert listing.scroll_y > 0
        # Someone else marks a thing done above the cursor: the cursor stays on its item and line.
        listing.show_items([i for i in review(today, 7) if i.id != ids["a1"]], today)
        await pilot.pause()
        assert at(app) == ids["ro7"]
        assert listing.highlighted - round(listing.scroll_y) == row
        # …and when they take the highlighted item away, the cursor goes to the one before it.
        listing.show_items([i for i in review(today, 7) if i.id not in {ids["ro7"], ids["a1"]}], today)
        await pilot.pause()
        assert at(app) == ids["ro6"]
        listing.highlighted = listing.get_option_index(ids["calm"])
        listing.show_items([i for i in review(today, 7) if i.id not in {ids["calm"], ids["a1"]}], today)
        await pilot.pause()
        assert at(app) == ids["delta"]  # its heading went with calm: still the item that followed


async def test_holiday_batch_failure_brings_them_back(week, db_path, today, monkeypatch):
    def refused(*_, **__):
        raise UserError("greeting-9-20261130 is already done (2026-11-23, by someone)")

    monkeypatch.setattr("crm.app.screens.review.mark_done_many", refused)
    ids = names(today)
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        listing = due_list(app)
        listing.highlighted = listing.get_option_index(ids["ro3"])
        await pilot.press("D", *"card", "enter")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)  # asked again, with what was typed and why
        assert dialog.query_one("#note", Input).value == "card"
        assert "already done" in str(dialog.query_one("#error").render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert {ids[f"ro{n}"] for n in range(1, 8)} <= {i.id for i in listing.items}
        assert ItemState.select().count() == 0


async def test_D_needs_a_holiday_and_says_so(week, db_path, today, monkeypatch):
    ids = names(today)
    app = make_app(db_path, today)
    notices: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: notices.append(str(message)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for name, holiday in [("a1", False), ("bwed", False), ("kyoto", True), ("calm", True)]:
            due_list(app).highlighted = due_list(app).get_option_index(ids[name])
            await pilot.pause()
            await pilot.press("D")
            assert isinstance(app.screen, NoteDialog) is holiday, name
            if holiday:
                await pilot.press("escape")
            else:
                assert "holiday" in notices.pop()
        due_list(app).highlighted = due_list(app).get_option_index(ids["ro4"])
        await pilot.pause()
        assert ItemState.select().count() == 0
        listing = due_list(app)
        assert [i.id for i in listing.holiday_items(listing.highlighted_item)] == [ids[f"ro{n}"] for n in range(1, 8)]
        await pilot.press("D")
        assert isinstance(app.screen, NoteDialog)


async def test_touch_dialog_starts_in_the_note_with_the_day_a_tab_away(week, db_path, today):
    ids = names(today)
    app = make_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        due_list(app).highlighted = due_list(app).get_option_index(ids["bright"])
        await pilot.press("t")
        dialog = app.screen
        assert isinstance(dialog, TouchDialog)
        assert app.focused is dialog.query_one("#note", Input)
        assert dialog.query_one("#on", Input).value == "today"
        assert str(dialog.query_one("#on-day").render()) == "Mon 23 Nov 2026"
        await pilot.press(*"rang them", "tab")
        assert app.focused is dialog.query_one("#on", Input)
        dialog.query_one("#on", Input).value = ""
        await pilot.press(*"friday")
        assert str(dialog.query_one("#on-day").render()) == "Fri 27 Nov 2026"
        dialog.query_one("#on", Input).value = "someday"
        await pilot.press("enter")
        assert isinstance(app.screen, TouchDialog) and "not a date" in str(dialog.query_one("#error").render())
        dialog.query_one("#on", Input).value = "yesterday"
        await pilot.press("enter")
        await settle(app, pilot)
        touch = Touch.select().order_by(Touch.id.desc()).first()
        assert (touch.note, touch.on, touch.kind) == ("rang them", today - timedelta(days=1), "call")


async def test_a_birthday_greeting_says_why_n_does_not_skip_it(week, db_path, today, monkeypatch):
    ids = names(today)
    app = make_app(db_path, today)
    notices: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: notices.append(str(message)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        due_list(app).highlighted = due_list(app).get_option_index(ids["bsat"])
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert notices and "birthday" in notices[0].lower()
        assert at(app) == ids["bsat"]


# --- the pure parts ---------------------------------------------------------------------------


def test_follower_is_by_identity_and_never_wraps():
    order = ["a", "b", "c", "d"]
    assert follower(order, "b", {"a", "b", "c", "d"}) == "b"  # still there: stay
    assert follower(order, "b", {"a", "c", "d"}) == "c"
    assert follower(order, "b", {"a", "d"}) == "d"  # c went too (a batch): the next one left
    assert follower(order, "d", {"a", "b"}) == "b"  # the last went: the one before
    assert follower(order, "a", {"c", "d", "z"}) == "c"
    assert follower(order, "a", set()) is None
    assert follower(order, None, {"c", "d"}) == "c"
    assert follower(order, "x", {"b", "c"}) == "b"  # an id the list did not hold: the first left


def item(n: int, kind: str, due: date, occasion: str = "", today: date = date(2026, 11, 23)) -> DueItem:
    return DueItem(f"{kind}-{n}", kind, due, n, f"Client {n:02}", f"{kind} {n}", due < today, occasion)


def shape(rows) -> list:
    return [row.text if isinstance(row, Heading) else row.item.id for row in rows]


def test_birthdays_are_never_one_occasion_and_stay_in_date_order(today):
    days = [today + timedelta(days=d) for d in range(8)]
    rows = group_rows(
        [
            item(1, "greeting", days[5], "Birthday"),
            item(2, "greeting", days[1], "Birthday"),
            item(3, "promise", days[3]),
            item(4, "greeting", days[3], "Birthday"),
            item(5, "greeting", days[2], "Thanksgiving Day"),
            item(6, "greeting", days[2], "Thanksgiving Day"),
        ],
        today,
    )
    assert shape(rows) == [
        "This week — 6",
        "greeting-2",
        "Thanksgiving Day — 2 clients",
        "greeting-5",
        "greeting-6",
        "greeting-4",  # Thu: the greeting before the promise of the same day (by kind)
        "promise-3",
        "greeting-1",
    ]
    assert not any(isinstance(r, Heading) and "Birthday" in r.text for r in rows)


def test_one_holiday_name_on_two_days_is_two_occasions(today):
    """Christmas Day is 25 Dec in one country and 7 Jan in another: two groups, each in its place."""
    xmas, orthodox, between = date(2026, 12, 25), date(2027, 1, 7), date(2026, 12, 30)
    rows = group_rows(
        [
            item(1, "greeting", xmas, "Christmas Day"),
            item(2, "greeting", orthodox, "Christmas Day"),
            item(3, "greeting", xmas, "Christmas Day"),
            item(4, "greeting", orthodox, "Christmas Day"),
            item(5, "promise", between),
        ],
        today,
    )
    assert shape(rows) == [
        "Later — 5",
        "Christmas Day — 2 clients",
        "greeting-1",
        "greeting-3",
        "promise-5",
        "Christmas Day — 2 clients",
        "greeting-2",
        "greeting-4",
    ]
    assert [r.under_occasion for r in rows if isinstance(r, Entry)] == [True, True, False, True, True]
