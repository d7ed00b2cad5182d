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
    # lower(name) then id, as before: SQLite's lower() folds ASCII only, so "É" (U+00C9) and "á"
    # (U+00E1) sort after z, by their codes.
    assert [c["name"] for c in listed] == ["1984", "Alpha", "alpha", "beta", "Beta", "Gamma", "zeta", "Éclair",
                                           "ángel"]
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
