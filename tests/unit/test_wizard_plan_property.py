"""Property (issue 12, "Done means"): any sequence of plan edits applied one after another leaves the
same database as applying only the final plan.

"The same", as a user sees it: the same open promises (text, due), the same compensations on offer
(kind, amount, currency, valid until), the same reminders, the same incident (outcome, resolution,
strategy, group, severity), the same client status, one decision event, and the same review for the
client. What an edit leaves as history is not compared: ids, timestamps, renegotiated and cancelled
promises, withdrawn offers, notes and status changes ("a changed date renegotiates the promise, its
history kept"). Every edit is applied on the same day, as the screen does, carrying the ids the
previous apply wrote (the screen path) or none at all (a plan file, matched by its content).
"""

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm import wizard
from crm.clients import ClientFields, add_client
from crm.db import open_database
from crm.models import Client, Compensation, Incident, IncidentEvent, Promise, Reminder, database
from crm.review import client_due
from crm.wizard import PlanPromise, WizardState
from crm.wizard_json import apply_file
from tests.conftest import TODAY

TEXTS = ("Reprint with the right prices", "Apology letter signed by the director", "Send the proofs",
         "Redo the banner")
COMPENSATIONS = (
    {"kind": "none"},
    {"kind": "gift", "gift_cost": "150"},
    {"kind": "gift", "gift_cost": "300"},
    {"kind": "bonus", "order_value": "8000", "percent": "10", "months": "3"},
    {"kind": "bonus", "order_value": "8000", "percent": "15", "months": "6"},
    {"kind": "double", "order_value": "20000", "gift_cost": "300", "fixing_cost": "3000"},
    {"kind": "refund", "refund": "1200"},
    {"kind": "discount", "order_value": "30000", "percent": "20", "months": "6", "margin": "30"},
)


@st.composite
def edits(draw) -> dict:
    """One version of the plan: its promises (each maybe the same row as the one before it in that
    place), compensation, outcome and fix date."""
    outcome = draw(st.sampled_from(("", "retained", "departed", "parted")))
    promises = [] if outcome == "parted" else draw(st.lists(
        st.tuples(st.sampled_from(TEXTS), st.integers(0, 20), st.booleans()), max_size=3))
    return {"outcome": outcome, "promises": promises, "compensation": draw(st.sampled_from(COMPENSATIONS)),
            "fixed_by": draw(st.integers(0, 10)), "wants_to_leave": draw(st.booleans())}


def fresh_incident(tmp_path) -> tuple[int, WizardState]:
    """A new database with a key client and the incident their words opened; the wizard's state."""
    if database.obj is not None and not database.is_closed():
        database.close()
    open_database(tmp_path / f"{uuid.uuid4().hex}.db")
    client_id = add_client(ClientFields(name="Nordwind GmbH", tier="key", temperament="key"),
                           today=TODAY - timedelta(days=400))
    session = wizard.start(client_id, today=TODAY)
    session = wizard.record_words(session, replace(session.state, words="The brochure has last year's prices!"),
                                  today=TODAY)
    return session.incident_id, session.state


def edited(stored: WizardState, edit: dict, *, keep_ids: bool) -> WizardState:
    """The stored state as the owner edits it on the screen: rows kept in their place keep their ids."""
    promises = []
    for i, (text, days, same_row) in enumerate(edit["promises"]):
        row_id = stored.promises[i].id if keep_ids and same_row and i < len(stored.promises) else None
        promises.append(PlanPromise(text, (TODAY + timedelta(days=days)).isoformat(), row_id))
    return replace(
        stored, outcome=edit["outcome"], promises=promises, compensation=dict(edit["compensation"]),
        fixed_by=(TODAY + timedelta(days=edit["fixed_by"])).isoformat(),
        answers={**stored.answers, "our_error": True, "wants_to_leave": edit["wants_to_leave"]},
        compensation_ids=stored.compensation_ids if keep_ids else {})


def snapshot(incident_id: int) -> dict:
    """The database as a user sees it (see the module's docstring)."""
    incident = Incident.get_by_id(incident_id)
    client = Client.get_by_id(incident.client_id)
    return {
        "promises": sorted((p.text, p.due) for p in Promise.select().where(Promise.status == "open")),
        "offers": sorted((c.kind, c.amount, c.currency, c.valid_until) for c in Compensation.select().where(
            Compensation.status.in_(wizard.LIVE_OFFERS))),
        "reminders": sorted((r.text, r.due, r.every) for r in Reminder.select()),
        "incident": (incident.outcome, incident.resolved_on, incident.strategy, incident.group, incident.severity),
        "client": (client.status, client.temperament),
        "decisions": IncidentEvent.select().where(IncidentEvent.kind == "decision").count(),
        "review": sorted((i.kind, i.due, i.title) for i in client_due(client.id, TODAY)),
    }


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(edits(), min_size=1, max_size=4))
def test_edits_applied_one_after_another_equal_the_final_plan_alone(tmp_path, versions):
    incident_id, state = fresh_incident(tmp_path)
    for edit in versions:
        stored = wizard.load_state(incident_id)[0] if Incident.get_by_id(incident_id).wizard else state
        wizard.apply_plan(incident_id, edited(stored, edit, keep_ids=True), TODAY)
    after_edits = snapshot(incident_id)

    incident_id, state = fresh_incident(tmp_path)
    wizard.apply_plan(incident_id, edited(state, versions[-1], keep_ids=False), TODAY)
    assert after_edits == snapshot(incident_id)


def plan_file(edit: dict) -> dict:
    """The same edit as a plan file (docs/spec.md), without ids: matched by its content."""
    outcome = edit["outcome"] or ("departed" if edit["wants_to_leave"] else "retained")
    comp = wizard.compensation_plan(edit["compensation"], today=TODAY, currency="EUR", language="en")
    return {"strategy": "part" if outcome == "parted" else "soften_blow", "outcome": outcome,
            "promises": [{"text": text, "due": (TODAY + timedelta(days=days)).isoformat()}
                         for text, days, _ in edit["promises"]],
            "compensations": [{"kind": kind, "amount": str(amount), "currency": "EUR",
                               "valid_until": until.isoformat() if until else None}
                              for kind, amount, until in comp.rows],
            "checkin": (TODAY + timedelta(days=edit["fixed_by"] + 30)).isoformat() if outcome == "retained" else None}


@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(edits(), min_size=1, max_size=4))
def test_plan_files_applied_one_after_another_equal_the_final_file_alone(tmp_path, versions):
    incident_id, _ = fresh_incident(tmp_path)
    for edit in versions:
        apply_file(incident_id, plan_file(edit), TODAY)
    after_edits = snapshot(incident_id)

    incident_id, _ = fresh_incident(tmp_path)
    apply_file(incident_id, plan_file(versions[-1]), TODAY)
    assert after_edits == snapshot(incident_id)


@pytest.fixture(autouse=True)
def _closed():
    yield
    if database.obj is not None and not database.is_closed():
        database.close()
