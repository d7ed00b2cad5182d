"""The wizard's reasoning: diagnose an unhappy client and recommend what to do (docs/method.md §1–§6).

Pure functions over plain dataclasses: `Answers` (what the owner answered) → `diagnose` →
`Diagnosis` (§1 group, §4 difficult or bad, our error or an out-of-scope demand, client value) →
`recommend` → `Recommendation` (§2 strategy, anti-pattern warnings, §3 approach, remedy options,
§6 compensation advice). Every decision carries its reasons, worded in the playbook's language.
"""

from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from crm.domain import DEFAULT_CURRENCY, TEMPERAMENTS, TIERS
from crm.errors import UserError
from crm.i18n import N_, _
from crm.money import Money
from crm.playbook import BAD_CLIENT_CRITERIA, DEFAULT_LANGUAGE, Playbook, load_playbook

NEGATIVITY = ("low", "medium", "high", "off-scale")  # also accepted as 0–3
NEGOTIATION = ("yes", "only-for-gain", "no")
PROSPECTS = ("good", "unknown", "poor")
VALUES = ("high", "medium", "low")
FAULTS = ("ours", "out_of_scope", "unfounded", "in_scope")
_YES_NO = {"yes": True, "no": False, True: True, False: False}
# The yes/no answers, each with the words an error names it by (translated when shown).
_FLAGS = {"irrational": N_("irrational"), "rude_to_staff": N_("rude to staff"),
          "unfounded_demands": N_("unfounded demands"), "threatens_reviews": N_("threatens reviews"),
          "our_error": N_("our error"), "within_scope": N_("within scope"), "wants_to_leave": N_("wants to leave")}
RECOMMENDED_STRATEGIES = ("start_over", "soften_blow", "part")
# What to offer (docs/spec.md "The wizard from the shell", verdict.compensation.recommended).
COMPENSATION_ADVICE = ("none", "gift", "bonus", "double", "discount", "refund")
LETTERS = ("apology", "refusal", "parting")  # the first letter the verdict drafts, or none
# docs/method.md §1: how unhappy the client is sets how urgent the incident is, unless the owner says otherwise.
SEVERITY_OF_GROUP = {"A": "high", "B": "medium", "C": "low"}
# One sign can be a bad day; two or more are a pattern (§4: high demands, nothing in return).
BAD_CLIENT_MIN_CRITERIA = 2
CHECKIN_DAYS = 30  # §5, ten steps: follow up about 30 days after the problem was solved

# The compensation kind (crm.domain.COMPENSATION_KINDS) a remedy is recorded as, if any.
_REMEDY_COMPENSATION = {
    "redo": "redo",
    "future_discount": "discount",
    "gift_to_office": "gift",
    "restaurant": "gift",
    "bonus_next_order": "bonus",
    "refund": "refund",
}


@dataclass(frozen=True)
class ValueThresholds:
    """Yearly revenue at which a client counts as high or medium value, in one currency: a client's
    revenue is judged only against the thresholds of its own currency (crm.agency keeps the owner's)."""

    high: Decimal = Decimal("20000")
    medium: Decimal = Decimal("5000")
    currency: str = DEFAULT_CURRENCY


# Sane starting points, about the same purchasing power in each currency; the owner changes them.
DEFAULT_VALUE_THRESHOLDS = {
    code: ValueThresholds(Decimal(high), Decimal(medium), code)
    for code, high, medium in (("EUR", 20000, 5000), ("USD", 20000, 5000), ("GBP", 17000, 4000),
                               ("RON", 100000, 25000), ("MDL", 400000, 100000), ("RUB", 2000000, 500000))
}


def default_thresholds(currency: str) -> ValueThresholds | None:
    """The built-in thresholds for `currency`; None for a currency without them (revenue not judged)."""
    return DEFAULT_VALUE_THRESHOLDS.get(currency)


def severity_for_group(group: str) -> str:
    """The incident severity a §1 group implies: A high, B medium, C low."""
    return SEVERITY_OF_GROUP[group]


@dataclass(frozen=True)
class Answers:
    """The owner's answers to the diagnosis questions; validated and normalised on creation.

    Yes/no answers take a bool or "yes"/"no" (the option keys of `Playbook.questions`).
    """

    negativity: str = "medium"  # NEGATIVITY, or 0–3
    irrational: bool = False
    ready_to_negotiate: str = "yes"  # NEGOTIATION
    temperament: str | None = None  # crm.domain.TEMPERAMENTS, None when unknown
    rude_to_staff: bool = False
    unfounded_demands: bool = False
    threatens_reviews: bool = False
    our_error: bool = False
    within_scope: bool = True  # is what they demand within the agreed scope?
    tier: str = "regular"  # crm.domain.TIERS
    yearly_revenue: Decimal = Decimal(0)
    prospects: str = "unknown"  # PROSPECTS
    wants_to_leave: bool = False

    def __post_init__(self) -> None:
        for name, shown in _FLAGS.items():
            value = getattr(self, name)
            if isinstance(value, bool | str) and value in _YES_NO:
                object.__setattr__(self, name, _YES_NO[value])
            else:
                raise UserError(_("answer yes or no for {question}: {value!r}").format(question=_(shown), value=value))
        level = self.negativity
        if isinstance(level, int) and not isinstance(level, bool) and 0 <= level < len(NEGATIVITY):
            object.__setattr__(self, "negativity", NEGATIVITY[level])
        _check(self.negativity, NEGATIVITY, _("negativity"))
        _check(self.ready_to_negotiate, NEGOTIATION, _("readiness to negotiate"))
        if self.temperament is not None:
            _check(self.temperament, TEMPERAMENTS, _("temperament"))
        _check(self.tier, TIERS, _("tier"))
        _check(self.prospects, PROSPECTS, _("prospects"))
        try:
            revenue = Decimal(self.yearly_revenue)
        except (InvalidOperation, TypeError, ValueError):
            raise UserError(_("yearly revenue is not an amount: {value!r}").format(value=self.yearly_revenue)) from None
        if not revenue.is_finite() or revenue < 0:
            raise UserError(_("yearly revenue must be a non-negative amount: {value!r}").format(
                value=self.yearly_revenue))
        object.__setattr__(self, "yearly_revenue", revenue)

    @property
    def negativity_level(self) -> int:
        """0 (low) … 3 (off the scale)."""
        return NEGATIVITY.index(self.negativity)

    @property
    def criteria_met(self) -> tuple[str, ...]:
        """The §4 signs of a bad client these answers show, in BAD_CLIENT_CRITERIA order."""
        flags = {"rude": self.rude_to_staff, "unfounded_demands": self.unfounded_demands,
                 "threatens_reviews": self.threatens_reviews}
        return tuple(key for key in BAD_CLIENT_CRITERIA if flags[key])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready answers (revenue as a string), to save a wizard and resume it later."""
        data = asdict(self)
        data["yearly_revenue"] = str(self.yearly_revenue)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Answers":
        """Answers saved by `to_dict`; unknown keys are ignored, missing ones take the defaults."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class Diagnosis:
    """What the answers say about the client, each finding with its reasons."""

    language: str
    group: str  # "A" | "B" | "C"
    group_reasons: tuple[str, ...]
    bad_client: bool  # False: a difficult client, worth the effort
    criteria_met: tuple[str, ...]  # keys of playbook.BAD_CLIENT_CRITERIA
    client_reasons: tuple[str, ...]
    fault: str  # FAULTS: our real error, an out-of-scope demand, or a fix within scope
    fault_reasons: tuple[str, ...]
    value: str  # VALUES
    value_reasons: tuple[str, ...]
    promising: bool  # financially promising: worth starting over (§2)

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.group_reasons + self.client_reasons + self.fault_reasons + self.value_reasons


@dataclass(frozen=True)
class Remedy:
    """One remedy option; `compensation_kind` says how to record it, when it is a compensation."""

    key: str
    title: str
    text: str
    compensation_kind: str | None = None


@dataclass(frozen=True)
class AntiPatternWarning:
    """A strategy never to follow (§2), shown as a warning."""

    key: str  # "counter_attack" | "ignore"
    name: str
    text: str


@dataclass(frozen=True)
class CompensationAdvice:
    kind: str  # COMPENSATION_ADVICE
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Recommendation:
    """What to do about the client, with reasons; never an anti-pattern, always warning of them."""

    language: str
    strategy: str  # RECOMMENDED_STRATEGIES
    strategy_name: str
    strategy_essence: str
    reasons: tuple[str, ...]
    warnings: tuple[AntiPatternWarning, ...]
    temperament: str | None
    approach: str  # how to talk to this temperament; "" when unknown
    remedies: tuple[Remedy, ...]  # at least three
    compensation: CompensationAdvice
    letter: str | None  # the crm.letters kind to draft first (LETTERS), None when no letter is owed
    win_back: bool  # set the six-month win-back reminder if the client departs
    check_in: bool  # set the check-in CHECKIN_DAYS after the problem is solved
    parting_steps: tuple[str, ...] = field(default=())  # §4, only when parting


def diagnose(answers: Answers, *, language: str | None = DEFAULT_LANGUAGE,
             thresholds: ValueThresholds | None = ValueThresholds()) -> Diagnosis:
    """The §1 group, §4 difficult-or-bad verdict, fault and client value of `answers`.

    `thresholds` are those of the currency `answers.yearly_revenue` is in; None when that currency
    has none (the revenue is then not judged, and the reasons say so)."""
    book = load_playbook(language)
    group, group_reasons = _group(answers, book)
    criteria = answers.criteria_met
    bad = len(criteria) >= BAD_CLIENT_MIN_CRITERIA
    fault, fault_reason = _fault(answers)
    value, value_reasons = _value(answers, book, thresholds)
    return Diagnosis(
        language=book.language,
        group=group,
        group_reasons=group_reasons,
        bad_client=bad,
        criteria_met=criteria,
        client_reasons=_client_reasons(criteria, bad, book),
        fault=fault,
        fault_reasons=(book.message(fault_reason),),
        value=value,
        value_reasons=value_reasons,
        promising=answers.prospects != "poor" and (value == "high" or answers.prospects == "good"),
    )


def recommend(answers: Answers, diagnosis: Diagnosis | None = None, *,
              language: str | None = None) -> Recommendation:
    """The strategy, remedies and compensation for `answers` (diagnosed here unless given)."""
    if diagnosis is None:
        diagnosis = diagnose(answers, language=language or DEFAULT_LANGUAGE)
    book = load_playbook(language or diagnosis.language)
    strategy, reasons = _strategy(answers, diagnosis, book)
    mood = book.temperaments[answers.temperament] if answers.temperament else None
    if mood:
        reasons.append(book.message("strategy.temperament", name=mood.name, approach=mood.approach))
    parting = strategy == "part"
    if parting:
        name, essence = book.parting.title, book.parting.text
    else:
        name, essence = book.strategies[strategy].name, book.strategies[strategy].essence
    return Recommendation(
        language=book.language,
        strategy=strategy,
        strategy_name=name,
        strategy_essence=essence,
        reasons=tuple(reasons),
        warnings=tuple(AntiPatternWarning(s.key, s.name, s.warning) for s in book.anti_patterns),
        temperament=answers.temperament,
        approach=mood.approach if mood else "",
        remedies=tuple(_remedy(key, book) for key in _remedy_keys(strategy, diagnosis)),
        compensation=_compensation(answers, diagnosis, strategy, book),
        letter=_letter(strategy, diagnosis),
        win_back=answers.wants_to_leave and not parting,
        check_in=not parting,
        parting_steps=book.parting_steps if parting else (),
    )


def _check(value: object, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise UserError(_("unknown {what}: {value!r} (use {choices})").format(
            what=what, value=value, choices=", ".join(allowed)))


def _group(answers: Answers, book: Playbook) -> tuple[str, tuple[str, ...]]:
    """§1: off-scale or irrational → A; medium/high negativity or conditional talks → B; else C."""
    level, talks = answers.negativity, answers.ready_to_negotiate
    death = []
    if level == "off-scale":
        death.append("group.off_scale")
    if answers.irrational:
        death.append("group.irrational")
    if talks == "no" and level == "high":
        death.append("group.refuses_while_high")
    if death:
        return "A", tuple(book.message(key) for key in death)
    saveable = []
    if level in ("medium", "high"):
        saveable.append(f"group.{level}")
    if talks == "only-for-gain":
        saveable.append("group.only_for_gain")
    elif talks == "no":
        saveable.append("group.refuses")
    if saveable:
        return "B", tuple(book.message(key) for key in saveable)
    return "C", (book.message("group.low_and_willing"),)


def _client_reasons(criteria: tuple[str, ...], bad: bool, book: Playbook) -> tuple[str, ...]:
    signs = tuple(book.difficult_vs_bad.criteria[key] for key in criteria)
    if bad:
        return (book.message("client.bad", count=len(criteria)), *signs)
    if criteria:
        return (book.message("client.one_sign"), *signs)
    return (book.message("client.difficult"),)


def _fault(answers: Answers) -> tuple[str, str]:
    """Our real error comes first; otherwise the agreed scope decides (§5, step 5 of seven), and an
    unfounded demand within it is declined all the same (§4)."""
    if answers.our_error:
        return "ours", "fault.ours"
    if not answers.within_scope:
        return "out_of_scope", "fault.out_of_scope"
    if answers.unfounded_demands:
        return "unfounded", "fault.unfounded"
    return "in_scope", "fault.in_scope"


def _letter(strategy: str, diagnosis: Diagnosis) -> str | None:
    """§4 parting letter; an apology only where we erred; a courteous refusal for a demand that is
    unfounded or beyond the agreement; no letter for a small fix within scope."""
    if strategy == "part":
        return "parting"
    if diagnosis.fault == "ours":
        return "apology"
    if diagnosis.fault in ("out_of_scope", "unfounded"):
        return "refusal"
    return None


def _value(answers: Answers, book: Playbook, limits: ValueThresholds | None) -> tuple[str, tuple[str, ...]]:
    """Points: key tier 2, revenue 2/1/0 (against its own currency's thresholds), prospects +1/0/−1;
    high at 2 or more, medium at 1."""
    score, reasons = 0, []
    if answers.tier == "key":
        score += 2
        reasons.append(book.message("value.key_tier"))
    revenue = answers.yearly_revenue
    if limits is None:
        reasons.append(book.message("value.revenue_unjudged", revenue=format(revenue.normalize(), ",f")))
    else:
        currency = limits.currency

        def money(amount: Decimal) -> str:
            return str(Money(amount, currency))

        if revenue >= limits.high:
            score += 2
            reasons.append(book.message("value.revenue_high", revenue=money(revenue), threshold=money(limits.high)))
        elif revenue >= limits.medium:
            score += 1
            reasons.append(book.message("value.revenue_medium", revenue=money(revenue),
                                        threshold=money(limits.medium)))
        else:
            reasons.append(book.message("value.revenue_low", revenue=money(revenue), threshold=money(limits.medium)))
    score += {"good": 1, "unknown": 0, "poor": -1}[answers.prospects]
    reasons.append(book.message(f"value.prospects_{answers.prospects}"))
    value = "high" if score >= 2 else "medium" if score == 1 else "low"
    return value, tuple(reasons)


def _strategy(answers: Answers, diagnosis: Diagnosis, book: Playbook) -> tuple[str, list[str]]:
    """§2 and §4: a bad client is parted with; start over only for a promising B or C; else soften."""
    if diagnosis.bad_client:
        return "part", [book.message("strategy.bad_client"), book.message("strategy.soften_always")]
    if diagnosis.group == "A":
        reasons = [book.message("strategy.never_a")]
        strategy = "soften_blow"
    elif answers.wants_to_leave:  # §7: respect the decision; an offer at the door only delays it
        return "soften_blow", [book.message("strategy.wants_to_leave")]
    elif diagnosis.promising:
        reasons = [book.message("strategy.start_over", group=diagnosis.group),
                   book.message("strategy.soften_always")]
        strategy = "start_over"
    else:
        reasons = [book.message("strategy.not_promising", group=diagnosis.group)]
        strategy = "soften_blow"
    if answers.wants_to_leave:
        reasons.append(book.message("strategy.wants_to_leave"))
    return strategy, reasons


def _remedy_keys(strategy: str, diagnosis: Diagnosis) -> list[str]:
    """At least three remedies fitting the strategy, the fault and the client's value."""
    if strategy == "part":
        return ["thank_and_part", "refund", "recommend_alternative"]
    keys = {
        "ours": ["apology_letter", "redo"],
        "out_of_scope": ["explain_scope", "quote_extra_work"],
        "unfounded": ["explain_scope", "quote_extra_work"],
        "in_scope": ["just_fix", "three_fix_options"],
    }[diagnosis.fault]
    if strategy == "start_over":
        keys += ["future_discount", "extra_need", "gift_to_office"]
        if diagnosis.value == "high":
            keys.append("restaurant")
    elif diagnosis.fault in ("ours", "in_scope"):
        keys += ["bonus_next_order", "gift_to_office"]
    if diagnosis.value == "high" or diagnosis.fault in ("out_of_scope", "unfounded"):
        keys.append("personal_meeting")
    return keys


def _remedy(key: str, book: Playbook) -> Remedy:
    action = book.remedies[key]
    return Remedy(key, action.title, action.text, _REMEDY_COMPENSATION.get(key))


def _compensation(answers: Answers, diagnosis: Diagnosis, strategy: str, book: Playbook) -> CompensationAdvice:
    """§4 refund when parting; nothing for a demand we decline; §5/§6 double for a valued client at
    risk; a gift for one who leaves, a bonus for one who stays (what each choice signals, §6); a
    buy-back discount only for a group B client who negotiates for a clear gain, and whom we start
    over with; nothing owed for a small fix within scope that was not our error."""
    valued = answers.tier == "key" or diagnosis.value == "high"
    at_risk = answers.wants_to_leave or diagnosis.group in ("A", "B")
    if strategy == "part":
        kind = "refund"
    elif diagnosis.fault in ("out_of_scope", "unfounded"):
        kind = "none"
    elif valued and at_risk:
        kind = "double"
    elif diagnosis.fault == "in_scope":
        kind = "none"
    elif answers.wants_to_leave:
        kind = "gift"
    elif strategy == "start_over" and diagnosis.group == "B" and answers.ready_to_negotiate == "only-for-gain":
        kind = "discount"
    else:
        kind = "bonus"
    owed_nothing = kind == "none" and diagnosis.fault == "in_scope"
    reasons = [book.message("comp.not_owed" if owed_nothing else f"comp.{kind}")]
    if answers.temperament == "compensation-seeker":
        reasons.append(book.message("comp.seeker"))
    return CompensationAdvice(kind, tuple(reasons))


def explain(diagnosis: Diagnosis, recommendation: Recommendation) -> tuple[str, ...]:
    """The verdict in plain words, one line per finding, in the diagnosis's language: how unhappy the
    client is (the §1 group and what it means), which §4 signs of a bad client were met, whose fault
    it is, the client's value, that one complaint speaks for 26 silent clients, Pareto, and so the
    strategy, named with its meaning. No key or group letter without its meaning."""
    book = load_playbook(diagnosis.language)
    group = book.groups[diagnosis.group]
    lines = [book.message("explain.group", group=diagnosis.group, name=group.name, summary=group.summary,
                          reasons=" ".join(diagnosis.group_reasons))]
    signs = " ".join(book.difficult_vs_bad.criteria[key] for key in diagnosis.criteria_met)
    if diagnosis.bad_client:
        lines.append(book.message("explain.bad", count=len(diagnosis.criteria_met), signs=signs,
                                  bad=book.difficult_vs_bad.bad))
    elif signs:
        lines.append(book.message("explain.one_sign", signs=signs))
    else:
        lines.append(book.message("explain.no_signs"))
    lines.append(book.message(f"explain.fault.{diagnosis.fault}", reasons=" ".join(diagnosis.fault_reasons)))
    lines.append(book.message("explain.value", value=book.message(f"value.level.{diagnosis.value}"),
                              reasons=" ".join(diagnosis.value_reasons)))
    if not diagnosis.bad_client:
        lines.append(book.message("explain.silent"))
    lines.append(book.message("explain.pareto_bad" if diagnosis.bad_client else "explain.pareto",
                              pareto=book.difficult_vs_bad.pareto))
    lines.append(book.message("explain.strategy", name=recommendation.strategy_name,
                              essence=recommendation.strategy_essence))
    return tuple(lines)
