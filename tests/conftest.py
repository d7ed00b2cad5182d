"""Shared fixtures: a throwaway database file per test, a fixed "today", and an in-process CLI."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from crm.cli import main
from crm.db import open_database
from crm.i18n import ENGLISH, use
from crm.models import database

TODAY = date(2026, 11, 23)  # a Monday


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """No test sees the user's own database, date, name, settings or language."""
    monkeypatch.setenv("CRM_DB", str(tmp_path / "crm.db"))
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
def db_path(tmp_path) -> Path:
    return tmp_path / "crm.db"


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
