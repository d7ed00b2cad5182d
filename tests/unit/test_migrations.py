"""Every earlier schema version opens with the current code: migrated to LATEST, nothing lost."""

import json
import sqlite3
from pathlib import Path

import pytest

from crm.db import open_database
from crm.dialect import postgres
from crm.migrations import LATEST
from crm.models import MODELS
from crm.summary import client_detail, summaries
from tests.old_schemas import build

VERSIONS = range(1, LATEST + 1)


def _contents(path: Path) -> dict[str, list[dict]]:
    """Every row of every table, as column → value, in primary key order."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: [dict(r) for r in conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid')] for t in tables}
    finally:
        conn.close()


@pytest.mark.parametrize("version", VERSIONS)
def test_old_database_opens_at_latest_with_every_row_kept(version, tmp_path):
    path = tmp_path / "old.db"
    build(version, path)
    before = _contents(path)
    assert max(r["version"] for r in before["schema_version"]) == version

    db = open_database(path)
    try:
        clients = summaries()
        details = [client_detail(c["id"]) for c in clients]
    finally:
        db.close()
    after = _contents(path)

    assert [r["version"] for r in after["schema_version"]] == list(VERSIONS)
    for table, rows in before.items():
        if table == "schema_version":
            continue
        assert len(after[table]) == len(rows), table
        for old, new in zip(rows, after[table], strict=True):
            assert {k: new[k] for k in old} == old, table  # old columns keep their values
    assert sorted(c["name"] for c in clients) == sorted(r["name"] for r in before["client"])
    assert all(d["timeline"] for d in details)  # the models read every migrated client in full
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    if version < LATEST:  # a migration keeps a copy of the file as it was
        assert _contents(path.with_name(f"old.db.v{version}.bak")) == before


def test_models_match_the_migrated_schema(db):
    for model in MODELS:
        table = model._meta.table_name
        if postgres():
            columns = [name for (name,) in db.execute_sql(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = ? ORDER BY ordinal_position", (table,))]
        else:
            columns = [r[1] for r in db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()]
        assert columns == [f.column_name for f in model._meta.sorted_fields], model.__name__


def test_the_steam_an_earlier_release_stored_is_thrown_away(tmp_path):
    path = tmp_path / "old.db"
    build(2, path)
    steam = "they are impossible, I could scream"
    state = json.dumps({"step": "words", "steam": steam, "words": "You promised Friday"})
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE incident SET wizard = ? WHERE id = 2", (state,))
        conn.execute("INSERT INTO setting (key, value) VALUES ('wizard.client.3', ?)", (state,))
        conn.execute("INSERT INTO change_log (id, at, author, what, params) VALUES (1, '2026-01-15', 'ana', 'x', '{}')")
        image = json.dumps({"id": 2, "wizard": state})
        conn.execute("INSERT INTO change_row (change_id, tbl, pk, old, new) VALUES (1, 'incident', '2', ?, ?)",
                     (image, image))
    conn.close()

    open_database(path).close()

    assert steam not in path.read_bytes().decode("utf-8", "replace")
    conn = sqlite3.connect(path)
    (wizard,) = conn.execute("SELECT wizard FROM incident WHERE id = 2").fetchone()
    (draft,) = conn.execute("SELECT value FROM setting WHERE key = 'wizard.client.3'").fetchone()
    (old,) = conn.execute("SELECT old FROM change_row").fetchone()
    conn.close()
    for kept in (json.loads(wizard), json.loads(draft), json.loads(json.loads(old)["wizard"])):
        assert kept == {"step": "words", "words": "You promised Friday"}
