"""Noticing other sessions' writes: `PRAGMA data_version` on a connection owned by one thread.

`data_version` only compares commits seen by one connection, so that connection lives as long as
the app. It is opened, read and closed on one dedicated thread and never touched by any other:
closing a sqlite3 connection on one thread while another thread runs a statement on it crashed
the interpreter ("Fatal Python error: Segmentation fault").
"""

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path


class ChangeWatch:
    """A daemon thread that reads `PRAGMA data_version` every `interval` seconds (or when poked).

    `on_change()` is called on the watch thread when the version moved since the previous read;
    it must be thread-safe and must not block on the UI thread (e.g. `App.post_message`).
    """

    def __init__(self, db_path: Path, interval: float, on_change: Callable[[], None], *,
                 read_only: bool = False) -> None:
        self._db_path = Path(db_path)
        self._mode = "ro" if read_only else "rw"
        self._interval = interval
        self._on_change = on_change
        self._wake = threading.Event()
        self._stop = threading.Event()
        # Set once the first version is read: writes after that are noticed.
        self.ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rapport-data-version", daemon=True)

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
