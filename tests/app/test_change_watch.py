"""The change watch: one thread owns its connection, notices others' commits, ends with the app.
On an SQLite file it reads PRAGMA data_version; on PostgreSQL (CRM_TEST_DATABASE_URL) it LISTENs.

Its predecessor shared the connection between a thread worker and `on_unmount`, which closed it
while a poll could still run on it: "Fatal Python error: Segmentation fault" once in two runs.
"""

import threading
import time

import pytest

from crm.app.watch import ChangeWatch
from crm.clients import ClientFields, add_client
from tests import postgres

from .support import settle, start_app, until, watching


def _wait(condition, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.01)


def test_a_commit_elsewhere_is_noticed_once_and_stop_ends_the_thread(db, db_path, today):
    changes = []
    watch = ChangeWatch(db_path, interval=60, on_change=lambda: changes.append(threading.current_thread().name))
    watch.start()
    _wait(watch.ready.is_set, "the first read")
    add_client(ClientFields(name="Acme"), today=today)  # this thread's connection: another one for the watch
    watch.poll_now()
    _wait(lambda: changes, "the change to be noticed")
    watch.poll_now()  # nothing new since: no second call
    watch.stop()
    assert not watch._thread.is_alive()
    assert changes == ["rapport-data-version"]


def test_stopping_while_polls_are_asked_for_never_crashes(db, db_path):
    for _ in range(20):
        watch = ChangeWatch(db_path, interval=0.001, on_change=lambda: None)
        watch.start()
        pokes = threading.Thread(target=lambda w=watch: [w.poll_now() for _ in range(2000)])
        pokes.start()
        watch.stop()
        pokes.join()
        assert not watch._thread.is_alive()


async def test_the_app_notices_writes_and_quitting_ends_its_watch(db, db_path, today):
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await watching(app, pilot)
        await settle(app, pilot)
        generation = app.data_generation
        add_client(ClientFields(name="Acme"), today=today)
        app.poll_changes()
        await until(app, pilot, lambda: app.data_generation > generation, "the write to be noticed")
        thread = app._change_watch._thread
        assert thread.is_alive()
        for _ in range(50):
            app.poll_changes()  # quitting while polls are asked for
    assert not thread.is_alive()  # on_unmount waited for it; it closed its own connection


@pytest.mark.skipif(not postgres.URL, reason="needs CRM_TEST_DATABASE_URL")
def test_on_postgres_only_our_schemas_notices_count(db, db_path):
    """Other schemas of the same database (other agencies, other test workers) notify on the same
    channel: only a notice naming the URL's schema is a change."""
    import psycopg

    changes = []
    watch = ChangeWatch(db_path, interval=60, on_change=lambda: changes.append(1))
    watch.start()
    try:
        _wait(watch.ready.is_set, "the first read")
        (schema,) = db.execute_sql("SELECT current_schema()").fetchone()
        with psycopg.connect(postgres.URL, autocommit=True) as other:
            other.execute("SELECT pg_notify('rapport', 'another_agency')")
            other.execute("SELECT pg_notify('rapport', %s)", (schema,))
        _wait(lambda: changes, "our schema's notice")
        watch.poll_now()  # a round trip on the watch's connection: every notice sent is in
        _wait(lambda: not watch._wake.is_set(), "the poke to be read")
    finally:
        watch.stop()
    assert changes == [1]
