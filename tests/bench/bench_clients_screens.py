"""Time the Clients table at 5,000 demo clients and a Client screen with a 2,000-entry timeline.

Run: .venv/bin/python tests/bench/bench_clients_screens.py   (not part of the test suite)
Budgets: loading the table's rows and filtering must not be felt (the UI never waits on them, they
run in workers, but a result should arrive within a keystroke or two); the Client screen with
2,000 timeline entries must open in under 200 ms.
"""

import asyncio
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from crm.app.app import make_app
from crm.app.screens.client import ClientScreen
from crm.app.screens.clients import ClientsScreen
from crm.clients import ClientFields, add_client, log_touch
from crm.db import open_database
from crm.demo import fill_demo
from crm.models import database
from crm.roster import client_rows, filter_rows, with_next_due
from crm.widgets.timeline import Timeline

TODAY = date(2026, 11, 23)
OPEN_BUDGET_S = 0.2


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


async def screen_open(app, pilot, action, ready) -> float:
    """From the key to the data on screen (polling, so no other worker's time is counted)."""
    await app.workers.wait_for_complete()
    start = time.perf_counter()
    action()
    while not ready():
        await asyncio.sleep(0.002)  # not pilot.pause(): that also waits for the app to be idle
    return time.perf_counter() - start


async def bench_app(path: Path, long_client: int) -> None:
    app = make_app(path, TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        seconds = await screen_open(app, pilot, app.show_clients,
                                    lambda: isinstance(app.screen, ClientsScreen)
                                    and any(t.row_count for t in app.screen.query("DataTable")))
        print(f"Clients screen, 5,000 clients, first rows shown: {seconds * 1000:7.0f} ms")
        await app.workers.wait_for_complete()
        start = time.perf_counter()
        await pilot.press(*"ma")
        bar = app.screen.query_one("#clients-bar")
        while not str(bar.render()).startswith("showing 200 of 1,"):
            await asyncio.sleep(0.002)
        print(f"Filter 'ma' typed and shown:                   {(time.perf_counter() - start) * 1000:7.0f} ms "
              f"({app.screen.query_one('DataTable').row_count} rows)")
        seconds = await screen_open(app, pilot, lambda: app.open_client(long_client),
                                    lambda: isinstance(app.screen, ClientScreen) and app.screen.profile is not None)
        shown = app.screen.query_one(Timeline).shown
        verdict = "ok" if seconds < OPEN_BUDGET_S else f"OVER the {OPEN_BUDGET_S * 1000:.0f} ms budget"
        print(f"Client screen, 2,000-entry timeline, open:     {seconds * 1000:7.0f} ms ({shown} shown) [{verdict}]")


def main() -> None:
    os.environ.setdefault("CRM_AUTHOR", "bench")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        handle = open_database(path)
        fill_demo(5_000, TODAY)
        with database.atomic():
            long_client = add_client(ClientFields(name="Zz Long History"), today=TODAY)
            for n in range(2_000):
                log_touch(long_client, kind="note", on=TODAY - timedelta(days=n), note=f"entry {n}")
        seconds, rows = timed(lambda: client_rows(TODAY))
        print(f"client_rows() for {len(rows):,} clients:             {seconds * 1000:7.0f} ms")
        seconds, rows = timed(lambda: with_next_due(rows, TODAY))
        print(f"with_next_due() for {len(rows):,} clients:          {seconds * 1000:7.0f} ms")
        seconds, matches = timed(lambda: filter_rows(rows, "ma", None))
        print(f"filter_rows('ma') over {len(rows):,}:                {seconds * 1000:7.0f} ms ({len(matches)} match)")
        handle.close()
        asyncio.run(bench_app(path, long_client))


if __name__ == "__main__":
    sys.exit(main())
