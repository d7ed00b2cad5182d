"""The benchmarks' demo books, built once per size, seed and version of the code that makes them and
kept outside the repository ($RAPPORT_BENCH_CACHE, else ~/.cache/rapport-bench).

The code measured is the `crm` package this interpreter imports (a checkout's editable install, or
another checkout on PYTHONPATH to measure it before a change). A book is `crm demo --clients N`
(timed: the demo's own figure) plus one client with 2,000 timeline entries, and names a typical
client for `client show`. Taskwarrior's data for the same comparison is made here too.
"""

import hashlib
import json
import os
import random
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import crm

CODE = Path(crm.__file__).resolve().parents[1]  # the checkout under test
PYTHON = sys.executable
CRM = [str(Path(PYTHON).parent / "crm")]  # the console script, as users run it
TODAY = "2026-11-23"
SEED = 1
LONG_CLIENT = "Zz Long History"
LONG_ENTRIES = 2_000
FORMAT = "2"  # bump when what a book holds changes beyond the inputs below
# What a book depends on: a change to any of these makes the cached books stale.
BUILD_INPUTS = [CODE / "crm" / "demo.py", CODE / "crm" / "migrations.py", *sorted((CODE / "data" / "demo").glob("*"))]


def cache_dir() -> Path:
    default = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rapport-bench"
    path = Path(os.environ.get("RAPPORT_BENCH_CACHE") or default)
    path.mkdir(parents=True, exist_ok=True)
    return path


def build_key(seed: int) -> str:
    digest = hashlib.sha256(f"{FORMAT} {seed} {TODAY}".encode())
    for path in BUILD_INPUTS:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class Book:
    path: Path | str  # a file, or a PostgreSQL URL (pg_book)
    clients: int
    long_id: int  # the client with LONG_ENTRIES timeline entries
    typical: str  # a typical client's name, for `client show`
    demo_seconds: float | None  # `crm demo` took this long, when the book was built in this run


def book(clients: int, seed: int = SEED) -> Book:
    """The demo book of `clients` clients, built now if this code has not built it before."""
    path = cache_dir() / f"demo-{clients}-seed{seed}-{build_key(seed)}.db"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        return Book(path, clients, demo_seconds=None, **json.loads(meta_path.read_text()))
    for old in cache_dir().glob(f"demo-{clients}-seed{seed}-*"):
        old.unlink()
    print(f"building the {clients:,}-client book (once for this code) …", file=sys.stderr)
    partial = path.with_suffix(".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    # cwd: `python -c` imports from the working directory first, which must be the code measured
    subprocess.run([*CRM, "--db", str(partial), "--today", TODAY, "demo", "--clients", str(clients),
                    "--seed", str(seed), "--no-tui"], check=True, stdout=subprocess.DEVNULL, cwd=CODE)
    seconds = time.perf_counter() - started
    meta = json.loads(subprocess.run([PYTHON, "-c", LONG_HISTORY, str(partial)], check=True, capture_output=True,
                                     text=True, cwd=CODE).stdout)
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.rename(path)
    meta_path.write_text(json.dumps(meta))
    return Book(path, clients, demo_seconds=seconds, **meta)


# Adds the client with LONG_ENTRIES timeline entries (bulk insert) and names a typical client.
LONG_HISTORY = rf"""
import json, sys
from datetime import date, timedelta
from crm import audit
from crm.clients import ClientFields, add_client
from crm.db import open_database
from crm.location import parse
from crm.models import Client, Touch, database

handle = open_database(parse(sys.argv[1]))  # a file, or a PostgreSQL URL
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


def taskwarrior_data(tasks: int) -> Path:
    """An rc file for a taskwarrior data directory of `tasks` pending tasks with due dates from two
    months ago to ten months ahead (written in its own format, once): the comparison's peer."""
    directory = cache_dir() / f"taskwarrior-{tasks}"
    rc = directory / "taskrc"
    if rc.exists():
        return rc
    data = directory / "data"
    data.mkdir(parents=True, exist_ok=True)
    rng = random.Random(tasks)
    base = datetime.fromisoformat(TODAY).replace(tzinfo=UTC)
    words = ["call", "send", "fix", "review", "invoice", "logo", "campaign", "spring", "order", "meeting", "draft",
             "letter", "brochure"]
    with open(data / "pending.data", "w") as out:
        for _ in range(tasks):
            due = int((base + timedelta(days=rng.randint(-60, 300))).timestamp())
            entry = int((base - timedelta(days=rng.randint(1, 400))).timestamp())
            text = " ".join(rng.choice(words) for _ in range(6)).capitalize()
            out.write(f'[description:"{text}" due:"{due}" entry:"{entry}" modified:"{entry}" '
                      f'project:"client{rng.randint(1, tasks // 2)}" status:"pending" '
                      f'uuid:"{uuid.UUID(int=rng.getrandbits(128), version=4)}"]\n')
    for name in ("completed.data", "undo.data", "backlog.data"):
        (data / name).touch()
    rc.write_text(f"data.location={data}\nconfirmation=off\ngc=off\nhooks=off\nverbose=nothing\n")
    return rc


# --- the same book on a PostgreSQL server (issue 14: its figures beside SQLite's) ---------------

PG_SERVER = os.environ.get("RAPPORT_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
_PG_DONE = "rapport bench book, complete"  # the schema's comment once the book is whole


def pg_url(schema: str) -> str:
    """The URL of `schema` on PG_SERVER, as `--db` takes it (its tables found without a prefix)."""
    return f"{PG_SERVER}{'&' if '?' in PG_SERVER else '?'}options=-csearch_path%3D{schema}"


def pg_book(clients: int, seed: int = SEED) -> tuple[Book | None, str]:
    """The demo book of `clients` clients in a schema of its own on PG_SERVER, built with the same
    seed, today and long-history client as the SQLite book (once per code version); None and the
    reason when no server answers."""
    try:
        import psycopg
        from psycopg import sql

        conn = psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3)
    except Exception as exc:  # no driver or no server: the caller says so and skips
        return None, f"no PostgreSQL server answers at {PG_SERVER}: {str(exc).strip().splitlines()[0]}"
    schema = f"rapport_bench_{clients}_seed{seed}_{build_key(seed)}"
    url = pg_url(schema)
    with conn:
        (comment,) = conn.execute("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s "
                                  "UNION ALL SELECT NULL LIMIT 1", (schema,)).fetchone()
        if comment and comment.startswith(_PG_DONE):
            meta = json.loads(comment.removeprefix(_PG_DONE))
            return Book(url, clients, demo_seconds=None, **meta), ""
        for (old,) in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s",
                                   (f"rapport_bench_{clients}_seed{seed}_%",)).fetchall():
            conn.execute(f"DROP SCHEMA {old} CASCADE")  # an older code's book, or a build cut short
        conn.execute(f"CREATE SCHEMA {schema}")
        print(f"building the {clients:,}-client book on PostgreSQL (once for this code) …", file=sys.stderr)
        started = time.perf_counter()
        subprocess.run([*CRM, "--db", url, "--today", TODAY, "demo", "--clients", str(clients), "--seed", str(seed),
                        "--no-tui"], check=True, stdout=subprocess.DEVNULL, cwd=CODE)
        seconds = time.perf_counter() - started
        meta = json.loads(subprocess.run([PYTHON, "-c", LONG_HISTORY, url], check=True, capture_output=True, text=True,
                                         cwd=CODE).stdout)
        for (table,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)).fetchall():
            conn.execute(f'ANALYZE {schema}."{table}"')  # fresh statistics, as autovacuum would soon have
        conn.execute(sql.SQL("COMMENT ON SCHEMA {} IS {}").format(sql.Identifier(schema),
                                                                    sql.Literal(_PG_DONE + json.dumps(meta))))
    return Book(url, clients, demo_seconds=seconds, **meta), ""
