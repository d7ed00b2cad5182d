"""Time `fill_demo` for 500 and 5,000 clients (issue 7: 5,000 must take well under a minute).

Run: .venv/bin/python tests/bench/bench_demo.py   (not part of the test suite)
"""

import os
import tempfile
import time
from datetime import date
from pathlib import Path

from crm.db import open_database
from crm.demo import fill_demo

TODAY = date(2026, 11, 23)
SIZES = (500, 5_000)
BUDGET_S = 60.0


def bench(n_clients: int, directory: Path) -> tuple[float, dict[str, int]]:
    handle = open_database(directory / f"demo-{n_clients}.db")
    try:
        start = time.perf_counter()
        counts = fill_demo(n_clients, TODAY)
        return time.perf_counter() - start, counts
    finally:
        handle.close()


def main() -> None:
    os.environ.setdefault("CRM_AUTHOR", "bench")
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            seconds, counts = bench(n, Path(tmp))
            verdict = "ok" if seconds < BUDGET_S else f"OVER the {BUDGET_S:.0f} s budget"
            print(f"fill_demo({n:>5}): {seconds:6.2f} s  {counts['timeline_entries']:>7,} timeline entries, "
                  f"{counts['incident']:>5,} incidents, {counts['promise']:>6,} promises, "
                  f"{counts['touch']:>6,} touches  [{verdict}]")


if __name__ == "__main__":
    main()
