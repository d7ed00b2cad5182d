"""Every command of the foundation through `crm …`: what it prints (plain and JSON, per docs/spec.md's
scripting interface), and for bad input exit code 2, one clear line, nothing written."""

import json

import pytest

from tests.postgres import dump

EXPECTED_LIST_KEYS = {"id", "name", "status", "temperament", "tier", "country", "last_touch", "open_incidents",
                      "open_promises"}



@pytest.fixture
def refused(cli, db_path):
    """Run a command that must be refused: exit 2, one line on stderr saying `says`, nothing written."""

    def check(*args: str, says: str) -> str:
        before = dump(db_path)
        result = cli(*args)
        assert result.code == 2, (args, result)
        assert result.err.count("\n") == 1 and result.err.endswith("\n"), result.err
        assert says in result.err, result.err
        assert "Traceback" not in result.err and result.out == ""
        assert dump(db_path) == before
        return result.err

    return check


@pytest.fixture
def acme(cli):
    assert cli("client", "add", "Acme GmbH", "--country", "de", "--temperament", "fierce").out == "1\n"
    return "Acme GmbH"


def _json(result):
    assert result.code == 0, result
    return json.loads(result.out)


# ---- client add / list / show ----------------------------------------------------------------


def test_client_add_prints_the_id_or_json(cli):
    assert cli("client", "add", "Acme").out == "1\n"
    assert _json(cli("client", "add", "Blue Fox", "--json")) == {"id": 2}


def test_client_add_with_every_option(cli):
    args = ["client", "add", "Anna Berg", "--company", "Berg Design", "--email", "anna@berg.example",
            "--phone", "+49 30 1234", "--country", "de", "--language", "DE", "--birthday", "29.02.1988",
            "--temperament", "know-it-all", "--tier", "key", "--status", "prospect"]
    assert cli(*args).code == 0
    (client,) = _json(cli("client", "list", "--json"))
    assert {k: client[k] for k in ("name", "company", "email", "phone", "country", "language", "birthday",
                                   "temperament", "tier", "status", "status_since")} == {
        "name": "Anna Berg", "company": "Berg Design", "email": "anna@berg.example", "phone": "+49 30 1234",
        "country": "DE", "language": "de", "birthday": "1988-02-29", "temperament": "know-it-all",
        "tier": "key", "status": "prospect", "status_since": "2026-11-23"}


@pytest.mark.parametrize("args, says", [
    (("", ), "name must not be empty"),
    (("   ",), "name must not be empty"),
    (("X", "--birthday", "31.02.2026"), "no such date: '31.02.2026'"),
    (("X", "--birthday", "someday"), "not a date: 'someday'"),
    (("X", "--temperament", "grumpy"), "unknown temperament: 'grumpy' (one of: fierce, balanced"),
    (("X", "--tier", "gold"), "unknown tier: 'gold'"),
    (("X", "--status", "departed"), "unknown status for a new client: 'departed' (one of: prospect, active)"),
    (("X", "--email", "anna@"), "not an e-mail address: 'anna@'"),
    (("X", "--country", "XX"), "unknown country code: 'XX'"),
    (("X", "--language", "english"), "not a language code: 'english'"),
    (("X", "--phone", "call me"), "not a phone number"),
    (("X", "--bogus"), "unrecognized arguments: --bogus"),
    ((), "the following arguments are required: NAME"),
])
def test_client_add_refuses_bad_input(cli, refused, acme, args, says):
    refused("client", "add", *args, says=says)


def test_client_list_plain_and_filtered(cli, acme):
    cli("client", "add", "Blue Fox", "--status", "prospect")
    out = cli("client", "list").out.splitlines()
    assert out[0].split() == ["ID", "NAME", "COMPANY", "STATUS", "TEMPERAMENT", "TIER", "CC", "LAST", "TOUCH",
                              "INC", "PROM"]
    assert "Acme GmbH" in out[1] and "fierce" in out[1] and "never" in out[1]
    assert "Blue Fox" in out[2] and "prospect" in out[2]
    assert [c["name"] for c in _json(cli("client", "list", "--status", "PROSPECT", "--json"))] == ["Blue Fox"]
    assert cli("client", "list", "--status", "parted").out == "No parted clients.\n"


def test_an_empty_list(cli):
    assert cli("client", "list").out == "No clients.\n"
    assert _json(cli("client", "list", "--json")) == []


def test_client_list_refuses_an_unknown_status(refused, acme):
    refused("client", "list", "--status", "happy", says="unknown status: 'happy' (one of: prospect, active")


def test_list_json_has_the_keys_of_show_without_the_timeline(cli, acme):
    cli("touch", "acme", "--on", "2026-11-20")
    cli("incident", "open", "acme", "Late")
    cli("promise", "add", "acme", "Fix", "--due", "+2d")
    (listed,) = _json(cli("client", "list", "--json"))
    shown = _json(cli("client", "show", "1", "--json"))
    assert set(listed) >= EXPECTED_LIST_KEYS
    assert set(listed) == set(shown) - {"timeline"}
    assert {k: shown[k] for k in listed} == listed
    assert (listed["last_touch"], listed["open_incidents"], listed["open_promises"]) == ("2026-11-20", 1, 1)


def test_client_show_json_shape_and_timeline_newest_first(cli, acme):
    cli("touch", "acme", "--kind", "call", "--note", "Kick-off", "--on", "2026-11-01")
    cli("incident", "open", "acme", "Late delivery", "--on", "2026-11-10", "--text", "Where is it?")
    cli("promise", "add", "acme", "Ship the fix", "--due", "2026-11-30", "--incident", "1")
    shown = _json(cli("client", "show", "ACME", "--json"))
    assert {k: shown[k] for k in EXPECTED_LIST_KEYS} == {
        "id": 1, "name": "Acme GmbH", "status": "active", "temperament": "fierce", "tier": "regular",
        "country": "DE", "last_touch": "2026-11-01", "open_incidents": 1, "open_promises": 1}
    assert shown["timeline"] == [
        {"date": "2026-11-23", "kind": "promise", "text": "Promised by 2026-11-30: Ship the fix"},
        {"date": "2026-11-23", "kind": "status", "text": "Added as active"},
        {"date": "2026-11-10", "kind": "complaint", "text": "#1 Where is it?"},
        {"date": "2026-11-10", "kind": "incident", "text": "#1 opened (medium): Late delivery"},
        {"date": "2026-11-01", "kind": "call", "text": "Kick-off"},
    ]


def test_client_show_plain(cli, acme):
    cli("touch", "acme", "--note", "Called about the launch")
    out = cli("client", "show", "1").out
    assert out.startswith("#1 Acme GmbH\n  active since 2026-11-23 · regular · fierce · DE\n")
    assert "last touch: 2026-11-23" in out and "Called about the launch" in out


def test_client_refs_unknown_or_ambiguous_list_the_candidates(cli, refused, acme):
    cli("client", "add", "Acme Ltd")
    refused("client", "show", "acm", says="'acm' matches several clients: #1 Acme GmbH, #2 Acme Ltd; use the id")
    refused("client", "show", "Acne", says="no client named 'Acne'; did you mean #1 Acme GmbH, #2 Acme Ltd?")
    refused("client", "show", "42", says="no client with id 42")
    refused("touch", "acm", says="matches several clients")
    assert _json(cli("client", "show", "#2", "--json"))["name"] == "Acme Ltd"


# ---- status changes --------------------------------------------------------------------------


def test_depart_part_and_return(cli, acme):
    assert cli("client", "depart", "acme", "--on", "2026-11-20", "--reason", "Budget").out == (
        "Acme GmbH is now departed\n")
    shown = _json(cli("client", "show", "1", "--json"))
    assert (shown["status"], shown["status_since"]) == ("departed", "2026-11-20")
    assert shown["timeline"][-1] == {"date": "2026-11-20", "kind": "status", "text": "Departed: Budget"}
    assert cli("client", "return", "acme").out == "Acme GmbH is now active\n"
    assert cli("client", "part", "acme", "--on", "yesterday").out == "Acme GmbH is now parted\n"
    assert _json(cli("client", "show", "1", "--json"))["status_since"] == "2026-11-22"
    assert [c["id"] for c in _json(cli("client", "list", "--status", "parted", "--json"))] == [1]


def test_status_change_refusals(cli, refused, acme):
    refused("client", "return", "acme", says="Acme GmbH is active; cannot return from there")
    refused("client", "depart", "acme", "--on", "31.02.2026", says="no such date: '31.02.2026'")
    refused("client", "depart", "nobody", says="no client named 'nobody'")
    refused("client", "return", "acme", "--reason", "x", says="unrecognized arguments: --reason x")
    cli("client", "part", "acme")
    refused("client", "depart", "acme", says="Acme GmbH is parted; cannot depart from there")


# ---- touch -----------------------------------------------------------------------------------


def test_touch_prints_its_id_and_counts_as_last_touch(cli, acme):
    assert cli("touch", "acme").out == "1\n"
    assert _json(cli("touch", "1", "--kind", "Meeting", "--note", "Lunch", "--on", "+2d", "--json")) == {"id": 2}
    shown = _json(cli("client", "show", "1", "--json"))
    assert shown["last_touch"] == "2026-11-25"
    assert shown["timeline"][0] == {"date": "2026-11-25", "kind": "meeting", "text": "Lunch"}
    assert {"date": "2026-11-23", "kind": "note", "text": "Note"} in shown["timeline"]


def test_touch_refusals(refused, acme):
    refused("touch", "acme", "--kind", "fax", says="unknown touch kind: 'fax' (one of: call, email")
    refused("touch", "acme", "--on", "2026-02-30", says="no such date: '2026-02-30'")
    refused("touch", "Zebra", says="no client named 'Zebra'")
    refused("touch", says="the following arguments are required: CLIENT")


# ---- incidents -------------------------------------------------------------------------------


def test_incident_open_log_resolve(cli, acme):
    assert cli("incident", "open", "acme", "Late delivery", "--severity", "high", "--text", "Unacceptable").out == (
        "1\n")
    assert _json(cli("incident", "log", "#1", "Apologised", "--kind", "apology", "--json")) == {"id": 2}
    assert cli("incident", "log", "1", "Fix shipped", "--kind", "fix_delivered", "--on", "+1d").out == "3\n"
    assert cli("incident", "resolve", "1", "--on", "+2d").out == "incident #1 resolved: retained\n"
    shown = _json(cli("client", "show", "1", "--json"))
    assert shown["open_incidents"] == 0 and shown["status"] == "active"
    assert [e["kind"] for e in shown["timeline"][:4]] == ["resolved", "fix_delivered", "apology", "complaint"]


def test_resolving_as_departed_departs_the_client(cli, acme):
    cli("incident", "open", "acme", "Late")
    assert cli("incident", "resolve", "1", "--outcome", "departed").code == 0
    shown = _json(cli("client", "show", "1", "--json"))
    assert shown["status"] == "departed"
    assert shown["timeline"][0] == {"date": "2026-11-23", "kind": "status", "text": "Departed: Incident #1: Late"}


def test_incident_refusals(cli, refused, acme):
    refused("incident", "open", "acme", " ", says="incident title must not be empty")
    refused("incident", "open", "acme", "Late", "--severity", "urgent", says="unknown severity: 'urgent'")
    refused("incident", "open", "nobody", "Late", says="no client named 'nobody'")
    refused("incident", "open", "acme", "Late", "--on", "32.01.2026", says="no such date: '32.01.2026'")
    cli("incident", "open", "acme", "Late")
    refused("incident", "log", "1", "x", "--kind", "shrug", says="unknown event kind: 'shrug'")
    refused("incident", "log", "9", "x", says="no incident with id 9")
    refused("incident", "log", "one", "x", says="argument INCIDENT: not an id: 'one'")
    refused("incident", "resolve", "1", "--outcome", "happy", says="unknown outcome: 'happy'")
    refused("incident", "resolve", "1", "--on", "2026-11-01", says="it cannot be resolved before")
    cli("incident", "resolve", "1")
    refused("incident", "resolve", "1", says="incident #1 was already resolved on 2026-11-23")
    refused("incident", says="crm incident: choose one of: open, log, resolve")


# ---- promises --------------------------------------------------------------------------------


def test_promise_add_done_on_time_and_late(cli, acme):
    assert cli("promise", "add", "acme", "Send the proposal", "--due", "friday").out == "1\n"
    assert _json(cli("promise", "add", "acme", "Call back", "--due", "tomorrow", "--json")) == {"id": 2}
    assert cli("promise", "done", "1").out == "promise #1 kept on time\n"
    assert cli("promise", "done", "2", "--on", "+3d").out == "promise #2 kept late\n"
    shown = _json(cli("client", "show", "1", "--json"))
    assert shown["promises"] == {"kept_on_time": 1, "kept_late": 1, "broken": 0, "open": 0}
    assert shown["open_promises"] == 0
    assert "promises: 1 of 2 kept on time" in cli("client", "show", "1").out


def test_promise_break_and_renegotiate(cli, acme):
    cli("promise", "add", "acme", "Fix", "--due", "+2d")
    cli("promise", "add", "acme", "Visit", "--due", "+2d")
    assert cli("promise", "break", "1").out == "promise #1 broken\n"
    assert _json(cli("promise", "renegotiate", "2", "--due", "+2w", "--json")) == {"id": 3}
    shown = _json(cli("client", "show", "1", "--json"))
    assert shown["promises"] == {"kept_on_time": 0, "kept_late": 0, "broken": 1, "open": 1}
    kinds = [e["kind"] for e in shown["timeline"]]
    assert "promise_broken" in kinds and "promise_renegotiated" in kinds


def test_promise_refusals(cli, refused, acme):
    cli("client", "add", "Other")
    cli("incident", "open", "other", "Not ours")
    refused("promise", "add", "acme", "Fix", says="the following arguments are required: --due")
    refused("promise", "add", "acme", "Fix", "--due", "yesterday", says="due date 2026-11-22 is in the past")
    refused("promise", "add", "acme", "Fix", "--due", "31.02.2026", says="no such date")
    refused("promise", "add", "acme", "Fix", "--due", "+1d", "--incident", "1",
            says="incident #1 belongs to another client")
    refused("promise", "add", "acme", "Fix", "--due", "+1d", "--incident", "8", says="no incident with id 8")
    refused("promise", "done", "5", says="no promise with id 5")
    cli("promise", "add", "acme", "Fix", "--due", "+1d")
    cli("promise", "done", "1")
    refused("promise", "done", "1", says="promise #1 is already kept")
    refused("promise", "break", "1", says="promise #1 is already kept")
    refused("promise", "renegotiate", "1", "--due", "+1w", says="promise #1 is already kept")


# ---- compensate ------------------------------------------------------------------------------


def test_compensate_bonus_defaults_to_three_months(cli, acme):
    cli("incident", "open", "acme", "Late")
    assert cli("compensate", "1", "--kind", "bonus", "--amount", "1.500,50").out == "1\n"
    assert _json(cli("compensate", "#1", "--kind", "gift", "--amount", "40", "--currency", "usd", "--json")) == {
        "id": 2}
    texts = [e["text"] for e in _json(cli("client", "show", "1", "--json"))["timeline"]]
    assert "#1 Offered bonus of 1,500.50 EUR, valid until 2027-02-23" in texts
    assert "#1 Offered gift of 40.00 USD" in texts


@pytest.mark.parametrize("args, says", [
    (("--kind", "bonus", "--amount", "abc"), "not an amount: 'abc'"),
    (("--kind", "bonus", "--amount", "-5"), "amount must not be negative: '-5'"),
    (("--kind", "bonus", "--amount", "1e30"), "not an amount: '1e30'"),
    (("--kind", "voucher", "--amount", "5"), "unknown compensation kind: 'voucher'"),
    (("--kind", "gift", "--amount", "5", "--currency", "euro"), "not a currency code: 'euro'"),
    (("--kind", "bonus", "--amount", "5", "--valid-until", "yesterday"), "is before the offer date"),
    (("--kind", "bonus"), "the following arguments are required: --amount"),
])
def test_compensate_refusals(cli, refused, acme, args, says):
    cli("incident", "open", "acme", "Late")
    refused("compensate", "1", *args, says=says)


def test_compensate_on_a_missing_incident(refused, acme):
    refused("compensate", "3", "--kind", "gift", "--amount", "5", says="no incident with id 3")


# ---- global options --------------------------------------------------------------------------


def test_today_option_and_relative_dates(cli, acme):
    assert cli("--today", "2027-01-31", "promise", "add", "acme", "Plan", "--due", "+1m").code == 0
    assert _json(cli("client", "show", "1", "--json"))["timeline"][0]["text"] == "Promised by 2027-02-28: Plan"


def test_bad_global_options_and_groups_are_one_line(refused, acme):
    refused("--today", "31.02.2026", "client", "list", says="crm: no such date: '31.02.2026'")
    refused("client", says="crm client: choose one of: add, list, show, depart, part, return")
    refused("promise", says="crm promise: choose one of: add, done, break, renegotiate")
    refused("frobnicate", says="invalid choice: 'frobnicate'")


def test_raw_escapes_in_a_usage_error_are_shown_harmlessly(cli, acme):
    result = cli("client", "list", "\x1b]52;c;aGk=\x07")
    assert result.code == 2 and "\x1b" not in result.err and "\\x1b]52;c;aGk=\\x07" in result.err
