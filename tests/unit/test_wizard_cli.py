"""`crm wizard diagnose` and `crm wizard apply` (docs/spec.md "The wizard from the shell"): the verdict's and
the output's keys, bad answers and plans named by their key (exit 2, nothing written), and applying
twice changing nothing."""

import json
from datetime import timedelta

import pytest

from crm.exchange import export_json
from crm.journal import history
from crm.models import Client, Incident, Promise, Reminder

VERDICT_KEYS = {"group", "client_kind", "signs", "strategy", "warnings", "approach", "remedies", "compensation",
                "letter", "outcome"}


@pytest.fixture
def nordwind(cli):
    assert cli("client", "add", "Nordwind GmbH", "--tier", "key", "--temperament", "key", "--language", "de").code == 0
    assert cli("incident", "open", "Nordwind", "Brochure with last year's prices").code == 0
    return 1


def answers_file(tmp_path, answers) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    return str(path)


def diagnose(cli, tmp_path, answers):
    result = cli("wizard", "diagnose", "Nordwind", "--answers", answers_file(tmp_path, answers), "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_a_key_clients_real_error_is_a_group_b_start_over_with_double_compensation(cli, nordwind, tmp_path):
    verdict = diagnose(cli, tmp_path, {"negativity": "medium", "our_error": True,
                                       "problem_order": {"amount": "8000", "currency": "EUR"}})
    assert set(verdict) == VERDICT_KEYS
    assert (verdict["group"], verdict["client_kind"], verdict["strategy"]) == ("B", "difficult", "start_over")
    assert verdict["warnings"] == ["counter_attack", "ignore"]
    assert verdict["compensation"] == {"recommended": "double", "bonus": {
        "amount": "800.00", "currency": "EUR", "valid_until": "2027-02-23"}}
    assert (verdict["letter"], verdict["outcome"]) == ("apology", "retained")
    assert all(set(r) == {"key", "title"} for r in verdict["remedies"]) and len(verdict["remedies"]) >= 3
    assert verdict["approach"]  # the key temperament, from the client's record


def test_an_unfounded_out_of_scope_demand_gets_a_refusal_and_no_compensation(cli, nordwind, tmp_path):
    verdict = diagnose(cli, tmp_path, {"temperament": "compensation-seeker", "negativity": "low",
                                       "our_error": False, "within_scope": False, "unfounded_demands": True,
                                       "will_negotiate": True})
    assert (verdict["letter"], verdict["compensation"]["recommended"]) == ("refusal", "none")
    assert verdict["signs"] == ["unfounded_demands"] and verdict["client_kind"] == "difficult"


def test_a_bad_client_is_parted_with(cli, nordwind, tmp_path):
    verdict = diagnose(cli, tmp_path, {"rude": True, "unfounded_demands": True, "threatens_publicity": True,
                                       "negativity": "extreme", "against_own_interest": True})
    assert (verdict["group"], verdict["client_kind"], verdict["strategy"]) == ("A", "bad", "part")
    assert verdict["signs"] == ["rude", "unfounded_demands", "threatens_publicity"]
    assert (verdict["letter"], verdict["outcome"], verdict["compensation"]["recommended"]) == (
        "parting", "parted", "refund")


def test_wanting_to_leave_means_departed(cli, nordwind, tmp_path):
    verdict = diagnose(cli, tmp_path, {"negativity": "low", "wants_to_leave": True, "our_error": True})
    assert verdict["outcome"] == "departed" and verdict["strategy"] == "soften_blow"


def test_without_answers_the_record_speaks_and_the_verdict_reads_in_plain_words(cli, nordwind):
    result = cli("wizard", "diagnose", "Nordwind")
    assert result.code == 0, result.err
    assert "group B, “Reputation can be saved”" in result.out and "26 others stay silent" in result.out
    assert "soften_blow" not in result.out and "start_over" not in result.out


def test_answers_come_from_stdin(cli, nordwind, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b'{"negativity": "low"}')))
    result = cli("wizard", "diagnose", "Nordwind", "--answers", "-", "--json")
    assert result.code == 0 and json.loads(result.out)["group"] == "C"


@pytest.mark.parametrize(("answers", "names"), [
    ({"negativity": "furious"}, "answers: negativity: "),
    ({"our_error": "yes"}, "answers: our_error: expected true or false"),
    ({"temperament": "grumpy"}, "answers: temperament: "),
    ({"mood": "bad"}, "answers: mood: unknown key"),
    ({"problem_order": {"amount": "lots"}}, "answers: problem_order.amount: "),
    ({"problem_order": {"amount": "10", "currency": "euro"}}, "answers: problem_order.currency: "),
    ([1, 2], "answers: the file: expected a JSON object"),
])
def test_bad_answers_name_their_key(cli, nordwind, tmp_path, answers, names):
    result = cli("wizard", "diagnose", "Nordwind", "--answers", answers_file(tmp_path, answers))
    assert result.code == 2 and result.err.startswith(f"crm: {names}"), result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err


def plan_file(tmp_path, plan, name="plan.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(plan), encoding="utf-8")
    return str(path)


def apply(cli, tmp_path, plan, incident="1"):
    result = cli("wizard", "apply", incident, "--plan", plan_file(tmp_path, plan), "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


PLAN = {"strategy": "start_over", "outcome": "retained",
        "promises": [{"text": "Reprint with the right prices", "due": "2026-11-28"},
                     {"text": "Apology letter signed by the director", "due": "+1d"}],
        "compensations": [{"kind": "bonus", "amount": "800", "currency": "EUR", "valid_until": "2027-02-23"}],
        "checkin": "2026-12-28", "postmortem": None}


def test_apply_prints_what_the_incident_holds_and_twice_changes_nothing(cli, nordwind, tmp_path, today):
    held = apply(cli, tmp_path, PLAN)
    assert set(held) == {"incident", "outcome", "promises", "compensations", "reminders"}
    assert (held["incident"], held["outcome"]) == (1, "retained")
    assert [(p["text"], p["due"], p["state"]) for p in held["promises"]] == [
        ("Reprint with the right prices", "2026-11-28", "open"),
        ("Apology letter signed by the director", (today + timedelta(days=1)).isoformat(), "open")]
    assert [(c["kind"], c["amount"], c["currency"], c["valid_until"], c["status"]) for c in held["compensations"]] == [
        ("bonus", "800.00", "EUR", "2027-02-23", "offered")]
    assert held["reminders"] == [{"id": "custom-1-20261228", "kind": "custom", "due": "2026-12-28"}]
    assert Incident.get_by_id(1).strategy == "start_over"

    exported, changes = export_json(), history()
    assert apply(cli, tmp_path, PLAN) == held  # the same plan again: nothing changes
    assert export_json() == exported and history() == changes
    with_ids = {**PLAN, "promises": [{"id": p["id"], "text": p["text"], "due": p["due"]} for p in held["promises"]],
                "compensations": [{"id": 1, "kind": "bonus", "amount": "800.00", "currency": "EUR",
                                   "valid_until": "2027-02-23"}]}
    assert apply(cli, tmp_path, with_ids) == held  # naming the ids it printed: the same
    assert export_json() == exported


def test_an_edited_plan_edits_what_the_first_wrote(cli, nordwind, tmp_path):
    first = apply(cli, tmp_path, PLAN)
    reprint = first["promises"][0]
    edited = {**PLAN, "promises": [{"id": reprint["id"], "text": reprint["text"], "due": "2026-12-02"}],
              "compensations": [{"kind": "gift", "amount": "300", "currency": "EUR"}]}
    held = apply(cli, tmp_path, edited)
    assert [(p["text"], p["due"]) for p in held["promises"]] == [("Reprint with the right prices", "2026-12-02")]
    assert [c["kind"] for c in held["compensations"]] == ["gift"]
    assert Promise.get_by_id(reprint["id"]).status == "renegotiated"
    assert {p.status for p in Promise.select()} == {"renegotiated", "cancelled", "open"}


def test_parting_cancels_the_clients_open_promises_and_reminders(cli, nordwind, tmp_path):
    assert cli("promise", "add", "Nordwind", "Send the archive", "--due", "+5d").code == 0  # not the plan's
    assert cli("remind", "add", "Nordwind", "Call about the spring catalogue", "--due", "+20d").code == 0
    apply(cli, tmp_path, PLAN)
    held = apply(cli, tmp_path, {"strategy": "part", "outcome": "parted",
                                 "compensations": [{"kind": "refund", "amount": 1200.5}]})
    assert held["outcome"] == "parted" and held["promises"] == [] and held["reminders"] == []
    assert [(c["kind"], c["amount"]) for c in held["compensations"]] == [("refund", "1200.50")]
    assert not Promise.select().where(Promise.status == "open").exists()
    assert not Reminder.select().exists()
    assert Client.get_by_id(1).status == "parted"


@pytest.mark.parametrize(("plan", "names"), [
    ({"outcome": "retained"}, "plan: strategy: missing"),
    ({"strategy": "ignore", "outcome": "retained"}, "plan: strategy: "),
    ({"strategy": "start_over", "outcome": "happy"}, "plan: outcome: "),
    ({"strategy": "part", "outcome": "retained"}, "plan: outcome: a plan to part ends parted"),
    ({**PLAN, "promises": [{"text": "x", "due": "someday"}]}, "plan: promises[0].due: "),
    ({**PLAN, "promises": [{"text": "x", "due": "2020-01-01"}]}, "plan: promises[0].due: 2020-01-01 is in the past"),
    ({**PLAN, "promises": [{"text": " ", "due": "+1d"}]}, "plan: promises[0].text: "),
    ({**PLAN, "promises": [{"id": 99, "text": "x", "due": "+1d"}]}, "plan: promise #99 is not one of incident #1's"),
    ({**PLAN, "compensations": [{"kind": "hug", "amount": "1"}]}, "plan: compensations[0].kind: "),
    ({**PLAN, "compensations": [{"kind": "gift", "amount": "-5"}]}, "plan: compensations[0].amount: "),
    ({**PLAN, "compensations": [{"kind": "gift"}]}, "plan: compensations[0].amount: missing"),
    ({**PLAN, "checkin": "never"}, "plan: checkin: "),
    ({**PLAN, "postmortem": {"cause": "x"}}, "plan: postmortem.rule: "),
    ({**PLAN, "extra": 1}, "plan: extra: unknown key"),
    ({"strategy": "part", "outcome": "parted", "promises": PLAN["promises"]}, "plan: promises: a parted client"),
    ({"strategy": "soften_blow", "outcome": "departed", "checkin": "+30d"}, "plan: checkin: only a client who stays"),
])
def test_a_bad_plan_names_its_key_and_writes_nothing(cli, nordwind, tmp_path, plan, names):
    before = export_json()
    result = cli("wizard", "apply", "1", "--plan", plan_file(tmp_path, plan))
    assert result.code == 2 and result.err.startswith(f"crm: {names}"), result.err
    assert result.err.count("\n") == 1
    assert export_json() == before


def test_a_plan_that_is_no_json_or_no_incident_is_refused(cli, nordwind, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    result = cli("wizard", "apply", "1", "--plan", str(path))
    assert result.code == 2 and "the plan is not valid JSON" in result.err
    result = cli("wizard", "apply", "7", "--plan", plan_file(tmp_path, PLAN))
    assert result.code == 2 and result.err == "crm: no incident with id 7\n"
    result = cli("wizard", "apply", "1", "--plan", str(tmp_path / "missing.json"))
    assert result.code == 2 and "cannot read the plan" in result.err


def test_apply_without_json_says_what_the_incident_holds_in_lines(cli, nordwind, tmp_path):
    result = cli("wizard", "apply", "1", "--plan", plan_file(tmp_path, {**PLAN, "promises": [
        {"text": "[bold]Reprint[/] \x1b[2J", "due": "2026-11-28"}]}))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "Incident #1: client retained"
    assert "promise #1 by 2026-11-28: [bold]Reprint[/]" in result.out and "\x1b" not in result.out  # literal, safe
    assert "bonus #1: 800.00 EUR, valid until 2027-02-23 (offered)" in result.out
    assert "custom-1-20261228" in lines[-1]
