"""The weekly review in-process at both sizes of the bench's books (tests/bench/books.py), and its
cost for clients with nothing due.

Run: .venv/bin/python tests/bench/bench_review.py   (not part of the test suite; run.py builds the books)
Prints each figure at 5,000 and 50,000 clients with the growth; budgets at 5,000 (issue 7): the
review (7 and 30 days, Christmas week) and the 60-day calendar feed under a second, one client's
items (the Client screen) under 20 ms, and 5,000 clients with nothing due little more than 500.
"""

import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from books import TODAY, book

from crm.clients import ClientFields, add_client
from crm.db import open_database
from crm.models import Client, database
from crm.review import client_due, clients_due, review

DAY = date.fromisoformat(TODAY)
SIZES = (5_000, 50_000)


def timed(fn, repeat: int = 5) -> tuple[float, object]:
    """The median of `repeat` runs, and the result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def figures(path: Path) -> dict[str, tuple[float, int]]:
    handle = open_database(path, reading=True)
    try:
        found = {}
        for label, today, days in (("review, 7 days", DAY, 7), ("review, 30 days", DAY, 30),
                                   ("review, Christmas week", date(2026, 12, 21), 7),
                                   ("calendar feed items, 60 days", DAY, 60)):
            seconds, items = timed(lambda today=today, days=days: review(today, days))
            found[label] = (seconds, len(items))
        seconds, items = timed(lambda: client_due(1, DAY))
        found["one client's next 400 days"] = (seconds, len(items))
        departed = [c.id for c in Client.select(Client.id).where(Client.status == "departed")]
        seconds, due = timed(lambda: clients_due(departed, DAY), repeat=1)
        found["departed clients' next 400 days"] = (seconds, sum(len(v) for v in due.values()))
        return found
    finally:
        handle.close()


def nothing_due(directory: Path, count: int) -> float:
    """Review time for `count` new clients without country or birthday: nothing due this week."""
    handle = open_database(directory / f"idle-{count}.db")
    try:
        with database.atomic():
            for n in range(count):
                add_client(ClientFields(name=f"Idle {n}"), today=DAY - timedelta(days=5))
        seconds, items = timed(lambda: review(DAY, 7))
        assert items == [], items[:3]  # type: ignore[index]
        return seconds
    finally:
        handle.close()


def main() -> None:
    small, large = (figures(book(n).path) for n in SIZES)
    print(f"{'in-process, median of 5':40} {'5,000 clients':>22} {'50,000 clients':>22} {'growth':>7}")
    for label, (seconds, count) in small.items():
        big, big_count = large[label]
        print(f"{label:40} {seconds * 1000:9.1f} ms {count:>6} items {big * 1000:9.1f} ms {big_count:>6} items "
              f"{big / seconds:6.1f}×")
    with tempfile.TemporaryDirectory() as tmp:
        idle_small, idle_large = nothing_due(Path(tmp), 500), nothing_due(Path(tmp), 5_000)
    print(f"nothing due: 500 clients {idle_small * 1000:.1f} ms, 5,000 clients {idle_large * 1000:.1f} ms "
          f"({idle_large / idle_small:.1f}×)")


if __name__ == "__main__":
    main()
