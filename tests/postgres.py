"""The test database on a PostgreSQL server (CRM_TEST_DATABASE_URL): one schema per test worker,
made once per run and emptied before each test (far quicker than building the schema again), so
every test starts as it would on a new SQLite file."""

import atexit
import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

URL = os.environ.get("CRM_TEST_DATABASE_URL", "")
# For the tests that compare the engines (tests/unit/test_engines.py), also on an SQLite run.
SERVER = URL or "postgresql://postgres@127.0.0.1:5432/test"
_made: set[str] = set()


def schema_url(schema: str, server: str = URL) -> str:
    """The URL of `schema` in the test database (its tables are found without a prefix). Commits
    do not wait for the disk: a test database is thrown away, and its tests wait on commits a lot."""
    joiner = "&" if "?" in server else "?"
    return f"{server}{joiner}options={quote(f'-csearch_path={schema} -csynchronous_commit=off')}"


def _connect():
    import psycopg

    return psycopg.connect(URL, autocommit=True)


def empty_schema(worker: str) -> str:
    """The worker's schema, empty of rows (its tables and triggers stay); its URL."""
    schema = f"rapport_test_{worker}_{os.getpid()}"  # two runs at once each have their own
    with _connect() as conn:
        conn.execute("SET lock_timeout = '20s'")
        if schema not in _made:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            conn.execute(f"CREATE SCHEMA {schema}")
            _made.add(schema)
            atexit.register(_drop, schema)
        else:  # DELETE, not TRUNCATE: a TRUNCATE of every table took half a second a test
            tables = [name for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename <> 'schema_version'", (schema,))]
            conn.execute("SET session_replication_role = replica")  # no triggers, no reference checks
            conn.execute("; ".join(f'DELETE FROM {schema}."{table}"' for table in tables) or "SELECT 1")
            conn.execute("SELECT setval(c.oid, 1, false) FROM pg_class c "
                         "WHERE c.relkind = 'S' AND c.relnamespace = %s::regnamespace", (schema,))
    return schema_url(schema)


def _drop(schema: str) -> None:
    try:
        with _connect() as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    except Exception:  # the server went away first: nothing left to tidy that it would keep
        pass


def run_sql(location, sql: str, params=()) -> list[tuple]:
    """Run `sql` (with `?` placeholders) on the test database as another program would: its own
    connection, outside Rapport; the rows it returns."""
    from pathlib import Path

    if isinstance(location, Path):
        import sqlite3

        with sqlite3.connect(location) as conn:
            return conn.execute(sql, params).fetchall()
    import psycopg

    from crm.postgres import psycopg_sql

    with psycopg.connect(location, autocommit=True) as conn:
        cursor = conn.execute(psycopg_sql(sql), params)
        return cursor.fetchall() if cursor.description else []


def untouched(location) -> bool:
    """Nothing was written to the test database: an SQLite file was not even created; a schema
    (whose tables outlive a test) holds no row."""
    from pathlib import Path

    if isinstance(location, Path):
        return not location.exists()
    with _connect() as conn:
        schema = location.split("search_path%3D")[1].split("%20")[0]
        tables = [name for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename <> 'schema_version'", (schema,))]
        return not any(conn.execute(f'SELECT 1 FROM {schema}."{table}" LIMIT 1').fetchone() for table in tables)


@contextmanager
def write_lock(location) -> Iterator[None]:
    """Another session holding the database's write lock for the block: SQLite's EXCLUSIVE lock on
    a file, Rapport's writers' lock on a server (crm.postgres.WRITE_LOCK)."""
    from pathlib import Path

    if isinstance(location, Path):
        import sqlite3

        blocker = sqlite3.connect(location, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
    else:
        import psycopg

        from crm.postgres import WRITE_LOCK

        blocker = psycopg.connect(location, autocommit=True)
        blocker.execute("BEGIN")
        blocker.execute(WRITE_LOCK)
    try:
        yield
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def dump(location) -> list[str]:
    """Every row of every table, to prove a refused command wrote nothing: SQLite's own dump of a
    file; each table of a schema read whole, in key order."""
    from pathlib import Path

    if isinstance(location, Path):
        import sqlite3

        conn = sqlite3.connect(location)
        try:
            return list(conn.iterdump())
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(location, autocommit=True) as conn:
        tables = [name for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")]
        return [f"{table}: {row!r}" for table in tables
                for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()]
