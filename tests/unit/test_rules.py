"""The keep-in-touch rules and the review's done/snooze state, pinned on fixed dates."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from crm.clients import ClientFields, add_client, add_contact, change_status, log_touch
from crm.errors import UserError
from crm.incidents import compensate, log_event, open_incident, resolve_incident
from crm.models import Compensation, IncidentEvent, Promise, Setting, Touch
from crm.promises import add_promise, keep_promise
from crm.reminders import add_reminder
from crm.review import client_due, clients_due, mark_done, review, snooze
from crm.rules import greet_occasion, skipped_occasions


def client(name: str, since: date = date(2026, 1, 5), **fields) -> int:
    return add_client(ClientFields(name=name, **fields), today=since)


def due(client_id: int, today: date, days: int = 400, kind: str | None = None) -> list:
    return [i for i in client_due(client_id, today, days) if kind is None or i.kind == kind]


def dates(client_id: int, today: date, kind: str, days: int = 400) -> list[date]:
    return [i.due for i in due(client_id, today, days, kind)]


# --- win-back ----------------------------------------------------------------------------------


def test_winback_after_six_calendar_months_clipped_to_month_end(db):
    august = client("August Leaver")
    change_status(august, "depart", on=date(2026, 8, 31))
    (item,) = due(august, date(2027, 2, 1), days=30, kind="winback")
    assert (item.id, item.due) == (f"winback-{august}-20270228", date(2027, 2, 28))
    # Every later one is counted from Aug 31 itself: back to the 31st, and Feb 29 in a leap year.
    later = dates(august, date(2027, 2, 1), "winback", days=600)
    assert later == [date(2027, 2, 28), date(2027, 8, 31), date(2028, 2, 29), date(2028, 8, 31)]


def test_winback_from_august_2027_falls_on_leap_day(db):
    leaver = client("Leap Leaver")
    change_status(leaver, "depart", on=date(2027, 8, 31))
    assert dates(leaver, date(2027, 9, 1), "winback", days=365) == [date(2028, 2, 29), date(2028, 8, 31)]


def test_winback_names_the_decision_maker_to_call(db):
    leaver = client("Leaver Ltd")
    add_contact(leaver, "Office Manager")
    add_contact(leaver, "Jana Novak", role="CEO", decision_maker=True)
    change_status(leaver, "depart", on=date(2026, 5, 25))
    (item,) = due(leaver, date(2026, 11, 23), 7, "winback")
    assert item.title == "Left 6 months ago (25 May 2026): call Jana Novak"


def test_winback_only_while_departed_and_never_for_parted(db):
    parted = client("Parted Ways")
    change_status(parted, "part", on=date(2026, 5, 20))
    back = client("Came Back")
    change_status(back, "depart", on=date(2026, 5, 20))
    change_status(back, "return", on=date(2026, 10, 1))
    assert dates(parted, date(2026, 11, 1), "winback") == []
    assert dates(back, date(2026, 11, 1), "winback") == []


def test_missed_winback_stays_thirty_days_then_drops(db):
    leaver = client("Leaver")
    change_status(leaver, "depart", on=date(2026, 3, 15))  # win-back 15 Sep 2026
    (item,) = due(leaver, date(2026, 10, 15), days=7, kind="winback")
    assert item.overdue and item.due == date(2026, 9, 15)
    assert due(leaver, date(2026, 10, 16), days=7, kind="winback") == []


# --- greetings ---------------------------------------------------------------------------------


def occasions(client_id: int, start: date, days: int) -> list[tuple[date, str]]:
    return [(i.due, i.occasion) for i in due(client_id, start, days, "greeting")]


def test_german_client_christmas_in_english_and_german(db):
    berlin = client("Berlin GmbH", country="DE", language="de")
    items = due(berlin, date(2026, 12, 20), days=10, kind="greeting")
    assert [(i.due, i.occasion) for i in items] == [
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 26), "Second Day of Christmas"),
    ]
    assert items[0].title == "Christmas Day (Erster Weihnachtstag)"
    assert items[0].id == f"greeting-{berlin}-20261225"


def test_us_thanksgiving_and_christmas_grouped_with_other_countries(db, today):
    us = client("Boston Inc", country="US")
    gb = client("London Ltd", country="GB")
    assert (date(2026, 11, 26), "Thanksgiving Day") in occasions(us, today, 7)
    christmas = [i for i in review(date(2026, 12, 20), 7) if i.due == date(2026, 12, 25)]
    assert {(i.client_id, i.occasion) for i in christmas} == {(us, "Christmas Day"), (gb, "Christmas Day")}


def test_british_observed_days_are_not_occasions(db):
    gb = client("London Ltd", country="GB")
    # 2027: Christmas (Sat) and Boxing Day (Sun) are observed on Mon 27 and Tue 28.
    assert occasions(gb, date(2027, 12, 20), 10) == [
        (date(2027, 12, 25), "Christmas Day"),
        (date(2027, 12, 26), "Boxing Day"),
    ]


def test_russian_new_year_holidays_are_one_occasion_on_the_first_day(db):
    moscow = client("Moscow LLC", country="RU", language="ru")
    found = occasions(moscow, date(2026, 12, 28), 14)
    assert found == [(date(2027, 1, 1), "New Year Holidays"), (date(2027, 1, 7), "Christmas Day")]
    (new_year,) = [i for i in due(moscow, date(2026, 12, 28), 14, "greeting") if i.due == date(2027, 1, 1)]
    assert "Новогодние каникулы" in new_year.title


def test_romanian_two_day_holidays_are_one_occasion(db):
    bucharest = client("Bucuresti SRL", country="RO")
    assert occasions(bucharest, date(2026, 11, 28), 30) == [
        (date(2026, 11, 30), "Saint Andrew's Day"),
        (date(2026, 12, 1), "National Day"),
        (date(2026, 12, 25), "Christmas Day"),  # 25 and 26 Dec: one greeting
    ]
    easter = [d for d, name in occasions(bucharest, date(2027, 4, 25), 14) if name == "Easter"]
    assert easter == [date(2027, 5, 2)]  # Orthodox Easter Sunday and Monday: one occasion


def test_without_country_only_new_years_day(db):
    nowhere = client("Nowhere Ltd")
    assert occasions(nowhere, date(2026, 12, 1), 60) == [(date(2027, 1, 1), "New Year's Day")]


def test_birthdays_of_client_and_contacts_leap_day_on_feb_28(db):
    leap = client("Leap Person", birthday=date(1992, 2, 29))
    assert dates(leap, date(2027, 2, 20), "greeting", days=10) == [date(2027, 2, 28)]
    assert dates(leap, date(2028, 2, 20), "greeting", days=10) == [date(2028, 2, 29)]
    firm = client("Firm Ltd", country="DE")
    add_contact(firm, "Anna Lee", role="CEO", birthday=date(1975, 12, 25))
    (christmas,) = [i for i in due(firm, date(2026, 12, 20), 10, "greeting") if i.due == date(2026, 12, 25)]
    assert christmas.title == "Christmas Day + birthday of Anna Lee (CEO)"
    assert christmas.occasion == "Christmas Day"


def test_a_holiday_greeted_no_more_is_skipped_for_every_client_but_birthdays_stay(db):
    bucharest = client("Bucuresti SRL", country="RO")
    firm = client("Firm Ltd", country="DE")
    add_contact(firm, "Anna Lee", role="CEO", birthday=date(1975, 12, 25))
    greet_occasion("Saint Andrew's Day", greeted=False)
    greet_occasion("Christmas Day", greeted=False)
    assert skipped_occasions() == ["Christmas Day", "Saint Andrew's Day"]
    assert occasions(bucharest, date(2026, 11, 28), 30) == [(date(2026, 12, 1), "National Day")]
    (christmas,) = [i for i in due(firm, date(2026, 12, 20), 10, "greeting") if i.due == date(2026, 12, 25)]
    assert (christmas.title, christmas.occasion) == ("Birthday of Anna Lee (CEO)", "Birthday")
    greet_occasion("Christmas Day", greeted=True)
    assert skipped_occasions() == ["Saint Andrew's Day"]
    assert (date(2026, 12, 25), "Christmas Day") in occasions(bucharest, date(2026, 11, 28), 30)
    with pytest.raises(UserError, match="birthdays are always greeted"):
        greet_occasion("Birthday", greeted=False)


def test_a_broken_skipped_holidays_setting_is_named(db):
    Setting.create(key="greetings.skipped", value="Christmas")
    with pytest.raises(UserError, match=re.escape("greetings.skipped must be a JSON list")):
        review(date(2026, 12, 20), 7)


def test_parted_clients_get_no_greetings_departed_and_prospects_do(db):
    parted = client("Parted Ways", country="DE", birthday=date(1980, 12, 24))
    change_status(parted, "part", on=date(2026, 6, 1))
    departed = client("Departed", country="DE")
    change_status(departed, "depart", on=date(2026, 6, 1))
    prospect = add_client(ClientFields(name="Maybe", country="DE"), status="prospect", today=date(2026, 6, 1))
    greeted = {i.client_id for i in review(date(2026, 12, 20), 10) if i.kind == "greeting"}
    assert parted not in greeted
    assert {departed, prospect} <= greeted


def test_no_greeting_owed_for_an_occasion_before_the_client_was_added(db):
    newcomer = client("Newcomer", since=date(2026, 11, 13), country="US")
    # Veterans Day (11 Nov) is within the look-back, but they were not our client yet.
    assert occasions(newcomer, date(2026, 11, 23), 7) == [(date(2026, 11, 26), "Thanksgiving Day")]


def test_greeting_done_this_year_comes_back_next_year(db):
    berlin = client("Berlin GmbH", country="DE")
    mark_done(f"greeting-{berlin}-20261225", date(2026, 12, 24))
    assert date(2026, 12, 25) not in dates(berlin, date(2026, 12, 20), "greeting", days=10)
    assert date(2027, 12, 25) in dates(berlin, date(2027, 12, 20), "greeting", days=10)
    (touch,) = Touch.select().where(Touch.client == berlin)
    assert (touch.kind, touch.on) == ("greeting", date(2026, 12, 24))


def test_missed_greeting_stays_overdue_for_a_week(db):
    berlin = client("Berlin GmbH", country="DE")
    (late,) = [i for i in due(berlin, date(2027, 1, 1), 0, "greeting") if i.due == date(2026, 12, 25)]
    assert late.overdue
    assert date(2026, 12, 25) not in dates(berlin, date(2027, 1, 2), "greeting", days=0)


# --- promises, check-ins, bonuses, stale incidents -----------------------------------------------


def test_promise_due_then_overdue_until_kept(db, today):
    acme = client("Acme")
    promise = add_promise(acme, "Send the logo", due=today + timedelta(days=2), on=today)
    assert [(i.id, i.overdue) for i in due(acme, today, 7, "promise")] == [(f"promise-{promise}", False)]
    a_year_later = today + timedelta(days=365)
    assert [i.overdue for i in due(acme, a_year_later, 7, "promise")] == [True]
    keep_promise(promise, on=a_year_later)
    assert due(acme, a_year_later, 7, "promise") == []


def test_promise_done_in_the_review_marks_it_kept(db, today):
    acme = client("Acme")
    promise = add_promise(acme, "Send the logo", due=today, on=today)
    mark_done(f"promise-{promise}", today, note="sent by courier")
    assert Promise.get_by_id(promise).status == "kept"
    assert due(acme, today, 7, "promise") == []


def test_checkin_thirty_days_after_resolution_for_retained_or_departed(db):
    kept = client("Kept")
    left = client("Left")
    ended = client("Ended")
    for who in (kept, left, ended):
        open_incident(who, "Late delivery", on=date(2026, 10, 1))
    resolve_incident(1, outcome="retained", on=date(2026, 10, 24))
    resolve_incident(2, outcome="departed", on=date(2026, 10, 24))
    resolve_incident(3, outcome="parted", on=date(2026, 10, 24))
    checkins = [i for i in review(date(2026, 11, 20), 7) if i.kind == "checkin"]
    assert [(i.client_id, i.due, i.id) for i in checkins] == [
        (kept, date(2026, 11, 23), "checkin-1"),
        (left, date(2026, 11, 23), "checkin-2"),
    ]
    assert [i.kind for i in review(date(2026, 11, 20), 2) if i.kind == "checkin"] == []


def test_bonus_expiry_fourteen_days_before_until_it_runs_out(db):
    acme = client("Acme")
    incident = open_incident(acme, "Wrong colour", on=date(2026, 11, 1))
    bonus = compensate(incident, kind="bonus", amount=Decimal("200"), valid_until=date(2026, 12, 15),
                       on=date(2026, 11, 2))
    compensate(incident, kind="gift", amount=Decimal("30"), valid_until=date(2026, 12, 15), on=date(2026, 11, 2))
    assert dates(acme, date(2026, 11, 23), "bonus_expiry", days=7) == []
    (item,) = due(acme, date(2026, 11, 25), 7, "bonus_expiry")
    assert (item.id, item.due) == (f"bonus-{bonus}", date(2026, 12, 1))
    assert "200.00 EUR" in item.title
    assert [i.overdue for i in due(acme, date(2026, 12, 15), 0, "bonus_expiry")] == [True]
    assert due(acme, date(2026, 12, 16), 7, "bonus_expiry") == []
    # A used bonus needs no reminder (no service sets the status yet, so the model does).
    Compensation.update(status="used").where(Compensation.id == bonus).execute()
    assert due(acme, date(2026, 12, 5), 7, "bonus_expiry") == []


def test_open_incident_goes_stale_three_days_after_its_last_event(db):
    acme = client("Acme")
    incident = open_incident(acme, "Site down", on=date(2026, 11, 18))
    (stale,) = due(acme, date(2026, 11, 23), 0, "incident_stale")
    assert (stale.id, stale.due, stale.overdue) == (f"stale-{incident}-20261121", date(2026, 11, 21), True)
    log_event(incident, "Called them", kind="call", on=date(2026, 11, 22))
    assert [i.id for i in due(acme, date(2026, 11, 23), 7, "incident_stale")] == [f"stale-{incident}-20261125"]
    resolve_incident(incident, on=date(2026, 11, 23))
    assert due(acme, date(2026, 11, 30), 7, "incident_stale") == []


def test_stale_incident_done_notes_the_incident_and_restarts_its_clock(db, today):
    acme = client("Acme")
    incident = open_incident(acme, "Site down", on=today - timedelta(days=5))
    mark_done(f"stale-{incident}-{today - timedelta(days=2):%Y%m%d}", today)
    assert IncidentEvent.select().where(IncidentEvent.incident == incident).count() == 1
    assert dates(acme, today, "incident_stale", days=7) == [today + timedelta(days=3)]


# --- quiet clients -----------------------------------------------------------------------------


def test_quiet_ninety_days_after_creation_or_thirty_for_quiet_temperament(db):
    plain = client("Plain", since=date(2026, 8, 1))
    shy = client("Shy", since=date(2026, 8, 1), temperament="quiet")
    assert [i.id for i in due(plain, date(2026, 11, 23), 0, "quiet")] == [f"quiet-{plain}-20261030"]
    assert [i.id for i in due(shy, date(2026, 11, 23), 0, "quiet")] == [f"quiet-{shy}-20260831"]


def test_any_touch_restarts_the_quiet_clock(db):
    plain = client("Plain", since=date(2026, 5, 1))
    log_touch(plain, kind="email", on=date(2026, 10, 1))
    assert dates(plain, date(2026, 11, 23), "quiet", days=7) == []
    assert dates(plain, date(2026, 12, 28), "quiet", days=7) == [date(2026, 12, 30)]


def test_quiet_done_logs_a_call_and_no_second_item(db, today):
    plain = client("Plain", since=date(2026, 5, 1))
    (item,) = due(plain, today, 0, "quiet")
    mark_done(item.id, today)
    assert Touch.select().where((Touch.client == plain) & (Touch.kind == "call")).count() == 1
    assert due(plain, today + timedelta(days=89), 0, "quiet") == []
    assert dates(plain, today + timedelta(days=90), "quiet", days=0) == [today + timedelta(days=90)]


def test_only_active_clients_go_quiet(db):
    prospect = add_client(ClientFields(name="Prospect"), status="prospect", today=date(2026, 1, 5))
    departed = client("Departed")
    change_status(departed, "depart", on=date(2026, 2, 1))
    quiet = {i.client_id for i in review(date(2026, 11, 23), 7) if i.kind == "quiet"}
    assert prospect not in quiet and departed not in quiet


def test_quiet_days_from_a_setting(db):
    plain = client("Plain", since=date(2026, 9, 1))
    assert due(plain, date(2026, 11, 23), 0, "quiet") == []
    Setting.create(key="rules.quiet_days", value="60")
    assert dates(plain, date(2026, 11, 23), "quiet", days=0) == [date(2026, 10, 31)]
    Setting.update(value="soon").where(Setting.key == "rules.quiet_days").execute()
    with pytest.raises(UserError, match=re.escape("rules.quiet_days")):
        review(date(2026, 11, 23))


# --- custom reminders, done and snooze ---------------------------------------------------------


def test_one_off_reminder_done_never_returns(db, today):
    acme = client("Acme", since=today)
    reminder = add_reminder(acme, "Send the contract", due=today + timedelta(days=1), today=today)
    item_id = f"custom-{reminder}-{today + timedelta(days=1):%Y%m%d}"
    assert [i.id for i in due(acme, today, 7, "custom")] == [item_id]
    mark_done(item_id, today, note="sent")
    for later in (today, today + timedelta(days=30), today + timedelta(days=400)):
        assert due(acme, later, 7, "custom") == []
    with pytest.raises(UserError, match="already done"):
        mark_done(item_id, today)


def test_monthly_reminder_from_the_31st_is_computed_from_the_anchor(db):
    acme = client("Acme")
    add_reminder(acme, "Invoice", due=date(2027, 1, 31), every="monthly", today=date(2027, 1, 1))
    found = dates(acme, date(2027, 1, 1), "custom", days=120)
    assert found == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]


def test_recurring_reminder_moves_to_its_next_occurrence(db, today):
    acme = client("Acme", since=today)
    reminder = add_reminder(acme, "Status report", due=today, every="weekly", today=today)
    assert dates(acme, today, "custom", days=7) == [today, today + timedelta(days=7)]
    mark_done(f"custom-{reminder}-{today:%Y%m%d}", today)
    assert dates(acme, today, "custom", days=7) == [today + timedelta(days=7)]
    # Missed twice: only the latest occurrence is overdue, the older one has moved on.
    three_weeks = today + timedelta(days=15)
    assert dates(acme, three_weeks, "custom", days=0) == [today + timedelta(days=14)]


def test_every_n_months_and_bad_recurrence(db, today):
    acme = client("Acme", since=today)
    add_reminder(acme, "Review prices", due=date(2026, 11, 30), every="3m", today=today)
    assert dates(acme, today, "custom", days=200) == [date(2026, 11, 30), date(2027, 2, 28), date(2027, 5, 30)]
    with pytest.raises(UserError, match="recurrence"):
        add_reminder(acme, "x", due=today, every="fortnightly", today=today)


def test_snoozed_item_reappears_on_its_date_with_that_date(db, today):
    acme = client("Acme", since=today)
    promise = add_promise(acme, "Call back", due=today, on=today)
    shown = snooze(f"promise-{promise}", today + timedelta(days=10), today)
    assert shown.due == today + timedelta(days=10)
    assert due(acme, today, 7, "promise") == []
    (back,) = due(acme, today + timedelta(days=10), 0, "promise")
    assert (back.due, back.overdue) == (today + timedelta(days=10), False)
    assert [i.overdue for i in due(acme, today + timedelta(days=12), 0, "promise")] == [True]


def test_a_snoozed_item_is_listed_on_its_day_by_any_review_that_reaches_it(db, today):
    acme = client("Acme", since=today)
    promise = add_promise(acme, "Call back", due=today, on=today)
    snooze(f"promise-{promise}", today + timedelta(days=3), today)
    assert [i for i in review(today, 2) if i.kind == "promise"] == []
    assert [(i.due, i.snoozed) for i in review(today, 7) if i.kind == "promise"] == [(today + timedelta(days=3), True)]
    assert [i.due for i in due(acme, today, 7, "promise")] == [today + timedelta(days=3)]
    assert [i.due for i in review(today + timedelta(days=3), 7) if i.kind == "promise"] == [today + timedelta(days=3)]


def test_snoozed_greeting_comes_back_after_its_look_back_would_have_ended(db):
    berlin = client("Berlin GmbH", country="DE")
    snooze(f"greeting-{berlin}-20261225", date(2027, 1, 20), date(2026, 12, 24))
    assert date(2026, 12, 25) not in dates(berlin, date(2027, 1, 5), "greeting", days=7)
    (back,) = [i for i in due(berlin, date(2027, 1, 20), 0, "greeting") if i.id.endswith("20261225")]
    assert back.due == date(2027, 1, 20)
    mark_done(back.id, date(2027, 1, 20))
    assert not [i for i in due(berlin, date(2027, 1, 21), 7, "greeting") if i.id.endswith("20261225")]


def test_done_and_snooze_refuse_unknown_and_stale_items(db, today):
    acme = client("Acme", since=today)
    promise = add_promise(acme, "Call back", due=today, on=today)
    with pytest.raises(UserError, match="unknown item id"):
        mark_done("nonsense", today)
    with pytest.raises(UserError, match="unknown item id"):
        mark_done("greeting-1-20261399", today)
    with pytest.raises(UserError, match="not due"):
        mark_done(f"greeting-{acme}-20261224", today)  # no occasion that day
    with pytest.raises(UserError, match="after today"):
        snooze(f"promise-{promise}", today, today)
    keep_promise(promise, on=today)
    with pytest.raises(UserError, match="not due"):
        snooze(f"promise-{promise}", today + timedelta(days=1), today)


def test_review_is_sorted_and_covers_overdue_plus_window(db, today):
    acme = client("Acme", since=today - timedelta(days=10), country="US")
    add_promise(acme, "Old", due=today - timedelta(days=1), on=today - timedelta(days=3))
    add_promise(acme, "Far", due=today + timedelta(days=20), on=today)
    items = review(today, 7)
    assert [i.due for i in items] == sorted(i.due for i in items)
    assert [i.title for i in items if i.kind == "promise"] == ["Old"]
    assert items[0].overdue and not items[-1].overdue


def test_clients_due_in_one_pass_matches_one_client_at_a_time(db, today):
    leaver = client("Leaver", country="DE", birthday=date(1980, 12, 3))
    change_status(leaver, "depart", on=date(2026, 6, 30))
    quiet = client("Quiet", since=date(2026, 1, 5), country="RU")
    add_promise(quiet, "Call back", due=today, on=today)
    nothing = client("Nothing", since=today)
    together = clients_due([leaver, quiet, nothing, leaver], today, days=60)
    assert set(together) == {leaver, quiet, nothing}
    for client_id in (leaver, quiet, nothing):
        assert together[client_id] == client_due(client_id, today, days=60)
    assert {i.kind for i in together[leaver]} == {"winback", "greeting"}
    assert together[nothing] == [i for i in together[nothing] if i.kind == "greeting"]


# --- a parted client: nothing due at all ---------------------------------------------------------


def _parted_setup(kind: str, who: int) -> None:
    """Something of `kind` due for `who` in the week of 23 Nov 2026 (today in these tests)."""
    if kind == "promise":
        add_promise(who, "Send the final invoice", due=date(2026, 11, 24), on=date(2026, 11, 1))
    elif kind == "checkin":
        resolve_incident(open_incident(who, "Late print run", on=date(2026, 10, 1)), outcome="retained",
                         on=date(2026, 10, 24))
    elif kind == "greeting":
        add_contact(who, "Eva Birthday", birthday=date(1980, 11, 25))
    elif kind == "bonus_expiry":
        incident = open_incident(who, "Wrong colour", on=date(2026, 11, 1))
        compensate(incident, kind="bonus", amount=Decimal("200"), valid_until=date(2026, 12, 5), on=date(2026, 11, 2))
        resolve_incident(incident, outcome="retained", on=date(2026, 11, 2))
    elif kind == "incident_stale":
        open_incident(who, "Site down", on=date(2026, 11, 19))
    elif kind == "quiet":
        pass  # added 5 Jan, never touched: quiet since April
    elif kind == "custom":
        add_reminder(who, "Monthly report call", due=date(2026, 11, 25), every="monthly", today=date(2026, 11, 1))
    elif kind == "winback":
        change_status(who, "depart", on=date(2026, 5, 25))


PARTED_KINDS = ["promise", "checkin", "greeting", "bonus_expiry", "incident_stale", "quiet", "custom", "winback"]


@pytest.mark.parametrize("kind", PARTED_KINDS)
def test_a_parted_client_has_nothing_due_of_any_kind(db, today, kind):
    """Parted means we ended it: do not contact. Whatever was due while the client was with us (or
    had departed) leaves the review, the client's own list, the calendar, and `crm done` refuses it;
    taken back, what is still open is due again."""
    who = client("Ended Ltd")
    _parted_setup(kind, who)
    before = [i for i in review(today, 7) if i.client_id == who and i.kind == kind]
    assert before, f"the setup makes a {kind} item due"
    change_status(who, "part", on=today - timedelta(days=1))
    assert [i for i in review(today, 7) if i.client_id == who] == []
    assert client_due(who, today) == [] and clients_due([who], today) == {who: []}
    with pytest.raises(UserError):
        mark_done(before[0].id, today)
    change_status(who, "return", on=today)
    again = {i.kind for i in client_due(who, today)}
    if kind not in ("winback", "quiet", "greeting", "checkin"):  # those follow the status itself
        assert kind in again
