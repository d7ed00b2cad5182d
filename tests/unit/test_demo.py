"""`crm demo`: an empty database filled with a believable agency whose weekly review has work in it."""

import json
import re
from datetime import date, timedelta

import pytest
from peewee import fn

from crm import validate
from crm.cli import main
from crm.clients import ClientFields, add_client
from crm.dates import add_months
from crm.db import open_database
from crm.demo import fill_demo
from crm.domain import COMPENSATION_KINDS, OUTCOMES, STATUSES, TEMPERAMENTS, TIERS
from crm.errors import UserError
from crm.exchange import export_data, export_json, import_file
from crm.models import (
    MODELS,
    Client,
    Compensation,
    Contact,
    Incident,
    IncidentEvent,
    Promise,
    Reminder,
    StatusChange,
    Touch,
    database,
)
from tests.postgres import untouched

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


@pytest.fixture
def demo(db, today):
    """The default-sized demo book (what `crm demo` and the welcome screen load)."""
    return fill_demo(40, today)


def _rows() -> dict[str, int]:
    return {m._meta.table_name: m.select().count() for m in MODELS}


# ---- refusing a database that has data --------------------------------------------------------


def test_refuses_a_database_with_clients_and_writes_nothing(db, today):
    add_client(ClientFields("Existing Client"), today=today)
    before = _rows()
    with pytest.raises(UserError, match=r"^the database already has 1 client; demo data goes only into an empty one$"):
        fill_demo(40, today)
    assert _rows() == before


def test_cli_refuses_a_database_with_clients(cli):
    assert cli("client", "add", "Existing Client").code == 0
    result = cli("demo", "--no-tui")
    assert result.code == 2
    assert result.err == "crm: the database already has 1 client; demo data goes only into an empty one\n"
    assert json.loads(cli("client", "list", "--json").out)[0]["name"] == "Existing Client"
    assert len(json.loads(cli("client", "list", "--json").out)) == 1


# ---- determinism ------------------------------------------------------------------------------


def _export_after_fill(path, today, seed):
    handle = open_database(path)
    try:
        fill_demo(60, today, seed=seed)
        return export_data()
    finally:
        handle.close()


def test_same_seed_and_day_give_the_same_data(tmp_path, today):
    first = _export_after_fill(tmp_path / "a.db", today, seed=7)
    again = _export_after_fill(tmp_path / "b.db", today, seed=7)
    other = _export_after_fill(tmp_path / "c.db", today, seed=8)
    assert first == again
    assert first["tables"]["client"] != other["tables"]["client"]


def test_dates_follow_today(db):
    later = date(2031, 3, 1)
    fill_demo(40, later)
    last_touch = date.fromisoformat(str(Touch.select(fn.MAX(Touch.on)).scalar()))
    assert later - timedelta(days=14) <= last_touch <= later
    assert Promise.select().where(Promise.due.between(later, later + timedelta(days=7))).exists()


# ---- what the data covers ---------------------------------------------------------------------


def test_covers_every_temperament_status_and_tier(demo):
    assert {c.temperament for c in Client.select()} == set(TEMPERAMENTS)
    assert {c.status for c in Client.select()} == set(STATUSES)
    assert {c.tier for c in Client.select()} == set(TIERS)


def test_clients_come_from_several_countries_with_fitting_names(demo):
    clients = list(Client.select())
    assert {"DE", "US", "GB", "RU", "RO", "FR", ""} <= {c.country for c in clients}
    russian = [c for c in clients if c.country == "RU"]
    assert russian and all(c.language == "ru" and CYRILLIC.search(c.name) for c in russian)
    assert all(c.language == "ro" for c in clients if c.country == "RO")
    assert all(not CYRILLIC.search(c.name) for c in clients if c.country != "RU")
    for c in clients:  # what a user could have typed: the same checks as `crm client add`
        ClientFields(c.name, c.company, c.email, c.phone, c.country, c.language, c.birthday, c.notes,
                     c.tier, c.temperament).cleaned()


def test_each_client_has_one_decision_maker_and_some_contacts_have_birthdays(demo):
    deciders = dict(
        Contact.select(Contact.client, fn.SUM(Contact.decision_maker.cast("INTEGER"))).group_by(Contact.client).tuples()
    )
    assert len(deciders) == Client.select().count()
    assert set(deciders.values()) == {1}
    assert Contact.select().where(Contact.birthday.is_null(False)).count() > 0


def test_covers_every_promise_outcome(demo):
    statuses = {p.status for p in Promise.select()}
    assert statuses == {"open", "kept", "broken", "renegotiated"}
    kept = list(Promise.select().where(Promise.status == "kept"))
    assert any(p.closed_on <= p.due for p in kept) and any(p.closed_on > p.due for p in kept)
    for old in Promise.select().where(Promise.status == "renegotiated"):
        (new,) = Promise.select().where(Promise.replaces == old.id)
        assert new.made_on == old.closed_on and new.text == old.text


def test_incidents_open_and_resolved_with_every_outcome(demo):
    incidents = list(Incident.select())
    assert any(i.resolved_on is None for i in incidents)
    assert {i.outcome for i in incidents if i.resolved_on} == set(OUTCOMES)
    for incident in incidents:
        events = list(IncidentEvent.select().where(IncidentEvent.incident == incident.id).order_by(
            IncidentEvent.on, IncidentEvent.id))
        assert events[0].kind == "complaint"  # the client's words open the story
        assert all(incident.opened_on <= e.on <= (incident.resolved_on or e.on) for e in events)
        if incident.resolved_on:
            assert events[-1].kind == "resolved"


def test_resolved_departures_and_partings_change_the_client(demo):
    for incident in Incident.select().where(Incident.outcome.in_(["departed", "parted"])):
        change = StatusChange.get(StatusChange.client == incident.client_id, StatusChange.on == incident.resolved_on)
        assert change.new_status == incident.outcome


def test_covers_every_compensation_kind(demo):
    assert {c.kind for c in Compensation.select()} == set(COMPENSATION_KINDS)


# ---- the weekly review has work in it ---------------------------------------------------------


def test_promises_due_this_week_and_one_overdue(demo, today):
    open_promises = list(Promise.select().where(Promise.status == "open"))
    assert any(today <= p.due <= today + timedelta(days=7) for p in open_promises)
    assert any(p.due < today for p in open_promises)


def test_a_departed_client_is_due_for_win_back(demo, today):
    departed = Client.select().where(Client.status == "departed")
    assert any(abs((add_months(c.status_since, 6) - today).days) <= 7 for c in departed)


def test_check_ins_fall_due_around_today(demo, today):
    resolved = Incident.select().where(Incident.outcome.in_(["retained", "departed"]))
    assert any(25 <= (today - i.resolved_on).days <= 35 for i in resolved)


def test_a_bonus_expires_within_two_weeks(demo, today):
    bonuses = Compensation.select().where(
        (Compensation.kind == "bonus") & Compensation.status.in_(["offered", "accepted"]))
    assert any(today <= b.valid_until <= today + timedelta(days=14) for b in bonuses)


def test_an_open_incident_has_gone_stale(demo, today):
    last = fn.MAX(IncidentEvent.on)
    stale = (
        Incident.select(Incident.id, last.alias("last"))
        .join(IncidentEvent)
        .where(Incident.resolved_on.is_null())
        .group_by(Incident.id)
        .having(last < today - timedelta(days=3))
    )
    assert stale.count() >= 1


def test_quiet_clients(demo, today):
    last_touch = dict(Touch.select(Touch.client, fn.MAX(Touch.on)).group_by(Touch.client).tuples())
    silent = {c.id: (today - date.fromisoformat(str(last_touch[c.id]))).days
              for c in Client.select().where(Client.status == "active")}
    quiet = [c.id for c in Client.select().where((Client.status == "active") & (Client.temperament == "quiet"))]
    assert any(30 < silent[cid] < 90 for cid in quiet)  # past a quiet client's alarm, not the usual one
    assert any(days > 90 for days in silent.values())


def test_custom_reminders_are_valid(demo):
    reminders = list(Reminder.select())
    assert reminders
    assert all(validate.recurrence(r.every) == r.every for r in reminders)


# ---- consistency, and what `import` accepts ---------------------------------------------------


def test_history_never_runs_into_the_future_or_out_of_order(db, today):
    fill_demo(300, today)
    for model, column in ((Touch, Touch.on), (IncidentEvent, IncidentEvent.on), (StatusChange, StatusChange.on),
                          (Compensation, Compensation.on), (Promise, Promise.made_on), (Promise, Promise.closed_on)):
        assert str(model.select(fn.MAX(column)).scalar()) <= today.isoformat()
    assert not Promise.select().where((Promise.due < Promise.made_on) | (Promise.closed_on < Promise.made_on)).exists()
    for client in Client.select():
        changes = list(StatusChange.select().where(StatusChange.client == client.id).order_by(StatusChange.on,
                                                                                               StatusChange.id))
        assert (changes[-1].new_status, changes[-1].on) == (client.status, client.status_since)
        if client.status == "parted":  # do not contact
            assert not Touch.select().where((Touch.client == client.id) & (Touch.on > client.status_since)).exists()
        if client.status in ("departed", "parted"):
            assert not Promise.select().where((Promise.client == client.id) & (Promise.status == "open")).exists()


def test_the_demo_database_exports_and_imports_whole(db, today, tmp_path):
    counts = fill_demo(100, today)
    (tmp_path / "demo.json").write_text(export_json(), encoding="utf-8")
    db.close()
    open_database(tmp_path / "copy.db")
    report = import_file(tmp_path / "demo.json", today=today)
    assert report.written and not report.rejected
    assert Client.select().count() == counts["client"] and Touch.select().count() == counts["touch"]
    database.close()


# ---- volumes ----------------------------------------------------------------------------------


def test_volumes_grow_in_proportion(db, today):
    counts = fill_demo(300, today)  # 5,000 clients give ~100,000 timeline rows (tests/bench/bench_demo.py)
    assert counts["client"] == Client.select().count() == 300
    assert counts["touch"] == Touch.select().count()
    assert counts["promise"] == Promise.select().count()
    assert counts["timeline_entries"] == sum(
        m.select().count() for m in (Touch, IncidentEvent, StatusChange, Promise, Compensation))
    assert 5_100 <= counts["timeline_entries"] <= 6_900  # ~20 per client
    assert 90 <= counts["incident"] <= 150  # ~0.4 per client
    assert 480 <= counts["promise"] <= 720  # ~2 per client


def test_fewer_clients_than_stories(db, today):
    assert fill_demo(2, today)["client"] == Client.select().count() == 2


# ---- the command ------------------------------------------------------------------------------


def test_cli_fills_and_reports(cli):
    result = cli("demo", "--clients", "30", "--no-tui")
    assert result.code == 0, result.err
    assert result.out.startswith("demo: created 30 clients (")
    assert len(result.out.splitlines()) == 1
    assert len(json.loads(cli("client", "list", "--json").out)) == 30


def test_cli_opens_the_app_unless_told_not_to(cli, monkeypatch, db_path, today):
    opened = []
    monkeypatch.setattr("crm.app.run_app", lambda path, day: opened.append((path, day)) or 0)
    monkeypatch.setattr("crm.cli.has_terminal", lambda: True)  # pytest captures stdin and stdout
    assert cli("demo", "--clients", "5").code == 0
    assert opened == [(db_path, today)]


@pytest.mark.parametrize("value", ["0", "-3", "abc", "2.5", "100001", ""])
def test_cli_rejects_a_bad_number_of_clients(capsys, db_path, value):
    try:
        code = main(["demo", "--clients", value, "--no-tui"])
    except SystemExit as stopped:  # argparse's own exit, where main() does not turn it into a code
        code = stopped.code
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.splitlines()) == 1 and "--clients" in err
    assert untouched(db_path)
