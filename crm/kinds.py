"""The kinds of due item, one record each: everything the rules, the review, the digest, the
calendar and the screens need to know about a kind lives in its `DueKind`.

A new kind is one `register(DueKind(...))` with a rule that yields its occurrences; the id it
prints, its label, its look-back, what done logs and its letter follow from the record.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crm.i18n import N_, N_plural, _, ngettext

if TYPE_CHECKING:
    from crm.rules import Occurrence, Rules, Scope

Rule = Callable[["Rules", "Scope"], Iterator["Occurrence"]]


@dataclass(frozen=True)
class DueKind:
    name: str  # the `kind` value of the JSON: never translated
    prefix: str  # item ids read `<prefix>-<row id>[-YYYYMMDD]`
    label: str  # a listing's column, marked with N_ and translated when shown
    counted: tuple[str, str]  # "1 win-back", "3 win-backs": singular and plural, marked with N_
    rule: Rule  # yields the kind's occurrences in a scope
    row: str  # the table whose row the number in its ids names (a forgotten client's marks go with it)
    dated: bool = False  # the id carries the occurrence's date (the kind recurs per row)
    lookback: str | None = None  # the Rules number of days it stays after its date; None: while it holds
    done_touch: str | None = None  # the touch that marking it done logs; None: the kind is not a contact
    letter: str | None = None  # the letter template drafted for it; None: no letter

    def shown_label(self) -> str:
        return _(self.label)

    def count(self, number: int) -> str:
        """"3 win-backs", in the reader's language."""
        return ngettext(self.counted[0], self.counted[1], number).format(count=number)

    def lookback_days(self, rules: "Rules") -> int | None:
        return None if self.lookback is None else int(getattr(rules, self.lookback))


_KINDS: dict[str, DueKind] = {}


def register(kind: DueKind) -> DueKind:
    """Add a kind (after the built-in ones, in listing order); its prefix must be its own."""
    clash = next((k.name for k in _KINDS.values() if k.prefix == kind.prefix and k.name != kind.name), None)
    if clash or not kind.prefix.isascii() or not kind.prefix.isalpha() or not kind.prefix.islower():
        raise ValueError(f"prefix {kind.prefix!r} of kind {kind.name!r} is taken or not lower-case letters")
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a registered kind (a plug-in withdrawn; the tests' made-up kind)."""
    _KINDS.pop(name, None)


def kinds() -> tuple[DueKind, ...]:
    """Every kind, in the order listings sort them (promises first)."""
    return tuple(_KINDS.values())


def kind(name: str) -> DueKind:
    return _KINDS[name]


def by_prefix(prefix: str) -> DueKind | None:
    return next((k for k in _KINDS.values() if k.prefix == prefix), None)


def label(name: str) -> str:
    """The label of a kind for a listing, in the reader's language (the name itself if unknown)."""
    found = _KINDS.get(name)
    return found.shown_label() if found else name


def _rule(function: str) -> Rule:
    """A built-in rule, looked up in crm.rules when it runs: the record stays importable alone."""

    def run(rules: "Rules", scope: "Scope") -> Iterator["Occurrence"]:
        from crm import rules as module

        rule: Callable[[Rules, Scope], Iterator[Occurrence]] = getattr(module, function)
        return rule(rules, scope)

    run.__name__ = function
    return run


for _builtin in (
    DueKind("promise", "promise", N_("Promise"), N_plural("{count} promise", "{count} promises"),
            _rule("promises"), "promise"),
    DueKind("checkin", "checkin", N_("Check-in"), N_plural("{count} check-in", "{count} check-ins"),
            _rule("checkins"), "incident", lookback="checkin_lookback", done_touch="call", letter="checkin"),
    DueKind("winback", "winback", N_("Win-back"), N_plural("{count} win-back", "{count} win-backs"),
            _rule("winbacks"), "client", dated=True, lookback="winback_lookback", done_touch="call",
            letter="winback"),
    DueKind("greeting", "greeting", N_("Greeting"), N_plural("{count} greeting", "{count} greetings"),
            _rule("greetings"), "client", dated=True, lookback="greeting_lookback", done_touch="greeting",
            letter="greeting"),
    DueKind("bonus_expiry", "bonus", N_("Bonus"), N_plural("{count} bonus running out", "{count} bonuses running out"),
            _rule("bonus_expiries"), "compensation", lookback="bonus_days"),
    DueKind("incident_stale", "stale", N_("Incident"), N_plural("{count} stale incident", "{count} stale incidents"),
            _rule("stale_incidents"), "incident", dated=True),
    DueKind("quiet", "quiet", N_("Quiet"), N_plural("{count} quiet client", "{count} quiet clients"),
            _rule("quiet_clients"), "client", dated=True, done_touch="call"),
    DueKind("custom", "custom", N_("Reminder"), N_plural("{count} reminder", "{count} reminders"),
            _rule("custom_reminders"), "reminder", dated=True),
):
    register(_builtin)
