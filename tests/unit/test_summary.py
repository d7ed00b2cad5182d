"""Client summaries: `crm client list --json` streams the very objects `crm client show --json`
prints (without the timeline), in name order across its chunks, and one client's counts are its own."""

import json

import pytest

import crm.summary


@pytest.fixture
def book(cli):
    names = ["beta", "Alpha", "alpha", "Éclair", "zeta", "Beta", "ángel", "1984"]
    for name in names:
        assert cli("client", "add", name, "--country", "DE").code == 0
    assert cli("client", "add", "Gamma", "--status", "prospect").code == 0
    assert cli("touch", "#1", "--kind", "call", "--on", "2026-11-20").code == 0
    assert cli("touch", "#1", "--on", "2026-10-01").code == 0
    assert cli("incident", "open", "#5", "Late delivery", "--severity", "high").code == 0
    assert cli("promise", "add", "#5", "Send it", "--due", "2026-11-30").code == 0
    assert cli("promise", "add", "#5", "Call back", "--due", "2026-11-24").code == 0
    assert cli("promise", "done", "2", "--on", "2026-11-23").code == 0
    return cli


def _shown(cli, client_id: int) -> dict:
    detail = json.loads(cli("client", "show", str(client_id), "--json").out)
    del detail["timeline"]
    return detail


def test_the_list_streams_show_objects_in_name_order_across_chunks(book, monkeypatch):
    monkeypatch.setattr(crm.summary, "CHUNK", 2)  # several chunks, one of them short
    listed = json.loads(book("client", "list", "--json").out)
    # crm.text.sort_key's order: letters first, accents and case ignored ("ángel" among the a,
    # "Éclair" among the e), then the name as written (capitals first), then the id.
    assert [c["name"] for c in listed] == ["1984", "Alpha", "alpha", "ángel", "Beta", "beta", "Éclair", "Gamma",
                                           "zeta"]
    assert listed == [_shown(book, c["id"]) for c in listed]
    zeta = next(c for c in listed if c["name"] == "zeta")
    assert (zeta["open_incidents"], zeta["open_promises"]) == (1, 1)
    assert zeta["promises"] == {"kept_on_time": 1, "kept_late": 0, "broken": 0, "open": 1}
    assert next(c for c in listed if c["name"] == "beta")["last_touch"] == "2026-11-20"
    others = [c for c in listed if c["name"] not in ("zeta", "beta")]
    assert {(c["last_touch"], c["open_incidents"], c["open_promises"]) for c in others} == {(None, 0, 0)}


def test_the_list_by_status(book):
    listed = json.loads(book("client", "list", "--status", "prospect", "--json").out)
    assert [c["name"] for c in listed] == ["Gamma"]
    assert json.loads(book("client", "list", "--status", "parted", "--json").out) == []


def test_the_first_screenful_is_the_start_of_the_whole_list(db, today):
    """The Clients screen shows its first rows before the rest has loaded: both in the one
    alphabetical order (crm.text.sort_key), Cyrillic and accented names among their letters."""
    from crm.clients import ClientFields, add_client
    from crm.roster import client_rows
    from crm.text import sort_key

    names = ["Яков", "анна", "Ştefan", "Борис", "stefan", "Zoe", "ёлка", "Елена", "Ana", "Șerban", "boris"]
    for name in names:
        add_client(ClientFields(name=name), today=today)
    whole = [row.name for row in client_rows(today)]
    assert whole == sorted(names, key=sort_key)
    assert whole[:6] == ["Ana", "boris", "Șerban", "stefan", "Ştefan", "Zoe"]  # Ș and Ş among the S
    for limit in (1, 5, len(names)):
        assert [row.name for row in client_rows(today, limit=limit)] == whole[:limit]
    assert [s["name"] for s in crm.summary.iter_summaries(limit=3)] == whole[:3]
    assert [s["name"] for s in crm.summary.summaries(client_ids=[1, 2, 4])] == ["анна", "Борис", "Яков"]
