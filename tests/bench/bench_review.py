"""Time the weekly review at 5,000 demo clients, and its cost for clients with nothing due.

Run: .venv/bin/python tests/bench/bench_review.py   (not part of the test suite)
Budgets: the review (7 and 30 days, and Christmas week with a greeting for nearly everyone) and the
60-day calendar feed under a second; one client's items (the Client screen) under 20 ms; and 5,000
clients with nothing due must cost little more than 500 (the queries are bounded by the window).
"""

import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from crm.clients import ClientFields, add_client
from crm.db import open_database
from crm.demo import fill_demo
from crm.models import Client, database
from crm.review import client_due, clients_due, review

TODAY = date(2026, 11, 23)
BUDGET_S = 1.0
ONE_CLIENT_BUDGET_S = 0.02


def timed(fn, repeat: int = 3):
    """The best of `repeat` runs, and the result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def check(label: str, seconds: float, budget: float, detail: str = "") -> bool:
    ok = seconds <= budget
    print(f"{label:48} {seconds * 1000:8.1f} ms  (budget {budget * 1000:.0f} ms) {detail}{'' if ok else '  OVER'}")
    return ok


def demo_book(directory: Path) -> bool:
    handle = open_database(directory / "demo.db")
    try:
        fill_demo(5_000, TODAY)
        ok = True
        for label, today, days in (
            ("review, 7 days", TODAY, 7),
            ("review, 30 days", TODAY, 30),
            ("review, Christmas week", date(2026, 12, 21), 7),
        ):
            seconds, items = timed(lambda: review(today, days))
            ok &= check(label, seconds, BUDGET_S, f"{len(items)} items")
        seconds, items = timed(lambda: review(TODAY, 60))
        ok &= check("calendar feed items, 60 days", seconds, BUDGET_S, f"{len(items)} items")
        seconds, _ = timed(lambda: client_due(1, TODAY))
        ok &= check("one client's next 400 days", seconds, ONE_CLIENT_BUDGET_S)
        departed = [c.id for c in Client.select(Client.id).where(Client.status == "departed")]
        seconds, _ = timed(lambda: clients_due(departed, TODAY), repeat=1)
        ok &= check(f"{len(departed)} departed clients' next 400 days", seconds, BUDGET_S)
        return ok
    finally:
        handle.close()


def nothing_due(directory: Path, count: int) -> float:
    """Review time for `count` new clients without country or birthday: nothing due this week."""
    handle = open_database(directory / f"idle-{count}.db")
    try:
        with database.atomic():
            for n in range(count):
                add_client(ClientFields(name=f"Idle {n}"), today=TODAY - timedelta(days=5))
        seconds, items = timed(lambda: review(TODAY, 7), repeat=5)
        assert items == [], items[:3]
        return seconds
    finally:
        handle.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ok = demo_book(Path(tmp))
        small, large = nothing_due(Path(tmp), 500), nothing_due(Path(tmp), 5_000)
        print(f"nothing due: 500 clients {small * 1000:.1f} ms, 5,000 clients {large * 1000:.1f} ms")
        ok &= check("nothing due, 5,000 clients", large, 0.1)
    print("OK" if ok else "OVER BUDGET")


if __name__ == "__main__":
    main()
