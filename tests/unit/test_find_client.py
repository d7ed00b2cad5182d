"""Finding a client by name without folding every name of the book (crm.clients._candidates): the
database narrows the names to those that may match, and `fold` decides as it always did. The
answers must be those of folding every name: exact before partial, ambiguity refused with the
candidates listed, accents, case, LIKE's wildcards and Cyrillic alike."""

from datetime import date

import pytest

from crm.clients import ClientFields, _candidates, add_client, find_client
from crm.errors import UserError
from crm.models import database
from crm.text import fold

NAMES = ["Stefan Print", "Ştefan Print", "Ștefan Design", "100% Design", "100 Design", "A_B Studio", "AxB Studio",
         "Back\\slash Co", "Straße Bau", "Strasse Bau", "O’Brien Ltd", "Анна Ltd", "Ёлка Ltd", "Café Nord", "cafe nord"]


@pytest.fixture
def book(db):
    return {name: add_client(ClientFields(name=name), today=date(2026, 1, 5)) for name in NAMES}


def everyone(wanted: str) -> list[tuple[int, str]]:
    rows = database.execute_sql("SELECT id, name FROM client").fetchall()
    return sorted(row for row in rows if wanted in fold(row[1]))


@pytest.mark.parametrize("typed", ["stefan", "ŞTEFAN", "print", "100%", "100", "%", "_", "a_b", "axb", "\\",
                                   "strasse", "straße", "o'brien", "анна", "елка", "café", "CAFE NORD", "nord", "d",
                                   "zzz", "ß"])
def test_the_candidates_hold_every_name_that_folds_to_contain_what_was_typed(book, typed):
    wanted = fold(typed)
    assert sorted(row for row in _candidates(wanted) if wanted in fold(row[1])) == everyone(wanted)


def test_names_are_found_as_before(book):
    assert find_client("100%").id == book["100% Design"]  # a wildcard of LIKE is a plain character
    assert find_client("a_b").id == book["A_B Studio"]
    assert find_client("back\\slash").id == book["Back\\slash Co"]
    assert find_client("Ștefan Design").id == book["Ștefan Design"]
    assert find_client("анна").id == book["Анна Ltd"]
    with pytest.raises(UserError, match="matches several clients") as refused:
        find_client("stefan print")  # two names fold the same: both exact, so neither is chosen
    assert f"#{book['Stefan Print']}" in str(refused.value) and f"#{book['Ştefan Print']}" in str(refused.value)
    with pytest.raises(UserError, match="matches several clients"):
        find_client("cafe nord")
    with pytest.raises(UserError, match="did you mean"):
        find_client("Stefan Prnt")  # no match: the closest names of the whole book
