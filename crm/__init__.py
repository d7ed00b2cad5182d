"""Rapport: a terminal CRM for small agencies. The core of this package never imports Textual."""

import sys

__version__ = "0.1.0"


def _peewee_without_drivers() -> None:
    """Import peewee before anything else does, with the PostgreSQL drivers hidden from it: peewee
    imports any it finds at its own import (tens of milliseconds on every start), and an SQLite
    session never needs one. crm.postgres loads psycopg itself when a URL asks for a server."""
    if "peewee" in sys.modules:
        return
    hidden = [name for name in ("psycopg", "psycopg2") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # None: `import psycopg` raises ImportError
    try:
        import peewee  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]


_peewee_without_drivers()
