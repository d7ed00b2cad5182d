"""Reads that cost what they show: the weekly review and one client's page find their rows through
indexes (SQLite's plan for every statement they run says SEARCH), never by reading a table of the
book whole, and one client's page does the same work in a book ten times bigger: 50,000 clients
cost them what their answer costs, not what the book holds."""

from datetime import date

import pytest

from crm.db import open_database
from crm.demo import fill_demo
from crm.models import database
from crm.profile import client_profile
from crm.review import client_due, review
from crm.summary import client_detail

# Read from SQLite's own plans (EXPLAIN QUERY PLAN); PostgreSQL's planner scans small tables by choice.
pytestmark = pytest.mark.sqlite_only

TODAY = date(2026, 11, 23)
# Scans that are not the book: the ids a query is given, a recursive query's own rows.
NOT_THE_BOOK = ("SCAN json_each", "SCAN found")


def _scans(read) -> list[tuple[str, str]]:
    statements: list[str] = []
    database.connection().set_trace_callback(statements.append)
    try:
        read()
    finally:
        database.connection().set_trace_callback(None)
    found = []
    for sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or '"setting"' in sql:
            continue  # the settings: a handful of rows
        for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql).fetchall():
            if row[3].startswith("SCAN") and not row[3].startswith(NOT_THE_BOOK):
                found.append((row[3], sql[:120]))
    return found


@pytest.fixture
def book(db):
    fill_demo(60, TODAY)


@pytest.mark.parametrize("read", [
    lambda: review(TODAY, 7),
    lambda: review(TODAY, 30),
    lambda: client_due(3, TODAY),
    lambda: client_detail(3),
    lambda: client_profile(3, TODAY),
], ids=["review", "review 30 days", "client's due items", "client show", "Client screen"])
def test_no_read_goes_through_a_whole_table(book, read):
    assert _scans(read) == []


def _steps(read) -> int:
    """SQLite's virtual machine steps for `read` (its progress handler counts them)."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    database.connection().set_progress_handler(count, 1)
    try:
        read()
    finally:
        database.connection().set_progress_handler(None, 0)
    return steps


ONE_CLIENT = {  # client 3 is a hand-written story client: the same in every demo book
    "due items": lambda: client_due(3, TODAY),
    "show": lambda: client_detail(3),
    "Client screen": lambda: client_profile(3, TODAY),
}


def test_one_clients_page_costs_the_same_in_a_book_ten_times_bigger(tmp_path):
    cost = {}
    for size in (60, 600):
        handle = open_database(tmp_path / f"{size}.db")
        try:
            fill_demo(size, TODAY)
            cost[size] = {name: _steps(read) for name, read in ONE_CLIENT.items()}
        finally:
            handle.close()
    assert cost[600] == cost[60]
