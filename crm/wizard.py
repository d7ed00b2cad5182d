"""The "sort out the relationship" wizard as data: its steps, its saved state, and what it writes.

The state is JSON on `Incident.wizard`, saved on every step with the incident's `version`
(optimistic locking), so the owner can leave at any point and resume where they were. Before the
client's words open an incident, the state waits in a `Setting` row per client.

A plan (`Plan`) is what applying writes, whoever made it: the screen's state (`plan_of_state`,
`apply_plan`) or a file (crm.wizard_json, `crm wizard apply`); `write_plan` writes it in one
change: the diagnosis on the incident (its severity following the group: A high, B medium, C low,
unless the owner set one), a "decision" timeline event, promises, compensations, the check-in and,
for a departure or a parting, the status change. Parting also cancels every open promise and
reminder of the client (`parting_preview` lists them for the screen to ask first); a parting plan
makes no promises, since a parted client is not contacted again. An applied departure or parting
changed back to "stays" reopens the incident and returns the client as they were. The check-in:
when the client stays, the incident is still open (the fix is ahead), and the rules' own check-in
only starts once it is resolved, so the plan sets a custom reminder 30 days after the date the
problem is to be solved; the review shows it at once. Resolving the incident later drops that
reminder for the rules' own check-in (crm.incidents), so there is one check-in, not two. A
departure or a parting resolves the incident now (departed or parted): the rules then give the
check-in (not after a parting), the six-month win-backs and the greetings themselves.
Applying again is an edit, never a second copy (docs/spec.md, "The wizard from the shell"): the plan's
promises and compensations carry the ids of what an earlier apply wrote; a promise with a new date
is renegotiated (the old one stays in the history), one the plan no longer lists is cancelled, a
changed compensation replaces the old offer (withdrawn), and the decision event is rewritten in
place. Applying the same plan twice writes nothing the second time.

The "let off steam" text (docs/method.md §8: write it, then throw the paper away) is never part of a
letter or an event, and never reaches the database: the stored state drops it (`WizardState.to_dict`),
and while the cool-down runs it is kept in a private file of the person at the terminal
(`keep_steam`), which is deleted when the cool-down ends. So it is never exported, journaled or
backed up, and nobody else sharing the database ever sees it.
"""

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar, cast

from crm import audit, i18n, validate
from crm.agency import Signer, signer, value_thresholds
from crm.clients import change_status
from crm.compensation import bonus, choice_signal, discount_cost, double_compensation
from crm.dates import add_months, utcnow
from crm.diagnosis import (
    CHECKIN_DAYS,
    Answers,
    Diagnosis,
    Recommendation,
    ValueThresholds,
    diagnose,
    recommend,
    severity_for_group,
)
from crm.domain import word
from crm.errors import StaleEditError, UserError
from crm.files import make_dirs
from crm.i18n import N_, _, ngettext
from crm.incidents import BONUS_VALIDITY_MONTHS, compensate, get_incident, log_event, open_incident, resolve_incident
from crm.journal import change
from crm.l10n import format_day
from crm.letters import INCIDENT_KINDS, LetterOffer, LetterPromise, draft_letter
from crm.models import (
    Client,
    Compensation,
    Contact,
    Incident,
    IncidentEvent,
    Promise,
    Reminder,
    Setting,
    Touch,
    database,
)
from crm.money import CENT, Money, parse_amount
from crm.playbook import load_playbook
from crm.promises import add_promise, cancel_promise, renegotiate_promise
from crm.reminders import add_reminder
from crm.text import safe_line, shorten
from crm.userdirs import user_dir

Row = TypeVar("Row", Promise, Compensation)  # a row a plan wrote, matched again by the next apply

STEPS = ("cool_down", "words", "diagnosis", "strategy", "remedies", "compensation", "plan", "letter", "postmortem")
STEP_TITLES = {  # marked for translation: shown through `_`
    "cool_down": N_("Cool down"),
    "words": N_("What happened"),
    "diagnosis": N_("Diagnosis"),
    "strategy": N_("Strategy"),
    "remedies": N_("Remedies"),
    "compensation": N_("Compensation"),
    "plan": N_("Plan"),
    "letter": N_("Letter"),
    "postmortem": N_("Post-mortem"),
}
COOL_DOWN_MINUTES = (20, 30, 40)  # docs/method.md §5: step away for 20–40 minutes
COMPENSATION_CHOICES = ("gift", "bonus", "double", "discount", "refund", "none")
MAX_PROMISES = 3
DRAFT_SETTING = "wizard.client.{}"  # the state before an incident exists
TITLE_LENGTH = 60


def advice_language() -> str:
    """The advice is for the owner, in the language the app speaks; only letters go out in the client's."""
    return i18n.language()


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
    steam: str = ""  # let off steam: never sent, never stored in the database (see keep_steam)
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
    severity: str = ""  # the incident's severity as the owner set it; "" follows the group (A high, B medium, C low)
    letter_kind: str = ""
    letter: str = ""
    # What the letter says in the owner's words, whole (the incident's title is never pasted in):
    # apology: what we got wrong; refusal: what they asked for; parting: the alternative we
    # recommend; thanks: the problem they told us about.
    letter_details: str = ""
    agreement: str = ""  # the refusal cites it: "our contract of 3 March, section 2"
    applied: dict[str, Any] = field(default_factory=dict)  # what apply_plan wrote, and when
    postmortem_cause: str = ""
    postmortem_rule: str = ""
    finished: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The state as stored: everything but the steam, which never reaches the database."""
        data = asdict(self)
        del data["steam"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "WizardState":
        """A state saved by `to_dict`; unknown keys are dropped (and any steam an earlier release
        stored), an unknown step starts over."""
        known = {f.name for f in fields(cls)} - {"steam"}
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
            raise UserError(_("unknown wizard step: {step!r}").format(step=step))
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
    signer: Signer = Signer("")  # who signs the letters (crm.agency.signer)
    # The client value thresholds of the client's currency (crm.agency); None: that currency has none.
    thresholds: ValueThresholds | None = ValueThresholds()
    yearly_revenue: Decimal = Decimal(0)  # the client's, for the refund suggested when parting

    def advice(self, state: "WizardState", language: str) -> tuple[Diagnosis, Recommendation]:
        """`advice` with this client's currency thresholds."""
        return advice(state, language, self.thresholds)


@dataclass(frozen=True)
class CompensationPlan:
    """The compensation rows to record, what they are in words, and advice on the figures."""

    rows: tuple[tuple[str, Decimal, date | None], ...]  # (kind, amount, valid until)
    lines: tuple[str, ...]
    notes: tuple[str, ...] = ()
    months: int | None = None  # the validity of a bonus or discount, counted from the day it is offered
    signal: str = ""  # what choosing it says about the client (docs/method.md §6: a bonus → they stay)
    loses_money: bool = False  # a discount larger than the margin it comes out of


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
    """Save the state if nobody changed the incident since `version`; the new version. The steam
    goes to `keep_steam`, never into the database."""
    keep_steam(state)
    with database.atomic():
        changed = (Incident.update(wizard=json.dumps(state.to_dict()), version=Incident.version + 1,
                                   **audit.updated())
                   .where((Incident.id == incident_id) & (Incident.version == version)).execute())
        if not changed:
            _refuse_stale(incident_id)
    return version + 1


def _refuse_stale(incident_id: int) -> None:
    current = get_incident(incident_id)
    raise StaleEditError(_("incident #{id} was changed by {who} meanwhile; open the wizard again to continue from "
                           "their version").format(id=incident_id, who=safe_line(current.updated_by)))


def save_draft(state: WizardState) -> None:
    """Keep the state of a wizard that has no incident yet (before the client's words); the steam
    goes to `keep_steam`, never into the database."""
    keep_steam(state)
    Setting.put(DRAFT_SETTING.format(state.client_id), json.dumps(state.to_dict()))


def _draft(client_id: int) -> WizardState | None:
    row = Setting.get_or_none(Setting.key == DRAFT_SETTING.format(client_id))
    data = _decode(row.value) if row else None
    return WizardState.from_dict({**data, "client_id": client_id}) if data else None


# --- the steam: the owner's alone, and only while the cool-down runs -----------------------------


def steam_alive(state: WizardState, now: datetime) -> bool:
    """Whether the cool-down is still on, so the steam may be kept: the timer runs (until
    `cool_until`, UTC), or no timer was started and the owner is still on the cool-down step."""
    if state.cool_until:
        try:
            return now < datetime.fromisoformat(state.cool_until).replace(tzinfo=None)
        except ValueError:
            return False
    return state.step == STEPS[0]


def _steam_file(client_id: int) -> Path:
    """This person's file for the steam about `client_id` in this database (never the database)."""
    where = f"{getattr(database.obj, 'database', '')}\0{client_id}".encode()
    return user_dir("state") / "steam" / hashlib.sha256(where).hexdigest()


def drop_steam(client_id: int) -> None:
    """Delete this person's kept steam about `client_id` (the client is being forgotten)."""
    _steam_file(client_id).unlink(missing_ok=True)


def _sweep_steam(now: datetime) -> None:
    """Delete every kept steam whose cool-down has ended, whichever client it was about (a wizard
    left during its cool-down and never opened again leaves nothing behind either)."""
    folder = user_dir("state") / "steam"
    for path in folder.glob("*") if folder.is_dir() else ():
        try:
            until = str(json.loads(path.read_text(encoding="utf-8")).get("cool_until") or "")
            ended = bool(until) and datetime.fromisoformat(until).replace(tzinfo=None) <= now.replace(tzinfo=None)
        except (OSError, ValueError, AttributeError):
            ended = True  # unreadable: nobody can use it
        if ended:
            path.unlink(missing_ok=True)


def keep_steam(state: WizardState, now: datetime | None = None) -> None:
    """Keep the steam while the cool-down runs, in a file only this person can read; once it has
    ended (or the text is empty) the file is deleted: the paper is thrown away (docs/method.md §8)."""
    now = now or utcnow()
    _sweep_steam(now)
    path = _steam_file(state.client_id)
    if not state.steam.strip() or not steam_alive(state, now):
        path.unlink(missing_ok=True)
        return
    make_dirs(path.parent)  # 0700, every level
    partial = path.with_suffix(".part")
    fd = os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"text": state.steam, "cool_until": state.cool_until}, out)
    partial.replace(path)


def kept_steam(state: WizardState, now: datetime | None = None) -> WizardState:
    """`state` with the steam kept for it while its cool-down runs, else none (the file goes once
    the cool-down has ended)."""
    now = now or utcnow()
    _sweep_steam(now)
    path = _steam_file(state.client_id)
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = None
    if not isinstance(kept, dict) or not steam_alive(state, now):
        path.unlink(missing_ok=True)
        return replace(state, steam="")
    return replace(state, steam=str(kept.get("text", "")))


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
        raise UserError(_("choose a client or an incident first"))
    if incident_id is None:
        client = Client.get_or_none(Client.id == client_id)
        if client is None:
            raise UserError(_("no client with id {id}").format(id=client_id))
        found = _unfinished_incident(client.id)
        incident_id = found.id if found else None
    if incident_id is not None:
        incident = get_incident(incident_id)
        client = Client.get_by_id(incident.client_id)
        state, version = load_state(incident_id)
        session = _session(client, incident.id, incident.title, version, kept_steam(state))
        return replace(session, resumed=_decode(incident.wizard) is not None)
    assert client is not None  # no incident: the client was looked up above
    kept = _draft(client.id)
    state = kept_steam(kept) if kept else prefilled(client)
    return replace(_session(client, None, "", 0, state), resumed=kept is not None)


def _session(client: Client, incident_id: int | None, title: str, version: int, state: WizardState) -> Session:
    head = Contact.get_or_none((Contact.client == client.id) & Contact.decision_maker)
    open_ones = () if incident_id else tuple(cast(  # peewee's stubs type `.tuples()` as the model
        "Iterable[tuple[int, str]]",
        Incident.select(Incident.id, Incident.title).where((Incident.client == client.id)
                                                            & Incident.resolved_on.is_null())
        .order_by(Incident.id.desc()).tuples()))
    return Session(client_id=client.id, client=client.name, language=client.language or "en",
                   currency=client.currency, contact=head.name if head else "", incident_id=incident_id,
                   incident_title=title, version=version, state=state, open_incidents=open_ones, signer=signer(),
                   thresholds=value_thresholds(client.currency), yearly_revenue=client.revenue or Decimal(0))


def derived_title(words: str) -> str:
    """A title from the client's words: their first line, shortened."""
    first = next((line.strip() for line in words.splitlines() if line.strip()), "")
    return shorten(first, TITLE_LENGTH) if first else _("Unhappy client")  # stored in the writer's language


def record_words(session: Session, state: WizardState, *, today: date) -> Session:
    """The client's words: open an incident with them as its first event, or add them to one.

    Without an incident yet, the words join `state.attach_to` (an open incident of the client) or
    open a new one. Saves the state on the incident (the draft kept before it existed is removed);
    the new session.
    """
    words = validate.text(state.words, _("the client's words"), required=True)
    with change(N_("Wrote down {client}'s words"), client_id=session.client_id):
        incident_id, version = session.incident_id, session.version
        if incident_id is None and state.attach_to:
            joined = Incident.get_or_none((Incident.id == state.attach_to) & (Incident.client == session.client_id))
            if joined is None:
                raise UserError(_("incident #{id} is not one of {client}'s").format(
                    id=state.attach_to, client=safe_line(session.client)))
            incident_id, version = joined.id, joined.version
            state = replace(state, title=joined.title)
        if incident_id is None:
            title = validate.name(state.title.strip() or derived_title(words), _("incident title"))
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


def advice(state: WizardState, language: str,
           thresholds: ValueThresholds | None = ValueThresholds()) -> tuple[Diagnosis, Recommendation]:
    """The diagnosis and recommendation of the state's answers (`Session.advice` passes the
    client's currency thresholds)."""
    answers = state.answers_obj
    diagnosis = diagnose(answers, language=language, thresholds=thresholds)
    return diagnosis, recommend(answers, diagnosis, language=language)


def planned_outcome(state: WizardState, recommendation: Recommendation) -> str:
    """What the plan does with the client: as chosen, else what the strategy and answers suggest
    (parting ends parted; a client who wants to leave is let go, departed, and kept in touch with)."""
    if state.outcome:
        return state.outcome
    if recommendation.strategy == "part":
        return "parted"
    return "departed" if state.answers_obj.wants_to_leave else "retained"


def default_compensation(recommendation: Recommendation) -> str:
    """The compensation kind to preselect from the advice (COMPENSATION_CHOICES)."""
    kind = recommendation.compensation.kind
    return kind if kind in COMPENSATION_CHOICES else "none"


def _figure(comp: dict[str, str], name: str, what: str, default: str = "0") -> Decimal:
    text = comp.get(name, "").strip() or default
    if not text:
        raise UserError(_("{what}: enter an amount").format(what=what))
    try:
        return parse_amount(text)
    except UserError as exc:
        raise UserError(f"{what}: {exc}") from None


def _whole(comp: dict[str, str], name: str, what: str, default: int) -> int:
    text = comp.get(name, "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 24:
        raise UserError(_("{what} must be a whole number of months from 1 to 24: {text!r}").format(what=what,
                                                                                                   text=text))
    return int(text)


DISCOUNT_FIELDS = ("order_value", "percent", "months", "margin")  # a monthly order, its margin in %


def compensation_plan(comp: dict[str, str], *, today: date, currency: str, language: str) -> CompensationPlan:
    """The rows a compensation choice records, with its cost in words; UserError on a bad figure.

    The bonus is a percentage of the problem order (docs/method.md §6), valid for a few months. A discount
    is shown with its cost over its whole period against the margin, and flagged when it loses
    money; it is recorded as what it gives away in all, valid until its period ends. A gift or a
    bonus carries what choosing it signals (§6).
    """
    kind = comp.get("kind") or "none"
    if kind not in COMPENSATION_CHOICES:
        raise UserError(_("unknown compensation: {kind!r} (use {kinds})").format(
            kind=kind, kinds=", ".join(COMPENSATION_CHOICES)))

    def money(amount: Decimal) -> str:
        return str(Money(amount, currency))

    book = load_playbook(language)
    if kind == "none":
        return CompensationPlan((), (_("No compensation."),))
    if kind in ("gift", "refund"):
        if kind == "gift":
            amount = _figure(comp, "gift_cost", _("gift cost"), default="")
            line = _("Gift cost: {amount}.").format(amount=money(amount))
        else:
            amount = _figure(comp, "refund", _("refund"), default="")
            line = _("Refund: {amount}.").format(amount=money(amount))
        signal = choice_signal("gift", language=language).text if kind == "gift" else ""
        return CompensationPlan(((kind, amount, None),), (line,), signal=signal)
    if kind == "discount":
        months = _whole(comp, "months", _("discount period"), 6)
        cost = discount_cost(_figure(comp, "order_value", _("monthly order"), default=""),
                             _figure(comp, "percent", _("discount percent"), default="20"), months,
                             _figure(comp, "margin", _("margin percent"), default="30"), language=language)
        until = add_months(today, months)
        notes = (cost.summary, cost.band.note) + ((book.message("discount.warning"),) if cost.loses_money else ())
        line = ngettext("Discount: {percent}% on {order} a month for {months} month ({total} in all), until {until}.",
                        "Discount: {percent}% on {order} a month for {months} months ({total} in all), until {until}.",
                        months).format(percent=f"{cost.percent.normalize():f}", order=money(cost.order_value),
                                       months=months, total=money(cost.total_discount), until=format_day(until, "date"))
        return CompensationPlan((("discount", cost.total_discount, until),), (line,), notes, months,
                                loses_money=cost.loses_money)
    order = _figure(comp, "order_value", _("problem order"), default="")
    percent = _figure(comp, "percent", _("bonus percent"), default="10")
    months = _whole(comp, "months", _("bonus validity"), 3)
    granted = bonus(order, percent, issued_on=today, months=months, language=language)
    bonus_line = _("Bonus: {amount} ({percent}% of {order}), valid until {until}.").format(
        amount=money(granted.amount), percent=f"{percent.normalize():f}", order=money(order),
        until=format_day(granted.valid_until, "date"))
    if kind == "bonus":
        return CompensationPlan((("bonus", granted.amount, granted.valid_until),), (bonus_line,), (granted.warning,),
                                months, signal=choice_signal("bonus", language=language).text)
    gift = _figure(comp, "gift_cost", _("gift cost"), default="")
    both = double_compensation(order, fixing_cost=_figure(comp, "fixing_cost", _("fixing cost")), gift_cost=gift,
                               issued_on=today, bonus_percent=percent, bonus_months=months, language=language)
    return CompensationPlan(
        (("gift", gift, None), ("bonus", granted.amount, granted.valid_until)),
        (_("Gift: {amount}.").format(amount=money(gift)), bonus_line),
        (both.summary, granted.warning),
        months,
    )


def suggested_refund(yearly_revenue: Decimal, currency: str, language: str) -> tuple[Money, str] | None:
    """The refund to suggest when parting (docs/method.md §4: last month's payment is received well): a
    month of the client's yearly revenue, with why; None when the revenue is not known."""
    if yearly_revenue <= 0:
        return None
    month = Money((yearly_revenue / 12).quantize(CENT), currency)
    return month, load_playbook(language).message("refund.last_month", amount=month,
                                                   yearly=Money(yearly_revenue, currency))


def checkin_due(state: WizardState, today: date) -> date:
    """The check-in of a client who stays: 30 days after the problem is to be solved (docs/method.md §5)."""
    return _iso(state.fixed_by, today) + timedelta(days=CHECKIN_DAYS)


def _iso(text: str, today: date) -> date:
    try:
        return date.fromisoformat(text) if text else today
    except ValueError:
        raise UserError(_("not a date: {text!r}").format(text=text)) from None


# --- letters ------------------------------------------------------------------------------------


def letter_kind(state: WizardState, session: Session, recommendation: Recommendation) -> str:
    """The letter to draft: as chosen, else what the diagnosis calls for (crm.diagnosis.LETTERS:
    an apology only where we erred, a refusal for a demand we decline, parting), and a parting
    letter whenever the plan parts; "" when no letter is owed."""
    if state.letter_kind:
        return state.letter_kind
    if planned_outcome(state, recommendation) == "parted":
        return "parting"
    return recommendation.letter or ""


def draft(kind: str, session: Session, state: WizardState, today: date | None = None) -> str:
    """The `kind` letter in the client's language, signed by the owner (`session.signer`): it holds
    the plan's promises with their dates and its compensation (amount, currency, valid until), and
    what the owner wrote for it whole (`state.letter_details`, `state.agreement`; a thanks letter
    tells the post-mortem's rule). Built from the record only: the steam never reaches a letter.
    `today` dates a new bonus's validity (the screen's day; None: the real date)."""
    today = today or date.today()
    promises = []
    for promise in state.promises:
        if promise.text.strip():
            try:
                promises.append(LetterPromise(promise.text.strip(), _iso(promise.due, today)))
            except UserError:
                continue  # a date still being typed: the letter follows once it is one
    try:
        rows = compensation_plan(state.compensation, today=today, currency=session.currency,
                                 language=advice_language()).rows
    except UserError:
        rows = ()  # figures still being typed
    offers = [LetterOffer(kind_, Money(amount, session.currency), until) for kind_, amount, until in rows]
    sender = "\n".join(session.signer.lines) if kind in INCIDENT_KINDS or session.signer.configured else ""
    return draft_letter(kind, language=session.language, client_name=session.client, contact_name=session.contact,
                        sender=sender, details=state.letter_details, agreement=state.agreement,
                        change=state.postmortem_rule if kind == "thanks" else "", promises=promises, offers=offers)


def mark_letter_sent(incident_id: int, kind: str, *, on: date, note: str = "") -> int:
    """Record that the `kind` letter went to the client: a touch (kind letter), which restarts the
    quiet clock, and an event on the incident's timeline; one change. The touch's id."""
    if kind not in (*INCIDENT_KINDS, "checkin", "winback"):
        raise UserError(_("unknown letter kind: {kind!r}").format(kind=kind))
    note = validate.text(note.strip(), _("note"))
    incident = get_incident(incident_id)
    what = load_playbook(advice_language()).label("letter", kind)
    with change(N_("Sent {client} the letter: {letter}"), letter=what, client_id=incident.client_id):
        text = _("{letter} letter sent (incident #{id})").format(letter=what, id=incident_id)
        if note:
            text = _("{done}: {note}").format(done=text, note=note)
        touch = Touch.create(client=incident.client_id, on=on, kind="letter", note=text, **audit.created())
        log_event(incident_id, text, kind="apology" if kind == "apology" else "email", on=on)
    return touch.id


# --- parting ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartingPreview:
    """What parting with a client cancels (docs/method.md §4: a parted client is not contacted again):
    every open promise and every reminder of the client. The screen asks before it happens."""

    promises: tuple["Holding", ...]
    reminders: tuple[tuple[int, str, date], ...]  # (id, text, due)

    @property
    def empty(self) -> bool:
        return not self.promises and not self.reminders


def parting_preview(client_id: int) -> PartingPreview:
    """The client's open promises (any incident's, or none) and reminders that parting cancels."""
    promises = tuple(Holding(p.id, p.text, p.due, p.status) for p in Promise.select().where(
        (Promise.client == client_id) & (Promise.status == "open")).order_by(Promise.due, Promise.id))
    reminders = tuple(cast(  # peewee's stubs type `.tuples()` as the model
        "Iterable[tuple[int, str, date]]",
        Reminder.select(Reminder.id, Reminder.text, Reminder.due).where(Reminder.client == client_id)
        .order_by(Reminder.due, Reminder.id).tuples()))
    return PartingPreview(promises, reminders)


def _cancel_for_parting(client_id: int, today: date) -> bool:
    """Cancel what `parting_preview` lists; whether anything was."""
    preview = parting_preview(client_id)
    for promise in preview.promises:
        made = Promise.get_by_id(promise.id).made_on
        cancel_promise(promise.id, on=max(today, made))
    if preview.reminders:
        Reminder.delete().where(Reminder.id.in_([r[0] for r in preview.reminders])).execute()
    return not preview.empty


# --- the plan -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanOffer:
    """A compensation the plan makes; `id`: the row an earlier apply wrote for it (applying again edits it)."""

    kind: str  # crm.domain.COMPENSATION_KINDS
    amount: Decimal
    currency: str
    valid_until: date | None = None
    id: int | None = None
    months: int | None = None  # instead of `valid_until`: valid this many months from the day it is offered

    def until(self, offered_on: date) -> date | None:
        """Its validity when offered on `offered_on` (a bonus without one: three months)."""
        if self.valid_until is not None:
            return self.valid_until
        months = self.months or (BONUS_VALIDITY_MONTHS if self.kind == "bonus" else None)
        return add_months(offered_on, months) if months else None


@dataclass(frozen=True)
class Plan:
    """What applying writes, whoever made it (the screen's state through `plan_of_state`, a file
    through crm.wizard_json): docs/spec.md "The wizard from the shell", plan."""

    strategy: str  # start_over | soften_blow | part
    outcome: str  # retained | departed | parted
    promises: tuple[PlanPromise, ...] = ()
    compensations: tuple[PlanOffer, ...] = ()
    checkin: date | None = None  # the check-in of a client who stays (a reminder)
    postmortem: tuple[str, str] | None = None  # (cause, prevention rule)
    group: str | None = None  # §1, when diagnosed: the severity follows it
    severity: str | None = None  # as the owner set it; None follows the group
    leaves_on: date | None = None  # a departure's or a parting's date; None: the day it is applied
    temperament: str | None = None  # as diagnosed: the client's record follows it
    summary: tuple[str, ...] = ()  # the decision's first lines (strategy and diagnosis, remedies)


def plan_of_state(state: WizardState, session: Session, today: date, language: str | None = None) -> Plan:
    """The plan the screen's state makes (UserError on a bad figure or date)."""
    language = language or advice_language()
    diagnosis, rec = session.advice(state, language)
    outcome = planned_outcome(state, rec)
    comp = compensation_plan(state.compensation, today=today, currency=session.currency, language=language)
    promises = tuple(PlanPromise(p.text.strip(), _iso(p.due, today).isoformat(), p.id)
                     for p in state.promises if p.text.strip())
    offers = tuple(PlanOffer(kind, amount, session.currency, None if comp.months else until,
                             state.compensation_ids.get(kind), comp.months if kind in ("bonus", "discount") else None)
                   for kind, amount, until in comp.rows)
    book = load_playbook(language)
    parts = [_("Group {group}").format(group=diagnosis.group)]
    if state.answers_obj.temperament:
        parts.append(_("temperament {name}").format(name=book.temperaments[state.answers_obj.temperament].name.lower()))
    parts.append(_("bad client") if diagnosis.bad_client else _("difficult client"))
    summary = [_("Decided: {strategy} ({reasons}).").format(strategy=rec.strategy_name, reasons=", ".join(parts))]
    titles = {r.key: r.title for r in rec.remedies}
    chosen = [titles.get(key, key) for key in state.remedies]
    if chosen:
        summary.append(_("Remedies: {remedies}.").format(remedies="; ".join(chosen)))
    postmortem = ((state.postmortem_cause.strip(), state.postmortem_rule.strip())
                  if state.postmortem_cause.strip() and state.postmortem_rule.strip() else None)
    return Plan(strategy=rec.strategy, outcome=outcome, promises=promises, compensations=offers,
                checkin=checkin_due(state, today) if outcome == "retained" else None, postmortem=postmortem,
                group=diagnosis.group, severity=state.severity or None,
                leaves_on=_iso(state.leaves_on, today) if state.leaves_on else None,
                temperament=state.answers_obj.temperament, summary=tuple(summary))


def check_plan(plan: Plan) -> None:
    """Refuse a plan that contradicts itself, naming the key (nothing is written then)."""
    if plan.strategy not in ("start_over", "soften_blow", "part"):
        raise UserError(_("strategy: {key!r} is not a plan to follow (use start_over, soften_blow or part)").format(
            key=plan.strategy))
    if plan.outcome not in ("retained", "departed", "parted"):
        raise UserError(_("outcome: use retained, departed or parted, not {value!r}").format(value=plan.outcome))
    if plan.strategy == "part" and plan.outcome != "parted":
        raise UserError(_("outcome: a plan to part ends parted, not {value}").format(value=plan.outcome))
    if plan.outcome == "parted" and plan.promises:
        raise UserError(_("promises: a parted client is not contacted again, so the plan makes no promises "
                          "(parting cancels the open ones)"))
    if plan.outcome != "retained" and plan.checkin is not None:
        raise UserError(_("checkin: only a client who stays gets the plan's check-in (after a departure the "
                          "rules check in themselves; after a parting nobody does)"))


def _decision_text(plan: Plan, offers: list[Compensation], today: date) -> str:
    """What was decided, as one event on the incident's timeline."""
    lines = list(plan.summary) or [_("Decided: {strategy}.").format(
        strategy=load_playbook(advice_language()).label("strategy", plan.strategy))]
    said = []
    for offer in offers:
        money = Money(offer.amount, offer.currency)
        label = load_playbook(advice_language()).label("compensation", offer.kind)
        if offer.valid_until:
            said.append(_("{offer}: {amount}, valid until {date}.").format(
                offer=label, amount=money, date=format_day(offer.valid_until, "date")))
        else:
            said.append(_("{offer}: {amount}.").format(offer=label, amount=money))
    lines.append(" ".join(said) or _("No compensation."))
    lines += [_("Promise by {due}: {text}").format(due=p.due, text=p.text) for p in plan.promises]
    if plan.outcome == "retained":
        lines.append(_("The client stays; check in on {date}.").format(date=plan.checkin) if plan.checkin
                     else _("The client stays."))
    elif plan.outcome == "departed":
        lines.append(_("The client leaves on {date}: keep in touch, win-back in six months.").format(
            date=plan.leaves_on or today))
    else:
        lines.append(_("We part with dignity: thank them, frame it as mutual, refund, recommend an alternative; "
                       "no win-back."))
    return "\n".join(lines)


def decision_text(state: WizardState, session: Session, language: str, today: date) -> str:
    """The decision event the state's plan would write (before anything is recorded)."""
    plan = plan_of_state(state, session, today, language)
    offers = [Compensation(kind=o.kind, amount=o.amount, currency=o.currency, valid_until=o.until(today))
              for o in plan.compensations]
    return _decision_text(plan, offers, today)


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


def _match_earlier(ids: list[int | None], named: Callable[[int], Row | None], before: list[Row],
                   fits: Callable[[int, Row, bool], bool], not_ours: str, twice: str,
                   incident_id: int) -> tuple[list[Row | None], set[int]]:
    """Which row an earlier apply wrote each plan entry edits (None: none, the entry is new), and
    the ids of the rows so claimed.

    An entry's id names its row (`named`; an id naming none of the incident's rows is refused with
    `not_ours`, one named twice with `twice`). Each entry without an id takes the first unclaimed
    row of `before` that `fits(entry's index, row, exact)` exactly, then, for those still without,
    one that fits loosely.
    """
    chosen: list[Row | None] = []
    claimed: set[int] = set()
    for entry_id in ids:
        current = None
        if entry_id is not None:
            current = named(entry_id)
            if current is None:
                raise UserError(_(not_ours).format(id=entry_id, incident=incident_id))
            if current.id in claimed:
                raise UserError(_(twice).format(id=entry_id))
            claimed.add(current.id)
        chosen.append(current)
    for exact in (True, False):
        for i, entry_id in enumerate(ids):
            if chosen[i] is not None or entry_id is not None:
                continue
            current = next((row for row in before if row.id not in claimed and fits(i, row, exact)), None)
            if current is not None:
                chosen[i] = current
                claimed.add(current.id)
    return chosen, claimed


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

    def named(pid: int) -> Promise | None:
        current = _newest(Promise.get_or_none(Promise.id == pid))
        return current if current is not None and current.incident_id == incident_id else None

    def fits(i: int, current: Promise, exact: bool) -> bool:  # the same promise written before
        _entry, text, due = wanted[i]
        return (current.status != "cancelled" and current.text == text
                and (current.due == due if exact else current.status == "open"))

    chosen, claimed = _match_earlier(
        [entry.id for entry, _text, _due in wanted], named, list(before.values()), fits,
        N_("promise #{id} is not one of incident #{incident}'s"), N_("promise #{id} is listed twice in the plan"),
        incident_id)
    written: list[PlanPromise] = []
    wrote = False
    for (_entry, text, due), current in zip(wanted, chosen, strict=True):
        same = current is not None and (current.text, current.due) == (text, due)
        if current is not None and current.status != "cancelled" and (same or current.status == "open"):
            promise_id = current.id
            if same:
                pass
            elif current.due == due:  # the same promise, worded better
                Promise.update(text=validate.text(text, _("promise"), required=True), **audit.updated()).where(
                    Promise.id == current.id).execute()
                wrote = True
            else:  # a new date agreed: the old one stays in the history as renegotiated
                promise_id = renegotiate_promise(current.id, new_due=due, on=max(today, current.made_on))
                if text != current.text:
                    Promise.update(text=validate.text(text, _("promise"), required=True)).where(
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



def _same_offer(current: Compensation, wanted: PlanOffer) -> bool:
    """Whether the recorded offer is the one the plan makes (its validity counted from its own day)."""
    return (current.status in LIVE_OFFERS and current.kind == wanted.kind and current.amount == wanted.amount
            and current.currency == wanted.currency and current.valid_until == wanted.until(current.on))


def _plan_offers(incident_id: int, offers: tuple[PlanOffer, ...], earlier: list[int],
                 today: date) -> tuple[list[Compensation], bool]:
    """Write the plan's compensations as edits of what an earlier apply wrote; the rows as recorded
    (one per offer, in order) and whether anything was written.

    An offer's id (else an earlier live offer of the same kind, an identical one first) names the
    row it edits: an identical one stays; a changed one replaces it, and the old offer is
    withdrawn. An earlier offer the plan no longer makes is withdrawn too.
    """
    named = [o.id for o in offers if o.id is not None]
    before = {c.id: c for c in Compensation.select().where(
        Compensation.id.in_(list({*earlier, *named}) or [0]) & (Compensation.incident == incident_id)
    ).order_by(Compensation.id)}

    def fits(i: int, current: Compensation, exact: bool) -> bool:  # a live offer of the kind, identical first
        offer = offers[i]
        return (current.kind == offer.kind and current.status in LIVE_OFFERS
                and (_same_offer(current, offer) or not exact))

    chosen, claimed = _match_earlier(
        [offer.id for offer in offers], before.get, list(before.values()), fits,
        N_("compensation #{id} is not one of incident #{incident}'s"),
        N_("compensation #{id} is listed twice in the plan"), incident_id)
    recorded: list[Compensation] = []
    wrote = False
    for offer, current in zip(offers, chosen, strict=True):
        if current is not None and _same_offer(current, offer):
            recorded.append(current)
            continue
        if current is not None and current.status in LIVE_OFFERS:
            _withdraw(current, today)
        new_id = compensate(incident_id, kind=offer.kind, amount=offer.amount, currency=offer.currency,
                            valid_until=offer.until(today), on=today, note=_("From the relationship wizard"))
        recorded.append(Compensation.get_by_id(new_id))
        wrote = True
    for current in before.values():
        if current.id not in claimed and current.status in LIVE_OFFERS:
            _withdraw(current, today)
            wrote = True
    return recorded, wrote


def _earlier_apply(incident: Incident) -> dict[str, Any]:
    """What the last apply wrote, as stored on the incident."""
    stored = (_decode(incident.wizard) or {}).get("applied")
    return stored if isinstance(stored, dict) else {}


def _checkin_text(incident: Incident) -> str:
    return f"Check in after “{incident.title}” (30 days after the fix)"


def _plan_checkin(incident: Incident, plan: Plan, before: dict[str, Any], today: date) -> tuple[int | None, bool]:
    """The plan's own check-in reminder for a client who stays (else none): the reminder's id and
    whether anything was written."""
    earlier = Reminder.get_or_none((Reminder.id == (_an_id(before.get("reminder")) or 0))
                                   & (Reminder.client == incident.client_id))
    if earlier is None:
        earlier = Reminder.get_or_none((Reminder.client == incident.client_id)
                                       & (Reminder.text == _checkin_text(incident)))
    if plan.outcome != "retained" or plan.checkin is None:
        if earlier is not None:
            Reminder.delete().where(Reminder.id == earlier.id).execute()
        return None, earlier is not None
    if earlier is None:
        return add_reminder(incident.client_id, _checkin_text(incident), due=plan.checkin, today=today), True
    if earlier.due != plan.checkin:  # the fix date moved: so does the check-in
        Reminder.update(due=plan.checkin, **audit.updated()).where(Reminder.id == earlier.id).execute()
        return earlier.id, True
    return earlier.id, False


def _plan_outcome(incident: Incident, plan: Plan, before: dict[str, Any],
                  today: date) -> tuple[str | None, str | None, bool]:
    """Bring the incident and the client to the plan's outcome, undoing what an earlier apply of
    another outcome did (it resolved the incident, changed the client's status); the day this
    plan resolved the incident (None: it did not), the day the client had been active since
    before it let them go (restored if the plan changes back to "stays": that is no win-back),
    and whether anything was written."""
    client = Client.get_by_id(incident.client_id)
    resolved = before.get("resolved") if isinstance(before.get("resolved"), str) else None
    wrote = False
    if plan.outcome == "retained":
        if resolved and incident.resolved_on is not None:  # an earlier plan let them go: they stay after all
            Incident.update(resolved_on=None, outcome=None, version=Incident.version + 1, **audit.updated()).where(
                Incident.id == incident.id).execute()
            log_event(incident.id, _("Reopened: the plan changed, the client stays"), kind="note", on=today)
            if client.status in ("departed", "parted"):
                change_status(client.id, "return", on=today,
                              reason=_("Incident #{id}: the plan changed").format(id=incident.id))
                since = before.get("status_since")
                if isinstance(since, str) and since:  # not a win-back: the relationship never ended
                    Client.update(status_since=date.fromisoformat(since)).where(Client.id == client.id).execute()
            return None, None, True
        if incident.resolved_on is None:
            return None, None, False
        return resolved, before.get("status_since"), False
    on = max(plan.leaves_on or today, incident.opened_on)
    since = client.status_since.isoformat() if client.status == "active" else before.get("status_since")
    if incident.resolved_on is None:
        note = _("Wizard plan: client {outcome}").format(outcome=word("outcome", plan.outcome))
        resolve_incident(incident.id, outcome=plan.outcome, on=on, note=note)
        resolved, wrote = on.isoformat(), True
    elif incident.outcome != plan.outcome and resolved:
        Incident.update(outcome=plan.outcome, version=Incident.version + 1, **audit.updated()).where(
            Incident.id == incident.id).execute()
        log_event(incident.id, _("The plan changed: client {outcome}").format(outcome=word("outcome", plan.outcome)),
                  kind="note", on=today)
        wrote = True
    client = Client.get_by_id(incident.client_id)
    if client.status != plan.outcome:
        reason = _("Incident #{id}: {title}").format(id=incident.id, title=incident.title)
        if client.status == "parted":  # parted → departed: back first, then let go
            change_status(client.id, "return", on=on, reason=reason)
        change_status(client.id, "depart" if plan.outcome == "departed" else "part", on=on, reason=reason)
        wrote = True
    if plan.outcome == "parted":
        wrote = _cancel_for_parting(client.id, today) or wrote
    return resolved, since if resolved else None, wrote


def _plan_severity(incident: Incident, plan: Plan, before: dict[str, Any]) -> str:
    """The severity the plan gives: as set, else the group's, unless someone changed it by hand
    since an earlier apply set it."""
    wanted = plan.severity or (severity_for_group(plan.group) if plan.group else incident.severity)
    set_before = before.get("severity")
    if not plan.severity and set_before and incident.severity != set_before:
        return incident.severity  # changed by hand since: theirs stands
    return wanted


def write_plan(incident_id: int, plan: Plan, state: WizardState, today: date, *,
               version: int | None = None) -> tuple[WizardState, int]:
    """Write `plan` in one change, as an edit of what an earlier apply wrote (see the module's
    docstring); `state` is stored on the incident with the ids it wrote and an `applied` record.
    The state as stored and the incident's version. The same plan twice writes nothing the second
    time. `version`, when given, refuses the plan if someone changed the incident meanwhile."""
    check_plan(plan)
    with change(N_("Applied the wizard's plan for incident #{id}"), id=incident_id):
        incident = get_incident(incident_id)
        if version is not None and incident.version != version:
            _refuse_stale(incident_id)
        client = Client.get_by_id(incident.client_id)
        before = _earlier_apply(incident)
        if plan.temperament and plan.temperament != client.temperament:
            Client.update(temperament=plan.temperament, version=Client.version + 1, **audit.updated()).where(
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
        wrote = decided is None
        if decided is None:
            decided = IncidentEvent.get_by_id(log_event(incident_id, _decision_text(plan, [], today), kind="decision",
                                                        on=today))

        promises, wrote_promises = _plan_promises(incident_id, client.id, list(plan.promises),
                                                  _ids(before.get("promises")), today)
        offers, wrote_offers = _plan_offers(incident_id, plan.compensations, _ids(before.get("compensations")), today)
        text = _decision_text(replace(plan, promises=tuple(promises)), offers, today)
        if decided.text != text:  # the decision as it now stands, dated when it was last changed
            IncidentEvent.update(text=text, on=today, **audit.updated()).where(IncidentEvent.id == decided.id).execute()
            wrote = True
        reminder, wrote_reminder = _plan_checkin(incident, plan, before, today)
        resolved, since, wrote_outcome = _plan_outcome(get_incident(incident_id), plan, before, today)
        if plan.postmortem is not None:
            wrote = _write_postmortem(incident_id, *plan.postmortem, today=today) or wrote
        wrote = wrote or wrote_promises or wrote_offers or wrote_reminder or wrote_outcome

        current = Incident.get_by_id(incident_id)
        severity = _plan_severity(current, plan, before)
        applied = {"on": before.get("on") or today.isoformat(), "outcome": plan.outcome, "strategy": plan.strategy,
                   "group": plan.group, "temperament": plan.temperament, "promises": [p.id for p in promises],
                   "compensations": [o.id for o in offers], "reminder": reminder, "decision": decided.id,
                   "severity": severity}
        if resolved:
            applied["resolved"] = resolved
            if since:
                applied["status_since"] = since
        revised = before.get("revised")
        if before and wrote:
            revised = today.isoformat()
        if revised:
            applied["revised"] = revised
        state = replace(state, outcome=plan.outcome, promises=promises, applied=applied,
                        compensation_ids={o.kind: o.id for o in offers})
        wizard_json = json.dumps(state.to_dict())
        group = plan.group or current.group
        if (current.group, current.strategy, current.severity, current.wizard) == (
                group, plan.strategy, severity, wizard_json):
            return state, current.version  # the same plan again: nothing to write
        Incident.update(group=group, strategy=plan.strategy, severity=severity, wizard=wizard_json,
                        version=Incident.version + 1, **audit.updated()).where(Incident.id == incident_id).execute()
    return state, current.version + 1


def apply_plan(incident_id: int, state: WizardState, today: date, *, version: int | None = None) -> int:
    """Write the screen's plan (`plan_of_state`) in one change; the incident's new version. Applying
    again is an edit, never a second copy (`write_plan`)."""
    incident = get_incident(incident_id)
    client = Client.get_by_id(incident.client_id)
    session = _session(client, incident.id, incident.title, incident.version, state)
    plan = plan_of_state(state, session, today)
    return write_plan(incident_id, plan, state, today, version=version)[1]


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


def _write_postmortem(incident_id: int, cause: str, rule: str, *, today: date) -> bool:
    """The post-mortem's cause and prevention rule on the incident, told once on its timeline;
    whether anything was written (the same again writes nothing)."""
    cause = validate.text(cause.strip(), _("cause"), required=True)
    rule = validate.text(rule.strip(), _("prevention rule"), required=True)
    incident = get_incident(incident_id)
    if (incident.postmortem_cause, incident.postmortem_rule) == (cause, rule):
        return False
    Incident.update(postmortem_cause=cause, postmortem_rule=rule, version=Incident.version + 1,
                    **audit.updated()).where(Incident.id == incident_id).execute()
    log_event(incident_id, _("Post-mortem. Cause: {cause}\nRule: {rule}").format(cause=cause, rule=rule), kind="note",
              on=today)
    return True


def save_postmortem(incident_id: int, state: WizardState, *, today: date, version: int) -> int:
    """The post-mortem: cause and prevention rule on the incident, and a timeline event; the new
    version. Its rule is what the "what we changed, thank you" letter tells the client (§8)."""
    state = replace(state, finished=True)
    with change(N_("Wrote the post-mortem of incident #{id}"), id=incident_id):
        if get_incident(incident_id).version != version:
            _refuse_stale(incident_id)
        _write_postmortem(incident_id, state.postmortem_cause, state.postmortem_rule, today=today)
        Incident.update(wizard=json.dumps(state.to_dict()), version=Incident.version + 1, **audit.updated()).where(
            Incident.id == incident_id).execute()
        return get_incident(incident_id).version
