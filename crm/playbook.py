"""The relationship playbook (docs/method.md §1–§8) as typed, localised data.

The content lives in `data/playbook/<language>.json`; this module reads it once per language and
hands out frozen dataclasses. A missing language falls back to English, and a translation that
lacks a key borrows it from English, so a partial translation never breaks a screen.
"""

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from string import Template
from typing import Any

from crm.domain import GROUPS, TEMPERAMENTS

DEFAULT_LANGUAGE = "en"
STRATEGIES = ("start_over", "soften_blow", "counter_attack", "ignore")
ANTI_PATTERNS = ("counter_attack", "ignore")
STEP_LISTS = ("studio_seven", "settling_seven", "angry_ten", "five_stages", "rule_of_three")
BAD_CLIENT_CRITERIA = ("rude", "unfounded_demands", "threatens_reviews")
# The stored keys `Playbook.label` names: strategy, group and temperament from their own sections,
# the rest from the "labels" section.
LABEL_FIELDS = ("strategy", "group", "temperament", "outcome", "severity", "compensation", "compensation_status",
                "letter", "client_kind", "fault", "value")


@dataclass(frozen=True)
class Group:
    """A §1 group: how unhappy the client is and what it costs."""

    key: str  # "A" | "B" | "C"
    name: str
    summary: str
    signs: tuple[str, ...]
    repair_cost: str
    consequences: tuple[str, ...]


@dataclass(frozen=True)
class Temperament:
    """A §3 temperament and how to talk to it."""

    key: str  # one of crm.domain.TEMPERAMENTS
    name: str
    behaviour: str
    approach: str


@dataclass(frozen=True)
class Strategy:
    """A §2 strategy; anti-patterns carry the warning to show instead of a recommendation."""

    key: str  # one of STRATEGIES
    name: str
    fits: tuple[str, ...]  # the groups it suits; empty for anti-patterns
    fit: str
    essence: str
    anti_pattern: bool
    warning: str


@dataclass(frozen=True)
class Action:
    """One concrete thing to do: a "start over" action (§2) or a remedy option."""

    key: str
    title: str
    text: str


@dataclass(frozen=True)
class StepList:
    """A numbered procedure from §5."""

    key: str  # one of STEP_LISTS
    title: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class DifficultVsBad:
    """§4: what makes a client difficult (worth it) or bad (part with them)."""

    difficult: str
    bad: str
    criteria: dict[str, str]  # BAD_CLIENT_CRITERIA → text
    pareto: str


@dataclass(frozen=True)
class CompensationRules:
    """§6 in words; the arithmetic is in crm.compensation."""

    choice: str
    signals: dict[str, str]  # "bonus" | "gift" → what the client's choice says
    gift: str
    discount: str
    bonus: str
    double: str


@dataclass(frozen=True)
class Question:
    """A diagnosis question as the wizard asks it; `options` maps answer values to labels."""

    key: str  # a field of crm.diagnosis.Answers
    text: str
    options: dict[str, str]


@dataclass(frozen=True)
class Playbook:
    """Everything the wizard shows, in one language."""

    language: str
    groups: dict[str, Group]
    temperaments: dict[str, Temperament]
    strategies: dict[str, Strategy]
    parting: Action  # the "part with dignity" outcome of §4, shown like a strategy
    start_over_actions: tuple[Action, ...]
    remedies: dict[str, Action]
    general_advice: tuple[str, ...]
    difficult_vs_bad: DifficultVsBad
    parting_steps: tuple[str, ...]
    cool_down: tuple[str, ...]
    step_lists: dict[str, StepList]
    compensation: CompensationRules
    questions: dict[str, Question]
    messages: dict[str, str]
    labels: dict[str, dict[str, str]]  # LABEL_FIELDS → key → what a person reads

    def message(self, key: str, **values: object) -> str:
        """The message `key` with `values` inserted literally (never parsed as a template)."""
        return Template(self.messages[key]).safe_substitute({k: str(v) for k, v in values.items()})

    @property
    def anti_patterns(self) -> tuple[Strategy, ...]:
        return tuple(self.strategies[key] for key in ANTI_PATTERNS)

    def label(self, field: str, key: str | None) -> str:
        """What a person reads for a stored key (`soften_blow` → "Soften the blow", `B` → "B · Reputation
        can be saved"); a key the playbook does not know comes back as it is, "" for none."""
        if not key:
            return ""
        if field == "strategy":
            if key == "part":
                return self.parting.title
            return self.strategies[key].name if key in self.strategies else key
        if field == "group":
            return f"{key} · {self.groups[key].name}" if key in self.groups else key
        if field == "temperament":
            return self.temperaments[key].name if key in self.temperaments else key
        return self.labels.get(field, {}).get(key, key)


def available_languages() -> tuple[str, ...]:
    """The languages with a playbook file, English first."""
    found = sorted(p.name.removesuffix(".json") for p in _directory().iterdir() if p.name.endswith(".json"))
    return (DEFAULT_LANGUAGE, *(code for code in found if code != DEFAULT_LANGUAGE))


def normalise_language(language: str | None) -> str:
    """'ru-RU', 'RU' or 'ru_ru' → 'ru'; empty or not a language code (a path, say) → English."""
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code.isascii() and code.isalpha() else DEFAULT_LANGUAGE


def load_playbook(language: str | None = DEFAULT_LANGUAGE) -> Playbook:
    """The playbook in `language`, or in English when there is no such translation."""
    code = normalise_language(language)
    return _load(code if code in available_languages() else DEFAULT_LANGUAGE)


def temperament(key: str, language: str | None = DEFAULT_LANGUAGE) -> Temperament:
    """One temperament (KeyError for an unknown key)."""
    return load_playbook(language).temperaments[key]


def group(key: str, language: str | None = DEFAULT_LANGUAGE) -> Group:
    """One §1 group (KeyError for an unknown key)."""
    return load_playbook(language).groups[key]


def label(field: str, key: str | None, language: str | None = DEFAULT_LANGUAGE) -> str:
    """What a person reads for a stored key, e.g. on an incident card: `label("strategy",
    "soften_blow")` → "Soften the blow" (LABEL_FIELDS lists the fields; see `Playbook.label`)."""
    return load_playbook(language).label(field, key)


def _directory() -> Traversable:  # the installed data, wherever pip put it
    return files("crm.data") / "playbook"


def _read(code: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((_directory() / f"{code}.json").read_text(encoding="utf-8"))
    return data


def _merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`base` with `override` laid over it, dictionaries merged key by key (lists replaced)."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            result[key] = _merged(base[key], value)
        else:
            result[key] = value
    return result


@cache
def _load(code: str) -> Playbook:
    raw = _read(DEFAULT_LANGUAGE)
    if code != DEFAULT_LANGUAGE:
        raw = _merged(raw, _read(code))
    return Playbook(
        language=code,
        groups={key: _group(key, raw["groups"][key]) for key in GROUPS},
        temperaments={key: Temperament(key=key, **raw["temperaments"][key]) for key in TEMPERAMENTS},
        strategies={key: _strategy(key, raw["strategies"][key]) for key in STRATEGIES},
        parting=Action(key="part", title=raw["parting"]["name"], text=raw["parting"]["essence"]),
        start_over_actions=tuple(Action(**a) for a in raw["start_over_actions"]),
        remedies={key: Action(key=key, **r) for key, r in raw["remedies"].items()},
        general_advice=tuple(raw["general_advice"]),
        difficult_vs_bad=DifficultVsBad(
            difficult=raw["difficult_vs_bad"]["difficult"],
            bad=raw["difficult_vs_bad"]["bad"],
            criteria={key: raw["difficult_vs_bad"]["criteria"][key] for key in BAD_CLIENT_CRITERIA},
            pareto=raw["difficult_vs_bad"]["pareto"],
        ),
        parting_steps=tuple(raw["parting_steps"]),
        cool_down=tuple(raw["cool_down"]),
        step_lists={key: StepList(key, raw["step_lists"][key]["title"], tuple(raw["step_lists"][key]["steps"]))
                    for key in STEP_LISTS},
        compensation=CompensationRules(**raw["compensation"]),
        questions={key: Question(key, q["text"], dict(q["options"])) for key, q in raw["questions"].items()},
        messages=dict(raw["messages"]),
        labels={name: dict(values) for name, values in raw.get("labels", {}).items()},
    )


def _group(key: str, raw: dict[str, Any]) -> Group:
    return Group(key=key, name=raw["name"], summary=raw["summary"], signs=tuple(raw["signs"]),
                 repair_cost=raw["repair_cost"], consequences=tuple(raw["consequences"]))


def _strategy(key: str, raw: dict[str, Any]) -> Strategy:
    return Strategy(key=key, name=raw["name"], fits=tuple(raw["fits"]), fit=raw["fit"], essence=raw["essence"],
                    anti_pattern=raw["anti_pattern"], warning=raw["warning"])
