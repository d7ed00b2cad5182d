"""Issue 15, point 9: how long a big import holds the write lock, and whether others can write meanwhile.

Imports 30,000 clients from CSV into a fresh database with `crm import` (a real process), while
- a probe process takes the write lock (BEGIN IMMEDIATE; COMMIT) over and over and records the
  longest it had to wait: about the longest time the import held the lock;
- other writers (`crm client add`, `crm touch`) run one after another, each in its own process,
  and must all succeed (exit 0) within SQLite's 10 s busy timeout.
Then the same for our JSON export of that database into another fresh one, and `crm undo` of the
CSV import. Prints the figures; asserts nothing (timings are no test).

Run: .venv/bin/python tests/bench/bench_import.py [--rows N]
"""

import argparse
import compileall
import csv
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CRM = [str(Path(sys.executable).parent / "crm")]
TODAY = "2026-11-23"

PROBE = r"""
import os, sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], timeout=600, isolation_level=None)
stop, longest, tries = sys.argv[2], 0.0, 0
while not os.path.exists(stop):
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    longest = max(longest, time.perf_counter() - started)
    conn.execute("COMMIT")
    tries += 1
    time.sleep(0.01)
print(f"{longest:.3f} {tries}")
"""


def write_csv(path: Path, rows: int) -> None:
    countries = ("DE", "RO", "US", "FR", "GB", "")
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Full name", "E-mail", "Company", "Phone", "Country", "Birthday", "Notes", "Source"])
        for n in range(rows):
            out.writerow([f"Client {n:05d}", f"c{n}@example.com", f"Company {n % 977}", f"+49 30 {n:06d}",
                          countries[n % len(countries)], f"{1950 + n % 50}-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                          f"Imported from the old CRM, row {n}", "fair" if n % 3 else ""])


def crm(db: Path, *args: str, author: str = "bench") -> subprocess.CompletedProcess:
    env = {**os.environ, "CRM_DB": str(db), "CRM_TODAY": TODAY, "CRM_AUTHOR": author}
    return subprocess.run([*CRM, *args], capture_output=True, text=True, env=env)


@contextmanager
def lock_probe(db: Path) -> Iterator[list[str]]:
    """Runs PROBE on `db` during the block; the list it yields then holds its figures."""
    stop = db.with_suffix(".stop")
    stop.unlink(missing_ok=True)
    probe = subprocess.Popen([sys.executable, "-c", PROBE, str(db), str(stop)], stdout=subprocess.PIPE, text=True)
    figures: list[str] = []
    try:
        yield figures
    finally:
        stop.touch()
        longest, tries = probe.communicate()[0].split()
        figures.append(f"longest wait for the write lock (probe, {tries} tries): {float(longest):.2f} s")


def import_under_load(db: Path, source: Path, label: str, writers: bool = True) -> None:
    """`crm import source` into `db` with the probe (and other writers, another author) running."""
    if not db.exists():  # create the database; the other writers touch this client
        assert crm(db, "client", "add", "Before The Import" if writers else "x").returncode == 0
        if not writers:
            assert crm(db, "undo").returncode == 0  # empty again, for a JSON import
    env = {**os.environ, "CRM_DB": str(db), "CRM_TODAY": TODAY, "CRM_AUTHOR": "bench"}
    others: list[tuple[int, float, str]] = []  # exit code, seconds, stderr of each other writer
    with lock_probe(db) as figures:
        started = time.perf_counter()
        importer = subprocess.Popen([*CRM, "import", str(source)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, env=env)
        n = 0
        while writers and importer.poll() is None:
            n += 1
            args = ("client", "add", f"Other Writer {n}") if n % 2 else ("touch", "Before The Import", "--note", str(n))
            t = time.perf_counter()
            done = crm(db, *args, author="other")
            others.append((done.returncode, time.perf_counter() - t, done.stderr.strip()))
        out, err = importer.communicate()
        took = time.perf_counter() - started
    failed = [o for o in others if o[0] != 0]
    print(f"{label}: exit {importer.returncode} in {took:.1f} s; {out.strip()[:80]}{err.strip()[:200]}")
    print(f"  {figures[0]}")
    if others:
        print(f"  other writers during the import: {len(others) - len(failed)} of {len(others)} succeeded, "
              f"slowest {max(o[1] for o in others):.2f} s" + (f"; first failure: {failed[0][2]}" if failed else ""))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=30_000)
    rows = parser.parse_args().rows
    compileall.compile_dir(ROOT / "crm", quiet=1)  # docs/pitfalls.md: time the import, not the compiler
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        source = tmp_path / "clients.csv"
        write_csv(source, rows)
        first = tmp_path / "csv.db"
        import_under_load(first, source, f"CSV, {rows:,} clients")
        exported = tmp_path / "export.json"
        assert crm(first, "export", "--out", str(exported)).returncode == 0

        with lock_probe(first) as figures:
            t = time.perf_counter()
            undone = crm(first, "undo")
            took = time.perf_counter() - t
        print(f"crm undo of the import: exit {undone.returncode} in {took:.1f} s; "
              f"{undone.stdout.strip()[:80]}{undone.stderr.strip()[:200]}\n  {figures[0]}")
        import_under_load(tmp_path / "json.db", exported, "JSON export of that database", writers=False)


if __name__ == "__main__":
    main()
