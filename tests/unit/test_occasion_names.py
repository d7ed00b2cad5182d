"""Holidays in the reader's language on screen (crm.occasions.shown_name), the client's beside it."""

from datetime import date

import pytest

from crm.occasions import holidays_between, shown_name


def _holiday(country: str, language: str, day: date):
    (found,) = [h for h in holidays_between(country, day, day, language)]
    return found


@pytest.mark.parametrize(("reader", "expected"), [
    ("en", "Christmas Day (Crăciunul)"),  # as the review always showed it
    ("ru", "Рождество Христово (Crăciunul)"),
    ("ro", "Crăciunul"),
])
def test_a_romanian_client_s_christmas_for_each_reader(reader, expected):
    assert shown_name(_holiday("RO", "ro", date(2026, 12, 25)), "RO", reader) == expected


def test_a_holiday_no_calendar_translates_stays_english():
    assert shown_name(_holiday("RO", "ro", date(2026, 12, 1)), "RO", "ru") == "National Day (Ziua Națională a României)"


def test_the_reader_s_language_is_the_default(monkeypatch):
    from crm import i18n

    monkeypatch.setattr(i18n, "_language", "ru")
    assert shown_name(_holiday("US", "", date(2026, 12, 25)), "US") == "Рождество Христово"
