"""`make bench`: how Rapport feels at 500 and 5,000 clients, against the interpreter floor (issue 7).

Builds two demo databases once (cached in tests/bench/.cache, rebuilt when the demo code or its
seeds change), each with one extra client holding 2,000 timeline entries, then measures:

- the scripted commands as a user runs them (a fresh `crm` process each time, wall time), next to
  `python -c "import sqlite3"` measured in the same run: the least any Python command can cost;
- the app in a fresh process, from process start until the Review list is filled and painted
  (headless), so import and database time count;
- in one app session (Pilot): opening Clients until its first rows show, each keystroke in its
  filter until the table shows the result, and opening the 2,000-entry client until its timeline
  is shown;
- the peak memory (max RSS) of every process above.

Each figure is the median of several runs. Not part of `make test`: pytest collects test_*.py only.
`make bench` then runs bench_review.py (review cost with nothing due) and bench_demo.py (demo size).
Run: .venv/bin/python tests/bench/run.py [--runs N]
"""

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(__file__).resolve().parent / ".cache"
PYTHON = sys.executable
CRM = [str(Path(PYTHON).parent / "crm")]  # the console script, as users run it
TODAY = "2026-11-23"
SIZES = (500, 5_000)
LONG_CLIENT = "Zz Long History"
LONG_ENTRIES = 2_000
MB = 1024  # ru_maxrss is in KiB on Linux

# What the build depends on: a change to any of these makes the cached databases stale.
BUILD_INPUTS = [ROOT / "crm" / "demo.py", ROOT / "crm" / "migrations.py", *sorted((ROOT / "data" / "demo").glob("*"))]

# Runs inside the app processes (see `app_start` and `app_session`).
START_SCRIPT = r"""
import os, sys, time
from crm.app.app import RapportApp
from crm.app.screens.review import ReviewScreen

shown = ReviewScreen._show

def _show(self, items):
    shown(self, items)
    def painted():
        with open(os.environ["BENCH_MARK"], "w") as out:
            out.write(repr(time.time()))
        self.app.exit()
    self.call_after_refresh(painted)

ReviewScreen._show = _show
run = RapportApp.run
RapportApp.run = lambda self, **kw: run(self, headless=True, size=(80, 24))
from crm.cli import main
sys.exit(main(sys.argv[1:]))
"""

SESSION_SCRIPT = r"""
import asyncio, json, sys, time
from datetime import date
from pathlib import Path
from crm.app.app import make_app
from crm.app.screens.client import ClientScreen
from crm.app.screens.clients import ClientsScreen
from crm.db import open_database
from crm.widgets.timeline import Timeline

path, long_id, opens = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
TYPED = ["m", "a", "r", "i", "backspace", "backspace", "backspace", "backspace",
         "s", "c", "h", "backspace", "backspace", "backspace"]
marks = []
shown = ClientsScreen.refilter

def _refilter(self, *args, **kwargs):
    shown(self, *args, **kwargs)
    self.call_after_refresh(lambda: marks.append(time.perf_counter()))

ClientsScreen.refilter = _refilter

async def until(condition, limit=30.0):
    give_up = time.perf_counter() + limit  # a failure in the app shows as a notification: don't hang
    while not condition():
        if time.perf_counter() > give_up:
            raise SystemExit(f"the app did not get there in {limit:g} s: {app.screen!r}")
        await asyncio.sleep(0.001)  # not pilot.pause(): that waits for every worker to be idle

async def main():
    global app
    open_database(path)
    app = make_app(path, date.fromisoformat(sys.argv[4]))
    result = {"clients": [], "keystroke": [], "open": []}
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        start = time.perf_counter()
        app.show_clients()
        await until(lambda: isinstance(app.screen, ClientsScreen) and marks)
        result["clients"].append(marks[-1] - start)
        await app.workers.wait_for_complete()
        await pilot.pause()
        for key in TYPED:
            before = len(marks)
            start = time.perf_counter()
            await pilot.press(key)
            await until(lambda: len(marks) > before)
            result["keystroke"].append(marks[-1] - start)
        for _ in range(opens):
            await app.workers.wait_for_complete()
            start = time.perf_counter()
            app.open_client(long_id)
            await until(lambda: isinstance(app.screen, ClientScreen) and app.screen.profile is not None)
            done = []
            app.screen.call_after_refresh(lambda: done.append(time.perf_counter()))
            await until(lambda: done)
            assert app.screen.query_one(Timeline).entries.__len__() >= 2000
            result["open"].append(done[0] - start)
            await app.workers.wait_for_complete()
            app.pop_screen()
            await pilot.pause()
    print(json.dumps(result))

asyncio.run(main())
"""


@dataclass
class Measure:
    seconds: list[float]
    peak_kb: int

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def run_process(argv: list[str], env: dict[str, str] | None = None, capture: bool = False) -> tuple[float, int, str]:
    """Wall seconds, max RSS (KiB) and stdout of one process; a failure stops the bench."""
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=err,
                                env=env, cwd=ROOT, text=True)
        out = proc.stdout.read() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)  # not proc.wait(): wait4 gives this child's own peak
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.stdout:
            proc.stdout.close()
        if proc.returncode != 0:
            err.seek(0)
            sys.exit(f"bench: {' '.join(argv[:6])} … failed ({proc.returncode}): {err.read().strip()[-800:]}")
    return seconds, usage.ru_maxrss, out


def repeat(argv: list[str], runs: int, env: dict[str, str] | None = None) -> Measure:
    times, peak = [], 0
    run_process(argv, env)  # warm the page cache and the .pyc files
    for _ in range(runs):
        seconds, rss, _ = run_process(argv, env)
        times.append(seconds)
        peak = max(peak, rss)
    return Measure(times, peak)


# --- the databases --------------------------------------------------------------------------


def build_key() -> str:
    digest = hashlib.sha256()
    for path in BUILD_INPUTS:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def build(n_clients: int) -> tuple[Path, dict]:
    """The demo database for `n_clients` plus the long-history client, built once per build key."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"demo-{n_clients}-{build_key()}.db"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        return path, json.loads(meta_path.read_text())
    for old in CACHE.glob(f"demo-{n_clients}-*"):
        old.unlink()
    print(f"building the {n_clients:,}-client database …", file=sys.stderr)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    run_process([*CRM, "--db", str(partial), "--today", TODAY, "demo", "--clients", str(n_clients), "--no-tui"])
    meta = json.loads(run_process([PYTHON, "-c", LONG_HISTORY, str(partial)], capture=True)[2])
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    partial.rename(path)
    meta_path.write_text(json.dumps(meta))
    return path, meta


# Adds the client with 2,000 timeline entries (bulk insert), and names a typical client for `show`.
LONG_HISTORY = rf"""
import json, sys
from datetime import date, timedelta
from crm import audit
from crm.clients import ClientFields, add_client
from crm.db import open_database
from crm.models import Client, Touch, database

handle = open_database(sys.argv[1])
today = date.fromisoformat("{TODAY}")
typical = Client.get_by_id(1).name
with database.atomic():
    long_id = add_client(ClientFields(name="{LONG_CLIENT}", country="DE"), today=today - timedelta(days=2000))
    stamp = audit.created()
    Touch.insert_many(
        dict(client=long_id, on=today - timedelta(days=n), kind=("call", "email", "meeting", "note")[n % 4],
             note=f"entry {{n}}: talked about the next order", **stamp)
        for n in range({LONG_ENTRIES})
    ).execute()
handle.close()
print(json.dumps({{"long_id": long_id, "typical": typical}}))
"""


# --- the measurements -----------------------------------------------------------------------


def app_start(db: Path, runs: int) -> Measure:
    """Process start → the Review list filled and painted (headless), as `crm` opens it."""
    times, peak = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        mark = Path(tmp) / "mark"
        env = os.environ | {"BENCH_MARK": str(mark)}
        argv = [PYTHON, "-c", START_SCRIPT, "--db", str(db), "--today", TODAY]
        for n in range(runs + 1):
            start = time.time()
            _, rss, _ = run_process(argv, env)
            if n:  # the first run warms caches
                times.append(float(mark.read_text()) - start)
                peak = max(peak, rss)
    return Measure(times, peak)


def app_session(db: Path, long_id: int, opens: int) -> tuple[Measure, Measure, Measure]:
    """Opening Clients, typing in its filter and opening the long-history client, one session."""
    _, rss, out = run_process([PYTHON, "-c", SESSION_SCRIPT, str(db), str(long_id), str(opens), TODAY],
                              capture=True)
    result = json.loads(out.strip().splitlines()[-1])
    return Measure(result["clients"], rss), Measure(result["keystroke"], rss), Measure(result["open"], rss)


@dataclass
class Row:
    label: str
    small: Measure
    large: Measure
    limit: float | None = None  # seconds, or a multiple of the floor when `floor_limit`
    floor_limit: bool = False


def fmt_time(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def table(rows: list[Row], floor: Measure, memory: list[tuple[str, int, int]], limit_mb: int) -> str:
    head = ("item", "500 clients", "5,000 clients", "growth", "floor×", "target", "ok")
    lines = [head]
    lines.append(("interpreter floor (python -c 'import sqlite3')", fmt_time(floor.median), "", "", "1.0×", "", ""))
    for row in rows:
        ratio = row.large.median / floor.median
        if row.limit is None:
            target, ok = "—", ""
        elif row.floor_limit:
            target, ok = f"< {row.limit:g}× floor", "PASS" if ratio < row.limit else "FAIL"
        else:
            target, ok = f"< {fmt_time(row.limit)}", "PASS" if row.large.median < row.limit else "FAIL"
        lines.append((row.label, fmt_time(row.small.median), fmt_time(row.large.median),
                      f"{row.large.median / row.small.median:.1f}×", f"{ratio:.1f}×", target, ok))
    for label, small_kb, large_kb in memory:
        ok = "PASS" if large_kb < limit_mb * MB else "FAIL"
        lines.append((label, f"{small_kb / MB:.0f} MB", f"{large_kb / MB:.0f} MB", f"{large_kb / small_kb:.1f}×", "",
                      f"< {limit_mb} MB", ok))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for n, line in enumerate(lines):
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths))]
        out.append(" | ".join(cells).rstrip())
        if n == 0:
            out.append("-+-".join("-" * w for w in widths))
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per command (median; default 9)")
    args = parser.parse_args()
    os.environ.setdefault("CRM_AUTHOR", "bench")
    for name in ("CRM_DB", "CRM_TODAY"):
        os.environ.pop(name, None)
    began = time.perf_counter()
    # Compiled once, as an installed package is: with PYTHONDONTWRITEBYTECODE set (as on some
    # machines) every run would otherwise compile the changed modules again.
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "crm"), str(ROOT / "widgets")], check=True,
                   stdout=subprocess.DEVNULL)
    built = {n: build(n) for n in SIZES}
    print(f"measuring ({args.runs} runs each) …", file=sys.stderr)
    floor = repeat([PYTHON, "-c", "import sqlite3"], args.runs * 2)
    by_size: dict[int, dict[str, Measure]] = {}
    for n, (db, meta) in built.items():
        crm = [*CRM, "--db", str(db), "--today", TODAY]
        got = {
            "review": repeat([*crm, "review", "--json"], args.runs),
            "show": repeat([*crm, "client", "show", meta["typical"]], args.runs),
            "show_long": repeat([*crm, "client", "show", LONG_CLIENT, "--json"], args.runs),
            "list": repeat([*crm, "client", "list", "--json"], args.runs),
            "start": app_start(db, max(3, args.runs // 2 + 1)),
        }
        got["clients"], got["keystroke"], got["open"] = app_session(db, meta["long_id"], max(3, args.runs // 2 + 1))
        by_size[n] = got
    small, large = by_size[SIZES[0]], by_size[SIZES[1]]
    rows = [
        Row("crm review --json", small["review"], large["review"], 6, floor_limit=True),
        Row("crm client show CLIENT", small["show"], large["show"], 5, floor_limit=True),
        Row(f"crm client show --json ({LONG_ENTRIES:,} entries)", small["show_long"], large["show_long"]),
        Row("crm client list --json", small["list"], large["list"]),
        Row("app: launch → Review filled", small["start"], large["start"], 1.5),
        Row("app: Clients screen → first rows shown", small["clients"], large["clients"]),
        Row("app: filter keystroke → table shown", small["keystroke"], large["keystroke"], 0.05),
        Row(f"app: open client, {LONG_ENTRIES:,}-entry timeline", small["open"], large["open"], 0.2),
    ]
    cli = ("review", "show", "show_long", "list")
    memory = [
        ("peak memory, crm commands", max(small[k].peak_kb for k in cli), max(large[k].peak_kb for k in cli)),
        ("peak memory, app session", max(small[k].peak_kb for k in ("start", "open")),
         max(large[k].peak_kb for k in ("start", "open"))),
    ]
    print(table(rows, floor, memory, 200))
    print(f"\n{os.cpu_count()} CPUs, Python {sys.version.split()[0]}; medians; bench took "
          f"{time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
