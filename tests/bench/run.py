"""`make bench`: how Rapport feels at 5,000 and 50,000 demo clients, against the interpreter's floor
and taskwarrior (issues 7 and 16). Not part of `make test`: pytest collects test_*.py only.

The books are built once per size, seed and code version and cached outside the repository
(tests/bench/books.py). The package is byte-compiled first (this machine sets
PYTHONDONTWRITEBYTECODE: without it every run would time the compiler). Then, each a median:

- scripted commands as a user runs them (a fresh `crm` process, wall time and CPU), next to
  `python -c "import sqlite3"`, the least any Python command costs, and to taskwarrior's
  `task due.before:… status:pending export` on 10,000 and 100,000 pending tasks; every command
  runs once per round, in the same order, so a busy machine slows them alike;
- the app in a fresh process, from process start until the Review list is filled and painted
  (headless), imports and database work included;
- in one app session (Pilot): opening Clients until its first rows are painted, each keystroke in
  its filter until the table shows the result, opening the 2,000-entry client until its timeline
  is painted;
- `crm demo --clients N` into an empty file;
- the peak memory (max RSS) of every process.

Every figure is printed at both sizes with the growth and, where the issue sets one, its target.
Where a PostgreSQL server answers (books.PG_SERVER), the small book is also built in a schema of its
own there (same seed and today) and its review, client show and client list are measured in the same
rounds, printed beside SQLite's with the ratio (issue 14: the review within 1.5× of SQLite's).
Run: .venv/bin/python tests/bench/run.py [--runs N] [--demo-runs N] [--small N] [--large N] [--no-postgres]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from books import CODE, CRM, LONG_CLIENT, LONG_ENTRIES, PYTHON, SEED, TODAY, Book, book, pg_book, taskwarrior_data

TASKS = {5_000: 10_000, 50_000: 100_000}  # taskwarrior's pending tasks against each book (the pairs)
WINDOW_END = "2026-12-01"  # the review's window: overdue and the next 7 days from TODAY
MB = 1024  # ru_maxrss is in KiB on Linux

# Runs inside the app processes (see `app_start` and `app_session`).
START_SCRIPT = r"""
import os, sys, time
import crm.cli
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
RapportApp.run = lambda self, **kw: run(self, headless=True, size=(100, 30))
crm.cli.has_terminal = lambda: True  # headless: no terminal is needed
sys.exit(crm.cli.main(sys.argv[1:]))
"""

SESSION_SCRIPT = r"""
import asyncio, json, sys, time
from datetime import date
from pathlib import Path
from crm.app.app import make_app
from crm.app.screens.client import ClientScreen
from crm.app.screens.clients import ClientsScreen
from crm.db import open_database
from crm.widgets.paged_table import PagedTable
from crm.widgets.timeline import Timeline

path, long_id, opens = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
TYPED = ["m", "a", "r", "i", "backspace", "backspace", "backspace", "backspace",
         "s", "c", "h", "backspace", "backspace", "backspace"]
marks = []  # when the Clients table was painted after being given rows
show = PagedTable.show

def _show(self, items, *args, **kwargs):
    show(self, items, *args, **kwargs)
    if self.id == "clients":
        self.call_after_refresh(lambda: marks.append(time.perf_counter()))

PagedTable.show = _show

async def until(condition, limit=60.0):
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
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        start = time.perf_counter()
        app.show_clients()
        await until(lambda: isinstance(app.screen, ClientsScreen) and marks)
        result["clients"].append(marks[0] - start)
        await until(lambda: app.screen._loaded)
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
            assert len(app.screen.query_one(Timeline).entries) >= 2000
            result["open"].append(done[0] - start)
            await app.workers.wait_for_complete()
            app.pop_screen()
            await pilot.pause()
    print(json.dumps(result))

asyncio.run(main())
"""


@dataclass
class Measure:
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system, where a whole process is timed
    peak_kb: int = 0

    def add(self, seconds: float, cpu: float | None = None, peak_kb: int = 0) -> None:
        self.seconds.append(seconds)
        if cpu is not None:
            self.cpu.append(cpu)
        self.peak_kb = max(self.peak_kb, peak_kb)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None


def run_process(argv: list[str], env: dict[str, str] | None = None,
                capture: bool = False) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds, max RSS (KiB) and stdout of one process; a failure stops the bench."""
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=err,
                                env=env, cwd=CODE, text=True)
        out = proc.stdout.read() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)  # not proc.wait(): wait4 gives this child's own figures
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.stdout:
            proc.stdout.close()
        if proc.returncode != 0:
            err.seek(0)
            sys.exit(f"bench: {' '.join(argv[:6])} … failed ({proc.returncode}): {err.read().strip()[-800:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, out


# --- the measurements -----------------------------------------------------------------------


PG_FIGURES = ("review", "show", "list")  # measured on PostgreSQL too, beside SQLite's (issue 14)


def commands(books: dict[int, Book], tasks: dict[int, Path],
             pg: Book | None = None) -> dict[tuple[str, int], tuple[list[str], dict | None]]:
    """Every scripted command, by (figure, size), in the order each round runs them: taskwarrior
    right before the review it is compared with, and the PostgreSQL book's commands (figures
    "pg_review" …) right after SQLite's of its size."""
    found: dict[tuple[str, int], tuple[list[str], dict | None]] = {
        ("floor", 0): ([PYTHON, "-c", "import sqlite3"], None)}
    for size, b in books.items():
        sides = [("", b)] + ([("pg_", pg)] if pg is not None and pg.clients == size else [])
        if size in tasks:
            env = os.environ | {"TASKRC": str(tasks[size])}
            found[("task", size)] = (["task", f"due.before:{WINDOW_END}", "status:pending", "export"], env)
        for prefix, one in sides:
            crm = [*CRM, "--db", str(one.path), "--today", TODAY]
            found[(prefix + "review", size)] = ([*crm, "review", "--json"], None)
            found[(prefix + "show", size)] = ([*crm, "client", "show", one.typical, "--json"], None)
            if not prefix:
                found[("show_long", size)] = ([*crm, "client", "show", LONG_CLIENT, "--json"], None)
            found[(prefix + "list", size)] = ([*crm, "client", "list", "--json"], None)
    return found


def scripted(books: dict[int, Book], tasks: dict[int, Path], runs: int,
             pg: Book | None = None) -> dict[tuple[str, int], Measure]:
    todo = commands(books, tasks, pg)
    for argv, env in todo.values():
        run_process(argv, env)  # warm the page cache and the .pyc files
    got = {key: Measure() for key in todo}
    for n in range(runs):
        print(f"  round {n + 1} of {runs} …", file=sys.stderr)
        for key, (argv, env) in todo.items():
            seconds, cpu, rss, _ = run_process(argv, env)
            got[key].add(seconds, cpu, rss)
    return got


def app_start(b: Book, runs: int) -> Measure:
    """Process start → the Review list filled and painted (headless, 100×30), as `crm` opens it."""
    got = Measure()
    with tempfile.TemporaryDirectory() as tmp:
        mark = Path(tmp) / "mark"
        env = os.environ | {"BENCH_MARK": str(mark)}
        argv = [PYTHON, "-c", START_SCRIPT, "--db", str(b.path), "--today", TODAY]
        for n in range(runs + 1):
            start = time.time()
            _, _cpu, rss, _ = run_process(argv, env)
            if n:  # the first run warms caches
                got.add(float(mark.read_text()) - start, None, rss)
    return got


def app_session(b: Book, opens: int) -> tuple[Measure, Measure, Measure]:
    """Opening Clients, typing in its filter and opening the long-history client, one session."""
    _, _, rss, out = run_process([PYTHON, "-c", SESSION_SCRIPT, str(b.path), str(b.long_id), str(opens), TODAY],
                                 capture=True)
    result = json.loads(out.strip().splitlines()[-1])
    return tuple(Measure(result[key], [], rss) for key in ("clients", "keystroke", "open"))  # type: ignore[return-value]


def demo(b: Book, runs: int) -> Measure:
    """`crm demo --clients N --no-tui` into an empty file (with the book's own build, if it was built now)."""
    got = Measure()
    if b.demo_seconds is not None:
        got.add(b.demo_seconds)
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(runs):
            path = Path(tmp) / f"demo-{n}.db"
            seconds, cpu, rss, _ = run_process([*CRM, "--db", str(path), "--today", TODAY, "demo", "--clients",
                                                str(b.clients), "--seed", str(SEED), "--no-tui"])
            got.add(seconds, cpu, rss)
    return got


# --- the table --------------------------------------------------------------------------------


def fmt(seconds: float) -> str:
    if seconds >= 10:
        return f"{seconds:,.1f} s"
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def cell(m: Measure | None) -> str:
    if m is None:
        return ""
    if not m.seconds:
        return "—"
    cpu = f" (cpu {fmt(m.cpu_median)})" if m.cpu_median is not None else ""
    return fmt(m.median) + cpu


@dataclass
class Row:
    label: str
    small: Measure | None
    large: Measure | None
    target: str = ""
    ok: bool | None = None  # None: no target, or not measured


def verdict(ok: bool | None) -> str:
    return "" if ok is None else "PASS" if ok else "FAIL"


def table(rows: list[Row], small: int, large: int) -> str:
    head = ("figure", f"{small:,} clients", f"{large:,} clients", "growth", "target (issue 16)", "")
    lines = [head]
    for row in rows:
        growth = ""
        if row.small and row.large and row.small.seconds and row.large.seconds:
            growth = f"{row.large.median / row.small.median:.1f}×"
        lines.append((row.label, cell(row.small), cell(row.large), growth, row.target, verdict(row.ok)))
    return "\n".join(_aligned(lines))


def _aligned(lines: list[tuple[str, ...]]) -> list[str]:
    """The rows as a table: the first and fifth columns (label, target) left, the figures right."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = []
    for n, line in enumerate(lines):
        cells = [c.ljust(w) if i in (0, 4) else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True))]
        out.append(" | ".join(cells).rstrip())
        if n == 0:
            out.append("-+-".join("-" * w for w in widths))
    return out


def postgres_table(got: dict[tuple[str, int], Measure], size: int, pg: Book) -> str:
    """The PostgreSQL book's figures beside SQLite's, same commands in the same rounds (issue 14)."""
    labels = {"review": "crm review --json", "show": "crm client show CLIENT --json", "list": "crm client list --json"}
    head = ("figure", f"SQLite, {size:,} clients", f"PostgreSQL, {size:,} clients", "ratio", "target (issue 14)", "")
    lines = [head]
    for figure in PG_FIGURES:
        lite, server = got[(figure, size)], got[("pg_" + figure, size)]
        target, ok = ("review within 1.5× of SQLite", ratio(server, lite) <= 1.5) if figure == "review" else ("", None)
        lines.append((labels[figure], cell(lite), cell(server), f"{ratio(server, lite):.2f}×", target, verdict(ok)))
    where = f"PostgreSQL ({pg.path.split('?')[0] if isinstance(pg.path, str) else pg.path}, " \
            f"schema {str(pg.path).rpartition('%3D')[2]}):"
    return "\n".join([where, *_aligned(lines)])


def ratio(a: Measure, b: Measure) -> float:
    return a.median / b.median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="rounds of the scripted commands (median; default 7)")
    parser.add_argument("--demo-runs", type=int, default=1, help="crm demo runs per size (default 1)")
    parser.add_argument("--small", type=int, default=5_000, help="the small book's clients (default 5,000)")
    parser.add_argument("--large", type=int, default=50_000, help="the large book's clients (default 50,000)")
    parser.add_argument("--no-postgres", action="store_true",
                        help="skip the PostgreSQL figures (else measured where a server answers; books.PG_SERVER)")
    args = parser.parse_args()
    small, large = args.small, args.large
    os.environ.setdefault("CRM_AUTHOR", "bench")
    for name in ("CRM_DB", "CRM_TODAY"):
        os.environ.pop(name, None)
    began = time.perf_counter()
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(CODE / "crm"), str(CODE / "widgets")], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"measuring {CODE} …", file=sys.stderr)
    books = {n: book(n) for n in (small, large)}
    tasks: dict[int, Path] = {}
    if shutil.which("task"):
        tasks = {n: taskwarrior_data(TASKS.get(n, 2 * n)) for n in books}
    else:
        print("taskwarrior is not installed (apt-get install taskwarrior): its comparison is skipped",
              file=sys.stderr)
    pg, pg_skip = pg_book(small) if not args.no_postgres else (None, "--no-postgres")
    if pg is None:
        print(f"PostgreSQL figures skipped: {pg_skip}", file=sys.stderr)
    got = scripted(books, tasks, args.runs, pg)
    print("  the app …", file=sys.stderr)
    start = {n: Measure() for n in books}
    for _ in range(max(3, args.runs // 2 + 1)):  # one process per size in turn, as the commands
        for n, b in books.items():
            one = app_start(b, 1)
            start[n].add(one.seconds[0], None, one.peak_kb)
    session = {n: app_session(b, 3) for n, b in books.items()}
    print("  crm demo …", file=sys.stderr)
    demos = {n: demo(b, max(0, args.demo_runs - (b.demo_seconds is not None))) for n, b in books.items()}

    floor = got[("floor", 0)]
    review_s, review_l = got[("review", small)], got[("review", large)]
    rows = [
        Row("interpreter floor (python -c 'import sqlite3')", floor, floor),
        Row("crm review --json", review_s, review_l, f"≤ 3× floor at {small:,}: {ratio(review_s, floor):.1f}×",
            ratio(review_s, floor) <= 3),
        Row("", None, None, f"≤ 3× its {small:,} time at {large:,}: {ratio(review_l, review_s):.1f}×",
            ratio(review_l, review_s) <= 3),
    ]
    for n, need in ((small, 1.5), (large, 2.0)):
        if tasks:
            tw = got[("task", n)]
            faster = ratio(tw, got[("review", n)])
            rows.append(Row(f"  taskwarrior: {TASKS.get(n, 2 * n):,} pending tasks", tw if n == small else None,
                            tw if n == large else None, f"review ≥ {need:g}× faster at {n:,}: {faster:.2f}×",
                            faster >= need))
        else:
            rows.append(Row("  taskwarrior", None, None, "skipped: `task` is not installed"))
    show_s, show_l = got[("show", small)], got[("show", large)]
    rows += [
        Row("crm client show CLIENT --json", show_s, show_l,
            f"≤ 1.5× its {small:,} time at {large:,}: {ratio(show_l, show_s):.2f}×", ratio(show_l, show_s) <= 1.5),
        Row(f"crm client show --json ({LONG_ENTRIES:,} entries)", got[("show_long", small)],
            got[("show_long", large)]),
        Row("crm client list --json", got[("list", small)], got[("list", large)], f"≤ 3 s at {large:,}",
            got[("list", large)].median <= 3),
        Row("app: launch → Review filled", start[small], start[large], f"≤ 1.5 s at {large:,}",
            start[large].median <= 1.5),
        Row("app: Clients screen → first rows shown", session[small][0], session[large][0], f"≤ 0.5 s at {large:,}",
            session[large][0].median <= 0.5),
        Row("app: filter keystroke → table shown", session[small][1], session[large][1], f"≤ 50 ms at {large:,}",
            session[large][1].median <= 0.05),
        Row(f"app: open client, {LONG_ENTRIES:,}-entry timeline", session[small][2], session[large][2]),
        Row("crm demo --clients N", demos[small], demos[large], f"≤ 60 s at {large:,}",
            demos[large].median <= 60 if demos[large].seconds else None),
    ]
    cli = ("review", "show", "show_long")
    peaks = [
        ("peak memory: review, show", max(got[(k, small)].peak_kb for k in cli),
         max(got[(k, large)].peak_kb for k in cli), None),
        ("peak memory: client list --json", got[("list", small)].peak_kb, got[("list", large)].peak_kb, 100),
        ("peak memory: the app", max(start[small].peak_kb, session[small][0].peak_kb),
         max(start[large].peak_kb, session[large][0].peak_kb), 250),
    ]
    text = table(rows, small, large)
    mem_lines = []
    for label, small_kb, large_kb, limit in peaks:
        ok = None if limit is None else large_kb <= limit * MB
        target = f"≤ {limit} MB at {large:,}" if limit else ""
        mem_lines.append(f"{label}: {small_kb / MB:.0f} MB → {large_kb / MB:.0f} MB "
                         f"({large_kb / small_kb:.1f}×) {target} {verdict(ok)}".rstrip())
    print(text)
    print("\n".join(mem_lines))
    print()
    print(postgres_table(got, small, pg) if pg is not None else f"PostgreSQL: skipped ({pg_skip})")
    print(f"\nmedians of {args.runs} rounds (app start {len(start[small].seconds)}, "
          f"keystrokes {len(session[small][1].seconds)}, "
          f"demo {len(demos[large].seconds)} at {large:,}); wall time, CPU (user+system) in brackets; "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}; "
          f"bench took {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
