"""Who we keep in touch with: departed clients and their next win-back and greeting (docs/method.md §7),
and parted clients, listed apart because we do not contact them."""

from dataclasses import dataclass
from datetime import date
from typing import cast

from crm.review import clients_due
from crm.summary import summaries

HORIZON_DAYS = 400  # far enough to always see the next win-back (every 6 months) and a greeting


@dataclass(frozen=True)
class KeepRow:
    client_id: int
    name: str
    since: date | None  # departed or parted on
    last_touch: date | None
    next_winback: date | None = None
    next_greeting: date | None = None
    greeting_occasion: str = ""

    @property
    def next_action(self) -> date | None:
        dates = [d for d in (self.next_winback, self.next_greeting) if d is not None]
        return min(dates) if dates else None


def _date(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def keep_in_touch_rows(today: date) -> tuple[list[KeepRow], list[KeepRow]]:
    """Departed clients sorted by their next action (none last), and parted clients by name."""
    listed = summaries(status="departed")
    due = clients_due((cast(int, s["id"]) for s in listed), today, days=HORIZON_DAYS)
    departed = []
    for s in listed:
        items = due[cast(int, s["id"])]
        winback = next((i for i in items if i.kind == "winback"), None)
        greeting = next((i for i in items if i.kind == "greeting"), None)
        departed.append(
            KeepRow(
                cast(int, s["id"]),
                cast(str, s["name"]),
                _date(s["status_since"]),
                _date(s["last_touch"]),
                winback.due if winback else None,
                greeting.due if greeting else None,
                greeting.occasion if greeting else "",
            )
        )
    departed.sort(key=lambda r: (r.next_action is None, r.next_action or today, r.name.lower()))
    parted = [
        KeepRow(cast(int, s["id"]), cast(str, s["name"]), _date(s["status_since"]), _date(s["last_touch"]))
        for s in summaries(status="parted")
    ]
    return departed, parted
