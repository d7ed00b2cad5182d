"""The wizard's state and plan (crm.wizard): saving and resuming, and what a plan writes."""

from datetime import timedelta
from decimal import Decimal

import pytest

from crm import journal, wizard
from crm.clients import ClientFields, add_client
from crm.errors import StaleEditError, UserError
from crm.exchange import export_json
from crm.incidents import resolve_incident
from crm.models import Client, Compensation, Incident, IncidentEvent, Promise, Reminder, Setting
from crm.promises import keep_promise, promise_record
from crm.review import client_due, review
from crm.wizard import PlanPromise, WizardState


def key_client(today) -> int:
    return add_client(ClientFields(name="Nordwind GmbH", tier="key", temperament="key", language="de"),
                      today=today - timedelta(days=400))


def words_in(session, today, words="The brochure went out with last year's prices!"):
    return wizard.record_words(session, wizard.replace(session.state, words=words), today=today)


def group_c_plan(state: WizardState, today) -> WizardState:
    return wizard.replace(
        state,
        answers={**state.answers, "negativity": "low", "ready_to_negotiate": "yes", "our_error": "yes",
                 "prospects": "good", "yearly_revenue": "40000"},
        remedies=["apology_letter", "redo"],
        compensation={"kind": "bonus", "order_value": "8,000", "percent": "10", "months": "3"},
        fixed_by=(today + timedelta(days=5)).isoformat(),
        promises=[PlanPromise("Reprint with the right prices", (today + timedelta(days=5)).isoformat()),
                  PlanPromise("Apology letter signed by the director", (today + timedelta(days=1)).isoformat())],
    )


def test_state_round_trips_through_json():
    state = WizardState(client_id=3, step="plan", steam="They are impossible [bold]!", words="x",
                        remedies=["redo"], compensation={"kind": "gift", "gift_cost": "300"},
                        promises=[PlanPromise("Redo", "2026-12-01")])
    again = WizardState.from_dict(wizard.json.loads(wizard.json.dumps(state.to_dict())))
    assert again == wizard.replace(state, steam="")  # the steam is never part of the stored state
    assert "steam" not in state.to_dict()
    assert WizardState.from_dict({"client_id": 3, "steam": "stored by an earlier release"}).steam == ""
    assert WizardState.from_dict({"client_id": 3, "step": "nonsense", "extra": 1}).step == "cool_down"


def test_words_open_the_incident_and_the_state_resumes(db, today):
    client_id = key_client(today)
    session = wizard.start(client_id, today=today)
    assert session.incident_id is None
    assert session.state.answers["temperament"] == "key" and session.state.answers["tier"] == "key"
    cooling = (wizard.utcnow() + timedelta(minutes=20)).isoformat()
    wizard.save_draft(wizard.replace(session.state, steam="never sent", step="words", cool_until=cooling))
    session = wizard.start(client_id, today=today)  # left before the words: the draft comes back
    assert (session.state.step, session.state.steam) == ("words", "never sent")  # still cooling down
    assert "never sent" not in Setting.get().value  # ... but never in the database

    session = words_in(session, today)
    incident = Incident.get_by_id(session.incident_id)
    assert incident.title == "The brochure went out with last year's prices!"
    event = IncidentEvent.get(IncidentEvent.incident == incident.id)
    assert (event.kind, event.text) == ("complaint", "The brochure went out with last year's prices!")
    assert not Setting.select().where(Setting.key.startswith("wizard.")).exists()

    version = wizard.save_state(session.incident_id, session.state.moved("diagnosis"), session.version)
    resumed = wizard.start(client_id, today=today)
    assert (resumed.incident_id, resumed.version, resumed.state.step) == (incident.id, version, "diagnosis")
    assert resumed.resumed and not wizard.start(key_client(today), today=today).resumed
    assert resumed.state.steam == "never sent"
    assert "never sent" not in Incident.get_by_id(incident.id).wizard


def test_a_stale_version_is_refused(db, today):
    session = words_in(wizard.start(key_client(today), today=today), today)
    wizard.save_state(session.incident_id, session.state.moved("diagnosis"), session.version)
    with pytest.raises(StaleEditError, match="changed by tester meanwhile"):
        wizard.save_state(session.incident_id, session.state.moved("strategy"), session.version)
    with pytest.raises(StaleEditError):
        wizard.apply_plan(session.incident_id, group_c_plan(session.state, today), today, version=session.version)
    assert not Promise.select().exists()
    assert wizard.load_state(session.incident_id)[0].step == "diagnosis"


def test_group_c_key_client_starts_over_with_bonus_promises_and_checkin(db, today):
    client_id = key_client(today)
    session = words_in(wizard.start(client_id, today=today), today)
    state = group_c_plan(session.state, today)
    wizard.apply_plan(session.incident_id, state, today)

    incident = Incident.get_by_id(session.incident_id)
    assert (incident.group, incident.strategy, incident.resolved_on) == ("C", "start_over", None)
    saved = wizard.load_state(incident.id)[0]
    assert saved.applied["outcome"] == "retained" and saved.remedies == ["apology_letter", "redo"]
    promises = sorted((p.text, p.due) for p in Promise.select())
    assert promises == [("Apology letter signed by the director", today + timedelta(days=1)),
                        ("Reprint with the right prices", today + timedelta(days=5))]
    comp = Compensation.get()
    assert (comp.kind, comp.amount, comp.valid_until) == ("bonus", Decimal("800.00"), today + timedelta(days=92))
    decision = IncidentEvent.get(IncidentEvent.kind == "decision")
    assert decision.text.startswith("Decided: Start over (Group C, temperament key, difficult client).")
    assert "Bonus on the next order: 800.00 EUR, valid until 23 Feb 2027." in decision.text

    items = {(i.kind, i.due) for i in review(today, 40) if i.client_id == client_id}
    assert {("promise", today + timedelta(days=1)), ("promise", today + timedelta(days=5)),
            ("custom", today + timedelta(days=35))} <= items
    assert Client.get_by_id(client_id).status == "active"

    wizard.apply_plan(session.incident_id, state, today)  # again: nothing new
    assert (Promise.select().count(), Compensation.select().count(), Reminder.select().count()) == (2, 1, 1)
    assert IncidentEvent.select().where(IncidentEvent.kind == "decision").count() == 1


def test_resolving_after_the_plan_leaves_one_checkin_not_two(db, today):
    client_id = key_client(today)
    session = words_in(wizard.start(client_id, today=today), today)
    wizard.apply_plan(session.incident_id, group_c_plan(session.state, today), today)
    fixed = today + timedelta(days=6)  # the reprint went out a day late
    resolve_incident(session.incident_id, outcome="retained", on=fixed)
    checkins = [(i.kind, i.due) for i in client_due(client_id, fixed)
                if i.kind in ("checkin", "custom") and i.due <= fixed + timedelta(days=60)]
    assert checkins == [("checkin", fixed + timedelta(days=30))]  # the rules' own, from the real fix
    assert not Reminder.select().exists()


def test_group_a_client_who_leaves_gets_checkin_and_winback(db, today):
    client_id = add_client(ClientFields(name="Kraft & Söhne", temperament="fierce"), today=today - timedelta(days=500))
    session = words_in(wizard.start(client_id, today=today), today, "You ruined our launch. We are done.")
    state = wizard.replace(
        session.state,
        answers={**session.state.answers, "negativity": "off-scale", "wants_to_leave": "yes", "our_error": "yes"},
        remedies=["apology_letter"], compensation={"kind": "gift", "gift_cost": "150"},
        leaves_on=today.isoformat(),
        promises=[PlanPromise("Send the source files", (today + timedelta(days=2)).isoformat())])
    diagnosis, rec = wizard.advice(state, "en")
    assert (diagnosis.group, rec.strategy, wizard.planned_outcome(state, rec)) == ("A", "soften_blow", "departed")
    wizard.apply_plan(session.incident_id, state, today)

    client = Client.get_by_id(client_id)
    incident = Incident.get_by_id(session.incident_id)
    assert (client.status, incident.outcome, incident.resolved_on, incident.strategy) == (
        "departed", "departed", today, "soften_blow")
    assert Compensation.get().kind == "gift"
    due = {(i.kind, i.due) for i in client_due(client_id, today)}
    assert ("winback", today.replace(year=2027, month=5)) in due
    assert ("checkin", today + timedelta(days=30)) in due
    assert any(kind == "greeting" for kind, _ in due)
    assert not Reminder.select().exists()  # the rules' own check-in: no second one
    wizard.apply_plan(session.incident_id, state, today)
    assert Client.get_by_id(client_id).status == "departed" and Promise.select().count() == 1


def test_bad_client_is_parted_with_refund_and_no_winback(db, today):
    client_id = add_client(ClientFields(name="Grabbit SRL"), today=today - timedelta(days=200))
    session = words_in(wizard.start(client_id, today=today), today, "Redo it all for free or we post reviews.")
    state = wizard.replace(
        session.state,
        answers={**session.state.answers, "rude_to_staff": "yes", "unfounded_demands": "yes",
                 "threatens_reviews": "yes", "within_scope": "no"},
        compensation={"kind": "refund", "refund": "1,200"})
    _, rec = wizard.advice(state, "en")
    assert (rec.strategy, rec.win_back, wizard.letter_kind(state, session, rec)) == ("part", False, "parting")
    wizard.apply_plan(session.incident_id, state, today)

    assert Client.get_by_id(client_id).status == "parted"
    assert Incident.get_by_id(session.incident_id).outcome == "parted"
    assert (Compensation.get().kind, Compensation.get().amount) == ("refund", Decimal("1200.00"))
    kinds = {i.kind for i in client_due(client_id, today)}
    assert not kinds & {"winback", "greeting", "checkin", "quiet"}
    assert "no win-back" in IncidentEvent.get(IncidentEvent.kind == "decision").text


def test_bad_figures_write_nothing(db, today):
    session = words_in(wizard.start(key_client(today), today=today), today)
    state = wizard.replace(group_c_plan(session.state, today), compensation={"kind": "bonus", "order_value": "lots"})
    with pytest.raises(UserError, match="problem order: not an amount"):
        wizard.apply_plan(session.incident_id, state, today)
    assert not Promise.select().exists() and not Reminder.select().exists()
    assert not IncidentEvent.select().where(IncidentEvent.kind == "decision").exists()


def test_double_compensation_records_gift_and_bonus(today):
    plan = wizard.compensation_plan({"kind": "double", "order_value": "20000", "gift_cost": "300",
                                     "fixing_cost": "3000"}, today=today, currency="EUR", language="en")
    expected = [("gift", Decimal("300")), ("bonus", Decimal("2000.00"))]
    assert [(kind, amount) for kind, amount, _ in plan.rows] == expected
    assert "Fixing 3,000.00 + gift 300.00 + bonus 2,000.00 = 5,300.00 in all." in plan.notes


def test_postmortem_is_saved_with_an_event(db, today):
    session = words_in(wizard.start(key_client(today), today=today), today)
    version = wizard.apply_plan(session.incident_id, group_c_plan(session.state, today), today)
    state = wizard.replace(wizard.load_state(session.incident_id)[0], postmortem_cause="Old price list in the template",
                           postmortem_rule="Prices come from the shared sheet, checked before print")
    wizard.save_postmortem(session.incident_id, state, today=today, version=version)
    incident = Incident.get_by_id(session.incident_id)
    assert incident.postmortem_rule == "Prices come from the shared sheet, checked before print"
    assert "Post-mortem. Cause: Old price list" in IncidentEvent.select().order_by(IncidentEvent.id.desc()).get().text
    assert wizard.load_state(incident.id)[0].finished
    assert wizard.start(incident.client_id, today=today).incident_id is None  # a finished wizard is not resumed


def test_the_steam_never_reaches_a_letter_or_event(db, today):
    session = words_in(wizard.start(key_client(today), today=today), today)
    state = wizard.replace(group_c_plan(session.state, today), steam="SECRET RANT")
    wizard.apply_plan(session.incident_id, state, today)
    assert not IncidentEvent.select().where(IncidentEvent.text.contains("SECRET")).exists()
    assert "SECRET" not in wizard.draft("apology", session, state, today)
    named = wizard.replace(state, letter_details="the brochure went out with last year's prices.")
    assert "the brochure went out with last year's prices." in wizard.draft("apology", session, named, today)


def test_words_may_join_an_open_incident_of_the_client(db, today):
    client_id = key_client(today)
    other = key_client(today)
    open_id = wizard.open_incident(client_id, "Late delivery", on=today - timedelta(days=2), words="Where is it?")
    session = wizard.start(client_id, today=today)
    assert (session.incident_id, session.open_incidents) == (None, ((open_id, "Late delivery"),))
    joined = wizard.record_words(session, wizard.replace(session.state, words="Still nothing!", attach_to=open_id),
                                 today=today)
    assert (joined.incident_id, joined.incident_title) == (open_id, "Late delivery")
    assert [e.text for e in IncidentEvent.select().order_by(IncidentEvent.id)] == ["Where is it?", "Still nothing!"]
    assert Incident.select().count() == 1
    stranger = wizard.start(other, today=today)
    with pytest.raises(UserError, match="is not one of"):
        wizard.record_words(stranger, wizard.replace(stranger.state, words="x", attach_to=open_id), today=today)


# --- applying again is an edit (docs/spec.md: "Applying again is an edit, never a second copy") -----------


def applied_group_c(today):
    """A key client's group C plan applied once; the incident and the state as stored after it."""
    client_id = key_client(today)
    session = words_in(wizard.start(client_id, today=today), today)
    wizard.apply_plan(session.incident_id, group_c_plan(session.state, today), today)
    return session.incident_id, wizard.load_state(session.incident_id)[0]


def apply_and_undo(incident_id, state, day):
    """Apply `state`, check `crm.journal.undo()` takes the database back exactly, apply it again."""
    before = export_json()
    wizard.apply_plan(incident_id, state, day)
    undone = journal.undo()
    assert undone.what == f"Applied the wizard's plan for incident #{incident_id}"
    assert export_json() == before
    wizard.apply_plan(incident_id, state, day)


def test_applied_entries_carry_the_ids_they_wrote(db, today):
    _incident_id, state = applied_group_c(today)
    by_text = {p.text: p.id for p in Promise.select()}
    assert [(p.text, p.id) for p in state.promises] == [(t, by_text[t]) for t in (
        "Reprint with the right prices", "Apology letter signed by the director")]
    assert state.compensation_ids == {"bonus": Compensation.get().id}
    assert state.applied["promises"] == [p.id for p in state.promises]
    assert state.applied["decision"] == IncidentEvent.get(IncidentEvent.kind == "decision").id


def test_a_new_date_renegotiates_the_promise(db, today):
    incident_id, state = applied_group_c(today)
    reprint = state.promises[0]
    later = (today + timedelta(days=9)).isoformat()
    edited = wizard.replace(state, promises=[PlanPromise(reprint.text, later, reprint.id), state.promises[1]])
    apply_and_undo(incident_id, edited, today + timedelta(days=1))

    open_ones = [(p.text, p.due.isoformat()) for p in Promise.select().where(
        (Promise.status == "open") & (Promise.text == reprint.text))]
    assert open_ones == [(reprint.text, later)]
    old = Promise.get_by_id(reprint.id)
    assert (old.status, old.closed_on) == ("renegotiated", today + timedelta(days=1))
    new = Promise.get((Promise.status == "open") & (Promise.text == reprint.text))
    assert new.replaces_id == old.id
    assert wizard.load_state(incident_id)[0].promises[0].id == new.id  # the next edit edits the new one
    assert Promise.select().where(Promise.status == "open").count() == 2
    assert [i.due for i in review(today, 30) if i.kind == "promise"] == [
        today + timedelta(days=1), today + timedelta(days=9)]


def test_a_new_wording_of_the_same_date_is_corrected_in_place(db, today):
    incident_id, state = applied_group_c(today)
    first = state.promises[0]
    edited = wizard.replace(state, promises=[PlanPromise("Reprint with the correct prices", first.due, first.id),
                                             state.promises[1]])
    apply_and_undo(incident_id, edited, today)
    assert Promise.get_by_id(first.id).text == "Reprint with the correct prices"
    assert Promise.select().count() == 2


def test_a_removed_promise_is_cancelled_and_leaves_the_review(db, today):
    incident_id, state = applied_group_c(today)
    client_id = Incident.get_by_id(incident_id).client_id
    dropped = state.promises[1]
    apply_and_undo(incident_id, wizard.replace(state, promises=[state.promises[0]]), today)

    gone = Promise.get_by_id(dropped.id)
    assert (gone.status, gone.closed_on) == ("cancelled", today)
    assert len([i for i in review(today, 30) if i.kind == "promise"]) == 1
    assert all(dropped.text not in i.title for i in review(today, 30))
    record = promise_record(client_id)
    assert (record.open, record.broken, record.closed) == (1, 0, 0)  # cancelled: not broken, not counted
    assert wizard.holdings(incident_id).open_promises == (
        wizard.Holding(state.promises[0].id, state.promises[0].text, today + timedelta(days=5), "open"),)


def test_a_changed_gift_replaces_the_offer_and_withdraws_the_old(db, today):
    client_id = key_client(today)
    session = words_in(wizard.start(client_id, today=today), today)
    state = wizard.replace(group_c_plan(session.state, today), compensation={"kind": "gift", "gift_cost": "150"})
    wizard.apply_plan(session.incident_id, state, today)
    stored = wizard.load_state(session.incident_id)[0]
    first = stored.compensation_ids["gift"]
    more = wizard.replace(stored, compensation={"kind": "gift", "gift_cost": "250"})
    apply_and_undo(session.incident_id, more, today)

    offers = [(c.kind, c.amount, c.status) for c in Compensation.select().order_by(Compensation.id)]
    assert offers == [("gift", Decimal("150.00"), "withdrawn"), ("gift", Decimal("250.00"), "offered")]
    assert Compensation.get_by_id(first).status == "withdrawn"
    held = wizard.holdings(session.incident_id)
    assert [(o.what, o.amount.amount) for o in held.offers] == [("gift", Decimal("250.00"))]
    assert IncidentEvent.select().where(IncidentEvent.text.contains("Withdrew the gift of 150.00")).exists()

    none = wizard.replace(wizard.load_state(session.incident_id)[0], compensation={"kind": "none"})
    apply_and_undo(session.incident_id, none, today)
    assert not wizard.holdings(session.incident_id).offers


def test_a_withdrawn_bonus_is_no_longer_due_to_expire(db, today):
    incident_id, state = applied_group_c(today)
    wizard.apply_plan(incident_id, wizard.replace(state, compensation={"kind": "gift", "gift_cost": "90"}), today)
    assert Compensation.get(Compensation.kind == "bonus").status == "withdrawn"
    assert not [i for i in review(today, 120) if i.kind == "bonus_expiry"]


def test_the_same_plan_twice_changes_nothing(db, today):
    incident_id, state = applied_group_c(today)
    exported, changes = export_json(), journal.history()
    version = Incident.get_by_id(incident_id).version
    assert wizard.apply_plan(incident_id, state, today + timedelta(days=3)) == version  # another day, same plan
    assert export_json() == exported and journal.history() == changes
    # A plan without ids (a file, or a state saved before ids were kept) is matched by its content.
    fresh = wizard.replace(state, promises=[PlanPromise(p.text, p.due) for p in state.promises],
                           compensation_ids={})
    wizard.apply_plan(incident_id, fresh, today)
    assert export_json() == exported


def test_one_decision_event_per_plan_rewritten_when_the_plan_changes(db, today):
    incident_id, state = applied_group_c(today)
    decisions = IncidentEvent.select().where(IncidentEvent.kind == "decision")
    first = decisions.get()
    later = (today + timedelta(days=8)).isoformat()
    edited = wizard.replace(state, promises=[PlanPromise(state.promises[0].text, later, state.promises[0].id)])
    apply_and_undo(incident_id, edited, today + timedelta(days=2))
    assert decisions.count() == 1
    now = decisions.get()
    assert now.id == first.id and now.on == today + timedelta(days=2)
    assert f"Promise by {later}: Reprint with the right prices" in now.text
    assert "Apology letter" not in now.text
    assert wizard.load_state(incident_id)[0].applied["revised"] == (today + timedelta(days=2)).isoformat()


def test_a_promise_kept_meanwhile_stays_kept(db, today):
    incident_id, state = applied_group_c(today)
    keep_promise(state.promises[1].id, on=today)
    wizard.apply_plan(incident_id, wizard.replace(state, promises=[state.promises[0]]), today)
    assert Promise.get_by_id(state.promises[1].id).status == "kept"  # nothing to cancel: it is done
    wizard.apply_plan(incident_id, state, today)  # listed again, unchanged: still the kept one
    assert Promise.select().count() == 2
