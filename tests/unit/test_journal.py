"""The change journal (crm.journal): every change is one entry, undone exactly, and never over
someone else's later work."""

import json
from datetime import timedelta

import pytest

from crm import journal, wizard
from crm.clients import ClientFields, add_client, log_touch
from crm.db import open_database
from crm.errors import UserError
from crm.exchange import export_json
from crm.incidents import open_incident
from crm.models import Change, Client, ItemState, Touch, database
from crm.promises import add_promise
from crm.review import review
from crm.wizard import PlanPromise


def base(cli, today):
    """Clients with something of each kind to act on: promises, an incident, a quiet client,
    departed and parted ones, Christmas greetings."""
    for args in (
        ("Anna Berg", "--country", "DE", "--temperament", "fierce", "--birthday", "1980-11-25"),
        ("Bob Gray", "--country", "DE"),
        ("Cleo Dorn", "--country", "DE"),
    ):
        assert cli("client", "add", *args).code == 0
    assert cli("--today", "2026-05-01", "client", "add", "Quiet Ltd").code == 0
    assert cli("client", "add", "Dora Left").code == 0 and cli("client", "depart", "dora").code == 0
    assert cli("promise", "add", "anna", "Send the fixed page", "--due", "+2d").code == 0
    assert cli("promise", "add", "anna", "Call back", "--due", "+3d").code == 0
    assert cli("incident", "open", "bob", "Invoice twice", "--text", "You billed me twice!").code == 0
    assert cli("compensate", "1", "--kind", "bonus", "--amount", "150").code == 0


def christmas(today):
    return [i.id for i in review(today, 40) if i.occasion == "Christmas Day"]


def plan(today):
    session = wizard.start(2, incident_id=1, today=today)
    state = wizard.replace(
        session.state,
        answers={**session.state.answers, "negativity": "low", "ready_to_negotiate": "yes", "our_error": "yes"},
        remedies=["apology_letter"],
        compensation={"kind": "gift", "gift_cost": "80"},
        fixed_by=(today + timedelta(days=4)).isoformat(),
        promises=[PlanPromise("Refund the second invoice", (today + timedelta(days=4)).isoformat())],
    )
    wizard.apply_plan(1, state, today, version=session.version)


def import_csv(cli, tmp_path):
    path = tmp_path / "more.csv"
    path.write_text("name,email\nDora Eck,dora@eck.example\nEmil Fox,emil@fox.example\n", encoding="utf-8")
    return cli("import", str(path))


# Each kind of change a person makes, through the command line where it has a command.
CHANGES = {
    "done": lambda cli, today, tmp: cli("done", "promise-1"),
    "done, a batch": lambda cli, today, tmp: cli("--today", "2026-12-24", "done",
                                                 *christmas(today.replace(day=24, month=12))),
    "snooze": lambda cli, today, tmp: cli("snooze", "promise-2", "--until", "+1w"),
    "touch": lambda cli, today, tmp: cli("touch", "cleo", "--kind", "call", "--note", "Catch-up"),
    "promise kept": lambda cli, today, tmp: cli("promise", "done", "1"),
    "promise broken": lambda cli, today, tmp: cli("promise", "break", "2"),
    "promise renegotiated": lambda cli, today, tmp: cli("promise", "renegotiate", "1", "--due", "+2w"),
    "client added": lambda cli, today, tmp: cli("client", "add", "Zed Young", "--email", "zed@young.example"),
    "client edited": lambda cli, today, tmp: _edit(today),
    "client departed": lambda cli, today, tmp: cli("client", "depart", "cleo", "--reason", "In-house now"),
    "client parted": lambda cli, today, tmp: cli("client", "part", "cleo"),
    "client returned": lambda cli, today, tmp: cli("client", "return", "dora"),
    "incident opened": lambda cli, today, tmp: cli("incident", "open", "cleo", "Late again", "--text", "Late!"),
    "incident event": lambda cli, today, tmp: cli("incident", "log", "1", "Apologised", "--kind", "apology"),
    "incident resolved": lambda cli, today, tmp: cli("incident", "resolve", "1", "--outcome", "departed"),
    "compensation": lambda cli, today, tmp: cli("compensate", "1", "--kind", "gift", "--amount", "40"),
    "reminder": lambda cli, today, tmp: cli("remind", "add", "bob", "Renew", "--due", "+1m", "--every", "yearly"),
    "wizard plan": lambda cli, today, tmp: plan(today),
    "import": lambda cli, today, tmp: import_csv(cli, tmp),
}


def _edit(today):
    client = Client.get(Client.name == "Bob Gray")
    from crm.clients import edit_client

    edit_client(client.id, client.version, ClientFields(name="Robert Gray", company="Gray & Co", country="DE"))


def _opened(db_path):
    if database.is_closed():
        open_database(db_path)


@pytest.mark.parametrize("kind", list(CHANGES))
def test_every_kind_of_change_undoes_exactly(kind, cli, db_path, today, tmp_path):
    base(cli, today)
    before = (_opened(db_path), export_json())[1]
    outcome = CHANGES[kind](cli, today, tmp_path)
    assert getattr(outcome, "code", 0) == 0, getattr(outcome, "err", "")
    _opened(db_path)
    assert export_json() != before, "the change changed nothing"
    assert len(journal.history(limit=1)) == 1 and not journal.history(limit=1)[0].undone
    undone = cli("undo")
    assert undone.code == 0, undone.err
    _opened(db_path)
    assert export_json() == before
    assert journal.history(limit=1)[0].what.startswith("Undid: ")


def test_one_change_is_one_entry_with_its_author_time_and_client(cli, db_path, today):
    base(cli, today)
    assert cli("done", "promise-1", "--note", "Sent").code == 0  # keeps the promise and remembers the item
    entries = json.loads(cli("log", "--json", "--limit", "3").out)
    assert set(entries[0]) == {"change", "at", "author", "what", "client_id"}
    assert entries[0]["author"] == "tester" and entries[0]["client_id"] == 1
    assert entries[0]["what"] == "Marked done: Send the fixed page"
    assert entries[1]["what"] == "Offered Bob Gray a bonus of 150.00 EUR"
    only_cleo = cli("log", "--client", "cleo").out
    assert "Added the client Cleo Dorn" in only_cleo and "Anna" not in only_cleo


def test_a_holiday_batch_is_one_change_named_by_the_holiday(cli, db_path, today):
    base(cli, today)
    eve = today.replace(month=12, day=24)
    ids = christmas(eve)
    assert len(ids) == 3  # the clients in Germany
    assert cli("--today", eve.isoformat(), "done", *ids).code == 0
    assert json.loads(cli("log", "--json", "--limit", "1").out)[0]["what"] == "Marked 3 greetings done: Christmas Day"
    undone = json.loads(cli("undo", "--json").out)
    assert undone["undone"]["what"] == "Marked 3 greetings done: Christmas Day"
    _opened(db_path)
    assert ItemState.select().count() == 0 and Touch.select().where(Touch.kind == "greeting").count() == 0


def test_undo_goes_back_step_by_step_across_restarts(cli, db_path, today):
    assert cli("client", "add", "Anna Berg").code == 0
    for n in range(60):
        assert cli("touch", "anna", "--note", f"call {n}").code == 0
    for n in reversed(range(60)):  # each cli call opens the database afresh: a restart every time
        result = cli("undo")
        assert result.code == 0 and "Logged a note with Anna Berg" in result.out
        _opened(db_path)
        assert Touch.select().count() == n
    assert cli("undo").out.strip() == "Undone: Added the client Anna Berg"
    nothing = cli("undo")
    assert nothing.code == 2 and "Nothing of yours to undo" in nothing.err


def test_undo_never_removes_what_someone_else_built_on(cli, db_path, today, monkeypatch):
    monkeypatch.setenv("CRM_AUTHOR", "anna")
    assert cli("client", "add", "Nordwind GmbH").code == 0
    monkeypatch.setenv("CRM_AUTHOR", "bob")
    assert cli("touch", "nordwind", "--kind", "call", "--note", "Bob's call").code == 0
    _opened(db_path)
    before = export_json()

    monkeypatch.setenv("CRM_AUTHOR", "anna")
    refused = cli("undo")
    assert refused.code == 2
    assert "bob" in refused.err and "Logged a call with Nordwind GmbH" in refused.err
    _opened(db_path)
    assert export_json() == before  # nothing half-undone

    monkeypatch.setenv("CRM_AUTHOR", "bob")  # once bob takes his call back, anna may undo hers
    assert cli("undo").code == 0
    monkeypatch.setenv("CRM_AUTHOR", "anna")
    assert cli("undo").code == 0
    _opened(db_path)
    assert Client.select().count() == 0


def test_undo_refuses_a_row_someone_else_changed_since(cli, db_path, today, monkeypatch):
    monkeypatch.setenv("CRM_AUTHOR", "anna")
    assert cli("client", "add", "Nordwind GmbH").code == 0
    assert cli("promise", "add", "nordwind", "Send the offer", "--due", "+5d").code == 0
    monkeypatch.setenv("CRM_AUTHOR", "bob")
    assert cli("promise", "renegotiate", "1", "--due", "+9d").code == 0
    monkeypatch.setenv("CRM_AUTHOR", "anna")
    refused = cli("undo")
    assert refused.code == 2 and "bob has since built on it (Moved promise #1 to" in refused.err
    # bob's own undo is his to make, and works
    monkeypatch.setenv("CRM_AUTHOR", "bob")
    assert cli("undo").code == 0
    monkeypatch.setenv("CRM_AUTHOR", "anna")
    assert cli("undo").out.startswith("Undone: Promised Nordwind GmbH: Send the offer")


def test_writes_outside_a_change_are_not_journaled(db, today):
    with database.atomic():  # the demo and migrations write like this
        client_id = add_client(ClientFields(name="Inside"), today=today)  # a service joins no change: its own
    assert [e.what for e in journal.history()] == ["Added the client Inside"]
    Client.update(notes="by another tool").where(Client.id == client_id).execute()
    assert Change.select().count() == 1


def test_a_change_that_changed_nothing_leaves_no_entry(db, today):
    client_id = add_client(ClientFields(name="Anna"), today=today)
    with journal.change("Nothing at all"):
        Client.update(name="Anna").where(Client.id == client_id).execute()
    assert [e.what for e in journal.history()] == ["Added the client Anna"]


def test_a_failed_change_leaves_neither_rows_nor_entry(db, today):
    client_id = add_client(ClientFields(name="Anna"), today=today)
    with pytest.raises(RuntimeError), journal.change("Half a change"):
        log_touch(client_id, kind="call", on=today)
        raise RuntimeError("disk on fire")
    assert Touch.select().count() == 0 and [e.what for e in journal.history()] == ["Added the client Anna"]


def test_nested_services_make_one_change(db, today):
    client_id = add_client(ClientFields(name="Anna"), today=today)
    incident_id = open_incident(client_id, "Late", on=today)
    with journal.change("Planned the fix for {client}"):
        add_promise(client_id, "Fix", due=today + timedelta(days=1), on=today, incident_id=incident_id)
        log_touch(client_id, kind="call", on=today)
    assert [e.what for e in journal.history(limit=1)] == ["Planned the fix for Anna"]
    journal.undo()
    assert Touch.select().count() == 0


def test_undo_refuses_to_bring_back_a_row_whose_parent_is_gone(db, today):
    client_id = add_client(ClientFields(name="Anna"), today=today)
    log_touch(client_id, kind="call", on=today)
    with journal.change("Removed the touch"):
        Touch.delete().execute()
    Client.delete().where(Client.id == client_id).execute()  # another tool removed the client
    before = export_json()
    with pytest.raises(UserError, match="something it refers to was removed since"):
        journal.undo()
    assert export_json() == before
