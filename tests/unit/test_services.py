"""The services every screen and command goes through: clients, touches, contacts, incidents,
compensation, promises and the merged timeline."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from crm import clients, incidents, promises
from crm.clients import ClientFields, add_client, change_status, edit_client, find_client
from crm.errors import StaleEditError, UserError
from crm.models import Client, Compensation, Contact, Incident, IncidentEvent, Promise, StatusChange, Touch
from crm.summary import summaries
from crm.timeline import client_timeline, incident_timeline


def _add(name: str, today: date, **fields) -> int:
    status = fields.pop("status", "active")
    return add_client(ClientFields(name=name, **fields), status=status, today=today)


def _statuses(client_id: int) -> list[tuple[str, str, date, str]]:
    rows = StatusChange.select().where(StatusChange.client == client_id).order_by(StatusChange.id)
    return [(r.old_status, r.new_status, r.on, r.reason) for r in rows]


# ---- clients ---------------------------------------------------------------------------------


def test_add_client_normalises_fields_and_records_who_and_when(db, today):
    cid = _add(" Acme GmbH ", today, email=" info@acme.example ", country="de", language="DE",
               temperament="Fierce", tier="KEY", birthday=date(1980, 2, 29))
    client = Client.get_by_id(cid)
    assert (client.name, client.email, client.country, client.language) == ("Acme GmbH", "info@acme.example",
                                                                          "DE", "de")
    assert (client.temperament, client.tier, client.status, client.status_since) == ("fierce", "key", "active",
                                                                                    today)
    assert client.birthday == date(1980, 2, 29)
    assert client.created_by == client.updated_by == "tester" and client.version == 1
    assert _statuses(cid) == [("", "active", today, "")]


def test_a_new_client_may_be_a_prospect_but_not_departed(db, today):
    assert Client.get_by_id(_add("Lead", today, status="prospect")).status == "prospect"
    with pytest.raises(UserError, match="unknown status for a new client: 'departed'"):
        _add("Gone", today, status="departed")
    assert Client.select().count() == 1 and StatusChange.select().count() == 1


@pytest.mark.parametrize("fields, message", [
    ({"name": "  "}, "name must not be empty"),
    ({"name": "A", "email": "not-mail"}, "not an e-mail address"),
    ({"name": "A", "country": "XX"}, "unknown country code"),
    ({"name": "A", "temperament": "grumpy"}, "unknown temperament"),
    ({"name": "A", "tier": "gold"}, "unknown tier"),
    ({"name": "A", "phone": "call me"}, "not a phone number"),
])
def test_a_bad_field_writes_nothing(db, today, fields, message):
    with pytest.raises(UserError, match=message):
        add_client(ClientFields(**fields), today=today)
    assert Client.select().count() == 0 and StatusChange.select().count() == 0


def test_status_changes_follow_the_lifecycle_and_are_dated(db, today):
    cid = _add("Acme", today)
    later, much_later = today + timedelta(days=10), today + timedelta(days=200)
    assert change_status(cid, "depart", on=later, reason="budget cut") == "departed"
    client = Client.get_by_id(cid)
    assert (client.status, client.status_since, client.version) == ("departed", later, 2)
    assert change_status(cid, "return", on=much_later) == "active"
    assert change_status(cid, "part", on=much_later, reason="abusive") == "parted"
    assert change_status(cid, "return", on=much_later) == "active"
    assert _statuses(cid) == [
        ("", "active", today, ""),
        ("active", "departed", later, "budget cut"),
        ("departed", "active", much_later, ""),
        ("active", "parted", much_later, "abusive"),
        ("parted", "active", much_later, ""),
    ]


@pytest.mark.parametrize("start, action", [("active", "return"), ("departed", "depart"), ("parted", "depart"),
                                           ("parted", "part")])
def test_impossible_status_changes_are_refused_and_not_recorded(db, today, start, action):
    cid = _add("Acme", today)
    if start != "active":
        change_status(cid, {"departed": "depart", "parted": "part"}[start], on=today)
    before = _statuses(cid)
    with pytest.raises(UserError, match=f"Acme is {start}; cannot {action} from there"):
        change_status(cid, action, on=today)
    assert _statuses(cid) == before and Client.get_by_id(cid).status == start


def test_status_change_of_a_missing_client_is_a_user_error(db, today):
    with pytest.raises(UserError, match="no client with id 42"):
        change_status(42, "depart", on=today)


# ---- finding a client ------------------------------------------------------------------------


@pytest.fixture
def some_clients(db, today):
    return {name: _add(name, today) for name in ("Acme", "Acme Ltd", "Blue Fox Studio", "ООО Ромашка", "Ærø ApS")}


@pytest.mark.parametrize("ref, name", [
    ("3", "Blue Fox Studio"),
    ("#3", "Blue Fox Studio"),
    (" #3 ", "Blue Fox Studio"),
    ("acme", "Acme"),  # an exact name wins over names that merely contain it
    ("ACME LTD", "Acme Ltd"),
    ("fox", "Blue Fox Studio"),
    ("ромашка", "ООО Ромашка"),  # casefold handles Cyrillic, which SQLite's lower() does not
    ("ООО РОМАШКА", "ООО Ромашка"),
    ("ærø", "Ærø ApS"),
])
def test_find_client_by_id_exact_name_or_unique_part(some_clients, ref, name):
    assert find_client(ref).name == name


def test_an_ambiguous_name_lists_the_candidates(some_clients):
    with pytest.raises(UserError) as refused:
        find_client("cm")
    assert str(refused.value) == "'cm' matches several clients: #1 Acme, #2 Acme Ltd; use the id"


def test_an_unknown_name_suggests_close_ones(some_clients):
    with pytest.raises(UserError) as refused:
        find_client("Acne")
    assert str(refused.value) == "no client named 'Acne'; did you mean #1 Acme, #2 Acme Ltd?"
    with pytest.raises(UserError) as refused:
        find_client("Zebra Works")
    assert str(refused.value) == "no client named 'Zebra Works'"


@pytest.mark.parametrize("ref, message", [("99", "no client with id 99"), ("#99", "no client with id 99"),
                                          ("  ", "no client given")])
def test_unknown_ids_and_empty_refs(some_clients, ref, message):
    with pytest.raises(UserError, match=message):
        find_client(ref)


def test_a_name_made_of_digits_is_found_when_no_client_has_that_id(db, today):
    _add("Acme", today)
    studio = _add("1984", today)
    assert find_client("1984").id == studio
    assert find_client("1").name == "Acme"  # an id still wins
    with pytest.raises(UserError, match="no client with id 1984"):
        find_client("#1984")  # "#" always means an id


def test_two_clients_with_the_same_name_need_the_id(db, today):
    _add("Acme", today)
    _add("acme", today)
    with pytest.raises(UserError, match="matches several clients: #1 Acme, #2 acme"):
        find_client("ACME")


# ---- editing ---------------------------------------------------------------------------------


def test_edit_client_saves_and_bumps_the_version(db, today):
    cid = _add("Acme", today)
    assert edit_client(cid, 1, ClientFields(name="Acme AG", country="ch", temperament="quiet")) == 2
    client = Client.get_by_id(cid)
    assert (client.name, client.country, client.temperament, client.version) == ("Acme AG", "CH", "quiet", 2)


def test_a_stale_edit_is_refused_and_changes_nothing(db, today, monkeypatch):
    cid = _add("Acme", today)
    monkeypatch.setenv("CRM_AUTHOR", "anna")
    edit_client(cid, 1, ClientFields(name="Acme (Anna's edit)"))  # Anna saves first
    monkeypatch.setenv("CRM_AUTHOR", "ben")
    with pytest.raises(StaleEditError) as refused:
        edit_client(cid, 1, ClientFields(name="Acme (Ben's edit)", notes="lost?"))  # Ben read version 1
    assert "was changed by anna meanwhile" in str(refused.value)
    client = Client.get_by_id(cid)
    assert (client.name, client.notes, client.version, client.updated_by) == ("Acme (Anna's edit)", "", 2, "anna")


def test_editing_with_a_bad_field_or_a_missing_client_changes_nothing(db, today):
    cid = _add("Acme", today)
    with pytest.raises(UserError, match="not an e-mail"):
        edit_client(cid, 1, ClientFields(name="Acme", email="nope"))
    with pytest.raises(UserError, match="client #7 no longer exists"):
        edit_client(7, 1, ClientFields(name="Ghost"))
    assert Client.get_by_id(cid).version == 1


# ---- touches and contacts --------------------------------------------------------------------


def test_touches_drive_last_touch_by_date_not_by_entry_order(db, today):
    cid = _add("Acme", today)
    clients.log_touch(cid, kind="call", on=today - timedelta(days=3), note="Called Anna")
    clients.log_touch(cid, kind="EMAIL", on=today - timedelta(days=40))  # entered later, happened earlier
    touches = Touch.select().where(Touch.client == cid).order_by(Touch.id)
    assert [(t.kind, t.note) for t in touches] == [("call", "Called Anna"), ("email", "")]
    (summary,) = summaries()
    assert summary["last_touch"] == (today - timedelta(days=3)).isoformat()


def test_an_unknown_touch_kind_is_refused(db, today):
    cid = _add("Acme", today)
    with pytest.raises(UserError, match="unknown touch kind: 'fax'"):
        clients.log_touch(cid, kind="fax", on=today)
    assert Touch.select().count() == 0


def test_only_one_contact_is_the_decision_maker(db, today):
    cid, other = _add("Acme", today), _add("Other", today)
    anna = clients.add_contact(cid, "Anna", role="CEO", decision_maker=True)
    elsewhere = clients.add_contact(other, "Olga", decision_maker=True)
    ben = clients.add_contact(cid, "Ben", email="ben@acme.example")
    assert Contact.get_by_id(anna).decision_maker and not Contact.get_by_id(ben).decision_maker
    carl = clients.add_contact(cid, "Carl", decision_maker=True)
    deciders = [c.id for c in Contact.select().where(Contact.decision_maker == True)]  # noqa: E712
    assert sorted(deciders) == sorted([carl, elsewhere])  # Anna no longer; the other client's untouched
    with pytest.raises(UserError, match="not an e-mail"):
        clients.add_contact(cid, "Dora", email="dora", decision_maker=True)
    assert Contact.get_by_id(carl).decision_maker  # a refused contact takes nothing away


# ---- incidents -------------------------------------------------------------------------------


def test_open_incident_with_the_clients_words_as_first_event(db, today):
    cid = _add("Acme", today)
    iid = incidents.open_incident(cid, "Late delivery", severity="HIGH", on=today, words="You promised Friday!")
    incident = Incident.get_by_id(iid)
    assert (incident.title, incident.severity, incident.opened_on, incident.resolved_on) == (
        "Late delivery", "high", today, None)
    assert [(e.kind, e.text) for e in IncidentEvent.select()] == [("complaint", "You promised Friday!")]
    assert incidents.open_incident(cid, "Quiet one", on=today) and IncidentEvent.select().count() == 1


@pytest.mark.parametrize("call, message", [
    (lambda cid, on: incidents.open_incident(cid, " ", on=on), "incident title must not be empty"),
    (lambda cid, on: incidents.open_incident(cid, "X", severity="urgent", on=on), "unknown severity"),
])
def test_a_bad_incident_is_not_opened(db, today, call, message):
    cid = _add("Acme", today)
    with pytest.raises(UserError, match=message):
        call(cid, today)
    assert Incident.select().count() == 0


def test_log_event(db, today):
    iid = incidents.open_incident(_add("Acme", today), "Late", on=today)
    incidents.log_event(iid, "Apologised by phone", kind="apology", on=today)
    with pytest.raises(UserError, match="unknown event kind: 'shrug'"):
        incidents.log_event(iid, "x", kind="shrug", on=today)
    with pytest.raises(UserError, match="event text must not be empty"):
        incidents.log_event(iid, "  ", on=today)
    with pytest.raises(UserError, match="no incident with id 9"):
        incidents.log_event(9, "x", on=today)
    assert [(e.kind, e.text) for e in IncidentEvent.select()] == [("apology", "Apologised by phone")]


def test_resolve_retained_keeps_the_client_active(db, today):
    cid = _add("Acme", today)
    iid = incidents.open_incident(cid, "Late", on=today)
    incidents.resolve_incident(iid, on=today + timedelta(days=2))
    incident = Incident.get_by_id(iid)
    assert (incident.resolved_on, incident.outcome, incident.version) == (today + timedelta(days=2), "retained", 2)
    assert [e.text for e in IncidentEvent.select()] == ["Resolved: client retained"]
    assert Client.get_by_id(cid).status == "active" and len(_statuses(cid)) == 1


@pytest.mark.parametrize("outcome, status", [("departed", "departed"), ("parted", "parted")])
def test_resolve_with_a_departure_changes_the_clients_status(db, today, outcome, status):
    cid = _add("Acme", today)
    iid = incidents.open_incident(cid, "Late", on=today)
    on = today + timedelta(days=5)
    incidents.resolve_incident(iid, outcome=outcome, on=on, note="They went elsewhere")
    client = Client.get_by_id(cid)
    assert (client.status, client.status_since) == (status, on)
    assert _statuses(cid)[-1] == ("active", status, on, f"Incident #{iid}: Late")
    assert [e.text for e in IncidentEvent.select()] == ["They went elsewhere"]


def test_resolve_departed_for_an_already_departed_client_records_no_second_change(db, today):
    cid = _add("Acme", today)
    change_status(cid, "depart", on=today)
    iid = incidents.open_incident(cid, "Unpaid invoice", on=today)
    incidents.resolve_incident(iid, outcome="departed", on=today)
    assert len(_statuses(cid)) == 2 and Client.get_by_id(cid).status == "departed"


def test_a_resolve_that_cannot_change_the_status_writes_nothing(db, today):
    cid = _add("Acme", today)
    change_status(cid, "part", on=today)
    iid = incidents.open_incident(cid, "Late", on=today)
    with pytest.raises(UserError, match="Acme is parted; cannot depart"):
        incidents.resolve_incident(iid, outcome="departed", on=today)
    assert Incident.get_by_id(iid).resolved_on is None and IncidentEvent.select().count() == 0


def test_resolve_refusals(db, today):
    iid = incidents.open_incident(_add("Acme", today), "Late", on=today)
    with pytest.raises(UserError, match="unknown outcome"):
        incidents.resolve_incident(iid, outcome="happy", on=today)
    with pytest.raises(UserError, match="cannot be resolved before"):
        incidents.resolve_incident(iid, on=today - timedelta(days=1))
    incidents.resolve_incident(iid, on=today)
    with pytest.raises(UserError, match=f"incident #{iid} was already resolved on {today}"):
        incidents.resolve_incident(iid, on=today)
    with pytest.raises(UserError, match="no incident with id 5"):
        incidents.resolve_incident(5, on=today)
    assert IncidentEvent.select().count() == 1


# ---- compensation ----------------------------------------------------------------------------


def test_a_bonus_is_valid_three_months_by_default(db, today):
    iid = incidents.open_incident(_add("Acme", today), "Late", on=today)
    on = date(2026, 11, 30)
    comp_id = incidents.compensate(iid, kind="bonus", amount=Decimal("150"), on=on)
    comp = Compensation.get_by_id(comp_id)
    assert (comp.kind, comp.amount, comp.currency, comp.valid_until, comp.status) == (
        "bonus", Decimal("150"), "EUR", date(2027, 2, 28), "offered")  # Nov 30 + 3 months, clipped
    (event,) = IncidentEvent.select()
    assert (event.kind, event.text) == ("compensation_offered", "Offered bonus of 150.00 EUR, valid until 2027-02-28")


def test_a_gift_has_no_validity_and_a_given_one_is_kept(db, today):
    iid = incidents.open_incident(_add("Acme", today), "Late", on=today)
    gift = incidents.compensate(iid, kind="gift", amount=Decimal("40"), currency="USD", on=today)
    assert Compensation.get_by_id(gift).valid_until is None
    bonus = incidents.compensate(iid, kind="bonus", amount=Decimal("1"), valid_until=date(2027, 6, 1), on=today)
    assert Compensation.get_by_id(bonus).valid_until == date(2027, 6, 1)
    assert [e.text for e in IncidentEvent.select()] == ["Offered gift of 40.00 USD",
                                                        "Offered bonus of 1.00 EUR, valid until 2027-06-01"]


@pytest.mark.parametrize("kwargs, message", [
    ({"kind": "voucher", "amount": Decimal("5")}, "unknown compensation kind"),
    ({"kind": "gift", "amount": Decimal("-5")}, "must not be negative"),
    ({"kind": "bonus", "amount": Decimal("5"), "valid_until": date(2026, 11, 1)}, "is before the offer date"),
])
def test_bad_compensations_write_nothing(db, today, kwargs, message):
    iid = incidents.open_incident(_add("Acme", today), "Late", on=today)
    with pytest.raises(UserError, match=message):
        incidents.compensate(iid, on=today, **kwargs)
    assert Compensation.select().count() == 0 and IncidentEvent.select().count() == 0


# ---- promises --------------------------------------------------------------------------------


def test_promises_kept_on_time_late_broken_and_the_record(db, today):
    cid = _add("Acme", today)
    due = today + timedelta(days=4)
    on_time, late, broken, _still_open = (promises.add_promise(cid, text, due=due, on=today)
                                         for text in ("Fix", "Call", "Refund", "Visit"))
    assert promises.keep_promise(on_time, on=due) is True  # on the due date is on time
    assert promises.keep_promise(late, on=due + timedelta(days=1)) is False
    promises.break_promise(broken, on=due)
    record = promises.promise_record(cid)
    assert (record.kept_on_time, record.kept_late, record.broken, record.open) == (1, 1, 1, 1)
    assert str(record) == "1 of 3 kept on time"
    assert str(promises.promise_record(_add("Other", today))) == "no promises closed yet"
    assert Promise.get_by_id(late).closed_on == due + timedelta(days=1)


def test_renegotiating_keeps_the_old_promise_in_history(db, today):
    cid = _add("Acme", today)
    iid = incidents.open_incident(cid, "Late", on=today)
    old = promises.add_promise(cid, "Deliver the fix", due=today + timedelta(days=2), on=today, incident_id=iid)
    new = promises.renegotiate_promise(old, new_due=today + timedelta(days=9), on=today + timedelta(days=1))
    before, after = Promise.get_by_id(old), Promise.get_by_id(new)
    assert (before.status, before.closed_on) == ("renegotiated", today + timedelta(days=1))
    assert (after.status, after.due, after.text, after.replaces_id, after.incident_id) == (
        "open", today + timedelta(days=9), "Deliver the fix", old, iid)
    record = promises.promise_record(cid)
    assert (record.open, record.closed) == (1, 0)  # renegotiated is neither kept nor broken


def test_promise_refusals_leave_it_as_it_was(db, today):
    cid = _add("Acme", today)
    with pytest.raises(UserError, match="is in the past"):
        promises.add_promise(cid, "Late already", due=today - timedelta(days=1), on=today)
    with pytest.raises(UserError, match="promise must not be empty"):
        promises.add_promise(cid, " ", due=today, on=today)
    pid = promises.add_promise(cid, "Fix", due=today + timedelta(days=3), on=today)
    with pytest.raises(UserError, match=r"new due date .* is in the past"):
        promises.renegotiate_promise(pid, new_due=today - timedelta(days=1), on=today)
    with pytest.raises(UserError, match="cannot be closed before"):
        promises.keep_promise(pid, on=today - timedelta(days=1))
    assert Promise.get_by_id(pid).status == "open" and Promise.select().count() == 1
    promises.keep_promise(pid, on=today)
    for close in (promises.keep_promise, promises.break_promise):
        with pytest.raises(UserError, match=f"promise #{pid} is already kept"):
            close(pid, on=today)
    with pytest.raises(UserError, match="no promise with id 77"):
        promises.keep_promise(77, on=today)


# ---- timeline --------------------------------------------------------------------------------


def test_the_timeline_merges_everything_newest_first(db, today):
    cid = _add("Acme", today - timedelta(days=30))
    clients.log_touch(cid, kind="call", on=today - timedelta(days=20), note="Kick-off call")
    iid = incidents.open_incident(cid, "Late", on=today - timedelta(days=10), words="Where is it?")
    pid = promises.add_promise(cid, "Ship it", due=today - timedelta(days=5), on=today - timedelta(days=9))
    promises.keep_promise(pid, on=today - timedelta(days=4))
    incidents.compensate(iid, kind="gift", amount=Decimal("30"), on=today - timedelta(days=3))
    clients.log_touch(cid, kind="email", on=today - timedelta(days=25), note="Entered late, happened early")
    incidents.resolve_incident(iid, outcome="departed", on=today - timedelta(days=2))

    timeline = client_timeline(cid)
    assert [(e.on, e.kind, e.text) for e in timeline] == [
        (today - timedelta(days=2), "status", "Departed: Incident #1: Late"),
        (today - timedelta(days=2), "resolved", "#1 Resolved: client departed"),
        (today - timedelta(days=3), "compensation_offered", "#1 Offered gift of 30.00 EUR"),
        (today - timedelta(days=4), "promise_kept", "Kept late (due 2026-11-18): Ship it"),
        (today - timedelta(days=9), "promise", "Promised by 2026-11-18: Ship it"),
        (today - timedelta(days=10), "complaint", "#1 Where is it?"),
        (today - timedelta(days=10), "incident", "#1 opened (medium): Late"),
        (today - timedelta(days=20), "call", "Kick-off call"),
        (today - timedelta(days=25), "email", "Entered late, happened early"),
        (today - timedelta(days=30), "status", "Added as active"),
    ]
    assert [e.text for e in client_timeline(cid, limit=2)] == [e.text for e in timeline[:2]]
    assert timeline[0].author == "tester"
    assert [e.kind for e in incident_timeline(iid)] == ["complaint", "compensation_offered", "resolved"]


def test_a_timeline_entered_within_one_second_still_reads_in_order(db, today):
    cid = _add("Acme", today)
    iid = incidents.open_incident(cid, "Late", on=today)
    incidents.log_event(iid, "Called back", kind="call", on=today)
    pid = promises.add_promise(cid, "Fix", due=today, on=today)
    promises.keep_promise(pid, on=today)
    # Everything above shares one date and usually one recorded second.
    assert [e.kind for e in client_timeline(cid)] == ["promise_kept", "promise", "call", "incident", "status"]


def test_the_timeline_follows_the_order_things_were_recorded_in(db, today):
    cid = _add("Acme", today)
    clients.log_touch(cid, kind="call", on=today, note="First a call")
    iid = incidents.open_incident(cid, "Then a complaint", on=today)
    clients.log_touch(cid, kind="email", on=today, note="Then an e-mail")
    incidents.log_event(iid, "Then an apology", kind="apology", on=today)
    assert [e.text for e in client_timeline(cid)] == [
        "#1 Then an apology", "Then an e-mail", "#1 opened (medium): Then a complaint", "First a call",
        "Added as active"]
