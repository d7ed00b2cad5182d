"""The health light: which facts turn a client amber or red, and the reasons it gives."""

from datetime import date, timedelta

import pytest

from crm.health import AMBER, GREEN, RED, HealthFacts, assess, quiet_threshold

TODAY = date(2026, 11, 23)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


CASES = [
    ("all well", HealthFacts(last_touch=days_ago(10)), GREEN, ()),
    ("one medium incident", HealthFacts(open_incidents=1, last_touch=days_ago(1)), AMBER, ("1 open incident",)),
    (
        "a high incident is red",
        HealthFacts(open_incidents=1, open_high_incidents=1, last_touch=days_ago(1)),
        RED,
        ("1 open incident (1 high)",),
    ),
    ("two incidents are red", HealthFacts(open_incidents=2, last_touch=days_ago(1)), RED, ("2 open incidents",)),
    ("one broken promise", HealthFacts(broken_promises=1, last_touch=days_ago(1)), AMBER, ("1 broken promise",)),
    ("two broken promises", HealthFacts(broken_promises=2, last_touch=days_ago(1)), RED, ("2 broken promises",)),
    ("overdue promise", HealthFacts(overdue_promises=3, last_touch=days_ago(1)), AMBER, ("3 overdue promises",)),
    ("silent at the threshold", HealthFacts(last_touch=days_ago(90)), GREEN, ()),
    ("silent past 90 days", HealthFacts(last_touch=days_ago(120)), AMBER, ("silent 120 days",)),
    ("silent past twice", HealthFacts(last_touch=days_ago(181)), RED, ("silent 181 days",)),
    (
        "quiet temperament: 30 days",
        HealthFacts(temperament="quiet", last_touch=days_ago(31)),
        AMBER,
        ("silent 31 days",),
    ),
    ("quiet temperament: 61 days red", HealthFacts(temperament="quiet", last_touch=days_ago(61)), RED,
     ("silent 61 days",)),
    ("never touched: counts from status", HealthFacts(since=days_ago(100)), AMBER, ("no touch in 100 days",)),
    ("never touched, new", HealthFacts(since=days_ago(5)), GREEN, ()),
    ("departed: silence expected", HealthFacts(status="departed", last_touch=days_ago(400)), GREEN, ()),
    ("parted: silence expected", HealthFacts(status="parted", last_touch=days_ago(400)), GREEN, ()),
    ("prospect silence counts", HealthFacts(status="prospect", last_touch=days_ago(100)), AMBER, ("silent 100 days",)),
    (
        "red reasons come first",
        HealthFacts(open_incidents=1, broken_promises=2, last_touch=days_ago(100)),
        RED,
        ("2 broken promises", "1 open incident", "silent 100 days"),
    ),
    (
        "departed with an open incident",
        HealthFacts(status="departed", open_incidents=1, last_touch=days_ago(400)),
        AMBER,
        ("1 open incident",),
    ),
]


@pytest.mark.parametrize(("facts", "light", "reasons"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_light_and_reasons(facts, light, reasons):
    health = assess(facts, TODAY)
    assert health.light == light
    assert health.reasons == reasons


def test_quiet_threshold_by_temperament():
    assert quiet_threshold("quiet") == 30
    assert quiet_threshold("fierce") == 90


def test_str_says_what_drives_it():
    assert str(assess(HealthFacts(open_incidents=1, last_touch=days_ago(100)), TODAY)) == (
        "amber: 1 open incident, silent 100 days"
    )
    assert str(assess(HealthFacts(last_touch=TODAY), TODAY)) == "green"
