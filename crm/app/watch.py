"""Noticing other sessions' writes, on a connection owned by one thread.

An SQLite file: `PRAGMA data_version`, read every few seconds. It only compares commits seen by
one connection, so that connection lives as long as the app.
A PostgreSQL server: every table's statement trigger sends `NOTIFY rapport` with the schema's name
(crm.postgres); the watch LISTENs on a connection of its own and waits for notices naming its
schema (the URL's search_path), so a write is seen as soon as it is committed.

Either connection is opened, read and closed on one dedicated thread and never touched by any
other: closing a sqlite3 connection on one thread while another thread runs a statement on it
crashed the interpreter ("Fatal Python error: Segmentation fault").
"""

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crm.location import Location, on_server

# How long the PostgreSQL watch waits for notices at a time: the longest a stop or poke waits.
_SLICE_S = 0.2


class ChangeWatch:
    """A daemon thread that reads `PRAGMA data_version` every `interval` seconds (or when poked).

    `on_change()` is called on the watch thread when the version moved since the previous read;
    it must be thread-safe and must not block on the UI thread (e.g. `App.post_message`).
    """

    def __init__(self, db_path: Location, interval: float, on_change: Callable[[], None], *,
                 read_only: bool = False) -> None:
        self._server = on_server(db_path)
        self._db_path = db_path if self._server else Path(db_path)
        self._mode = "ro" if read_only else "rw"
        self._interval = interval
        self._on_change = on_change
        self._wake = threading.Event()
        self._stop = threading.Event()
        # Set once the first version is read: writes after that are noticed.
        self.ready = threading.Event()
        self._thread = threading.Thread(target=self._listen if self._server else self._run,
                                        name="rapport-data-version", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def poll_now(self) -> None:
        """Read the version again as soon as possible (a read is sure to start after this call)."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to close its connection and end; wait for it up to `timeout` seconds.

        The connection is closed by the watch thread itself, so a timeout is harmless: the thread
        (a daemon) still closes it when its current read returns.
        """
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _open(self) -> sqlite3.Connection:
        # mode=rw: never create an empty database where the real one vanished (ro: one we may only read).
        assert isinstance(self._db_path, Path)
        return sqlite3.connect(f"{self._db_path.resolve().as_uri()}?mode={self._mode}", uri=True, timeout=1)

    def _run(self) -> None:
        connection: sqlite3.Connection | None = None
        seen: int | None = None
        try:
            while not self._stop.is_set():
                try:
                    if connection is None:
                        connection = self._open()
                    (version,) = connection.execute("PRAGMA data_version").fetchone()
                except sqlite3.Error:
                    pass  # a busy or vanished file: try again at the next tick
                else:
                    if seen is not None and version != seen and not self._stop.is_set():
                        try:
                            self._on_change()
                        except RuntimeError:
                            pass  # the app's event loop is already closed: nobody to tell
                    seen = version
                    self.ready.set()
                self._wake.wait(self._interval)
                self._wake.clear()  # a poke from here on is followed by a fresh read
        finally:
            if connection is not None:
                connection.close()

    def _tell(self) -> None:
        if self._stop.is_set():
            return
        try:
            self._on_change()
        except RuntimeError:
            pass  # the app's event loop is already closed: nobody to tell

    def _listen(self) -> None:
        """The PostgreSQL watch: LISTEN, then wait for notices naming our schema. A lost connection
        is opened again at the next tick; what was written meanwhile is told as one change."""
        import select

        import psycopg2

        from crm.postgres import CONNECT_TIMEOUT_S, NOTIFY_CHANNEL

        connection: Any = None
        schema = ""
        lost = False

        def heard() -> bool:
            """Whether a notice received so far names our schema (all of them are taken)."""
            notices = list(connection.notifies)
            del connection.notifies[:]
            return any(notice.payload == schema for notice in notices)

        try:
            while not self._stop.is_set():
                try:
                    if connection is None:
                        connection = psycopg2.connect(str(self._db_path), connect_timeout=CONNECT_TIMEOUT_S,
                                                      application_name="rapport-watch")
                        connection.set_session(autocommit=True)
                        cursor = connection.cursor()
                        cursor.execute("SELECT current_schema()")
                        (schema,) = cursor.fetchone()
                        cursor.execute(f'LISTEN "{NOTIFY_CHANNEL}"')
                        if lost:
                            self._tell()  # writes while we were away went unheard
                        self.ready.set()
                    waited = 0.0
                    changed = False
                    while waited < self._interval and not self._wake.is_set() and not self._stop.is_set():
                        step = min(_SLICE_S, self._interval - waited)
                        if select.select([connection], [], [], step)[0]:
                            connection.poll()
                        changed = heard()
                        waited += step
                        if changed:
                            break  # tell now
                    if self._wake.is_set():
                        cursor.execute("SELECT 1")  # a round trip: notices sent before the poke are in
                        connection.poll()
                        changed = heard() or changed
                    if changed:
                        self._tell()
                except (psycopg2.Error, OSError):
                    if connection is not None:
                        connection.close()
                        connection = None
                        lost = self.ready.is_set()
                    self._wake.wait(self._interval)  # an unreachable server: try again at the next tick
                self._wake.clear()
        finally:
            if connection is not None:
                connection.close()
