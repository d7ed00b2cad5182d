"""The rules narrow their queries by the review's window in SQL (win-backs by month, birthdays by
day): whatever the departure, birthday, day and window, they find exactly what a plain walk over
every client finds."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.clients import ClientFields, add_client, add_contact, change_status
from crm.models import Client, Contact, Setting
from crm.rules import Scope, anniversaries, greetings, load_rules, month_steps, winbacks

DAYS = st.dates(date(2023, 1, 1), date(2029, 12, 31))


def _book(departures: list[date], birthdays: list[date]) -> None:
    for n, left in enumerate(departures):
        cid = add_client(ClientFields(f"Left {n}"), today=left - timedelta(days=30))
        change_status(cid, "depart", on=left)
    for n, born in enumerate(birthdays):
        cid = add_client(ClientFields(f"Born {n}", birthday=born), today=date(2023, 1, 1))
        add_contact(cid, f"Contact {n}", birthday=born + timedelta(days=n))


def _clear() -> None:
    for model in (Contact, Client, Setting):
        model.delete().execute()


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    departures=st.lists(DAYS, min_size=1, max_size=6),
    birthdays=st.lists(st.dates(date(1960, 1, 1), date(2000, 12, 31)), max_size=4),
    today=DAYS,
    days=st.sampled_from([0, 1, 6, 7, 30, 59, 200, 400]),
    lookback=st.sampled_from([0, 7, 30]),
    step=st.sampled_from([1, 2, 5, 6, 12]),
)
def test_windowed_queries_find_what_a_walk_finds(db, departures, birthdays, today, days, lookback, step):
    _clear()
    _book(departures, birthdays)
    Setting.insert_many([{"key": "rules.winback_months", "value": str(step)},
                         {"key": "rules.winback_lookback", "value": str(lookback)}]).execute()
    rules = load_rules()
    start, end = today - timedelta(days=lookback), today + timedelta(days=days)
    scope = Scope(today, start, end)

    found = sorted((o.client_id, o.due) for o in winbacks(rules, scope))
    walked = sorted(
        (c.id, due) for c in Client.select().where(Client.status == "departed")
        for due in month_steps(c.status_since, step, start, end, first=1)
    )
    assert found == walked

    born = {(o.client_id, o.due) for o in greetings(rules, Scope(today, start, end)) if o.occasion == "Birthday"}
    people = [(c.id, c.birthday) for c in Client.select() if c.birthday] + [
        (p.client_id, p.birthday) for p in Contact.select() if p.birthday]
    assert born == {(cid, day) for cid, when in people for day in anniversaries(when, start, end)
                    if day >= date(2023, 1, 1)}  # nothing is owed from before the client was added
