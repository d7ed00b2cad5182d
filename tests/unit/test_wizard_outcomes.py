"""Issue 12, outcomes and letters: parting cancels what is left, a departure is let go and kept in
touch with, value per currency from the owner's settings, severity from the group, the steam gone
with the cool-down, letters signed by the owner with the real plan, a letter sent is a touch."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from crm import agency, journal, wizard
from crm.backup import backup_to
from crm.clients import ClientFields, add_client
from crm.errors import UserError
from crm.exchange import export_json
from crm.models import ChangeRow, Client, Incident, IncidentEvent, Promise, Reminder, Setting, Touch
from crm.promises import add_promise
from crm.reminders import add_reminder
from crm.review import client_due
from crm.wizard import PlanPromise


def opened(today, **fields):
    values = {"name": "Nordwind GmbH", "tier": "key", "temperament": "key", **fields}
    client_id = add_client(ClientFields(**values), today=today - timedelta(days=400))
    session = wizard.start(client_id, today=today)
    return wizard.record_words(session, wizard.replace(session.state, words="Last year's prices!"), today=today)


def with_answers(session, **answers):
    return wizard.replace(session.state, answers={**session.state.answers, **answers})


# --- parting and leaving -------------------------------------------------------------------------


def test_parting_shows_then_cancels_every_open_promise_and_reminder_of_the_client(db, today):
    session = opened(today)
    other = add_promise(session.client_id, "Send the archive", due=today + timedelta(days=4), on=today)
    add_reminder(session.client_id, "Ask about the spring catalogue", due=today + timedelta(days=20), today=today)
    state = wizard.replace(with_answers(session, rude_to_staff="yes", unfounded_demands="yes"),
                           compensation={"kind": "refund", "refund": "1200"})
    preview = wizard.parting_preview(session.client_id)
    assert [p.what for p in preview.promises] == ["Send the archive"]
    assert [r[1] for r in preview.reminders] == ["Ask about the spring catalogue"]

    wizard.apply_plan(session.incident_id, state, today)
    assert Promise.get_by_id(other).status == "cancelled" and not Reminder.select().exists()
    assert wizard.parting_preview(session.client_id).empty
    assert not client_due(session.client_id, today)  # nothing left to do for a parted client
    assert journal.undo().what.startswith("Applied the wizard's plan")  # one change, undone whole
    assert Promise.get_by_id(other).status == "open" and Reminder.select().count() == 1


def test_a_plan_that_parts_makes_no_promises(db, today):
    session = opened(today)
    state = wizard.replace(with_answers(session, rude_to_staff="yes", threatens_reviews="yes"),
                           promises=[PlanPromise("Refund by Friday", (today + timedelta(days=3)).isoformat())])
    with pytest.raises(UserError, match="promises: a parted client"):
        wizard.apply_plan(session.incident_id, state, today)
    assert not Promise.select().exists()


def test_wanting_to_leave_defaults_to_departed_with_winback_and_greetings(db, today):
    session = opened(today, country="DE")
    state = with_answers(session, negativity="low", wants_to_leave="yes", our_error="yes", prospects="good")
    _, rec = session.advice(state, "en")
    assert wizard.planned_outcome(state, rec) == "departed"
    wizard.apply_plan(session.incident_id, state, today)
    assert Client.get_by_id(session.client_id).status == "departed"
    kinds = {item.kind for item in client_due(session.client_id, today)}
    assert {"winback", "greeting", "checkin"} <= kinds


def test_a_departure_changed_back_to_staying_reopens_the_incident(db, today):
    session = opened(today)
    leaving = with_answers(session, wants_to_leave="yes", our_error="yes")
    wizard.apply_plan(session.incident_id, leaving, today)
    assert Incident.get_by_id(session.incident_id).resolved_on == today
    staying = wizard.replace(wizard.load_state(session.incident_id)[0], outcome="retained",
                             fixed_by=(today + timedelta(days=5)).isoformat())
    wizard.apply_plan(session.incident_id, staying, today)
    incident = Incident.get_by_id(session.incident_id)
    client = Client.get_by_id(session.client_id)
    assert (incident.resolved_on, incident.outcome, client.status) == (None, None, "active")
    assert client.status_since == today - timedelta(days=400)  # not a win-back: it never ended
    assert [i.kind for i in client_due(session.client_id, today) if i.kind in ("custom", "winback")] == ["custom"]


# --- value and severity ----------------------------------------------------------------------------


def test_value_is_judged_in_the_clients_currency_against_the_owners_thresholds(db, today):
    session = opened(today, tier="regular")
    Client.update(revenue=Decimal(25000), currency="RON").execute()
    session = wizard.start(session.client_id, today=today)
    state = with_answers(session, yearly_revenue="25000")
    assert session.advice(state, "en")[0].value == "medium"  # 25,000 RON: not a high-value client
    agency.set_value_thresholds("RON", "20,000", "5,000")
    session = wizard.start(session.client_id, today=today)
    assert session.advice(state, "en")[0].value == "high"  # the owner's own threshold
    assert agency.value_thresholds("eur").high == Decimal(20000)  # other currencies: the defaults


@pytest.mark.parametrize(("high", "medium", "says"), [
    ("lots", "1", "high value threshold: not an amount"),
    ("100", "-1", "medium value threshold: amount must not be negative"),
    ("100", "200", "must not exceed the high one"),
])
def test_bad_thresholds_are_refused_and_nothing_is_stored(db, high, medium, says):
    with pytest.raises(UserError, match=says):
        agency.set_value_thresholds("RON", high, medium)
    assert not Setting.select().where(Setting.key.startswith("value.")).exists()
    with pytest.raises(UserError, match="not a currency code"):
        agency.set_value_thresholds("euro", "1", "1")


def test_a_hand_edited_threshold_falls_back_to_the_default(db):
    Setting.create(key="value.high.EUR", value="a lot")
    assert agency.value_thresholds("EUR").high == Decimal(20000)
    assert agency.value_thresholds("XAF") is None  # no thresholds: revenue not judged


@pytest.mark.parametrize(("answers", "severity"), [
    ({"negativity": "off-scale"}, "high"), ({"negativity": "medium"}, "medium"), ({"negativity": "low"}, "low"),
])
def test_severity_follows_the_group_unless_the_owner_changed_it(db, today, answers, severity):
    session = opened(today)
    state = with_answers(session, our_error="yes", **answers)
    wizard.apply_plan(session.incident_id, state, today)
    assert Incident.get_by_id(session.incident_id).severity == severity
    wizard.apply_plan(session.incident_id, wizard.replace(wizard.load_state(session.incident_id)[0],
                                                          severity="high"), today)
    assert Incident.get_by_id(session.incident_id).severity == "high"


# --- the steam -------------------------------------------------------------------------------------


def test_the_steam_is_kept_only_while_the_cool_down_runs_and_never_in_the_database(db, db_path, tmp_path, today):
    session = opened(today)
    now = wizard.utcnow()
    cooling = wizard.replace(session.state, steam="THEY ARE IMPOSSIBLE", cool_until=(now + timedelta(minutes=30))
                             .isoformat(), step="cool_down")
    version = wizard.save_state(session.incident_id, cooling, session.version)
    assert wizard.start(session.client_id, today=today).state.steam == "THEY ARE IMPOSSIBLE"
    path = wizard._steam_file(session.client_id)
    assert path.stat().st_mode & 0o777 == 0o600

    plan = wizard.replace(cooling, step="plan", answers={**cooling.answers, "our_error": True})
    wizard.apply_plan(session.incident_id, plan, today)
    backup = backup_to(tmp_path / "copy.db")
    for found in (export_json(), Incident.get_by_id(session.incident_id).wizard,
                  "".join(r.new or "" for r in ChangeRow.select()), backup.read_bytes().decode("latin-1")):
        assert "IMPOSSIBLE" not in found

    after = now + timedelta(minutes=31)
    assert wizard.kept_steam(cooling, after).steam == ""  # the cool-down ended: thrown away
    assert not path.exists()
    assert version


def test_steam_without_a_timer_goes_when_the_owner_moves_on(db, today):
    session = opened(today)
    wizard.save_draft(wizard.replace(session.state, steam="rant", step="cool_down", cool_until=""))
    assert wizard.kept_steam(session.state).steam == "rant"
    wizard.save_draft(wizard.replace(session.state, steam="rant", step="words", cool_until=""))
    assert wizard.kept_steam(session.state).steam == ""


# --- letters ---------------------------------------------------------------------------------------


def test_the_letter_is_the_diagnosis_letter_with_the_real_plan_signed_by_the_owner(db, today):
    agency.set_signer("Ion Popescu", "Director")
    session = wizard.start(opened(today, language="de").client_id, today=today)
    state = wizard.replace(
        with_answers(session, our_error="yes"), letter_details="the brochure went out with last year's prices.",
        compensation={"kind": "bonus", "order_value": "8,000", "percent": "10", "months": "3"},
        promises=[PlanPromise("Reprint with the right prices", (today + timedelta(days=5)).isoformat())])
    _, rec = session.advice(state, "en")
    assert wizard.letter_kind(state, session, rec) == "apology"
    text = wizard.draft("apology", session, state, today)
    assert "Reprint with the right prices, bis 28. November 2026" in text  # a German client: a German letter
    assert "800,00\u00a0€" in text and "23. Februar 2027" in text
    assert text.rstrip().endswith("Ion Popescu\nDirector") and "Team" not in text
    assert "…" not in text

    refusing = with_answers(session, our_error="no", within_scope="no")
    assert wizard.letter_kind(refusing, session, session.advice(refusing, "en")[1]) == "refusal"


def test_without_an_owner_the_person_at_the_terminal_signs(db, today):
    signer = agency.signer()
    assert (signer.name, signer.configured) == ("tester", False)
    with pytest.raises(UserError, match="owner's name"):
        agency.set_signer("   ")


def test_marking_a_letter_sent_logs_a_touch_and_an_event_in_one_change(db, today):
    session = opened(today)
    touch_id = wizard.mark_letter_sent(session.incident_id, "apology", on=today)
    touch = Touch.get_by_id(touch_id)
    assert (touch.kind, touch.on) == ("letter", today) and "Apology letter sent" in touch.note
    assert IncidentEvent.select().where(IncidentEvent.kind == "apology").count() == 1
    assert journal.undo().what == "Sent Nordwind GmbH the letter: Apology"
    assert not Touch.select().exists()
    with pytest.raises(UserError, match="unknown letter kind"):
        wizard.mark_letter_sent(session.incident_id, "invoice", on=today)


# --- compensation ----------------------------------------------------------------------------------


def test_a_discount_shows_its_cost_over_its_period_and_warns_when_it_loses_money(today):
    plan = wizard.compensation_plan({"kind": "discount", "order_value": "30000", "percent": "20", "months": "6",
                                     "margin": "30"}, today=today, currency="EUR", language="en")
    assert plan.rows == (("discount", Decimal("36000.00"), today.replace(year=2027, month=5)),)
    assert not plan.loses_money and any("over 6 months" in note for note in plan.notes)
    losing = wizard.compensation_plan({"kind": "discount", "order_value": "30000", "percent": "35", "months": "6",
                                       "margin": "30"}, today=today, currency="EUR", language="en")
    assert losing.loses_money and any("loses money" in note for note in losing.notes)


def test_a_gift_or_a_bonus_says_what_choosing_it_signals(today):
    gift = wizard.compensation_plan({"kind": "gift", "gift_cost": "100"}, today=today, currency="EUR", language="en")
    assert "consolation" in gift.signal
    kept = wizard.compensation_plan({"kind": "bonus", "order_value": "1000"}, today=today, currency="EUR",
                                    language="en")
    assert "intend to stay" in kept.signal


def test_last_months_revenue_is_the_refund_suggested_when_parting():
    suggestion = wizard.suggested_refund(Decimal(24000), "EUR", "en")
    assert suggestion is not None and str(suggestion[0]) == "2,000.00 EUR" and "last month" in suggestion[1]
    assert wizard.suggested_refund(Decimal(0), "EUR", "en") is None


def test_stored_state_json_holds_no_steam_key(db, today):
    session = opened(today)
    stored = json.loads(Incident.get_by_id(session.incident_id).wizard)
    assert "steam" not in stored
