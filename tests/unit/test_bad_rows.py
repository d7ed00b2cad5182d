"""A bad cell written by another tool must not stop a read: it is shown as unreadable, counted as
nothing, and kept as it was (an export carries it; saving its row writes it back unchanged)."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from crm.clients import ClientFields, add_client
from crm.incidents import compensate, open_incident
from crm.models import Compensation
from crm.money import Money
from tests.postgres import run_sql

BAD = ["1E+999999999", "NaN", "-Infinity", "abc", "", "1e12"]


@pytest.fixture
def bonus(db, db_path, today) -> int:
    client = add_client(ClientFields(name="Nordlicht Hotels"), today=today - timedelta(days=30))
    incident = open_incident(client, "Late rooms", on=today - timedelta(days=20))
    return compensate(incident, kind="bonus", amount=Decimal("300"), valid_until=today + timedelta(days=5),
                      on=today - timedelta(days=20))


def store(db_path, compensation: int, raw: str) -> None:
    run_sql(db_path, "UPDATE compensation SET amount = ? WHERE id = ?", (raw, compensation))  # as another tool would


@pytest.mark.parametrize("raw", BAD)
def test_review_digest_and_client_show_survive_a_bad_amount(bonus, db_path, cli, raw):
    store(db_path, bonus, raw)
    review = cli("review")
    assert review.code == 0, review.err
    assert "unreadable amount" in review.out
    assert cli("digest").code == 0
    for command in (("client", "show", "Nordlicht Hotels", "--json"), ("client", "list", "--json"), ("ics",)):
        assert cli(*command).code == 0, command


def test_a_bad_amount_is_exported_and_saved_back_as_it_was(bonus, db_path, cli):
    store(db_path, bonus, "1E+999999999")
    exported = json.loads(cli("export").out)
    (row,) = [c for c in exported["tables"]["compensation"] if c["id"] == bonus] if "tables" in exported else [
        c for c in exported["compensation"] if c["id"] == bonus]
    assert row["amount"] == "1E+999999999"

    offer = Compensation.get_by_id(bonus)
    offer.status = "used"
    offer.save()  # an edit of another field of the row
    assert run_sql(db_path, "SELECT amount, status FROM compensation WHERE id = ?", (bonus,)) == [
        ("1E+999999999", "used")]


def test_an_unreadable_amount_counts_as_nothing_and_says_so(bonus, db_path):
    store(db_path, bonus, "NaN")
    amount = Compensation.get_by_id(bonus).amount
    assert amount + Decimal(5) == Decimal(5)
    assert str(Money(amount, "EUR")) == "unreadable amount 'NaN' EUR"
