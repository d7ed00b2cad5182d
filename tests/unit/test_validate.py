"""The validators the command line and the app's forms share: normalised values or one clear error."""

from decimal import Decimal

import pytest

from crm import validate
from crm.domain import TEMPERAMENTS
from crm.errors import UserError


def test_names_are_stripped_and_must_not_be_empty():
    assert validate.name("  Acme GmbH \n") == "Acme GmbH"
    for empty in ("", "   ", "\n\t"):
        with pytest.raises(UserError, match=r"^name must not be empty$"):
            validate.name(empty)
    with pytest.raises(UserError, match=r"^contact name must not be empty$"):
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
    with pytest.raises(UserError, match=r"^not an e-mail address: "):
        validate.email(bad)


@pytest.mark.parametrize("good", ["+49 30 1234567", "(030) 123-45.67", "112", ""])
def test_phones_accepted(good):
    assert validate.phone(good) == good


@pytest.mark.parametrize("bad", ["call me", "---", "()()", "+49 30 12a4", "12"])
def test_bad_phones_are_refused(bad):
    with pytest.raises(UserError, match=r"^not a phone number: "):
        validate.phone(bad)


def test_country_codes_are_upper_cased_and_must_be_known():
    assert validate.country(" de ") == "DE"
    assert validate.country("ro") == "RO"
    assert validate.country("") == ""
    for bad in ("XX", "DEU", "Germany", "D"):
        with pytest.raises(UserError, match=r"^unknown country code: "):
            validate.country(bad)


def test_language_codes():
    assert validate.language("EN") == "en"
    assert validate.language("") == ""
    for bad in ("english", "e", "e1"):
        with pytest.raises(UserError, match=r"^not a language code: "):
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
    with pytest.raises(UserError, match=r"^unknown recurrence: "):
        validate.recurrence(bad)


@pytest.mark.parametrize("text, number", [("7", 7), ("#7", 7), (" 12 ", 12), ("007", 7), ("0", 0),
                                          (str(validate.MAX_ID), validate.MAX_ID)])
def test_ids_are_ascii_digits_within_sqlites_integer(text, number):
    assert validate.id_number(text) == number
    assert validate.record_id(text) == number


@pytest.mark.parametrize("text", ["²", "١", "#١", "１", "", "#", "-1", "1.5", "1e3", str(validate.MAX_ID + 1),
                                  "9" * 20, "9" * 10_000])
def test_anything_else_is_no_id(text):
    assert validate.id_number(text) is None
    with pytest.raises(UserError, match=r"^not an id: "):
        validate.record_id(text)


def test_whole_numbers_are_ascii_digits_in_range():
    assert validate.whole(" 30 ", 0, 3660) == 30
    assert validate.whole("-5", -10, 10) == -5
    assert validate.whole("0007", 0, 10) == 7
    for bad in ("٣", "3661", "-1", "1e3", "nan", "+5", "1_000", "9" * 10_000, ""):
        with pytest.raises(UserError, match=r"^--days: not a whole number from 0 to 3660: "):
            validate.whole(bad, 0, 3660, "--days")


def test_paths_must_be_usable_names():
    assert str(validate.path("~/x.db")).endswith("/x.db") and "~" not in str(validate.path("~/x.db"))
    for bad, says in (("", "empty path"), ("  ", "empty path"), ("a\x00b", "NUL"), ("x" * 256, "too long"),
                      ("a/" * 2100, "too long")):
        with pytest.raises(UserError, match=says):
            validate.path(bad)


def test_a_name_of_invisible_characters_is_empty():
    for invisible in ("\u202e", "\u200b\u200b", "\ufeff", " \u2066 "):
        with pytest.raises(UserError, match=r"^name must not be empty$"):
            validate.name(invisible)
    assert validate.name("\u202eevil.exe\u202c") == "\u202eevil.exe\u202c"  # stored exactly, shown safely


@pytest.mark.parametrize("data, says", [
    (b'{"a": 1, "a": 2}', "the key 'a' appears twice"),
    (b'{"x": {"b": 1, "b": 1}}', "the key 'b' appears twice"),
    (b"[NaN]", "NaN is not a number JSON allows"),
    (b'{"x": -Infinity}', "-Infinity is not a number JSON allows"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b"\xff{}", "not UTF-8"),
    (b"{", "not valid JSON"),
])
def test_json_documents_are_read_strictly(data, says):
    with pytest.raises(UserError, match=says):
        validate.json_document(data, "plan")


def test_json_fractions_are_decimals():
    assert validate.json_document(b'{"amount": 49.90, "n": 3}', "plan") == {"amount": Decimal("49.90"), "n": 3}
