"""The per-user occasions file: a review with it warm gives the same greetings without loading
`holidays`; a damaged, foreign or stale file is never trusted, and a missing one is rebuilt."""

import json
import os
import subprocess
import sys
from datetime import date
from importlib.metadata import version

import pytest

from crm import occasion_cache, occasions
from crm.clients import ClientFields, add_client
from crm.occasions import Holiday, holidays_between

NEW_YEAR_WINDOW = (date(2026, 12, 28), date(2027, 1, 10))
# Russia's New Year holidays: one occasion on Jan 1, in Russian for a Russian-speaking client.
EXPECTED = [Holiday(date(2027, 1, 1), "New Year Holidays", "Новогодние каникулы"),
            Holiday(date(2027, 1, 7), "Christmas Day", "Рождество Христово")]


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch):
    """As if in a new process: nothing held in memory, the file read from the test's cache dir."""
    monkeypatch.setattr(occasions, "_STORE", occasion_cache.Store(occasions._STORE.stamp))
    occasions._year.cache_clear()
    yield
    occasions._year.cache_clear()


def restart(monkeypatch, *, compute_fails: bool = False) -> None:
    """Forget what this "process" knows; optionally make working occasions out from `holidays` fail."""
    monkeypatch.setattr(occasions, "_STORE", occasion_cache.Store(occasions._STORE.stamp))
    occasions._year.cache_clear()
    if compute_fails:
        def no_holidays(*args):
            raise AssertionError("occasions worked out again instead of read from the cache file")
        monkeypatch.setattr(occasions, "_occasions", no_holidays)


def russian_new_year() -> list[Holiday]:
    return holidays_between("RU", *NEW_YEAR_WINDOW, language="ru")


def cache_file():
    return occasion_cache.cache_dir() / f"holidays-{version('holidays')}.json"


def test_the_file_lives_in_the_user_cache_dir_named_by_the_holidays_version(tmp_path):
    assert occasion_cache.cache_dir() == tmp_path / "home" / "cache" / "rapport"  # $XDG_CACHE_HOME
    assert occasion_cache.holidays_version() == version("holidays")
    assert not cache_file().exists()
    russian_new_year()
    assert cache_file().exists()
    assert cache_file().stat().st_mode & 0o777 == 0o600


def test_a_warm_cache_gives_the_same_occasions_without_working_them_out(monkeypatch):
    cold = russian_new_year()
    assert cold == EXPECTED
    restart(monkeypatch, compute_fails=True)
    assert russian_new_year() == cold
    # New Year's Day for a client without a country is remembered too (no country lookup at all).
    assert holidays_between("", date(2026, 12, 1), date(2027, 1, 31)) == [
        Holiday(date(2027, 1, 1), "New Year's Day", "New Year's Day")]


@pytest.mark.parametrize("damage", [b"\x00\xff not json", b'{"stamp": "1", "rows": ', b"[]",
                                    b'{"stamp": null, "rows": {}}'])
def test_a_corrupt_file_is_ignored_and_written_afresh(monkeypatch, damage):
    cache_file().parent.mkdir(parents=True)
    cache_file().write_bytes(damage)
    assert russian_new_year() == EXPECTED
    restart(monkeypatch, compute_fails=True)
    assert russian_new_year() == EXPECTED  # the rewritten file is read
    assert json.loads(cache_file().read_text())["stamp"] == occasions._STORE.stamp


def test_rows_that_do_not_read_as_occasions_are_worked_out_again(monkeypatch):
    russian_new_year()
    data = json.loads(cache_file().read_text())
    (key,) = [k for k in data["rows"] if k.startswith("RU 2027")]
    data["rows"][key] = [["2027-13-01", "Bad", "Bad"]]
    cache_file().write_text(json.dumps(data))
    restart(monkeypatch)
    assert russian_new_year() == EXPECTED


def fake_file(stamp: str) -> dict:
    """Cache contents claiming Russia's 2027 holidays are one made-up day."""
    return {"stamp": stamp, "rows": {"RU 2027 ru": [["2027-01-02", "Fake Day", "Fake Day"]],
                                     "RU 2026 ru": []}}


def test_a_file_of_another_holidays_version_or_other_rules_is_not_trusted(monkeypatch):
    stamp = occasions._STORE.stamp
    cache_file().parent.mkdir(parents=True)
    cache_file().write_text(json.dumps(fake_file(stamp)))
    assert russian_new_year() == [Holiday(date(2027, 1, 2), "Fake Day", "Fake Day")]  # trusted as it stands

    cache_file().rename(cache_file().with_name("holidays-0.1.json"))  # written under another version
    restart(monkeypatch)
    assert russian_new_year() == EXPECTED
    assert cache_file().with_name("holidays-0.1.json").exists()  # another installation may still use it

    cache_file().write_text(json.dumps(fake_file("0 derived by older rules")))
    restart(monkeypatch)
    assert russian_new_year() == EXPECTED


def test_an_unwritable_cache_dir_costs_time_never_a_result(monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    restart(monkeypatch)
    assert russian_new_year() == EXPECTED


def _review(tmp_path) -> tuple[str, bool]:
    """`crm review --json` in a fresh interpreter: its output and whether it imported `holidays`."""
    code = ("import sys; from crm.cli import main; code = main(['review', '--json']); sys.stdout.flush(); "
            "sys.stderr.write(repr((code, 'holidays' in sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ,
                            cwd=tmp_path, timeout=60)
    status, imported = eval(result.stderr.strip().splitlines()[-1])
    assert status == 0
    return result.stdout, imported


def test_a_review_with_a_warm_cache_does_not_import_holidays(db, tmp_path, today):
    for name, country, language in (("Boston Inc", "US", "en"), ("Bucuresti SRL", "RO", "ro"),
                                    ("Nowhere Co", "", "")):
        add_client(ClientFields(name=name, country=country, language=language), today=date(2026, 1, 5))
    db.close()
    cold, imported = _review(tmp_path)
    assert imported
    assert "Thanksgiving Day" in cold and "(Sfântul Apostol Andrei" in cold
    warm, imported = _review(tmp_path)
    assert not imported
    assert warm == cold
