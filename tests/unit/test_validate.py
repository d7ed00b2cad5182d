"""The validators the command line and the app's forms share: normalised values or one clear error."""

import pytest

from crm import validate
from crm.domain import TEMPERAMENTS
from crm.errors import UserError


def test_names_are_stripped_and_must_not_be_empty():
    assert validate.name("  Acme GmbH \n") == "Acme GmbH"
    for empty in ("", "   ", "\n\t"):
        with pytest.raises(UserError, match="^name must not be empty$"):
            validate.name(empty)
    with pytest.raises(UserError, match="^contact name must not be empty$"):
        validate.name(" ", "contact name")


def test_names_and_texts_have_limits():
    assert validate.name("x" * validate.MAX_NAME) == "x" * validate.MAX_NAME
    with pytest.raises(UserError, match="too long"):
        validate.name("x" * (validate.MAX_NAME + 1))
    assert validate.text("  kept as typed \n") == "  kept as typed \n"
    with pytest.raises(UserError, match="NUL"):
        validate.text("a\x00b", "notes")


@pytest.mark.parametrize("good", ["ann@example.com", " ann.berg+crm@mail.example.co.uk ", "x@y.de", ""])
def test_emails_accepted(good):
    assert validate.email(good) == good.strip()


@pytest.mark.parametrize("bad", ["ann", "ann@", "@example.com", "ann@example", "ann @example.com",
                                 "ann@@example.com", "ann@example..com", "ann@.com", "ann@example.com."])
def test_bad_emails_are_refused(bad):
    with pytest.raises(UserError, match="^not an e-mail address: "):
        validate.email(bad)


@pytest.mark.parametrize("good", ["+49 30 1234567", "(030) 123-45.67", "112", ""])
def test_phones_accepted(good):
    assert validate.phone(good) == good


@pytest.mark.parametrize("bad", ["call me", "---", "()()", "+49 30 12a4", "12"])
def test_bad_phones_are_refused(bad):
    with pytest.raises(UserError, match="^not a phone number: "):
        validate.phone(bad)


def test_country_codes_are_upper_cased_and_must_be_known():
    assert validate.country(" de ") == "DE"
    assert validate.country("ro") == "RO"
    assert validate.country("") == ""
    for bad in ("XX", "DEU", "Germany", "D"):
        with pytest.raises(UserError, match="^unknown country code: "):
            validate.country(bad)


def test_language_codes():
    assert validate.language("EN") == "en"
    assert validate.language("") == ""
    for bad in ("english", "e", "e1"):
        with pytest.raises(UserError, match="^not a language code: "):
            validate.language(bad)


def test_choices_are_case_insensitive_and_an_unknown_one_lists_them():
    assert validate.choice("Know-It-All", TEMPERAMENTS, "temperament") == "know-it-all"
    with pytest.raises(UserError) as refused:
        validate.choice("grumpy", TEMPERAMENTS, "temperament")
    assert str(refused.value) == (
        "unknown temperament: 'grumpy' (one of: fierce, balanced, quiet, key, know-it-all, "
        "compensation-seeker, whiny)"
    )


@pytest.mark.parametrize("value, expected", [("", ""), ("Weekly", "weekly"), ("monthly", "monthly"),
                                             ("yearly", "yearly"), ("3m", "3m"), ("12M", "12m")])
def test_recurrences(value, expected):
    assert validate.recurrence(value) == expected


@pytest.mark.parametrize("bad", ["daily", "0m", "100m", "m", "3w"])
def test_bad_recurrences(bad):
    with pytest.raises(UserError, match="^unknown recurrence: "):
        validate.recurrence(bad)
