"""`crm review`, `done`, `snooze`, `remind add`, `ics` and `digest` as a user scripts them."""

import json
import os
import re
from datetime import date, timedelta

import pytest
from icalendar import Calendar

from crm.clients import ClientFields, add_client
from crm.models import Promise, Touch
from crm.promises import add_promise

SPEC_KEYS = {"id", "kind", "due", "client", "client_id", "title", "overdue", "occasion", "snoozed"}


def client(name: str, today: date, **fields) -> int:
    return add_client(ClientFields(name=name, **fields), today=today - timedelta(days=10))


@pytest.fixture
def week(db, today):
    """Monday 23 Nov 2026: a promise two days late, one due today, Thanksgiving for two US clients
    on Thursday, and a promise three weeks out."""
    acme = client("Acme Ltd", today)
    bright = client("Bright Studio", today)
    late = add_promise(acme, "Send the fixed logo", due=today - timedelta(days=2), on=today - timedelta(days=5))
    now = add_promise(bright, "Call about the brochure", due=today, on=today - timedelta(days=3))
    calm = client("Calm Co", today, country="US")
    delta = client("Delta Inc", today, country="US")
    add_promise(acme, "Quarterly report", due=today + timedelta(days=20), on=today)
    return {"acme": acme, "bright": bright, "calm": calm, "delta": delta, "late": late, "now": now}


def review_json(cli, *args: str) -> dict:
    result = cli(*args, "review", "--json") if args and args[0] == "--today" else cli("review", "--json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_review_json_shape_and_order(week, cli):
    data = review_json(cli)
    assert (data["today"], data["until"]) == ("2026-11-23", "2026-11-30")
    assert set(data) == {"today", "until", "items"}
    assert all(set(item) == SPEC_KEYS for item in data["items"])
    assert [i["due"] for i in data["items"]] == sorted(i["due"] for i in data["items"])
    first = data["items"][0]
    assert first == {
        "id": f"promise-{week['late']}",
        "kind": "promise",
        "due": "2026-11-21",
        "client": "Acme Ltd",
        "client_id": week["acme"],
        "title": "Send the fixed logo",
        "overdue": True,
        "occasion": None,
        "snoozed": False,
    }
    thanksgiving = [i for i in data["items"] if i["kind"] == "greeting"]
    assert {i["occasion"] for i in thanksgiving} == {"Thanksgiving Day"}  # a script can batch a holiday
    assert [(i["client"], i["due"], i["title"]) for i in thanksgiving] == [
        ("Calm Co", "2026-11-26", "Thanksgiving Day"),
        ("Delta Inc", "2026-11-26", "Thanksgiving Day"),
    ]
    assert "Quarterly report" not in [i["title"] for i in data["items"]]
    assert "Quarterly report" in [i["title"] for i in review_json(cli, "--days", "30")["items"]]


def test_review_plain_groups_by_when_and_occasion(week, cli):
    result = cli("review")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "Review for Monday 23 November 2026: 4 due through Mon 30 Nov, 1 overdue"
    headings = [line for line in lines if line and not line.startswith(" ") and "—" in line]
    assert headings == ["OVERDUE — 1", "TODAY — 1", "THIS WEEK — 2"]
    at = lines.index(next(line for line in lines if "Thanksgiving Day — 2 clients" in line))
    assert "Calm Co" in lines[at + 1] and "greeting-" in lines[at + 1]
    assert "Delta Inc" in lines[at + 2]
    overdue = lines[lines.index("OVERDUE — 1") + 1]
    assert "Acme Ltd" in overdue and f"promise-{week['late']}" in overdue


def test_big_occasion_is_a_paragraph_of_names(db, cli, today):
    for n in range(12):
        client(f"US Client {n:02d}", today, country="US")
    out = cli("review").out
    assert "Thanksgiving Day — 12 clients" in out
    assert "US Client 00 (#1), US Client 01 (#2)" in out
    assert "crm done greeting-<#>-20261126" in out


def test_empty_review_says_all_clear(db, cli):
    result = cli("review")
    assert result.code == 0 and "nothing due through Mon 30 Nov" in result.out
    assert review_json(cli)["items"] == []


def test_done_logs_a_touch_and_the_item_never_returns(week, cli):
    item = f"greeting-{week['calm']}-20261126"
    result = cli("done", item, "--note", "Sent a card")
    assert result.code == 0 and "logged a greeting with Calm Co" in result.out
    (touch,) = Touch.select().where(Touch.client == week["calm"])
    assert (touch.kind, touch.note, touch.on) == ("greeting", "Sent a card", date(2026, 11, 23))
    assert item not in [i["id"] for i in review_json(cli)["items"]]
    again = cli("done", item)
    assert again.code == 2 and "already done" in again.err and len(again.err.splitlines()) == 1


def test_done_promise_keeps_it(week, cli):
    assert cli("done", f"promise-{week['now']}").code == 0
    assert Promise.get_by_id(week["now"]).status == "kept"


def test_unknown_or_not_due_item_is_one_line_and_exit_2(week, cli):
    for bad in ("promise-999", "greeting-1-20261124", "nonsense", "winback-1-2026"):
        result = cli("done", bad)
        assert result.code == 2, bad
        assert result.out == "" and len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert "unknown item id" in cli("snooze", "nonsense", "--until", "+3d").err


def test_snooze_moves_the_item_to_its_date_then_it_is_due_then(week, cli):
    item = f"promise-{week['now']}"
    result = cli("snooze", item, "--until", "friday")
    assert result.code == 0 and "snoozed until Fri 27 Nov 2026" in result.out
    assert item not in [i["id"] for i in review_json(cli, "--days", "3")["items"]]
    (moved,) = [i for i in review_json(cli)["items"] if i["id"] == item]  # the week reaches Friday
    assert (moved["due"], moved["snoozed"]) == ("2026-11-27", True)
    later = json.loads(cli("--today", "2026-11-27", "review", "--json").out)["items"]
    (back,) = [i for i in later if i["id"] == item]
    assert (back["due"], back["overdue"]) == ("2026-11-27", False)
    assert cli("snooze", item, "--until", "yesterday").code == 2
    assert cli("snooze", item, "--until", "someday").code == 2


def test_remind_add_prints_the_id_and_shows_in_review(week, cli):
    assert cli("remind", "add", "Acme", "Send the invoice", "--due", "+2d").out.strip() == "1"
    result = cli("remind", "add", "acme ltd", "Monthly report", "--due", "2026-11-30", "--every", "monthly", "--json")
    assert json.loads(result.out) == {"id": 2}
    items = review_json(cli, "--days", "40")["items"]
    custom = [(i["id"], i["title"]) for i in items if i["kind"] == "custom"]
    assert custom == [
        ("custom-1-20261125", "Send the invoice"),
        ("custom-2-20261130", "Monthly report (every month)"),
        ("custom-2-20261230", "Monthly report (every month)"),
    ]
    for bad in (("Acme", "x", "--due", "+1d", "--every", "daily"), ("Nobody", "x", "--due", "+1d"),
                ("Acme", "x", "--due", "2020-01-01"), ("Acme", "x")):
        assert cli("remind", "add", *bad).code == 2, bad


def test_ics_feed_parses_with_stable_uids(week, cli, tmp_path):
    first = cli("ics")
    assert first.code == 0
    cal = Calendar.from_ical(first.out)
    events = cal.walk("VEVENT")
    items = review_json(cli, "--days", "60")["items"]
    assert len(events) == len(items)
    assert sorted(str(e["UID"]) for e in events) == sorted(f"{i['id']}@rapport" for i in items)
    for event in events:
        assert event.get("DTSTAMP") is not None
        assert isinstance(event.decoded("DTSTART"), date)
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(days=1)
    second = Calendar.from_ical(cli("ics").out)
    assert [str(e["UID"]) for e in second.walk("VEVENT")] == [str(e["UID"]) for e in events]
    summaries = {str(e["UID"]): str(e["SUMMARY"]) for e in events}
    assert summaries[f"promise-{week['late']}@rapport"] == "Promise: Acme Ltd — Send the fixed logo"

    # A snooze moves the event: same UID, new date, no second event.
    assert cli("snooze", f"promise-{week['late']}", "--until", "2026-12-02").code == 0
    moved = Calendar.from_ical(cli("ics").out).walk("VEVENT")
    assert sorted(str(e["UID"]) for e in moved) == sorted(str(e["UID"]) for e in events)
    (event,) = [e for e in moved if str(e["UID"]) == f"promise-{week['late']}@rapport"]
    assert event.decoded("DTSTART") == date(2026, 12, 2)

    out = tmp_path / "feed" / "rapport.ics"
    written = cli("ics", "--days", "7", "--out", str(out))
    assert written.code == 0 and "3 events" in written.out
    assert os.stat(out).st_mode & 0o777 == 0o600
    assert len(Calendar.from_ical(out.read_bytes()).walk("VEVENT")) == 3


def test_digest_counts_by_kind_and_names_the_overdue(week, cli):
    result = cli("digest")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "Rapport, Mon 23 Nov 2026: 4 due through Mon 30 Nov, 1 overdue."
    assert lines[1].strip() == "2 greetings, 2 promises"
    assert lines[2].strip() == "Overdue: 1 promise — Acme Ltd"
    assert len(lines) <= 5


def test_digest_when_nothing_is_due(db, cli):
    assert cli("digest").out.strip() == "Rapport, Mon 23 Nov 2026: nothing due through Mon 30 Nov."


def test_user_text_is_shown_literally_and_safely(db, cli, today):
    evil = client("[bold]E[/]\x1b[2JCo", today)
    add_promise(evil, "Fix \x1b]52;c;aGk=\x07 it", due=today, on=today)
    out = cli("review").out
    assert "\x1b" not in out and "[bold]E[/]\\x1b[2JCo" in out
    data = review_json(cli)
    assert data["items"][0]["client"] == "[bold]E[/]\x1b[2JCo"  # JSON stays exact
    assert "\x1b" not in cli("digest").out


def test_bad_days_is_exit_2(db, cli):
    assert cli("review", "--days", "-1").code == 2
    assert cli("review", "--days", "many").code == 2
    assert cli("ics", "--days", "99999").code == 2


# --- several items at once; a review that fits the terminal -------------------------------------


def test_done_several_items_at_once_prints_one_line_each(week, cli):
    greeting, promise = f"greeting-{week['calm']}-20261126", f"promise-{week['late']}"
    result = cli("done", greeting, promise, "--note", "Dealt with on Monday")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        f"done: {greeting} — Thanksgiving Day (Calm Co); logged a greeting with Calm Co",
        f"done: {promise} — Send the fixed logo (Acme Ltd); promise kept",
    ]
    assert Promise.get_by_id(week["late"]).status == "kept"
    (touch,) = Touch.select().where(Touch.client == week["calm"])
    assert touch.note == "Dealt with on Monday"
    left = [i["id"] for i in review_json(cli)["items"]]
    assert greeting not in left and promise not in left


@pytest.mark.parametrize("bad", ["promise-999", "nonsense", "already-done", "twice"])
def test_done_refuses_the_whole_batch_when_one_item_is_wrong(week, cli, bad):
    good = [f"greeting-{week['calm']}-20261126", f"promise-{week['now']}"]
    if bad == "already-done":
        assert cli("done", f"promise-{week['late']}").code == 0
        bad = f"promise-{week['late']}"
    elif bad == "twice":
        bad = good[0]
    before = (Touch.select().count(), [p.status for p in Promise.select().order_by(Promise.id)])
    result = cli("done", *good, bad, "--note", "batch")
    assert result.code == 2 and result.out == ""
    (line,) = result.err.strip().splitlines()
    assert "nothing was marked done" in line and "Traceback" not in line
    assert bad.split("-")[0] in line
    assert (Touch.select().count(), [p.status for p in Promise.select().order_by(Promise.id)]) == before
    assert set(good) <= {i["id"] for i in review_json(cli)["items"]}


def test_done_needs_an_item(db, cli):
    result = cli("done")
    assert result.code == 2 and "ITEM" in result.err


def _crowded(today) -> None:
    """Long names and titles, a long occasion, wide (CJK) and Cyrillic names."""
    names = ["Hollis & Reed Architects and Partners", "Уральский мастер-ремонт и партнёры",
             "東京デザイン事務所株式会社", "Al"]
    for name in names:
        acme = client(name, today)
        add_promise(acme, "Prepare the trade fair materials for the spring show in Frankfurt",
                    due=today + timedelta(days=1), on=today)
    for n in range(3):
        client(f"US Client {n}", today, country="US")


@pytest.mark.parametrize("width", [80, 60, 100])
def test_plain_review_fits_the_terminal_and_every_cut_ends_in_an_ellipsis(db, cli, today, monkeypatch, width):
    from crm.text import cells

    _crowded(today)
    monkeypatch.setenv("COLUMNS", str(width))
    out = cli("review").out
    lines = out.splitlines()
    assert max(cells(line) for line in lines) <= width, out
    promise_lines = [line for line in lines if "promise-" in line]
    assert len(promise_lines) == 4
    for line in promise_lines:  # the title is cut, with "…", and the id is whole
        assert line.endswith("…") and "Prepare" in line
        assert any(f"promise-{n}" in line.split() for n in range(1, 5))
    long_client = next(line for line in promise_lines if "Hollis" in line)
    if width < 100:
        assert "Hollis &" in long_client and "…" in long_client.split("Prepare")[0]
    assert "Thanksgiving Day — 3 clients" in out
    assert any(line.startswith("crm done ITEM [ITEM ...]") for line in lines)


def test_plain_review_at_80_columns_keeps_short_values_whole(week, cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = cli("review").out
    assert "…" not in out
    assert "Send the fixed logo" in out and "Acme Ltd" in out


def test_the_plain_review_and_digest_write_dates_in_the_readers_language(week, cli):
    review = cli("--lang", "ru", "review")
    assert review.code == 0 and review.out.startswith("Обзор на понедельник, 23 ноября 2026")
    assert "сб, 21 нояб." in review.out  # the overdue promise's date column
    # Russian days are wider than English ones ("чт, 26 нояб."): the ids still line up after them
    starts = {re.search(r"\b[a-z_]+-\d", line).start() for line in review.out.splitlines()
              if re.match(r"  \S", line) and re.search(r"\b[a-z_]+-\d", line)}
    assert len(starts) == 1, review.out
    assert "\n  активный с " in cli("--lang", "ru", "client", "show", str(week["calm"])).out  # not "active"
    assert "lun., 23 nov. 2026" in cli("--lang", "ro", "digest").out


def test_review_json_is_what_the_general_encoder_writes_byte_for_byte(week, cli, today):
    """`crm review --json` writes its items by hand (crm.cli.review.review_json): the text must be
    json.dumps's, indent 2 and UTF-8 as is, for quotes, control characters, a snooze and no items."""
    from crm.review import snooze

    evil = client('Ünïcode "quoted" \\ \x1b\t Co', today)
    add_promise(evil, "Line one\nline two \u2028 «ok»", due=today, on=today)
    snooze(f"promise-{week['now']}", today + timedelta(days=3), today)
    for args in (("--days", "30"), ("--days", "0"), ("--today", "2020-01-01")):
        result = cli(*args, "review", "--json") if args[0] == "--today" else cli("review", "--json", *args)
        assert result.code == 0, result.err
        data = json.loads(result.out)
        assert result.out == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert json.loads(cli("--today", "2020-01-01", "review", "--json").out)["items"] == []
    assert any(i["snoozed"] for i in review_json(cli, "--days", "30")["items"])
