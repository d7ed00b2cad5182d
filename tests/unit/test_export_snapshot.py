"""An export is one snapshot (issue 15, point 1): taken while others write, every export still
holds each client its other rows point at, so each one imports into a fresh database."""

import threading

from crm import clients, incidents, promises
from crm.exchange import export_json, import_file
from crm.models import database

EXPORTS = 20


def _write_until(stop: threading.Event, worker: int, today, written: list[int]) -> None:
    """One session adding a client and then its touch, incident and promise, each its own change:
    between two of them the client exists while its rows do not yet, and the other way round for a
    reader that reads the client table first and the others later."""
    with database.connection_context():
        n = 0
        while not stop.is_set():
            n += 1
            client = clients.add_client(clients.ClientFields(name=f"Writer {worker} client {n}"), today=today)
            clients.log_touch(client, kind="call", on=today, note=str(n))
            incident = incidents.open_incident(client, "Late", on=today)
            promises.add_promise(client, "Fix it", due=today, on=today, incident_id=incident)
        written.append(n)


def test_exports_taken_while_others_write_all_import(db, db_path, tmp_path, today, cli):
    book = tmp_path / "book.csv"  # enough rows that an export takes a while to read
    book.write_text("name\n" + "".join(f"Client {n}\n" for n in range(600)), encoding="utf-8")
    import_file(book, today=today)
    stop, written = threading.Event(), []
    writers = [threading.Thread(target=_write_until, args=(stop, w, today, written)) for w in range(2)]
    for writer in writers:
        writer.start()
    try:
        exports = [export_json() for _ in range(EXPORTS)]
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    assert exports[0] != exports[-1], "the writers wrote while the exports were taken"
    db.close()

    refused = []
    for number, text in enumerate(exports):
        source = tmp_path / f"export-{number}.json"
        source.write_text(text, encoding="utf-8")
        result = cli("--db", str(tmp_path / f"fresh-{number}.db"), "import", str(source))
        if result.code != 0:
            refused.append(result.err.splitlines()[1:2])
    assert not refused, f"{len(refused)} of {EXPORTS} exports could not be imported: {refused[:3]}"
