"""The review reads the owner's marks (done, snoozed) the cheap way for its size: a big review
matches the few marks itself, a small one looks its ids up, and one client's page looks only at
the snoozes of that client. Every way lists the same items."""

from datetime import date, timedelta

from crm.clients import ClientFields, add_client
from crm.promises import add_promise
from crm.reminders import add_reminder
from crm.review import client_due, clients_due, mark_done, review, snooze

TODAY = date(2026, 11, 23)


def _client(name: str, **fields) -> int:
    return add_client(ClientFields(name, **fields), today=TODAY - timedelta(days=200))


def test_a_clients_page_lists_its_own_snoozes_whatever_their_kind_and_nobody_elses(db):
    mine, other = _client("Mine", country="DE"), _client("Other", country="DE")
    later = TODAY + timedelta(days=40)  # past the greeting's look-back and the reminder's next weeks
    snoozed = {}
    for client in (mine, other):
        promise = add_promise(client, "Call back", due=TODAY, on=TODAY)
        reminder = add_reminder(client, "Ask about spring", due=TODAY, every="weekly", today=TODAY)
        snoozed[client] = {f"promise-{promise}", f"custom-{reminder}-{TODAY:%Y%m%d}", f"greeting-{client}-20261225"}
        for item in snoozed[client]:
            snooze(item, later, TODAY)
    day = later  # the rules no longer produce the greeting and this week's reminder: the marks bring them
    for client in (mine, other):
        page = [i for i in client_due(client, day) if i.snoozed]
        assert {i.id for i in page} == snoozed[client] and {i.due for i in page} == {later}
    assert {i.id for i in review(day, 0) if i.snoozed} == snoozed[mine] | snoozed[other]
    assert clients_due([mine, other], day) == {mine: client_due(mine, day), other: client_due(other, day)}


def test_marks_apply_alike_when_fewer_or_more_than_the_items(db):
    client = add_client(ClientFields("Acme"), today=TODAY)
    for n in range(12):
        add_promise(client, f"Promise {n}", due=TODAY + timedelta(days=n % 5), on=TODAY)
    listed = [i.id for i in review(TODAY)]
    assert len(listed) == 12
    mark_done(listed[0], TODAY)  # one mark, eleven items: the marks are read and matched
    snooze(listed[1], TODAY + timedelta(days=6), TODAY)
    assert [(i.id, i.snoozed) for i in review(TODAY)] == (
        [(item, False) for item in listed[2:]] + [(listed[1], True)])
    for item in listed[2:10]:  # ten marks, three items left: each id is looked up
        mark_done(item, TODAY)
    assert [(i.id, i.snoozed) for i in review(TODAY)] == [(listed[10], False), (listed[11], False), (listed[1], True)]


def test_the_short_way_for_unmarked_items_lists_what_shown_and_item_would(db, today):
    """`_due` spells out `_shown` and `_item` inline for items without a mark (most of a big
    review); both ways must list the same items, marked ones included."""
    from crm import review as module
    from crm.demo import fill_demo
    from crm.models import ItemState
    from crm.rules import load_rules, occurrences

    fill_demo(40, today, seed=3)
    first = review(today, days=60)
    mark_done(first[0].id, today=today)
    snooze(first[1].id, today + timedelta(days=3), today=today)
    end = today + timedelta(days=60)
    states = {s.item_id: s for s in ItemState.select()}
    expected = []
    for occurrence in occurrences(load_rules(), today, end):
        state = states.get(occurrence.id)
        shown = module._shown(occurrence, state, today)
        if shown is not None and shown.due <= end:
            expected.append(module._item(shown, today, state))
    expected.sort(key=lambda i: (i.due, i.kind, i.client.casefold(), i.id))
    assert len(expected) > 100
    assert review(today, days=60) == expected
