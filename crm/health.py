"""A client's health as a traffic light, with the reasons that drive it.

Pure rules over plain facts (counts and dates), so the Clients table and the Client screen agree,
and each rule is testable without a database. Thresholds follow docs/method.md and the keep-in-touch
defaults: a client is quiet after 90 days without a touch (30 for the temperament "quiet", who
leaves without complaining); promises are sacred (§5); an open high-severity incident is urgent.
"""

from dataclasses import dataclass
from datetime import date

GREEN, AMBER, RED = "green", "amber", "red"
QUIET_DAYS = 90
QUIET_DAYS_FOR_QUIET = 30
# Broken promises older than this no longer colour the light; they stay in the promise record.
BROKEN_WINDOW_DAYS = 365
# Statuses whose silence is a warning sign: departed and parted clients are expected to be quiet.
SILENCE_MATTERS = ("active", "prospect")


@dataclass(frozen=True)
class HealthFacts:
    """What the light is computed from, gathered per client by a read model."""

    status: str = "active"
    temperament: str = "balanced"
    open_incidents: int = 0
    open_high_incidents: int = 0  # open incidents of severity "high"
    broken_promises: int = 0  # broken within BROKEN_WINDOW_DAYS
    overdue_promises: int = 0  # still open after their due date
    last_touch: date | None = None
    since: date | None = None  # in this status since: the silence clock when never touched


@dataclass(frozen=True)
class Health:
    light: str  # green, amber or red
    reasons: tuple[str, ...]  # the worst first; empty when green

    def __str__(self) -> str:
        return self.light if not self.reasons else f"{self.light}: {', '.join(self.reasons)}"


def quiet_threshold(temperament: str) -> int:
    """Days without a touch after which a client counts as silent."""
    return QUIET_DAYS_FOR_QUIET if temperament == "quiet" else QUIET_DAYS


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def assess(facts: HealthFacts, today: date) -> Health:
    """The light and its reasons: red if any sign is red, amber if any is amber, else green.

    Signs: open incidents (red when one is high or there are several), broken promises (red from
    two), overdue open promises (amber), and silence (amber past the quiet threshold, red past twice it).
    """
    signs: list[tuple[str, str]] = []
    if facts.open_incidents:
        text = _plural(facts.open_incidents, "open incident")
        if facts.open_high_incidents:
            text += f" ({facts.open_high_incidents} high)"
        red = facts.open_high_incidents > 0 or facts.open_incidents >= 2
        signs.append((RED if red else AMBER, text))
    if facts.broken_promises:
        signs.append((RED if facts.broken_promises >= 2 else AMBER, _plural(facts.broken_promises, "broken promise")))
    if facts.overdue_promises:
        signs.append((AMBER, _plural(facts.overdue_promises, "overdue promise")))
    clock = facts.last_touch or facts.since
    if facts.status in SILENCE_MATTERS and clock is not None:
        silent = (today - clock).days
        threshold = quiet_threshold(facts.temperament)
        if silent > threshold:
            what = f"silent {silent} days" if facts.last_touch else f"no touch in {silent} days"
            signs.append((RED if silent > 2 * threshold else AMBER, what))
    reds = [text for light, text in signs if light == RED]
    ambers = [text for light, text in signs if light == AMBER]
    light = RED if reds else AMBER if ambers else GREEN
    return Health(light, tuple(reds + ambers))
