"""Finding people whatever the case and accents (crm.text.fold): in names, CLIENT arguments, the
Clients filter's text and SQL; and Latin and Cyrillic names in alphabetical order."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.clients import ClientFields, add_client, find_client
from crm.errors import UserError
from crm.models import database
from crm.text import fold, matches, search_text, search_words, sort_key


@pytest.mark.parametrize(("typed", "stored"), [
    ("stefan", "Ştefan"),  # cedilla
    ("stefan", "Ștefan"),  # comma below
    ("Ştefan", "Ștefan"),
    ("TARA", "Ţară"), ("tara", "Țară"),
    ("anna", "ANNA"), ("анна", "Анна"), ("елка", "Ёлка"), ("ёлка", "елка"),
    ("o'brien", "O’Brien"), ("nguyen", "Nguyễn"), ("strasse", "Straße"), ("muller", "Müller"),
    ("йошкар", "Йошкар"), ("йошкар", "Йошкар".replace("Й", "И\u0306")),  # й typed in two pieces
])
def test_the_same_name_folds_the_same(typed, stored):
    assert fold(typed) == fold(stored)


@pytest.mark.parametrize(("one", "other"), [("йод", "иод"), ("ærø", "aero"), ("ana", "anna")])
def test_different_letters_stay_different(one, other):
    assert fold(one) != fold(other)


alphabets = st.text(st.sampled_from("abcșşțţăâîABCȘŞȚŢĂÂÎабвгдеёжзийкАБВЁЙЯя '’-"), max_size=20)


@given(alphabets)
@settings(max_examples=300, deadline=None, derandomize=True)
def test_folding_is_stable_and_ignores_how_the_letters_were_encoded(text):
    assert fold(fold(text)) == fold(text)
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))
    assert not any(unicodedata.combining(ch) for ch in fold(text))


def test_names_sort_alphabetically_in_latin_and_cyrillic():
    names = ["Яков", "анна", "Борис", "ёж", "Ель", "Zoe", "adam", "Ştefan", "Sandu", "șerban", "Ion", "Éric"]
    assert sorted(names, key=sort_key) == [
        "adam", "Éric", "Ion", "Sandu", "șerban", "Ştefan", "Zoe", "анна", "Борис", "ёж", "Ель", "Яков"]


def test_the_filter_finds_words_in_any_field_and_phones_by_digits():
    text = search_text(["Ştefan Ionescu", "Blue Fox", "calls before noon"], phones=["+40 721-123 456"])
    for query in ("stefan", "IONESCU fox", "noon", "721 123", "+40721123456", "(721) 123-456"):
        assert matches(search_words(query), text), query
    for query in ("anna", "stefan anna", "999"):
        assert not matches(search_words(query), text), query
    assert matches(search_words(""), text)  # an empty filter shows everyone


@pytest.fixture
def people(db, today):
    return {name: add_client(ClientFields(name=name), today=today)
            for name in ("Ştefan Ionescu", "Anna Berg", "Анна Иванова", "Фёдор Ёлкин", "Ștefania Pop")}


@pytest.mark.parametrize(("ref", "name"), [
    ("stefan ionescu", "Ştefan Ionescu"), ("ȘTEFAN IONESCU", "Ştefan Ionescu"), ("ionescu", "Ştefan Ionescu"),
    ("анна", "Анна Иванова"), ("АННА ИВАНОВА", "Анна Иванова"), ("федор", "Фёдор Ёлкин"), ("елкин", "Фёдор Ёлкин"),
    ("stefania", "Ștefania Pop"),
])
def test_a_client_argument_ignores_case_and_accents(people, ref, name):
    assert find_client(ref).name == name


def test_a_shared_part_still_names_several(people):
    with pytest.raises(UserError, match="matches several clients: #1 Ştefan Ionescu, #5 Ștefania Pop"):
        find_client("stefan")


def test_a_typo_suggests_the_name_folded(people):
    with pytest.raises(UserError, match="did you mean #1 Ştefan Ionescu"):
        find_client("stefan ionesku")


@pytest.mark.sqlite_only  # fold() is registered on SQLite's connections
def test_sql_folds_on_every_connection(people, cli):
    assert database.execute_sql("SELECT name FROM client WHERE fold(name) = ?", ("stefan ionescu",)).fetchall() == [
        ("Ştefan Ionescu",)]
    assert database.execute_sql("SELECT fold(NULL), fold('ŞŢ')").fetchone() == (None, "st")
    shown = cli("client", "show", "stefan ionescu", "--json")
    assert shown.code == 0 and '"Ştefan Ionescu"' in shown.out
