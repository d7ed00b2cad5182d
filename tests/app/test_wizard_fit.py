"""The wizard as a conversation at 80×24: the three cases of issue 12 walked with real keys, every
screen of them fitting without scrolling, at most three questions a screen, each case in at most
40 keys (what is typed aside)."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from textual.widget import Widget
from textual.widgets import Input, OptionList, Select, SelectionList, TextArea

from crm.app.screens.forms import PickScreen
from crm.app.screens.wizard import WizardScreen
from crm.clients import ClientFields, add_client
from crm.models import Client, Compensation, Incident, Promise
from crm.promises import add_promise
from crm.review import client_due, review
from crm.widgets.choice import Checklist, Choice, PickList

from .support import settle, shown, start_app

MAX_KEYS = 40
ANSWERS = (Choice, PickList, Select, Input, Checklist)
GROUPS = ("question", "row", "promise")  # containers that hold one question (a label and its fields)


@dataclass
class Walk:
    """Keys pressed and screens seen while walking the wizard."""

    keys: int = 0
    pages: list[str] = field(default_factory=list)


def questions(step: Widget) -> int:
    """How many questions the step on screen asks: answers shown, each group of fields once."""
    asked = set()
    for widget in step.query(",".join(cls.__name__ for cls in ANSWERS)):
        if not widget.display or not (widget.parent and widget.parent.display):
            continue
        group = next((node for node in widget.ancestors if isinstance(node, Widget)
                      and any(node.has_class(name) for name in GROUPS)), widget)
        asked.add(id(group))
    return len(asked)


async def check_page(app, pilot, walk: Walk) -> None:
    """The screen fits with a line of message under it (it is resumed there, say), and asks at most three."""
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    name = type(screen.shown).__name__
    said = str(screen.query_one("#wizard-message").render())
    screen.message(said or "Resumed at “Diagnosis”.")
    await pilot.pause()
    body = screen.query_one("#wizard-body")
    assert body.max_scroll_y == 0, f"{name} scrolls at 80×24 by {body.max_scroll_y} lines"
    screen.message(said)
    assert questions(screen.shown) <= 3, f"{name} asks {questions(screen.shown)} questions"
    walk.pages.append(name)


async def press(app, pilot, walk: Walk, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        walk.keys += 1
    await settle(app, pilot)


async def typed(app, pilot, **values: str) -> None:
    """Text the owner types (not counted: the issue counts keys, typed text aside)."""
    for wid, value in values.items():
        widget = app.screen.query_one(f"#{wid}")
        if isinstance(widget, TextArea):
            widget.text = value
        else:
            widget.value = value
    await pilot.pause()


async def open_from_palette(app, pilot, walk: Walk, name: str) -> None:
    await settle(app, pilot)
    await press(app, pilot, walk, "ctrl+p")
    for letter in "sort out":  # typed text
        await pilot.press(letter)
    await settle(app, pilot)
    await press(app, pilot, walk, "enter")
    assert isinstance(app.screen, WizardScreen) and app.screen.state is None  # whose relationship?
    for letter in name:
        await pilot.press(letter)
    await press(app, pilot, walk, "enter")


async def through(app, pilot, walk: Walk, *keys: str, **text: str) -> None:
    """On the screen shown: check it, type `text`, press `keys`."""
    await check_page(app, pilot, walk)
    await typed(app, pilot, **text)
    await press(app, pilot, walk, *keys)


LONG_NAME = "Nordwind Gebäudereinigung und Facility Services GmbH & Co. KG [b]Zweigstelle[/b] Süd"


async def test_a_key_client_fierce_our_error(db, db_path, today):
    client_id = add_client(ClientFields(name=LONG_NAME, tier="key", language="de"), today=today - timedelta(days=400))
    app, walk = start_app(db_path, today), Walk()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_from_palette(app, pilot, walk, "nordwind")
        await through(app, pilot, walk, "ctrl+n", steam="Second time! I could scream.")
        await through(app, pilot, walk, "ctrl+n", words="You sent the brochure with LAST YEAR's prices to 5,000 "
                      "customers. The second time. Unacceptable, and I will tell everyone at the fair.")
        await through(app, pilot, walk, "h", "enter")  # how unhappy: high
        await through(app, pilot, walk, "f", "enter")  # fierce
        await through(app, pilot, walk, "enter")  # no sign of a bad client
        await through(app, pilot, walk, "y", "enter")  # our error
        # Key tier (from the record), the revenue, good prospects.
        await through(app, pilot, walk, "tab", "tab", "g", "enter", **{"q-yearly_revenue": "60000"})
        await through(app, pilot, walk, "ctrl+n")  # the verdict
        await through(app, pilot, walk, "ctrl+n")  # the strategy
        await through(app, pilot, walk, "ctrl+n")  # the call's checklist
        await through(app, pilot, walk, "space", "down", "space", "ctrl+n")  # apology letter, redo
        await through(app, pilot, walk, "enter")  # double compensation, as advised
        await through(app, pilot, walk, "enter", **{"fig-order_value": "8000"})
        await through(app, pilot, walk, "tab", "enter", **{"fig-gift_cost": "300", "fig-fixing_cost": "3000"})
        await through(app, pilot, walk, "enter")  # stays; solved in a week
        await through(app, pilot, walk, "ctrl+n")  # the promises, from the remedies
        await through(app, pilot, walk, "ctrl+n", **{"letter-details": "the brochure went out with last year's "
                                                                        "prices"})
        await through(app, pilot, walk, "tab", "ctrl+n", **{"pm-cause": "The template kept the old price list",
                                                     "pm-rule": "Prices checked against the list before print"})
        await through(app, pilot, walk, "ctrl+n")  # the thank-you letter
        assert not isinstance(app.screen, WizardScreen)
    assert walk.keys <= MAX_KEYS, walk
    incident = Incident.get()
    assert (incident.group, incident.strategy, incident.severity) == ("B", "start_over", "medium")
    assert sorted(c.kind for c in Compensation.select()) == ["bonus", "gift"]
    assert Promise.select().count() == 2
    assert Client.get_by_id(client_id).temperament == "fierce"


async def test_b_compensation_seeker_with_an_unfounded_demand(db, db_path, today):
    add_client(ClientFields(name="Penny Pincher Ltd", temperament="compensation-seeker"),
               today=today - timedelta(days=300))
    app, walk = start_app(db_path, today), Walk()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_from_palette(app, pilot, walk, "penny")
        await through(app, pilot, walk, "ctrl+n")
        await through(app, pilot, walk, "ctrl+n", words="The logo you made two years ago looks dated. Redo it for "
                      "free and give us 50% off the next project, or we go elsewhere.")
        await through(app, pilot, walk, "enter")  # medium, rational, will negotiate
        await through(app, pilot, walk, "enter")  # a compensation seeker (from the record)
        await through(app, pilot, walk, "tab", "y", "enter")  # unfounded demands
        await through(app, pilot, walk, "tab", "n", "enter")  # not our error; beyond the agreed scope
        await through(app, pilot, walk, "enter")
        verdict = "\n".join(shown(w) for w in app.screen.query("#wizard-body Static"))
        assert "they ask for more than was agreed" in verdict and "One sign of a bad client" in verdict
        await through(app, pilot, walk, "ctrl+n")
        await through(app, pilot, walk, "ctrl+n")
        await through(app, pilot, walk, "ctrl+n")
        await through(app, pilot, walk, "space", "ctrl+n")  # explain the agreed scope
        assert app.screen.query_one("#comp-kind", PickList).value == "none"
        await through(app, pilot, walk, "d", "enter")  # what a discount would cost
        await through(app, pilot, walk, "tab", "tab", **{"fig-order_value": "2000", "fig-margin": "15",
                                                         "fig-percent": "50"})
        assert "⚠ This discount loses money" in shown(app.screen.query_one("#comp-preview"))
        await press(app, pilot, walk, "ctrl+b")  # so no compensation after all
        await through(app, pilot, walk, "n", "enter")
        await through(app, pilot, walk, "enter")  # stays
        await through(app, pilot, walk, "tab", "ctrl+n", **{"p-text-0": "Send the signed scope of 2024",
                                                            "p-due-0": "tomorrow"})
        assert app.screen.query_one("#letter-kind", Select).value == "refusal"
        await through(app, pilot, walk, "tab", "ctrl+n", **{"letter-details": "a free redo of the 2024 logo",
                                                            "agreement": "our agreement of 3 March 2024"})
        assert "our agreement of 3 March 2024" in Incident.get().wizard
        await press(app, pilot, walk, "escape")  # the post-mortem, later
    assert walk.keys <= MAX_KEYS, walk
    incident = Incident.get()
    assert (incident.group, incident.strategy) == ("B", "soften_blow")
    assert not Compensation.select().exists()


async def test_c_a_bad_client_to_part_with(db, db_path, today):
    client_id = add_client(ClientFields(name="Grabbit SRL", country="RO"), today=today - timedelta(days=200))
    Client.update(revenue=Decimal(24000), currency="RON").where(Client.id == client_id).execute()
    add_promise(client_id, "Send the spring offer", due=today + timedelta(days=10), on=today - timedelta(days=5))
    app, walk = start_app(db_path, today), Walk()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_from_palette(app, pilot, walk, "grab")
        await through(app, pilot, walk, "ctrl+n")
        await through(app, pilot, walk, "ctrl+n", title="Free redo demanded", words="Your people are idiots. Redo "
                      "everything for free by Monday or we post one-star reviews everywhere and call our lawyer.")
        await through(app, pilot, walk, "h", "enter")
        await through(app, pilot, walk, "enter")
        await through(app, pilot, walk, "y", "tab", "y", "tab", "y", "enter")  # all three signs
        await through(app, pilot, walk, "tab", "n", "enter")  # beyond the agreed scope
        await through(app, pilot, walk, "enter")  # 24,000 RON a year: low value in lei
        assert "Low yearly revenue: 24,000.00 RON" in "\n".join(
            shown(w) for w in app.screen.query("#wizard-body Static"))
        await through(app, pilot, walk, "ctrl+n")
        await through(app, pilot, walk, "ctrl+n")
        await through(app, pilot, walk, "ctrl+n")
        remedies = app.screen.query_one(SelectionList)
        assert [remedies.get_option_at_index(i).value for i in range(3)] == [
            "thank_and_part", "refund", "recommend_alternative"]
        await through(app, pilot, walk, "ctrl+n")
        await through(app, pilot, walk, "enter")  # a refund, as advised
        assert app.screen.query_one("#fig-refund", Input).value == "2000.00"  # a month's revenue
        await through(app, pilot, walk, "enter")
        await through(app, pilot, walk, "enter")  # we part
        assert app.screen.query_one("#letter-kind", Select).value == "parting"  # no promises: a parted client
        assert "outside our competence" in app.screen.query_one("#letter", TextArea).text
        await through(app, pilot, walk, "ctrl+n", **{"letter-details": "Studio Nord in Cluj"})
        assert isinstance(app.screen, PickScreen)
        assert "Send the spring offer" in str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        await press(app, pilot, walk, "enter")  # yes: part, and cancel what was open
        await through(app, pilot, walk, "escape")
    assert walk.keys <= MAX_KEYS, walk
    incident = Incident.get()
    assert (incident.title, incident.outcome, incident.strategy) == ("Free redo demanded", "parted", "part")
    assert Client.get_by_id(client_id).status == "parted"
    assert Promise.get().status == "cancelled"
    assert (Compensation.get().kind, Compensation.get().amount) == ("refund", Decimal("2000.00"))
    assert not {i.kind for i in client_due(client_id, today)} & {"winback", "greeting", "checkin", "quiet"}
    assert not any(i.client_id == client_id for i in review(today, 40))

