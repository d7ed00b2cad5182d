"""The date parser every command and form uses, and month arithmetic that never drifts."""

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.dates import FIRST_DAY, LAST_DAY, add_months, parse_date, resolve_today
from crm.errors import UserError

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize("text, expected", [
    ("2026-12-25", date(2026, 12, 25)),
    ("2026-1-5", date(2026, 1, 5)),
    ("25.12.2026", date(2026, 12, 25)),
    ("5.1.2027", date(2027, 1, 5)),
    ("today", MONDAY),
    ("TODAY", MONDAY),
    ("  tomorrow ", date(2026, 11, 24)),
    ("yesterday", date(2026, 11, 22)),
    ("+0d", MONDAY),
    ("+3d", date(2026, 11, 26)),
    ("+2w", date(2026, 12, 7)),
    ("+6m", date(2027, 5, 23)),
    ("+1y", date(2027, 11, 23)),
    ("+3D", date(2026, 11, 26)),
    ("tuesday", date(2026, 11, 24)),
    ("Friday", date(2026, 11, 27)),
    ("sunday", date(2026, 11, 29)),
    ("monday", date(2026, 11, 30)),  # today is a Monday: "monday" is the next one, not today
    # written out, read day first (dateutil)
    ("25/12/2026", date(2026, 12, 25)),
    ("1/2/2027", date(2027, 2, 1)),
    ("25 Dec 2026", date(2026, 12, 25)),
    ("dec 25", date(2026, 12, 25)),
    ("3rd of May 2027", date(2027, 5, 3)),
    ("25.12.26", date(2026, 12, 25)),
    ("25/12", date(2026, 12, 25)),  # this year
])
def test_every_accepted_form(text, expected):
    assert parse_date(text, MONDAY) == expected


@pytest.mark.parametrize("text", ["29.02.2028", "2028-02-29", "2024-02-29"])
def test_leap_days_exist_in_leap_years(text):
    assert parse_date(text, MONDAY).day == 29


@pytest.mark.parametrize("text", ["31.02.2026", "29.02.2026", "2100-02-29", "31.04.2026", "2026-13-01",
                                  "00.01.2026", "2026-00-10"])
def test_impossible_dates_are_refused_by_name(text):
    with pytest.raises(UserError) as refused:
        parse_date(text, MONDAY)
    assert str(refused.value) == f"no such date: {text!r}"


@pytest.mark.parametrize("text", ["", "soon", "next friday", "+3", "3d", "-3d", "+3x", "fri", "5", "may",
                                  "32/12/2026", "25 Dec 2026 at the office",
                                  "2026-12-25T10:00", "10am", "1.1.1", "25/12/202", "25 dec 20266",
                                  "may 2027", "-1/2/2026", "٣/١٢/٢٠٢٦"])
def test_anything_else_is_refused_naming_the_value_and_the_forms(text):
    with pytest.raises(UserError) as refused:
        parse_date(text, MONDAY)
    message = str(refused.value)
    assert message.startswith(f"not a date: {text!r}") and "25.12.2026" in message and "+3d" in message


@pytest.mark.parametrize("text, today", [("+9999y", MONDAY), ("tomorrow", date(9999, 12, 31)),
                                         ("yesterday", date(1, 1, 1)), ("+9999m", date(9990, 1, 1))])
def test_dates_beyond_the_calendar_are_a_clear_error(text, today):
    with pytest.raises(UserError, match="date out of range"):
        parse_date(text, today)


@pytest.mark.parametrize("anchor, months, expected", [
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2026, 1, 31), 2, date(2026, 3, 31)),  # from the anchor: no drift to the 28th
    (date(2026, 1, 31), 3, date(2026, 4, 30)),
    (date(2028, 2, 29), 12, date(2029, 2, 28)),
    (date(2026, 11, 23), -3, date(2026, 8, 23)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),
])
def test_add_months_clips_to_month_end_from_the_anchor(anchor, months, expected):
    assert add_months(anchor, months) == expected


def test_relative_months_clip_like_add_months():
    assert parse_date("+1m", date(2026, 1, 31)) == date(2026, 2, 28)
    assert parse_date("+6m", date(2026, 8, 31)) == date(2027, 2, 28)


def test_today_comes_from_the_option_then_the_environment(monkeypatch):
    monkeypatch.setenv("CRM_TODAY", "2026-11-23")
    assert resolve_today() == MONDAY
    assert resolve_today("01.03.2027") == date(2027, 3, 1)
    monkeypatch.delenv("CRM_TODAY")
    assert resolve_today() == date.today()
    with pytest.raises(UserError, match="no such date"):
        resolve_today("31.02.2026")


@given(anchor=st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)), months=st.integers(-1200, 1200))
@settings(max_examples=300, deadline=None, derandomize=True)
def test_add_months_agrees_with_dateutil(anchor, months):
    assert add_months(anchor, months) == anchor + relativedelta(months=months)


@pytest.mark.parametrize("text", ["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31", "31.12.9999", "+999y"])
def test_dates_outside_1900_to_2999_are_refused_by_name(text):
    with pytest.raises(UserError) as refused:
        parse_date(text, MONDAY)
    assert str(refused.value) == f"date out of range: {text!r} (from 1900-01-01 to 2999-12-31)"


def test_the_range_itself_is_taken():
    assert parse_date("1900-01-01", MONDAY) == FIRST_DAY
    assert parse_date("31.12.2999", MONDAY) == LAST_DAY
    assert parse_date("+1d", date(2999, 12, 30)) == LAST_DAY


def test_an_empty_today_option_is_refused_not_ignored(monkeypatch):
    monkeypatch.setenv("CRM_TODAY", "2026-11-23")
    with pytest.raises(UserError, match="not a date: ''"):
        resolve_today("")
    monkeypatch.setenv("CRM_TODAY", "")  # an empty variable is unset
    assert resolve_today() == date.today()


@pytest.mark.parametrize(("typed", "expected"), [
    ("сегодня", "2026-11-23"), ("Завтра", "2026-11-24"), ("вчера", "2026-11-22"), ("послезавтра", "2026-11-25"),
    ("пятница", "2026-11-27"), ("в пятницу", "2026-11-27"), ("во вторник", "2026-11-24"), ("ПН", "2026-11-30"),
    ("воскресенье", "2026-11-29"),
    ("azi", "2026-11-23"), ("astăzi", "2026-11-23"), ("mâine", "2026-11-24"), ("maine", "2026-11-24"),
    ("ieri", "2026-11-22"), ("poimâine", "2026-11-25"), ("marți", "2026-11-24"), ("marti", "2026-11-24"),
    ("Sâmbătă", "2026-11-28"), ("luni", "2026-11-30"),
])
def test_the_words_of_every_language_whatever_the_app_speaks(typed, expected):
    assert parse_date(typed, date(2026, 11, 23)).isoformat() == expected  # a Monday; the app in English


def test_a_refused_date_names_the_forms_in_the_reader_s_language(monkeypatch):
    from crm import i18n

    class Russian:
        def gettext(self, message):
            return {"not a date: {text!r} (use {forms})": "не дата: {text!r} ({forms})"}.get(message, "ФОРМЫ")

    monkeypatch.setattr(i18n, "_translation", Russian())
    with pytest.raises(UserError, match=r"^не дата: 'в среду утром' \(ФОРМЫ\)$"):
        parse_date("в среду утром", date(2026, 11, 23))


@pytest.mark.parametrize(("typed", "expected"), [
    ("7 декабря", "2026-12-07"), ("7 Декабря 2027", "2027-12-07"), ("7 дек", "2026-12-07"), ("7 дек.", "2026-12-07"),
    ("7 дек. 2027 г.", "2027-12-07"), ("декабрь 7", "2026-12-07"), ("1 мая", "2026-05-01"), ("1 май", "2026-05-01"),
    ("3 сен", "2026-09-03"), ("3 сент.", "2026-09-03"), ("пн, 7 дек.", "2026-12-07"), ("7 ЯНВАРЯ 2027", "2027-01-07"),
    ("15 ёлки", None), ("7 decembrie", "2026-12-07"), ("7 DECEMBRIE 2027", "2027-12-07"),
    ("pe 7 decembrie", "2026-12-07"),
    ("3 mart", "2026-03-03"), ("3 martie", "2026-03-03"), ("1 iunie", "2026-06-01"), ("1 iul.", "2026-07-01"),
    ("lun., 7 dec.", "2026-12-07"), ("25 Dec 2026", "2026-12-25"),
])
def test_a_month_named_in_any_language(typed, expected):
    """Month names as Babel's CLDR data writes them in Russian, Romanian and English, whole, cut or
    with their dot, as a date is written ("7 декабря") or the month stands alone ("декабрь 7"),
    case and accents ignored; the year, when left out, is this year's."""
    if expected is None:
        with pytest.raises(UserError, match="not a date"):
            parse_date(typed, MONDAY)
    else:
        assert parse_date(typed, MONDAY).isoformat() == expected


@pytest.mark.parametrize("typed", ["декабря", "7 8 дек", "дек 2027", "ма 7", "7 мар 12", "7 дек 2026 утром", "123 дек"])
def test_a_month_name_needs_a_day_and_nothing_else(typed):
    with pytest.raises(UserError, match="not a date"):
        parse_date(typed, MONDAY)


def test_a_day_the_named_month_lacks_is_refused_by_name():
    with pytest.raises(UserError, match=r"^no such date: '31 февраля'$"):
        parse_date("31 февраля", MONDAY)


@pytest.mark.parametrize("language", ["en", "ru", "ro"])
def test_a_date_field_s_first_word_is_today_in_the_reader_s_language(language):
    from crm import i18n
    from crm.dates import today_word

    i18n.use(language)
    word = today_word()
    assert parse_date(word, MONDAY) == MONDAY
    assert (language == "en") == (word == "today")
