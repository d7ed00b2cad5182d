"""The Clients filter finds people as they are typed: case and accents ignored, notes and phone
numbers searched too."""

from datetime import timedelta

import pytest

from crm.clients import ClientFields, add_client
from crm.roster import client_rows, filter_rows


@pytest.fixture
def book(db, today):
    for fields in (
        ClientFields(name="Ştefan Ionescu", phone="+40 721 123 456"),  # cedilla Ş, as old keyboards write it
        ClientFields(name="Анна Смирнова", notes="Prefers calls after 10"),
        ClientFields(name="Bright Studio", notes="met at the Cluj fair"),
    ):
        add_client(fields, today=today - timedelta(days=30))


@pytest.mark.parametrize(("typed", "found"), [
    ("stefan", ["Ştefan Ionescu"]),
    ("ȘTEFAN", ["Ştefan Ionescu"]),  # comma-below Ș finds the cedilla Ş
    ("анна", ["Анна Смирнова"]),
    ("cluj", ["Bright Studio"]),  # notes
    ("0721 123", ["Ştefan Ionescu"]),  # the phone, however it is spaced
    ("721123456", ["Ştefan Ionescu"]),
    ("calls анна", ["Анна Смирнова"]),
    ("stefan cluj", []),
])
def test_the_filter_ignores_case_and_accents_and_reads_notes_and_phones(book, today, typed, found):
    rows = client_rows(today)
    assert [row.name for row in filter_rows(rows, typed)] == found


def test_pickers_list_names_in_alphabetical_order_for_latin_and_cyrillic(db, today):
    from crm.clients import client_names

    for name in ("Яков Орлов", "анна Белова", "Ştefan Ionescu", "Bright Studio", "zeta"):
        add_client(ClientFields(name=name), today=today)
    assert [c.name for c in client_names()] == ["Bright Studio", "Ştefan Ionescu", "zeta", "анна Белова",
                                                "Яков Орлов"]
