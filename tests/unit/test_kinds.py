"""One record per due kind: a kind registered once shows up in every place that lists due items."""

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from icalendar import Calendar
from textual.content import Content

from crm import kinds
from crm.clients import ClientFields, add_client
from crm.models import Client, Touch
from crm.review import DueItem
from crm.rules import Occurrence, Rules, Scope, item_id
from crm.widgets.due_list import item_prompt


def site_visits(rules: Rules, scope: Scope) -> Iterator[Occurrence]:
    """A made-up rule: every client whose notes ask for it gets a site visit two days from today."""
    day = scope.today + timedelta(days=2)
    if (scope.start is not None and day < scope.start) or day > scope.end:
        return
    query = Client.select(Client.id, Client.name).where(Client.notes.contains("visit"))
    if scope.clients is not None:
        query = query.where(Client.id.in_(scope.clients))
    for client in query:
        yield Occurrence(item_id("site_visit", client.id, day), "site_visit", day, client.id, client.name,
                         "Walk the new showroom")


@pytest.fixture
def visit_kind():
    kinds.register(kinds.DueKind("site_visit", "visit", "Visit", ("{count} site visit", "{count} site visits"),
                                 site_visits, "client", dated=True, done_touch="meeting"))
    yield
    kinds.unregister("site_visit")


@pytest.fixture
def visited(db, today, visit_kind) -> int:
    add_client(ClientFields(name="Quiet Quarry"), today=today - timedelta(days=5))
    return add_client(ClientFields(name="Vista Homes", notes="wants a visit each season"), today=today)


def test_a_registered_kind_is_listed_done_counted_and_put_in_the_calendar(visited, cli, today):
    wanted = f"visit-{visited}-{(today + timedelta(days=2)):%Y%m%d}"

    items = json.loads(cli("review", "--json").out)["items"]
    assert [(i["id"], i["kind"], i["client"]) for i in items] == [(wanted, "site_visit", "Vista Homes")]
    assert wanted in cli("review").out
    assert "1 site visit" in cli("digest").out
    (event,) = [e for e in Calendar.from_ical(cli("ics").out).walk("VEVENT") if "visit" in str(e["UID"])]
    assert str(event["SUMMARY"]) == "Visit: Vista Homes — Walk the new showroom"

    done = cli("done", wanted)
    assert done.code == 0, done.err
    touch = Touch.get(Touch.client == visited)
    assert (touch.kind, touch.note) == ("meeting", "Walk the new showroom")
    assert json.loads(cli("review", "--json").out)["items"] == []


def test_a_registered_kind_has_its_label_on_the_review_screen(visit_kind, today):
    item = DueItem(f"visit-1-{today:%Y%m%d}", "site_visit", today, 1, "Vista Homes", "Walk the showroom", False)
    assert "Visit" in Content.plain.fget(item_prompt(item, today, 80))


def test_a_kind_cannot_take_another_kinds_prefix(visit_kind):
    with pytest.raises(ValueError, match="visit"):
        kinds.register(kinds.DueKind("other", "visit", "Other", ("{count} other", "{count} others"), site_visits,
                                     "client"))
