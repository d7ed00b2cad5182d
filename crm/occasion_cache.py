"""A per-user file of the greeting occasions already worked out, so a review needs no `holidays`.

Importing `holidays` and loading its calendars costs a scripted command about 90 ms; the
occasions themselves are a few dozen small rows per country and year. They are kept in
`<user cache dir>/rapport/holidays-<version>.json`, one file per installed `holidays` version
(its calendars change between versions), together with a stamp of how they were derived, so a
file written by other rules is not trusted. The file is only ever a copy: if it is missing,
unreadable, corrupt or stale it is ignored and written afresh; failing to write it costs the next
run time, never a result.
"""

import json
import os
from datetime import date
from functools import cached_property
from pathlib import Path

from crm.userdirs import user_dir

PREFIX, SUFFIX = "holidays-", ".json"

Row = tuple[date, str, str]  # an occasion's first day, English name, name in the client's language


def cache_dir() -> Path:
    """The user's cache directory for Rapport."""
    return user_dir("cache")


def holidays_version() -> str:
    """The installed `holidays` version, read from its dist-info directory's name when that is
    unambiguous: `importlib.metadata` would cost 19 ms to import (and `holidays` itself 25 ms)."""
    from importlib.util import find_spec

    spec = find_spec("holidays")
    if spec is not None and spec.origin:
        site = os.path.dirname(os.path.dirname(spec.origin))
        found = [n for n in os.listdir(site) if n.startswith(PREFIX) and n.endswith(".dist-info")]
        if len(found) == 1:
            return found[0][len(PREFIX) : -len(".dist-info")]
    from importlib.metadata import version

    return version("holidays")


class Store:
    """Occasion rows by key, read from the cache file on first use and written through on `put`."""

    def __init__(self, stamp: str) -> None:
        self.stamp = stamp  # how the rows were derived; a file with another stamp is ignored
        self._rows: dict[str, list[object]] | None = None  # as stored: checked as they are read

    @cached_property
    def path(self) -> Path:
        return cache_dir() / f"{PREFIX}{holidays_version()}{SUFFIX}"

    def _load(self) -> dict[str, list[object]]:
        if self._rows is None:
            self._rows = {}
            try:
                data = json.loads(self.path.read_bytes())
            except (OSError, ValueError):  # missing, unreadable or not JSON (UnicodeDecodeError included)
                return self._rows
            if isinstance(data, dict) and data.get("stamp") == self.stamp and isinstance(data.get("rows"), dict):
                self._rows = data["rows"]
        return self._rows

    def get(self, key: str) -> list[Row] | None:
        """The rows stored under `key`, or None if there are none or they do not read as rows."""
        stored = self._load().get(key)
        if not isinstance(stored, list):
            return None
        rows = []
        for row in stored:
            if not (isinstance(row, list) and len(row) == 3 and all(isinstance(v, str) for v in row)):
                return None
            try:
                rows.append((date.fromisoformat(row[0]), row[1], row[2]))
            except ValueError:
                return None
        return rows

    def put(self, key: str, rows: list[Row]) -> None:
        """Store `rows` under `key` and write the file (0600, replaced atomically). Other versions'
        files are left alone: two installations may share one cache directory."""
        self._load()[key] = [(day.isoformat(), name, local) for day, name, local in rows]
        from crm.backup import atomic_file
        from crm.errors import UserError

        try:
            with atomic_file(self.path) as handle:
                handle.write(json.dumps({"stamp": self.stamp, "rows": self._rows}, ensure_ascii=False).encode())
        except (OSError, UserError):
            pass  # e.g. a read-only home: the next run works them out again
