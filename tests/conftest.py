"""Shared fixtures: a throwaway database per test, a fixed "today", and an in-process CLI.

The database is an SQLite file in tmp_path. With CRM_TEST_DATABASE_URL set (a PostgreSQL server,
e.g. postgresql://postgres@127.0.0.1:5432/test), it is a schema of that database instead, one per
test worker, emptied before each test; tests about SQLite's files are marked `sqlite_only` and
skipped there (tests/postgres.py).
"""

from dataclasses import dataclass
from datetime import date

import pytest

from crm.cli import main
from crm.db import open_database
from crm.i18n import ENGLISH, use
from crm.models import database
from tests import postgres

TODAY = date(2026, 11, 23)  # a Monday


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: about SQLite's own files; not run on PostgreSQL")


def pytest_collection_modifyitems(config, items):
    if postgres.URL:
        skip = pytest.mark.skip(reason="about SQLite's own files (CRM_TEST_DATABASE_URL is set)")
        for item in items:
            if item.get_closest_marker("sqlite_only"):
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path, worker_id):
    """No test sees the user's own database, date, name, settings or language."""
    monkeypatch.setenv("CRM_DB", postgres.empty_schema(worker_id) if postgres.URL else str(tmp_path / "crm.db"))
    monkeypatch.setenv("CRM_TODAY", TODAY.isoformat())
    monkeypatch.setenv("CRM_AUTHOR", "tester")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home" / "cache"))
    monkeypatch.setenv("CRM_LANG", "en")  # not the developer's locale; --lang and the settings still win
    yield
    _close()
    use(ENGLISH)  # a test that spoke Russian leaves the next one in English


def _close() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def db_path(tmp_path):
    """Where the test's database is: a file in tmp_path, or the worker's PostgreSQL schema's URL."""
    from crm.db import resolve_path

    return resolve_path() if postgres.URL else tmp_path / "crm.db"


@pytest.fixture
def db(db_path):
    """An open, migrated database file in tmp_path (not :memory:, which threads would not share)."""
    handle = open_database(db_path)
    yield handle
    handle.close()


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, db_path):
    """Run `crm ARGS…` in-process against the test database; returns code, stdout and stderr."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        _close()
        return Result(code, captured.out, captured.err)

    return run
