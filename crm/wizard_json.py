"""The wizard from the shell (docs/spec.md "The wizard from the shell"): answers in, a verdict out; a plan
in, what the incident now holds out. The same reasoning (crm.diagnosis) and the same writing
(crm.wizard.write_plan) as the screen; this module only reads and checks the JSON and shapes the
output. Keys and values are a public contract: never translated. A bad value is refused with one
line that names its key, before anything is written.
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from crm.agency import value_thresholds
from crm.compensation import bonus
from crm.dates import parse_date
from crm.diagnosis import Answers, Diagnosis, Recommendation, diagnose, explain, recommend
from crm.domain import COMPENSATION_KINDS, OUTCOMES, TEMPERAMENTS
from crm.errors import UserError
from crm.i18n import _
from crm.models import Client
from crm.money import Money, parse_amount, parse_currency
from crm.playbook import DEFAULT_LANGUAGE
from crm.wizard import Plan, PlanOffer, PlanPromise, WizardState, holdings, load_state, write_plan

NEGATIVITY = {"low": "low", "medium": "medium", "extreme": "off-scale"}
# The shell's yes/no answers and the crm.diagnosis.Answers field each one sets.
FLAGS = {"against_own_interest": "irrational", "our_error": "our_error", "within_scope": "within_scope",
         "rude": "rude_to_staff", "unfounded_demands": "unfounded_demands",
         "threatens_publicity": "threatens_reviews", "wants_to_leave": "wants_to_leave"}
ANSWER_KEYS = ("temperament", "negativity", *FLAGS, "will_negotiate", "promising", "problem_order")
SIGN_KEYS = {"rude": "rude", "unfounded_demands": "unfounded_demands", "threatens_reviews": "threatens_publicity"}
PLAN_KEYS = ("strategy", "outcome", "promises", "compensations", "checkin", "postmortem")
STRATEGIES = ("start_over", "soften_blow", "part")


def _fail(key: str, problem: str) -> UserError:
    return UserError(f"{key}: {problem}")


def _object(value: Any, key: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    """A JSON object with only `allowed` keys; `key` names it ("" for the whole file)."""
    if not isinstance(value, dict):
        raise _fail(key or _("the file"), _("expected a JSON object"))
    for name in value:
        if name not in allowed:
            raise _fail(f"{key}.{name}" if key else str(name), _("unknown key (use {keys})").format(
                keys=", ".join(allowed)))
    return value


def _bool(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(key, _("expected true or false, not {value!r}").format(value=value))
    return value


def _text(value: Any, key: str, *, required: bool = True) -> str:
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(key, _("expected a non-empty text"))
    return value.strip()


def _amount(value: Any, key: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise _fail(key, _("expected an amount such as \"2000\""))
    try:
        return parse_amount(str(value))
    except UserError as exc:
        raise _fail(key, str(exc)) from None


def _date(value: Any, key: str, today: date) -> date:
    if not isinstance(value, str):
        raise _fail(key, _("expected a date such as \"2026-12-25\""))
    try:
        return parse_date(value, today)
    except UserError as exc:
        raise _fail(key, str(exc)) from None


def _currency(value: Any, key: str) -> str:
    if not isinstance(value, str):
        raise _fail(key, _("expected a currency code such as \"EUR\""))
    try:
        return parse_currency(value)
    except UserError as exc:
        raise _fail(key, str(exc)) from None


def _id(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise _fail(key, _("expected the id an earlier apply printed"))
    return value


# --- diagnose -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """What `crm wizard diagnose` prints."""

    answers: Answers
    diagnosis: Diagnosis
    recommendation: Recommendation
    bonus: tuple[Money, date] | None  # the bonus on the problem order, when one is recommended
    outcome: str

    @property
    def recommended(self) -> str:
        return self.recommendation.compensation.kind

    def lines(self) -> tuple[str, ...]:
        """The verdict in plain words (crm.diagnosis.explain)."""
        return explain(self.diagnosis, self.recommendation)

    def as_json(self) -> dict[str, Any]:
        rec = self.recommendation
        granted = None
        if self.bonus is not None:
            money, until = self.bonus
            granted = {"amount": str(money.amount), "currency": money.currency, "valid_until": until.isoformat()}
        return {
            "group": self.diagnosis.group,
            "client_kind": "bad" if self.diagnosis.bad_client else "difficult",
            "signs": [SIGN_KEYS[key] for key in self.diagnosis.criteria_met],
            "strategy": rec.strategy,
            "warnings": [w.key for w in rec.warnings],
            "approach": rec.approach,
            "remedies": [{"key": r.key, "title": r.title} for r in rec.remedies],
            "compensation": {"recommended": self.recommended, "bonus": granted},
            "letter": rec.letter or "none",
            "outcome": self.outcome,
        }


def answers_from_json(data: Any, client: Client) -> tuple[Answers, Money | None]:
    """The answers and the problem order; a missing key falls back to what the database knows
    (temperament, tier and yearly revenue from the client's record) or to the neutral default."""
    data = _object(data, "", ANSWER_KEYS)
    values: dict[str, Any] = {"temperament": client.temperament or None, "tier": client.tier,
                              "yearly_revenue": client.revenue or Decimal(0)}
    if "temperament" in data:
        if data["temperament"] not in TEMPERAMENTS:
            raise _fail("temperament", _("use one of {values}").format(values=", ".join(TEMPERAMENTS)))
        values["temperament"] = data["temperament"]
    if "negativity" in data:
        if data["negativity"] not in NEGATIVITY:
            raise _fail("negativity", _("use low, medium or extreme, not {value!r}").format(value=data["negativity"]))
        values["negativity"] = NEGATIVITY[data["negativity"]]
    for key, name in FLAGS.items():
        if key in data:
            values[name] = _bool(data[key], key)
    if "will_negotiate" in data:
        values["ready_to_negotiate"] = "yes" if _bool(data["will_negotiate"], "will_negotiate") else "no"
    if "promising" in data:
        values["prospects"] = "good" if _bool(data["promising"], "promising") else "poor"
    order = None
    if data.get("problem_order") is not None:
        raw = _object(data["problem_order"], "problem_order", ("amount", "currency"))
        currency = _currency(raw["currency"], "problem_order.currency") if "currency" in raw else client.currency
        if "amount" not in raw:
            raise _fail("problem_order.amount", _("missing"))
        order = Money(_amount(raw["amount"], "problem_order.amount"), currency)
    return Answers(**values), order


def diagnose_client(client_id: int, data: Any, today: date, language: str = DEFAULT_LANGUAGE) -> Verdict:
    """The verdict on a client from answers (JSON-decoded), judged as the screen judges."""
    client = Client.get_by_id(client_id)
    answers, order = answers_from_json(data if data is not None else {}, client)
    found = diagnose(answers, language=language, thresholds=value_thresholds(client.currency))
    rec = recommend(answers, found, language=language)
    granted = None
    if order is not None and rec.compensation.kind in ("bonus", "double"):
        made = bonus(order.amount, issued_on=today, language=language)
        granted = (Money(made.amount, order.currency), made.valid_until)
    outcome = "parted" if rec.strategy == "part" else "departed" if answers.wants_to_leave else "retained"
    return Verdict(answers, found, rec, granted, outcome)


# --- apply --------------------------------------------------------------------------------------


def plan_from_json(data: Any, *, today: date, currency: str) -> Plan:
    """The plan a file gives; every value checked, a bad one named by its key."""
    data = _object(data, "", PLAN_KEYS)
    for key in ("strategy", "outcome"):
        if key not in data:
            raise _fail(key, _("missing"))
    if data["strategy"] not in STRATEGIES:
        raise _fail("strategy", _("use start_over, soften_blow or part, not {value!r}").format(value=data["strategy"]))
    if data["outcome"] not in OUTCOMES:
        raise _fail("outcome", _("use retained, departed or parted, not {value!r}").format(value=data["outcome"]))
    promises = []
    for i, raw in enumerate(_list(data.get("promises"), "promises")):
        key = f"promises[{i}]"
        raw = _object(raw, key, ("id", "text", "due"))
        for needed in ("text", "due"):
            if needed not in raw:
                raise _fail(f"{key}.{needed}", _("missing"))
        due = _date(raw["due"], f"{key}.due", today)
        if due < today:
            raise _fail(f"{key}.due", _("{day} is in the past (today is {today})").format(day=due, today=today))
        pid = _id(raw["id"], f"{key}.id") if raw.get("id") is not None else None
        promises.append(PlanPromise(_text(raw["text"], f"{key}.text"), due.isoformat(), pid))
    offers = []
    for i, raw in enumerate(_list(data.get("compensations"), "compensations")):
        key = f"compensations[{i}]"
        raw = _object(raw, key, ("id", "kind", "amount", "currency", "valid_until"))
        for needed in ("kind", "amount"):
            if needed not in raw:
                raise _fail(f"{key}.{needed}", _("missing"))
        if raw["kind"] not in COMPENSATION_KINDS:
            raise _fail(f"{key}.kind", _("use one of {values}").format(values=", ".join(COMPENSATION_KINDS)))
        until = None
        if raw.get("valid_until") is not None:
            until = _date(raw["valid_until"], f"{key}.valid_until", today)
            if until < today:
                raise _fail(f"{key}.valid_until", _("{day} is in the past (today is {today})").format(
                    day=until, today=today))
        offers.append(PlanOffer(raw["kind"], _amount(raw["amount"], f"{key}.amount"),
                                _currency(raw["currency"], f"{key}.currency") if "currency" in raw else currency,
                                until, _id(raw["id"], f"{key}.id") if raw.get("id") is not None else None))
    checkin = _date(data["checkin"], "checkin", today) if data.get("checkin") is not None else None
    postmortem = None
    if data.get("postmortem") is not None:
        raw = _object(data["postmortem"], "postmortem", ("cause", "rule"))
        postmortem = (_text(raw.get("cause"), "postmortem.cause"), _text(raw.get("rule"), "postmortem.rule"))
    return Plan(strategy=data["strategy"], outcome=data["outcome"], promises=tuple(promises),
                compensations=tuple(offers), checkin=checkin, postmortem=postmortem)


def _list(value: Any, key: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(key, _("expected a JSON array"))
    return value


def apply_file(incident_id: int, data: Any, today: date) -> dict[str, Any]:
    """Apply a plan (JSON-decoded) to an incident as an edit of what earlier applies wrote; what
    the incident now holds, as `crm wizard apply --json` prints it."""
    state, _version = load_state(incident_id)
    client = Client.get_by_id(state.client_id)
    plan = plan_from_json(data, today=today, currency=client.currency)
    if plan.group is None and state.applied.get("group"):  # diagnosed in the screen before
        plan = replace(plan, group=state.applied["group"])
    write_plan(incident_id, plan, replace(state, step=state.step if state.applied else "plan"), today)
    return holding_json(incident_id, today)


def holding_json(incident_id: int, today: date) -> dict[str, Any]:
    """What the incident holds now: its open promises, live offers and the reminders the plan led
    to (its check-in, the rules' check-in and the win-back), with the ids `crm review` prints."""
    from crm.incidents import get_incident
    from crm.review import client_due

    incident = get_incident(incident_id)
    held = holdings(incident_id)
    reminder = held.reminder[0] if held.reminder else None
    wanted = {("custom", reminder), ("checkin", incident_id)}
    reminders = [{"id": item.id, "kind": item.kind, "due": item.due.isoformat()}
                 for item in client_due(incident.client_id, today)
                 if (item.kind, _key(item.id)) in wanted or item.kind == "winback"]
    current = ("open", "kept", "broken")  # renegotiated and cancelled ones are history
    return {
        "incident": incident_id,
        "outcome": incident.outcome or (_stored_outcome(incident_id) or "retained"),
        "promises": [{"id": p.id, "text": p.what, "due": p.due.isoformat() if p.due else None, "state": p.status}
                     for p in held.promises if p.status in current],
        "compensations": [{"id": o.id, "kind": o.what, "amount": str(o.amount.amount) if o.amount else None,
                           "currency": o.amount.currency if o.amount else None,
                           "valid_until": o.due.isoformat() if o.due else None, "status": o.status}
                          for o in held.compensations if o.status != "withdrawn"],
        "reminders": reminders,
    }


def _key(item_id: str) -> int:
    from crm.rules import parse_item_id

    return parse_item_id(item_id)[1]


def _stored_outcome(incident_id: int) -> str | None:
    state: WizardState = load_state(incident_id)[0]
    return state.applied.get("outcome") if state.applied else None


