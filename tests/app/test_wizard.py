"""The relationship wizard walked end to end at 80×24: the records it leaves and the review after."""

from datetime import timedelta
from decimal import Decimal

import pytest
from textual.widgets import Input, OptionList, SelectionList, TextArea

from crm import wizard
from crm.agency import set_signer
from crm.app.screens.client import ClientScreen
from crm.app.screens.forms import PickScreen
from crm.app.screens.incident import IncidentScreen
from crm.app.screens.review import ReviewScreen
from crm.app.screens.wizard import WizardScreen
from crm.clients import ClientFields, add_client, add_contact
from crm.incidents import open_incident
from crm.models import Client, Compensation, Incident, IncidentEvent, Promise, Reminder, Setting, Touch
from crm.promises import add_promise
from crm.reminders import add_reminder
from crm.review import client_due, review
from crm.widgets.choice import Choice, PickList
from crm.widgets.step_bar import StepBar

from .support import palette_offers, settle, shown, start_app

DIAGNOSIS_PAGES = 5  # the diagnosis asks its 13 questions on five screens


async def advance(app, pilot, expected: str | None = None) -> WizardScreen:
    """ctrl+n, then wait for the step's saves; checks the stage reached."""
    await pilot.press("ctrl+n")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, WizardScreen), app.screen
    if expected:
        assert screen.step == expected, shown(screen.query_one("#wizard-message"))
    return screen


def page(screen: WizardScreen) -> str:
    """The step on screen, by its widget's class ("UnhappyStep")."""
    return type(screen.shown).__name__


def answer(screen: WizardScreen, **answers: str) -> None:
    """Answer the questions of the screen shown that are among `answers`."""
    for key, value in answers.items():
        for widget in screen.query(f"#q-{key}"):
            widget.value = value


async def diagnose(app, pilot, **answers: str) -> WizardScreen:
    """Answer the diagnosis screen by screen, then go on to the verdict."""
    screen = app.screen
    for _ in range(DIAGNOSIS_PAGES):
        assert screen.step == "diagnosis"
        answer(screen, **answers)
        await pilot.pause()
        screen = await advance(app, pilot)
    assert page(screen) == "VerdictStep"
    return screen


def body(screen: WizardScreen) -> str:
    return "\n".join(shown(w) for w in screen.query("#wizard-body Static"))


def type_into(screen: WizardScreen, **values: str) -> None:
    for wid, value in values.items():
        widget = screen.query_one(f"#{wid}")
        if isinstance(widget, TextArea):
            widget.text = value
        else:
            widget.value = value  # an Input, a Select, a Choice or a PickList


async def test_group_c_key_client_starts_over(db, db_path, today):
    client_id = add_client(ClientFields(name="Nordwind [b]GmbH", tier="key", temperament="key", language="de"),
                           today=today - timedelta(days=400))
    add_contact(client_id, "Greta Nord", decision_maker=True)
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_client(client_id)
        await settle(app, pilot)
        assert isinstance(app.screen, ClientScreen)
        await pilot.press("w")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, WizardScreen) and screen.step == "cool_down"
        assert "1 Cool down" in str(screen.query_one(StepBar).render())
        await pilot.click("#timer-20")
        await settle(app, pilot)
        assert "Cooling down: 19:" in shown(screen.query_one("#timer"))

        screen = await advance(app, pilot, "words")
        type_into(screen, words="The brochure went out with last year's prices! [/]")
        screen = await advance(app, pilot, "diagnosis")
        incident = Incident.get(Incident.client == client_id)
        assert IncidentEvent.get(IncidentEvent.incident == incident.id).text == (
            "The brochure went out with last year's prices! [/]")
        screen = await diagnose(app, pilot, negativity="low", our_error="yes", prospects="good")
        verdict = body(screen)
        assert "How unhappy: group C" in verdict and "Whose fault: ours" in verdict
        assert "26 others stay silent" in verdict and "Pareto" in verdict and "So: Start over" in verdict

        screen = await advance(app, pilot, "strategy")
        text = body(screen)
        assert "Start over" in text and "No excuses, a fast fix" in text
        assert "⚠ Ignore: Do not go silent" in text and "(counter-attack): Do not hit back" in text
        assert text.count("No excuses, a fast fix") == 1

        screen = await advance(app, pilot, "strategy")  # the checklist for the call: our error, the rule of three
        assert page(screen) == "CallStep" and "The rule of three" in body(screen)

        screen = await advance(app, pilot, "remedies")
        remedies = screen.query_one(SelectionList)
        assert remedies.option_count >= 3
        remedies.select("apology_letter")
        remedies.select("redo")

        screen = await advance(app, pilot, "compensation")
        assert screen.query_one("#comp-kind", PickList).value == "bonus"  # group C, staying: a bonus
        assert "intends to stay" in str(screen.query_one("#comp-kind").get_option("bonus").prompt)
        screen = await advance(app, pilot, "compensation")
        type_into(screen, **{"fig-order_value": "8,000"})
        await pilot.pause()
        preview = shown(screen.query_one("#comp-preview"))
        assert "Bonus: 800.00 EUR (10% of 8,000.00 EUR), valid until 23 Feb 2027." in preview
        assert "they intend to stay" in preview

        screen = await advance(app, pilot, "plan")
        assert screen.query_one("#outcome", PickList).value == "retained"
        type_into(screen, fixed_by="+5d")
        await pilot.pause()
        assert "Check-in reminder on Mon 28 Dec 2026" in shown(screen.query_one("#plan-preview"))
        screen = await advance(app, pilot, "plan")
        assert screen.query_one("#p-text-0", Input).value == "Formal apology letter"
        type_into(screen, **{"p-text-1": "Reprint with the right prices", "p-due-1": "friday"})

        screen = await advance(app, pilot, "letter")
        letter = screen.query_one("#letter", TextArea).text
        assert "Greta Nord" in letter and "Reprint with the right prices" in letter

        screen = await advance(app, pilot, "postmortem")
        assert (f"Plan saved on 2026-11-23: client retained. Incident #{incident.id} now holds 2 open promises "
                "and 1 offer.") in body(screen)
        assert "• Offered: bonus of 800.00 EUR, valid until 23 Feb 2027" in body(screen)
        type_into(screen, **{"pm-cause": "Old price list in the template", "pm-rule": "Prices checked before print"})
        screen = await advance(app, pilot, "postmortem")  # §8: the rule told to the client, with thanks
        assert page(screen) == "ThanksStep"
        assert "Prices checked before print" in screen.query_one("#letter", TextArea).text
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert not isinstance(app.screen, WizardScreen)

    incident = Incident.get_by_id(incident.id)
    assert (incident.group, incident.strategy, incident.resolved_on) == ("C", "start_over", None)
    assert incident.postmortem_rule == "Prices checked before print"
    assert sorted((p.text, p.due) for p in Promise.select()) == [
        ("Formal apology letter", today + timedelta(days=7)),
        ("Reprint with the right prices", today + timedelta(days=4))]
    bonus = Compensation.get()
    assert (bonus.kind, bonus.amount, bonus.valid_until) == ("bonus", Decimal("800.00"), today + timedelta(days=92))
    due = {(i.kind, i.due, i.title) for i in review(today, 40) if i.client_id == client_id}
    assert {("promise", today + timedelta(days=4), "Reprint with the right prices"),
            ("promise", today + timedelta(days=7), "Formal apology letter")} <= due
    assert any(kind == "custom" and day == today + timedelta(days=35) and "Check in" in title
               for kind, day, title in due)


async def test_group_a_client_who_leaves(db, db_path, today):
    client_id = add_client(ClientFields(name="Kraft & Söhne", temperament="fierce"), today=today - timedelta(days=500))
    incident_id = open_incident(client_id, "Launch ruined", on=today - timedelta(days=1),
                                words="You ruined our launch. We are done with you.")
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_incident(incident_id)
        await settle(app, pilot)
        await pilot.press("w")
        await settle(app, pilot)
        screen = await advance(app, pilot, "words")
        assert screen.query_one("#words", TextArea).text == "You ruined our launch. We are done with you."
        screen = await advance(app, pilot, "diagnosis")
        screen = await diagnose(app, pilot, negativity="off-scale", wants_to_leave="yes", our_error="yes")
        screen = await advance(app, pilot, "strategy")
        assert "Soften the blow" in body(screen) and "Be firm, patient and polite" in body(screen)
        screen = await advance(app, pilot, "strategy")
        assert "Ten steps with an angry client" in body(screen)
        screen = await advance(app, pilot, "remedies")
        screen.query_one(SelectionList).select("apology_letter")
        screen = await advance(app, pilot, "compensation")
        type_into(screen, **{"comp-kind": "gift"})
        screen = await advance(app, pilot, "compensation")
        assert page(screen) == "GiftStep" and not screen.query("#fig-fixing_cost")  # fixing cost: double only
        type_into(screen, **{"fig-gift_cost": "150"})
        screen = await advance(app, pilot, "plan")
        assert screen.query_one("#outcome", PickList).value == "departed"
        preview = shown(screen.query_one("#plan-preview"))
        assert "win-back on 23 May 2027" in preview and "Respect the decision to leave" in preview
        screen = await advance(app, pilot, "plan")
        type_into(screen, **{"p-text-0": "Send all source files", "p-due-0": "+2d"})
        screen = await advance(app, pilot, "letter")
        assert screen.query_one("#letter-kind").value == "apology"
        await advance(app, pilot, "postmortem")
        await pilot.press("escape")  # the post-mortem waits for later
        await settle(app, pilot)

    assert IncidentEvent.select().where(IncidentEvent.kind == "complaint").count() == 1  # words not repeated
    client, incident = Client.get_by_id(client_id), Incident.get_by_id(incident_id)
    assert (client.status, incident.outcome, incident.strategy, incident.group, incident.severity) == (
        "departed", "departed", "soften_blow", "A", "high")
    assert (Compensation.get().kind, Compensation.get().amount) == ("gift", Decimal("150.00"))
    assert [(p.text, p.due) for p in Promise.select()] == [("Send all source files", today + timedelta(days=2))]
    in_review = {(i.kind, i.due) for i in review(today, 40) if i.client_id == client_id}
    assert {("checkin", today + timedelta(days=30)), ("promise", today + timedelta(days=2))} <= in_review
    ahead = {(i.kind, i.due) for i in client_due(client_id, today)}
    assert ("winback", today.replace(year=2027, month=5)) in ahead
    assert not Reminder.select().exists()


async def test_parting_asks_before_it_cancels_open_promises_and_reminders(db, db_path, today):
    client_id = add_client(ClientFields(name="Grabbit SRL"), today=today - timedelta(days=200))
    incident_id = open_incident(client_id, "Free redo demanded", on=today, words="Redo it all for free.")
    kept = add_promise(client_id, "Send the invoice copy", due=today + timedelta(days=3), on=today)
    add_reminder(client_id, "Ask about the spring campaign", due=today + timedelta(days=20), today=today)
    state = wizard.replace(wizard.load_state(incident_id)[0], step="letter", outcome="parted", letter_kind="parting",
                           compensation={"kind": "none"})
    wizard.save_state(incident_id, state, Incident.get_by_id(incident_id).version)
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_wizard(incident_id=incident_id)
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        question = app.screen
        assert isinstance(question, PickScreen) and question.title_text == "Part with Grabbit SRL?"
        yes = str(question.query_one(OptionList).get_option_at_index(0).prompt)
        assert "Send the invoice copy" in yes and "Ask about the spring campaign" in yes
        await pilot.press("down", "enter")  # no, not yet
        await settle(app, pilot)
        assert isinstance(app.screen, WizardScreen) and app.screen.step == "letter"
        assert "Nothing saved" in shown(app.screen.query_one("#wizard-message"))
        assert Promise.get_by_id(kept).status == "open" and Reminder.select().exists()
        assert Client.get_by_id(client_id).status == "active"

        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await pilot.press("enter")  # yes, part and cancel them
        await settle(app, pilot)
        assert app.screen.step == "postmortem"
    assert Promise.get_by_id(kept).status == "cancelled" and not Reminder.select().exists()
    assert Client.get_by_id(client_id).status == "parted"


async def test_leaving_keeps_the_answers_and_resumes_at_the_same_step(db, db_path, today):
    client_id = add_client(ClientFields(name="Acme Ltd"), today=today - timedelta(days=100))
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_wizard(client_id=client_id)
        await settle(app, pilot)
        type_into(app.screen, steam="They are IMPOSSIBLE")
        await pilot.press("escape")  # left before any incident exists
        await settle(app, pilot)
        assert not isinstance(app.screen, WizardScreen) and not Incident.select().exists()

        app.open_wizard(client_id=client_id)
        await settle(app, pilot)
        screen = app.screen
        assert screen.query_one("#steam", TextArea).text == "They are IMPOSSIBLE"  # still cooling down
        screen = await advance(app, pilot, "words")
        type_into(screen, words="Where is my website?")
        screen = await advance(app, pilot, "diagnosis")
        answer(screen, negativity="high", ready_to_negotiate="only-for-gain")
        await pilot.press("escape")
        await settle(app, pilot)

        app.open_wizard(client_id=client_id)
        await settle(app, pilot)
        screen = app.screen
        assert screen.step == "diagnosis" and "Resumed at “Diagnosis”" in shown(screen.query_one("#wizard-message"))
        assert screen.query_one("#q-negativity", Choice).value == "high"
        assert screen.query_one("#q-ready_to_negotiate", Choice).value == "only-for-gain"
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        assert screen.step == "words" and screen.query_one("#words", TextArea).text == "Where is my website?"
        await pilot.press("alt+left")
        await settle(app, pilot)
        # §8: the steam is thrown away once the cool-down is over; it was never in the database.
        assert screen.step == "cool_down" and screen.query_one("#steam", TextArea).text == ""
    assert Incident.select().count() == 1
    assert "IMPOSSIBLE" not in Incident.get().wizard


async def test_bad_figures_keep_the_step_with_a_message(db, db_path, today):
    client_id = add_client(ClientFields(name="Acme Ltd"), today=today)
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_wizard(client_id=client_id)
        await settle(app, pilot)
        screen = await advance(app, pilot, "words")
        screen = await advance(app, pilot, "words")  # no words yet: refused
        assert "the client's words" in shown(screen.query_one("#wizard-message"))
        type_into(screen, words="Late again")
        screen = await advance(app, pilot, "diagnosis")
        await diagnose(app, pilot)
        while screen.step != "compensation":
            screen = await advance(app, pilot)
        type_into(screen, **{"comp-kind": "bonus"})
        screen = await advance(app, pilot, "compensation")
        type_into(screen, **{"fig-order_value": "lots"})
        screen = await advance(app, pilot, "compensation")
        assert "problem order: not an amount: 'lots'" in shown(screen.query_one("#wizard-message"))
        assert screen.query_one("#fig-order_value", Input).value == "lots"
    assert not Compensation.select().exists()


@pytest.mark.parametrize("opener", ["client", "incident"])
async def test_wizard_opens_on_an_incident_from_its_screen(db, db_path, today, opener):
    client_id = add_client(ClientFields(name="Acme Ltd"), today=today)
    incident_id = open_incident(client_id, "Wrong blue", on=today, words="The logo is the wrong blue.")
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_incident(incident_id)
        await settle(app, pilot)
        if opener == "client":
            await pilot.press("o")
            await settle(app, pilot)
        await pilot.press("w")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        assert screen.client_id == client_id
        expected = incident_id if opener == "incident" else None
        assert screen.incident_id == expected


async def test_leaving_by_another_route_keeps_what_was_typed(db, db_path, today):
    client_id = add_client(ClientFields(name="Acme Ltd"), today=today)
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_wizard(client_id=client_id)
        await settle(app, pilot)
        await pilot.press(*"grr")  # the steam area has the focus
        app.show_review()  # e.g. the palette's "Go to: Review", before any step was taken
        await settle(app, pilot)
        assert not isinstance(app.screen, WizardScreen)
        app.open_wizard(client_id=client_id)
        await settle(app, pilot)
        assert app.screen.query_one("#steam", TextArea).text == "grr"


async def test_editing_a_saved_plan_edits_what_it_wrote(db, db_path, today):
    """Issue 12: after "Plan saved", back to the plan, a promise's date and the gift changed, applied
    again: one open promise with the new date (the old renegotiated), one gift offered (the old one
    withdrawn), one decision; the summary counts what the incident now holds."""
    client_id = add_client(ClientFields(name="Acme Ltd", temperament="balanced"), today=today - timedelta(days=300))
    incident_id = open_incident(client_id, "Late launch", on=today, words="The site is a week late.")
    state = wizard.replace(wizard.load_state(incident_id)[0], step="plan", remedies=["apology_letter"],
                           answers={**wizard.load_state(incident_id)[0].answers, "our_error": "yes"},
                           compensation={"kind": "gift", "gift_cost": "150"})
    wizard.save_state(incident_id, state, Incident.get_by_id(incident_id).version)
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_wizard(incident_id=incident_id)
        await settle(app, pilot)
        screen = app.screen
        assert screen.step == "plan"
        type_into(screen, fixed_by="+5d")
        screen = await advance(app, pilot, "plan")
        type_into(screen, **{"p-text-0": "Launch the site", "p-due-0": "+3d",
                             "p-text-1": "Call every morning", "p-due-1": "+1d"})
        screen = await advance(app, pilot, "letter")
        screen = await advance(app, pilot, "postmortem")
        assert "now holds 2 open promises and 1 offer." in body(screen)
        launch = Promise.get(Promise.text == "Launch the site")

        for _ in range(2):  # back to the letter, then the promises
            await pilot.press("alt+left")
            await settle(app, pilot)
        assert page(screen) == "PromisesStep" and screen.query_one("#p-due-0", Input).value == launch.due.isoformat()
        type_into(screen, **{"p-due-0": "+6d"})
        for _ in range(2):  # past the outcome to the gift: a bigger one
            await pilot.press("alt+left")
            await settle(app, pilot)
        assert page(screen) == "GiftStep"
        type_into(screen, **{"fig-gift_cost": "250"})
        for step in ("plan", "plan", "letter", "postmortem"):
            screen = await advance(app, pilot, step)
        assert "Plan updated" in shown(screen.query_one("#wizard-message"))
        text = body(screen)
        assert f"Incident #{incident_id} now holds 2 open promises and 1 offer." in text
        assert "• Offered: gift of 250.00 EUR" in text and "150.00" not in text
        assert "• Promise by Sun 29 Nov: Launch the site" in text

    promises = {(p.text, p.due, p.status) for p in Promise.select()}
    assert promises == {("Launch the site", today + timedelta(days=3), "renegotiated"),
                        ("Launch the site", today + timedelta(days=6), "open"),
                        ("Call every morning", today + timedelta(days=1), "open")}
    assert [(c.amount, c.status) for c in Compensation.select().order_by(Compensation.id)] == [
        (Decimal("150.00"), "withdrawn"), (Decimal("250.00"), "offered")]
    assert IncidentEvent.select().where(IncidentEvent.kind == "decision").count() == 1
    assert [i.due for i in review(today, 30) if i.kind == "promise"] == [
        today + timedelta(days=1), today + timedelta(days=6)]


async def test_a_discount_shows_its_cost_and_warns_when_it_loses_money(db, db_path, today):
    client_id = add_client(ClientFields(name="Acme Ltd"), today=today)
    incident_id = open_incident(client_id, "Late launch", on=today, words="The site is a week late.")
    state = wizard.replace(wizard.load_state(incident_id)[0], step="compensation", compensation={"kind": "discount"})
    wizard.save_state(incident_id, state, Incident.get_by_id(incident_id).version)
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_wizard(incident_id=incident_id)
        await settle(app, pilot)
        screen = await advance(app, pilot, "compensation")
        assert page(screen) == "DiscountStep"
        type_into(screen, **{"fig-order_value": "30,000", "fig-margin": "30", "fig-percent": "20"})
        await pilot.pause()
        preview = shown(screen.query_one("#comp-preview"))
        assert "Discount: 20% on 30,000.00 EUR a month for 6 months" in preview and "loses money" not in preview
        assert "Replace or redo the work" in preview  # §8: it keeps the margin
        type_into(screen, **{"fig-margin": "10"})
        await pilot.pause()
        assert "⚠ This discount loses money" in shown(screen.query_one("#comp-preview"))


async def test_the_letter_names_the_signer_and_marking_it_sent_logs_a_touch(db, db_path, today):
    client_id = add_client(ClientFields(name="Acme Ltd"), today=today)
    incident_id = open_incident(client_id, "Wrong blue", on=today, words="The logo is the wrong blue.")
    state = wizard.replace(wizard.load_state(incident_id)[0], step="letter",
                           answers={**wizard.load_state(incident_id)[0].answers, "our_error": "yes"})
    wizard.save_state(incident_id, state, Incident.get_by_id(incident_id).version)
    set_signer("Ana Pop", "Director")
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_wizard(incident_id=incident_id)
        await settle(app, pilot)
        screen = app.screen
        assert screen.query_one("#letter-kind").value == "apology"
        assert "Signed by Ana Pop, Director" in body(screen)
        type_into(screen, **{"letter-details": "the logo went to print in the wrong blue"})
        await pilot.pause()
        letter = screen.query_one("#letter", TextArea).text
        assert "the logo went to print in the wrong blue" in letter and "Ana Pop" in letter
        await pilot.click("#letter-sent")
        await settle(app, pilot)
    touch = Touch.get(Touch.client == client_id)
    assert touch.kind == "letter" and touch.on == today


async def test_w_on_the_review_names_the_client_and_leaves_nothing_when_left_at_once(db, db_path, today):
    client_id = add_client(ClientFields(name="Acme Ltd"), today=today - timedelta(days=30))
    add_promise(client_id, "Send the logo", due=today, on=today - timedelta(days=3))
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("w")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, WizardScreen) and screen.client_id == client_id
        assert "Before you answer Acme Ltd" in body(screen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
    assert not Setting.select().where(Setting.key.startswith("wizard.")).exists()
    assert not Incident.select().exists()


async def test_incident_card_shows_labels_not_keys(db, db_path, today):
    client_id = add_client(ClientFields(name="Acme Ltd"), today=today)
    incident_id = open_incident(client_id, "Wrong blue", on=today, words="The logo is the wrong blue.")
    Incident.update(group="A", strategy="soften_blow").where(Incident.id == incident_id).execute()
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_incident(incident_id)
        await settle(app, pilot)
        assert isinstance(app.screen, IncidentScreen)
        card = shown(app.screen.query_one("#incident-card"))
    assert "Strategy: Soften the blow" in card and "group A · Group of death" in card
    assert "soften_blow" not in card


async def test_the_palette_finds_the_wizard_by_its_name(db, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*"wizard")
        await palette_offers(app, pilot, "Sort out the relationship… (wizard)", highlighted=True)


async def test_letters_answer_and_never_leave_the_wizard(db, db_path, today):
    """On an answer, a letter picks the option it starts (o for Off the scale); others do nothing, so c or r
    never leaves for Clients or the Review mid-question."""
    client_id = add_client(ClientFields(name="Acme Ltd"), today=today)
    incident_id = open_incident(client_id, "Late launch", on=today, words="The site is a week late.")
    state = wizard.replace(wizard.load_state(incident_id)[0], step="diagnosis")
    wizard.save_state(incident_id, state, Incident.get_by_id(incident_id).version)
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_wizard(incident_id=incident_id)
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("o", "c", "r", "k")
        await settle(app, pilot)
        assert app.screen is screen and screen.query_one("#q-negativity", Choice).value == "off-scale"
        await pilot.press("tab", "y", "right")
        assert screen.query_one("#q-irrational", Choice).value == "no"  # y, then → to the next answer
