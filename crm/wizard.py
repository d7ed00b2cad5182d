"""The "sort out the relationship" wizard as data: its steps, its saved state, and what it writes.

The state is JSON on `Incident.wizard`, saved on every step with the incident's `version`
(optimistic locking), so the owner can leave at any point and resume where they were. Before the
client's words open an incident, the state waits in a `Setting` row per client.

`apply_plan` writes the whole plan in one transaction: the diagnosis on the incident, a
"decision" timeline event, promises, compensations, the 30-day check-in and, for a departure or a
bad client, the status change. The check-in: when the client stays, the incident is still open
(the fix is ahead), and the rules' own check-in only starts once it is resolved, so the plan sets
a custom reminder 30 days after the date the problem is to be solved; the review shows it at
once. Resolving the incident later drops that reminder for the rules' own check-in
(crm.incidents), so there is one check-in, not two. A departure or a parting resolves the
incident now (departed or parted): the rules then give the check-in (not after a parting), the
six-month win-backs and the greetings themselves.
Applying again is an edit, never a second copy (SPEC, "The wizard from the shell"): the plan's
promises and compensations carry the ids of what an earlier apply wrote; a promise with a new date
is renegotiated (the old one stays in the history), one the plan no longer lists is cancelled, a
changed compensation replaces the old offer (withdrawn), and the decision event is rewritten in
place. Applying the same plan twice writes nothing the second time.

The "let off steam" text lives only in this state: it is never part of a letter or an event.
"""

import json
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from crm import audit, validate
from crm.clients import change_status
from crm.compensation import bonus, double_compensation
from crm.diagnosis import CHECKIN_DAYS, Answers, Diagnosis, Recommendation, diagnose, recommend
from crm.errors import StaleEditError, UserError
from crm.i18n import N_
from crm.incidents import compensate, get_incident, log_event, open_incident, resolve_incident
from crm.journal import change
from crm.letters import draft_letter
from crm.models import (
    Client,
    Compensation,
    Contact,
    Incident,
    IncidentEvent,
    Promise,
    Reminder,
    Setting,
    database,
)
from crm.money import Money, parse_amount
from crm.playbook import DEFAULT_LANGUAGE, load_playbook
from crm.promises import add_promise, cancel_promise, renegotiate_promise
from crm.reminders import add_reminder
from crm.text import safe_line, shorten

STEPS = ("cool_down", "words", "diagnosis", "strategy", "remedies", "compensation", "plan", "letter", "postmortem")
STEP_TITLES = {
    "cool_down": "Cool down",
    "words": "What happened",
    "diagnosis": "Diagnosis",
    "strategy": "Strategy",
    "remedies": "Remedies",
    "compensation": "Compensation",
    "plan": "Plan",
    "letter": "Letter",
    "postmortem": "Post-mortem",
}
COOL_DOWN_MINUTES = (20, 30, 40)  # PLAYBOOK §5: step away for 20–40 minutes
COMPENSATION_CHOICES = ("gift", "bonus", "double", "refund", "none")
OUTCOME_OF_STRATEGY = {"start_over": "retained", "part": "parted"}
MAX_PROMISES = 3
DRAFT_SETTING = "wizard.client.{}"  # the state before an incident exists
TITLE_LENGTH = 60
# The advice is for the owner, in the app's language; only letters go out in the client's.
ADVICE_LANGUAGE = DEFAULT_LANGUAGE


@dataclass
class PlanPromise:
    text: str = ""
    due: str = ""  # ISO date, "" while not set
    id: int | None = None  # the promise an earlier apply wrote for this entry: applying again edits it


def _an_id(value: Any) -> int | None:
    """A stored id, or None for anything that is not a plain positive integer."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


@dataclass
class WizardState:
    """Everything the owner entered, step by step; JSON-ready (dates as ISO text)."""

    client_id: int
    step: str = "cool_down"
    answers: dict[str, Any] = field(default_factory=dict)  # crm.diagnosis.Answers.to_dict()
    steam: str = ""  # let off steam: never sent, never written anywhere but here
    cool_until: str = ""  # UTC ISO timestamp the cool-down timer ends at
    title: str = ""
    words: str = ""
    attach_to: int | None = None  # an open incident of the client to add the words to; 0 or None: a new one
    remedies: list[str] = field(default_factory=list)
    compensation: dict[str, str] = field(default_factory=dict)  # kind and figures as typed
    outcome: str = ""  # retained | departed | parted; "" = as the strategy suggests
    fixed_by: str = ""  # ISO date the problem is to be solved by (the check-in counts from it)
    leaves_on: str = ""  # ISO date of a departure
    promises: list[PlanPromise] = field(default_factory=list)
    # The compensation rows an earlier apply wrote, by kind (gift, bonus, refund): applying again edits them.
    compensation_ids: dict[str, int] = field(default_factory=dict)
    letter_kind: str = ""
    letter: str = ""
    applied: dict[str, Any] = field(default_factory=dict)  # what apply_plan wrote, and when
    postmortem_cause: str = ""
    postmortem_rule: str = ""
    finished: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "WizardState":
        """A state saved by `to_dict`; unknown keys are dropped, an unknown step starts over."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["promises"] = [PlanPromise(str(p.get("text", "")), str(p.get("due", "")), _an_id(p.get("id")))
                              for p in values.get("promises", []) if isinstance(p, dict)]
        ids = values.get("compensation_ids")
        values["compensation_ids"] = {str(k): v for k, v in (ids.items() if isinstance(ids, dict) else ())
                                      if _an_id(v)}
        state = cls(**values)
        if state.step not in STEPS:
            state.step = STEPS[0]
        return state

    def moved(self, step: str) -> "WizardState":
        if step not in STEPS:
            raise UserError(f"unknown wizard step: {step!r}")
        return replace(self, step=step)

    @property
    def answers_obj(self) -> Answers:
        return Answers.from_dict(self.answers)


@dataclass(frozen=True)
class Session:
    """A wizard opened on a client (and, once the words are in, an incident)."""

    client_id: int
    client: str
    language: str  # the client's: for letters
    currency: str
    contact: str  # the decision-maker, whom letters address
    incident_id: int | None
    incident_title: str
    version: int  # the incident's version the state was read at (0 before an incident exists)
    state: WizardState
    open_incidents: tuple[tuple[int, str], ...] = ()  # the client's, newest first: the words may join one
    resumed: bool = False  # the state was saved before: the wizard goes on where it was left


@dataclass(frozen=True)
class CompensationPlan:
    """The compensation rows to record, what they are in words, and advice on the figures."""

    rows: tuple[tuple[str, Decimal, date | None], ...]  # (kind, amount, valid until)
    lines: tuple[str, ...]
    notes: tuple[str, ...] = ()


# --- reading and saving the state -------------------------------------------------------------


def prefilled(client: Client) -> WizardState:
    """A fresh state with what the client's record already says (temperament, tier, revenue)."""
    answers = {"temperament": client.temperament, "tier": client.tier,
               "yearly_revenue": str(client.revenue or 0)}
    return WizardState(client_id=client.id, answers=Answers.from_dict(answers).to_dict())


def _decode(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return None  # a hand-edited or foreign value: start afresh rather than crash
    return data if isinstance(data, dict) else None


def load_state(incident_id: int) -> tuple[WizardState, int]:
    """The incident's wizard state and version; a fresh, prefilled state if it has none."""
    incident = get_incident(incident_id)
    data = _decode(incident.wizard)
    if data is None:
        state = prefilled(Client.get_by_id(incident.client_id))
        first = (IncidentEvent.select().where((IncidentEvent.incident == incident_id)
                                              & (IncidentEvent.kind == "complaint"))
                 .order_by(IncidentEvent.on, IncidentEvent.id).first())
        state.title, state.words = incident.title, first.text if first else ""
    else:
        state = WizardState.from_dict({**data, "client_id": incident.client_id})
    return state, incident.version


def save_state(incident_id: int, state: WizardState, version: int) -> int:
    """Save the state if nobody changed the incident since `version`; the new version."""
    with database.atomic():
        changed = (Incident.update(wizard=json.dumps(state.to_dict()), version=Incident.version + 1,
                                   **audit.updated())
                   .where((Incident.id == incident_id) & (Incident.version == version)).execute())
        if not changed:
            _refuse_stale(incident_id)
    return version + 1


def _refuse_stale(incident_id: int) -> None:
    current = get_incident(incident_id)
    raise StaleEditError(f"incident #{incident_id} was changed by {safe_line(current.updated_by)} meanwhile; "
                         "open the wizard again to continue from their version")


def save_draft(state: WizardState) -> None:
    """Keep the state of a wizard that has no incident yet (before the client's words)."""
    Setting.insert(key=DRAFT_SETTING.format(state.client_id), value=json.dumps(state.to_dict())
                   ).on_conflict_replace().execute()


def _draft(client_id: int) -> WizardState | None:
    row = Setting.get_or_none(Setting.key == DRAFT_SETTING.format(client_id))
    data = _decode(row.value) if row else None
    return WizardState.from_dict({**data, "client_id": client_id}) if data else None


def _unfinished_incident(client_id: int) -> Incident | None:
    """The client's latest incident whose wizard was started and not finished."""
    for incident in (Incident.select().where((Incident.client == client_id) & (Incident.wizard != ""))
                     .order_by(Incident.id.desc())):
        data = _decode(incident.wizard)
        if data is not None and not data.get("finished"):
            return incident
    return None


def start(client_id: int | None = None, incident_id: int | None = None, *, today: date) -> Session:
    """Open the wizard: on an incident, or on a client (resuming an unfinished wizard if any)."""
    if incident_id is None and client_id is None:
        raise UserError("choose a client or an incident first")
    if incident_id is None:
        client = Client.get_or_none(Client.id == client_id)
        if client is None:
            raise UserError(f"no client with id {client_id}")
        found = _unfinished_incident(client.id)
        incident_id = found.id if found else None
    if incident_id is not None:
        incident = get_incident(incident_id)
        client = Client.get_by_id(incident.client_id)
        state, version = load_state(incident_id)
        session = _session(client, incident.id, incident.title, version, state)
        return replace(session, resumed=_decode(incident.wizard) is not None)
    kept = _draft(client.id)
    return replace(_session(client, None, "", 0, kept or prefilled(client)), resumed=kept is not None)


def _session(client: Client, incident_id: int | None, title: str, version: int, state: WizardState) -> Session:
    head = Contact.get_or_none((Contact.client == client.id) & Contact.decision_maker)
    open_ones = () if incident_id else tuple(
        Incident.select(Incident.id, Incident.title).where((Incident.client == client.id)
                                                            & Incident.resolved_on.is_null())
        .order_by(Incident.id.desc()).tuples())
    return Session(client_id=client.id, client=client.name, language=client.language or "en",
                   currency=client.currency, contact=head.name if head else "", incident_id=incident_id,
                   incident_title=title, version=version, state=state, open_incidents=open_ones)


def derived_title(words: str) -> str:
    """A title from the client's words: their first line, shortened."""
    first = next((line.strip() for line in words.splitlines() if line.strip()), "")
    return shorten(first, TITLE_LENGTH) if first else "Unhappy client"


def record_words(session: Session, state: WizardState, *, today: date) -> Session:
    """The client's words: open an incident with them as its first event, or add them to one.

    Without an incident yet, the words join `state.attach_to` (an open incident of the client) or
    open a new one. Saves the state on the incident (the draft kept before it existed is removed);
    the new session.
    """
    words = validate.text(state.words, "the client's words", required=True)
    with change(N_("Wrote down {client}'s words"), client_id=session.client_id):
        incident_id, version = session.incident_id, session.version
        if incident_id is None and state.attach_to:
            joined = Incident.get_or_none((Incident.id == state.attach_to) & (Incident.client == session.client_id))
            if joined is None:
                raise UserError(f"incident #{state.attach_to} is not one of {safe_line(session.client)}'s")
            incident_id, version = joined.id, joined.version
            state = replace(state, title=joined.title)
        if incident_id is None:
            title = validate.name(state.title.strip() or derived_title(words), "incident title")
            state = replace(state, title=title)
            incident_id = open_incident(session.client_id, title, on=today, words=words)
            version = Incident.get_by_id(incident_id).version
        else:
            known = IncidentEvent.select().where((IncidentEvent.incident == incident_id)
                                                 & (IncidentEvent.kind == "complaint")
                                                 & (IncidentEvent.text == words))
            if not known.exists():
                log_event(incident_id, words, kind="complaint", on=today)
        Setting.delete().where(Setting.key == DRAFT_SETTING.format(session.client_id)).execute()
        version = save_state(incident_id, state, version)
    return replace(session, incident_id=incident_id, incident_title=Incident.get_by_id(incident_id).title,
                   version=version, state=state, open_incidents=())


# --- reasoning over the state -----------------------------------------------------------------


def advice(state: WizardState, language: str) -> tuple[Diagnosis, Recommendation]:
    answers = state.answers_obj
    diagnosis = diagnose(answers, language=language)
    return diagnosis, recommend(answers, diagnosis, language=language)


def planned_outcome(state: WizardState, recommendation: Recommendation) -> str:
    """What the plan does with the client: as chosen, else what the strategy and answers suggest."""
    if state.outcome:
        return state.outcome
    suggested = OUTCOME_OF_STRATEGY.get(recommendation.strategy)
    if suggested:
        return suggested
    return "departed" if state.answers_obj.wants_to_leave else "retained"


def default_compensation(recommendation: Recommendation) -> str:
    """The compensation kind to preselect from the advice (a choice is recorded as the bonus)."""
    return {"double": "double", "refund": "refund", "none": "none"}.get(recommendation.compensation.kind, "bonus")


def _figure(comp: dict[str, str], name: str, what: str, default: str = "0") -> Decimal:
    text = comp.get(name, "").strip() or default
    if not text:
        raise UserError(f"{what}: enter an amount")
    try:
        return parse_amount(text)
    except UserError as exc:
        raise UserError(f"{what}: {exc}") from None


def _whole(comp: dict[str, str], name: str, what: str, default: int) -> int:
    text = comp.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or not 1 <= int(text) <= 24:
        raise UserError(f"{what} must be a whole number of months from 1 to 24: {text!r}")
    return int(text)


def compensation_plan(comp: dict[str, str], *, today: date, currency: str, language: str) -> CompensationPlan:
    """The rows a compensation choice records, with its cost in words; UserError on a bad figure.

    The bonus is a percentage of the problem order (PLAYBOOK §6), valid for a few months.
    """
    kind = comp.get("kind") or "none"
    if kind not in COMPENSATION_CHOICES:
        raise UserError(f"unknown compensation: {kind!r} (use {', '.join(COMPENSATION_CHOICES)})")
    money = lambda amount: str(Money(amount, currency))  # noqa: E731
    if kind == "none":
        return CompensationPlan((), ("No compensation.",))
    if kind in ("gift", "refund"):
        what = "gift cost" if kind == "gift" else "refund"
        amount = _figure(comp, "gift_cost" if kind == "gift" else "refund", what, default="")
        return CompensationPlan(((kind, amount, None),), (f"{what.capitalize()}: {money(amount)}.",))
    order = _figure(comp, "order_value", "problem order", default="")
    percent = _figure(comp, "percent", "bonus percent", default="10")
    months = _whole(comp, "months", "bonus validity", 3)
    granted = bonus(order, percent, issued_on=today, months=months, language=language)
    bonus_line = (f"Bonus: {money(granted.amount)} ({percent.normalize():f}% of {money(order)}), "
                  f"valid until {granted.valid_until:%d %b %Y}.")
    if kind == "bonus":
        return CompensationPlan((("bonus", granted.amount, granted.valid_until),), (bonus_line,), (granted.warning,))
    gift = _figure(comp, "gift_cost", "gift cost", default="")
    both = double_compensation(order, fixing_cost=_figure(comp, "fixing_cost", "fixing cost"), gift_cost=gift,
                               issued_on=today, bonus_percent=percent, bonus_months=months, language=language)
    return CompensationPlan(
        (("gift", gift, None), ("bonus", granted.amount, granted.valid_until)),
        (f"Gift: {money(gift)}.", bonus_line),
        (both.summary, granted.warning),
    )


def checkin_due(state: WizardState, today: date) -> date:
    """The check-in of a client who stays: 30 days after the problem is to be solved (PLAYBOOK §5)."""
    return _iso(state.fixed_by, today) + timedelta(days=CHECKIN_DAYS)


def _iso(text: str, today: date) -> date:
    try:
        return date.fromisoformat(text) if text else today
    except ValueError:
        raise UserError(f"not a date: {text!r}") from None


def letter_kind(state: WizardState, session: Session, recommendation: Recommendation) -> str:
    """The letter to draft: as chosen, else parting, apology for our error, win-back for a departure."""
    if state.letter_kind:
        return state.letter_kind
    outcome = planned_outcome(state, recommendation)
    if outcome == "parted":
        return "parting"
    if recommendation.letter == "apology" or outcome == "retained":
        return "apology"
    return "winback"


def draft(kind: str, session: Session, state: WizardState) -> str:
    """The letter from the templates, in the client's language; an apology for our error names it.

    Built from the record and the templates only: the steam never reaches a letter.
    """
    details = session.incident_title if kind == "apology" and state.answers_obj.our_error else ""
    return draft_letter(kind, language=session.language, client_name=session.client,
                        contact_name=session.contact, details=details)


# --- writing the plan -------------------------------------------------------------------------


def decision_text(state: WizardState, session: Session, language: str, today: date,
                  comp: CompensationPlan | None = None) -> str:
    """What was decided, in one event for the incident's timeline (`comp`: the compensation as
    recorded, when a bonus kept from an earlier apply counts its validity from its own date)."""
    diagnosis, rec = advice(state, language)
    book = load_playbook(language)
    outcome = planned_outcome(state, rec)
    parts = [f"Group {diagnosis.group}"]
    if state.answers_obj.temperament:
        parts.append(f"temperament {book.temperaments[state.answers_obj.temperament].name.lower()}")
    parts.append("bad client" if diagnosis.bad_client else "difficult client")
    lines = [f"Decided: {rec.strategy_name} ({', '.join(parts)})."]
    titles = {r.key: r.title for r in rec.remedies}
    chosen = [titles.get(key, key) for key in state.remedies]
    if chosen:
        lines.append("Remedies: " + "; ".join(chosen) + ".")
    if comp is None:
        comp = compensation_plan(state.compensation, today=today, currency=session.currency, language=language)
    lines.append(" ".join(comp.lines))
    for promise in state.promises:
        if promise.text.strip():
            lines.append(f"Promise by {promise.due}: {promise.text.strip()}")
    if outcome == "retained":
        lines.append(f"The client stays; check in on {checkin_due(state, today)}.")
    elif outcome == "departed":
        lines.append(f"The client leaves on {_iso(state.leaves_on, today)}: keep in touch, win-back in six months.")
    else:
        lines.append("We part with dignity: thank them, frame it as mutual, refund, recommend an alternative; "
                     "no win-back.")
    return "\n".join(lines)


LIVE_OFFERS = ("offered", "accepted")  # a compensation still on the table; an edited plan withdraws it


def _ids(values: Any) -> list[int]:
    return [v for v in (values if isinstance(values, list) else []) if _an_id(v)]


def _newest(promise: Promise | None) -> Promise | None:
    """The promise as it stands now: a renegotiated one is followed to the one that replaced it."""
    seen: set[int] = set()
    while promise is not None and promise.status == "renegotiated" and promise.id not in seen:
        seen.add(promise.id)
        after = Promise.select().where(Promise.replaces == promise.id).order_by(Promise.id.desc()).first()
        if after is None:
            break
        promise = after
    return promise


def _plan_promises(incident_id: int, client_id: int, entries: list[PlanPromise], earlier: list[int],
                   today: date) -> tuple[list[PlanPromise], bool]:
    """Write the plan's promises as edits of what an earlier apply wrote; the entries with their ids
    and whether anything was written.

    An entry's id (else an earlier promise of the same text, the same date first) names the promise
    it edits: a new date renegotiates it (the old one stays in the history), a new wording of the
    same date is corrected in place, and one already kept or broken stays as it was (a changed
    entry is then a new promise). An earlier promise no entry names, still open, is cancelled.
    """
    wanted = [(p, p.text.strip(), _iso(p.due, today)) for p in entries if p.text.strip()]
    before: dict[int, Promise] = {}
    for pid in earlier:
        current = _newest(Promise.get_or_none(Promise.id == pid))
        if current is not None and current.incident_id == incident_id:
            before.setdefault(current.id, current)
    chosen: list[Promise | None] = []
    claimed: set[int] = set()
    for entry, _text, _due in wanted:
        current = None
        if entry.id is not None:
            current = _newest(Promise.get_or_none(Promise.id == entry.id))
            if current is None or current.incident_id != incident_id:
                raise UserError(f"promise #{entry.id} is not one of incident #{incident_id}'s")
            if current.id in claimed:
                raise UserError(f"promise #{entry.id} is listed twice in the plan")
            claimed.add(current.id)
        chosen.append(current)
    for exact in (True, False):  # entries without an id: the same promise written before, if any
        for i, (entry, text, due) in enumerate(wanted):
            if chosen[i] is not None or entry.id is not None:
                continue
            for current in before.values():
                fits = current.due == due if exact else current.status == "open"
                if current.id not in claimed and current.status != "cancelled" and current.text == text and fits:
                    chosen[i] = current
                    claimed.add(current.id)
                    break
    written: list[PlanPromise] = []
    wrote = False
    for (entry, text, due), current in zip(wanted, chosen, strict=True):
        same = current is not None and (current.text, current.due) == (text, due)
        if current is not None and current.status != "cancelled" and (same or current.status == "open"):
            promise_id = current.id
            if same:
                pass
            elif current.due == due:  # the same promise, worded better
                Promise.update(text=validate.text(text, "promise", required=True), **audit.updated()).where(
                    Promise.id == current.id).execute()
                wrote = True
            else:  # a new date agreed: the old one stays in the history as renegotiated
                promise_id = renegotiate_promise(current.id, new_due=due, on=max(today, current.made_on))
                if text != current.text:
                    Promise.update(text=validate.text(text, "promise", required=True)).where(
                        Promise.id == promise_id).execute()
                wrote = True
        else:  # new, or the earlier one is closed and this is a different promise
            promise_id = add_promise(client_id, text, due=due, on=today, incident_id=incident_id)
            wrote = True
        written.append(PlanPromise(text, due.isoformat(), promise_id))
    for current in before.values():
        if current.id not in claimed and current.status == "open":
            cancel_promise(current.id, on=max(today, current.made_on))
            wrote = True
    return written, wrote


def _withdraw(offer: Compensation, today: date) -> None:
    Compensation.update(status="withdrawn", **audit.updated()).where(Compensation.id == offer.id).execute()
    if offer.incident_id is not None:
        log_event(offer.incident_id, N_("Withdrew the {kind} of {amount}: the plan changed").format(
            kind=offer.kind, amount=Money(offer.amount, offer.currency)), kind="note", on=today)


def _plan_compensations(incident_id: int, state: WizardState, comp: CompensationPlan, earlier: list[int],
                        today: date, *, currency: str, language: str) -> tuple[dict[str, int], bool, date]:
    """Write the plan's compensation as edits of what an earlier apply wrote; the ids by kind, whether
    anything was written, and the day the recorded bonus (if any) was issued.

    A row of the same kind, amount and validity (counted from the day it was offered) stays; a changed
    one replaces the old offer, which is withdrawn; an earlier offer the plan no longer makes is
    withdrawn too.
    """
    named = set(state.compensation_ids.values())
    before = {c.id: c for c in Compensation.select().where(
        Compensation.id.in_(list({*earlier, *named}) or [0]) & (Compensation.incident == incident_id)
    ).order_by(Compensation.id)}
    ids: dict[str, int] = {}
    claimed: set[int] = set()
    issued = today
    wrote = False
    for kind, amount, valid_until in comp.rows:
        current = before.get(state.compensation_ids.get(kind, 0))
        if current is None or current.kind != kind or current.id in claimed:
            current = next((c for c in before.values() if c.kind == kind and c.id not in claimed
                            and c.status != "withdrawn"), None)
        if current is not None:
            claimed.add(current.id)
            then = compensation_plan(state.compensation, today=current.on, currency=currency, language=language)
            until = next((u for k, _, u in then.rows if k == kind), valid_until)
            if (current.status != "withdrawn" and current.amount == amount and current.currency == currency
                    and current.valid_until == until):
                ids[kind] = current.id
                if kind == "bonus":
                    issued = current.on
                continue
            if current.status in LIVE_OFFERS:
                _withdraw(current, today)
        ids[kind] = compensate(incident_id, kind=kind, amount=amount, currency=currency, valid_until=valid_until,
                               on=today, note="From the relationship wizard")
        wrote = True
    for offer in before.values():
        if offer.id not in claimed and offer.status in LIVE_OFFERS:
            _withdraw(offer, today)
            wrote = True
    return ids, wrote, issued


def _earlier_apply(incident: Incident, state: WizardState) -> dict[str, Any]:
    """What the last apply wrote: as stored on the incident (else as the given state remembers it)."""
    stored = (_decode(incident.wizard) or {}).get("applied")
    return stored if isinstance(stored, dict) and stored else dict(state.applied or {})


def apply_plan(incident_id: int, state: WizardState, today: date, *, version: int | None = None) -> int:
    """Write the plan in one change (see the module's docstring); the incident's new version.

    Applying again is an edit, never a second copy: promises and compensations carry the ids of
    what an earlier apply wrote, and `_plan_promises` / `_plan_compensations` edit those; the
    decision event is rewritten in place. The same plan applied twice writes nothing the second
    time. `version`, when given, refuses the plan if someone changed the incident meanwhile.
    """
    with change(N_("Applied the wizard's plan for incident #{id}"), id=incident_id):
        incident = get_incident(incident_id)
        if version is not None and incident.version != version:
            _refuse_stale(incident_id)
        client = Client.get_by_id(incident.client_id)
        session = _session(client, incident.id, incident.title, incident.version, state)
        language = ADVICE_LANGUAGE
        diagnosis, rec = advice(state, language)
        outcome = planned_outcome(state, rec)
        state = replace(state, outcome=outcome)
        comp = compensation_plan(state.compensation, today=today, currency=client.currency, language=language)
        before = _earlier_apply(incident, state)
        written: dict[str, Any] = {"promises": [], "compensations": [], "reminder": None, "decision": None}

        temperament = state.answers_obj.temperament
        if temperament and temperament != client.temperament:
            Client.update(temperament=temperament, version=Client.version + 1, **audit.updated()).where(
                Client.id == client.id).execute()

        # The decision first (the timeline tells it before what follows from it), rewritten in place
        # when an earlier apply wrote it.
        decided = IncidentEvent.get_or_none((IncidentEvent.id == (_an_id(before.get("decision")) or 0))
                                            & (IncidentEvent.incident == incident_id)
                                            & (IncidentEvent.kind == "decision"))
        if decided is None and before:  # applied by an earlier release, which kept no id: its latest decision
            decided = (IncidentEvent.select().where((IncidentEvent.incident == incident_id)
                                                    & (IncidentEvent.kind == "decision"))
                       .order_by(IncidentEvent.id.desc()).first())
        wrote_decision = decided is None
        if decided is None:
            planned = [PlanPromise(p.text.strip(), _iso(p.due, today).isoformat(), p.id)
                       for p in state.promises if p.text.strip()]
            first = decision_text(replace(state, promises=planned), session, language, today, comp)
            decided = IncidentEvent.get_by_id(log_event(incident_id, first, kind="decision", on=today))

        promises, wrote_promises = _plan_promises(incident_id, client.id, state.promises, _ids(before.get("promises")),
                                                  today)
        comp_ids, wrote_offers, issued = _plan_compensations(
            incident_id, state, comp, _ids(before.get("compensations")), today, currency=client.currency,
            language=language)
        state = replace(state, promises=promises, compensation_ids=comp_ids)
        written["promises"] = [p.id for p in promises]
        written["compensations"] = [comp_ids[kind] for kind, _, _ in comp.rows]

        as_recorded = comp if issued == today else compensation_plan(
            state.compensation, today=issued, currency=client.currency, language=language)
        text = decision_text(state, session, language, today, as_recorded)
        if decided.text != text:  # the decision as it now stands, dated when it was last changed
            IncidentEvent.update(text=text, on=today, **audit.updated()).where(IncidentEvent.id == decided.id).execute()
            wrote_decision = True
        written["decision"] = decided.id

        reminder_text = f"Check in after “{incident.title}” (30 days after the fix)"
        if outcome == "retained":
            due = checkin_due(state, today)
            same = Reminder.get_or_none((Reminder.client == client.id) & (Reminder.text == reminder_text))
            if same is None:
                written["reminder"] = add_reminder(client.id, reminder_text, due=due, today=today)
            else:
                if same.due != due:  # the fix date moved: so does the check-in
                    Reminder.update(due=due, **audit.updated()).where(Reminder.id == same.id).execute()
                written["reminder"] = same.id
        else:  # the rules give the check-in once the incident is resolved: the plan's own one goes
            Reminder.delete().where((Reminder.id == (_an_id(before.get("reminder")) or 0))
                                    & (Reminder.client == client.id) & (Reminder.text == reminder_text)).execute()
            if outcome in ("departed", "parted"):
                on = max(_iso(state.leaves_on, today), incident.opened_on)
                if incident.resolved_on is None:
                    resolve_incident(incident_id, outcome=outcome, on=on, note=f"Wizard plan: client {outcome}")
                elif client.status != outcome:
                    change_status(client.id, "depart" if outcome == "departed" else "part", on=on,
                                  reason=f"Incident #{incident_id}: {incident.title}")

        revised = before.get("revised")
        if before and (wrote_promises or wrote_offers or wrote_decision):
            revised = today.isoformat()
        applied = {"on": before.get("on") or today.isoformat(), "outcome": outcome, "strategy": rec.strategy,
                   "group": diagnosis.group, "temperament": temperament, **written}
        if revised:
            applied["revised"] = revised
        state = replace(state, applied=applied)
        current = Incident.get_by_id(incident_id)  # resolving above moved the version on
        wizard_json = json.dumps(state.to_dict())
        if (current.group, current.strategy, current.wizard) == (diagnosis.group, rec.strategy, wizard_json):
            return current.version  # the same plan again: nothing to write
        Incident.update(group=diagnosis.group, strategy=rec.strategy, wizard=wizard_json,
                        version=Incident.version + 1, **audit.updated()).where(Incident.id == incident_id).execute()
    return current.version + 1


@dataclass(frozen=True)
class Holding:
    """One promise or compensation of an incident, as stored."""

    id: int
    what: str  # a promise's text; a compensation's kind
    due: date | None  # a promise's due date; a bonus's validity
    status: str
    amount: Money | None = None


@dataclass(frozen=True)
class Holdings:
    """What an incident holds now, read back from the database (the counts the wizard shows)."""

    promises: tuple[Holding, ...]
    compensations: tuple[Holding, ...]
    reminder: tuple[int, date] | None  # the plan's own check-in reminder

    @property
    def open_promises(self) -> tuple[Holding, ...]:
        return tuple(p for p in self.promises if p.status == "open")

    @property
    def offers(self) -> tuple[Holding, ...]:
        return tuple(c for c in self.compensations if c.status in LIVE_OFFERS)


def holdings(incident_id: int) -> Holdings:
    """The incident's promises and compensations (all of them, each with its status) and the plan's
    check-in reminder, as the database holds them now."""
    incident = get_incident(incident_id)
    promises = tuple(Holding(p.id, p.text, p.due, p.status)
                     for p in Promise.select().where(Promise.incident == incident_id).order_by(Promise.id))
    offers = tuple(Holding(c.id, c.kind, c.valid_until, c.status, Money(c.amount, c.currency))
                   for c in Compensation.select().where(Compensation.incident == incident_id)
                   .order_by(Compensation.id))
    applied = (_decode(incident.wizard) or {}).get("applied")
    reminder_id = _an_id(applied.get("reminder")) if isinstance(applied, dict) else None
    reminder = Reminder.get_or_none(Reminder.id == reminder_id) if reminder_id else None
    return Holdings(promises, offers, (reminder.id, reminder.due) if reminder else None)


def save_postmortem(incident_id: int, state: WizardState, *, today: date, version: int) -> int:
    """The post-mortem: cause and prevention rule on the incident, and a timeline event; the new version."""
    cause = validate.text(state.postmortem_cause.strip(), "cause", required=True)
    rule = validate.text(state.postmortem_rule.strip(), "prevention rule", required=True)
    state = replace(state, finished=True)
    with change(N_("Wrote the post-mortem of incident #{id}"), id=incident_id):
        changed = (Incident.update(postmortem_cause=cause, postmortem_rule=rule, wizard=json.dumps(state.to_dict()),
                                   version=Incident.version + 1, **audit.updated())
                   .where((Incident.id == incident_id) & (Incident.version == version)).execute())
        if not changed:
            _refuse_stale(incident_id)
        log_event(incident_id, f"Post-mortem. Cause: {cause}\nRule: {rule}", kind="note", on=today)
    return version + 1
