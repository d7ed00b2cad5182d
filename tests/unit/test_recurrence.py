"""Recurring reminders and win-backs land where dateutil's rrule puts them: every N months from the
anchor, clipped to the month's end (31 Jan → 28 Feb → 31 Mar), and every week."""

from datetime import date, datetime, timedelta

from dateutil.rrule import MONTHLY, WEEKLY, rrule
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.rules import month_steps, reminder_dates

EVERY = {"monthly": 1, "2m": 2, "3m": 3, "6m": 6, "yearly": 12, "18m": 18}


def by_rrule(anchor: date, months: int | None, start: date, end: date) -> list[date]:
    """The oracle: rrule every `months` (None: weekly), on the anchor's day or else the month's
    last (bysetpos picks the first of the two)."""
    at = datetime(anchor.year, anchor.month, anchor.day)
    if months is None:
        rule = rrule(WEEKLY, dtstart=at)
    else:
        days = (anchor.day, -1) if anchor.day > 28 else (anchor.day,)
        rule = rrule(MONTHLY, interval=months, dtstart=at, bymonthday=days, bysetpos=1)
    return [d.date() for d in rule.between(datetime(start.year, start.month, start.day),
                                            datetime(end.year, end.month, end.day), inc=True)]


@given(anchor=st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
       every=st.sampled_from(["weekly", *EVERY]), offset=st.integers(-400, 4000), span=st.integers(0, 800))
@settings(max_examples=300, deadline=None, derandomize=True)
def test_reminder_dates_agree_with_rrule(anchor, every, offset, span):
    start = anchor + timedelta(days=offset)
    end = start + timedelta(days=span)
    assert list(reminder_dates(anchor, every, start, end)) == by_rrule(anchor, EVERY.get(every), start, end)


@given(left=st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)), months=st.integers(1, 24),
       offset=st.integers(0, 4000), span=st.integers(0, 400))
@settings(max_examples=200, deadline=None, derandomize=True)
def test_win_back_steps_agree_with_rrule(left, months, offset, span):
    start, end = left + timedelta(days=offset), left + timedelta(days=offset + span)
    expected = [d for d in by_rrule(left, months, start, end) if d != left]  # the first is the departure
    assert list(month_steps(left, months, start, end, first=1)) == expected
