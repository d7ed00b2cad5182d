"""A client's health as a traffic light, with the reasons that drive it.

Pure rules over plain facts (counts and dates), so the Clients table and the Client screen agree,
and each rule is testable without a database. Thresholds follow docs/method.md and the keep-in-touch
defaults: a client is quiet after 90 days without a touch (30 for the temperament "quiet", who
leaves without complaining); promises are sacred (§5); an open high-severity incident is urgent.
"""

from dataclasses import dataclass
from datetime import date

from crm.i18n import ngettext

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
    reasons: tuple[str, ...]  # the worst first, in the reader's language; empty when green

    def __str__(self) -> str:
        return self.light if not self.reasons else f"{self.light}: {', '.join(self.reasons)}"


def quiet_threshold(temperament: str) -> int:
    """Days without a touch after which a client counts as silent."""
    return QUIET_DAYS_FOR_QUIET if temperament == "quiet" else QUIET_DAYS


def assess(facts: HealthFacts, today: date) -> Health:
    """The light and its reasons: red if any sign is red, amber if any is amber, else green.

    Signs: open incidents (red when one is high or there are several), broken promises (red from
    two), overdue open promises (amber), and silence (amber past the quiet threshold, red past twice it).
    """
    signs: list[tuple[str, str]] = []
    if facts.open_incidents:
        if facts.open_high_incidents:
            text = ngettext("{count} open incident ({high} high)", "{count} open incidents ({high} high)",
                            facts.open_incidents)
        else:
            text = ngettext("{count} open incident", "{count} open incidents", facts.open_incidents)
        text = text.format(count=facts.open_incidents, high=facts.open_high_incidents)
        red = facts.open_high_incidents > 0 or facts.open_incidents >= 2
        signs.append((RED if red else AMBER, text))
    if facts.broken_promises:
        text = ngettext("{count} broken promise", "{count} broken promises", facts.broken_promises)
        signs.append((RED if facts.broken_promises >= 2 else AMBER, text.format(count=facts.broken_promises)))
    if facts.overdue_promises:
        text = ngettext("{count} overdue promise", "{count} overdue promises", facts.overdue_promises)
        signs.append((AMBER, text.format(count=facts.overdue_promises)))
    clock = facts.last_touch or facts.since
    if facts.status in SILENCE_MATTERS and clock is not None:
        silent = (today - clock).days
        threshold = quiet_threshold(facts.temperament)
        if silent > threshold:
            if facts.last_touch:
                what = ngettext("silent {count} day", "silent {count} days", silent)
            else:
                what = ngettext("no touch in {count} day", "no touch in {count} days", silent)
            signs.append((RED if silent > 2 * threshold else AMBER, what.format(count=silent)))
    reds = [text for light, text in signs if light == RED]
    ambers = [text for light, text in signs if light == AMBER]
    light = RED if reds else AMBER if ambers else GREEN
    return Health(light, tuple(reds + ambers))
