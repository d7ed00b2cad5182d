"""Rapport: a terminal CRM for small agencies. The core of this package never imports Textual."""

import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging

__version__ = "0.1.0"

# Modules peewee imports at its own import for what a command seldom needs (UUID and IP address
# fields, timestamps, index names): peewee is handed a stand-in for each, which imports the module
# when peewee first uses it. A review never does; this spares every command a few milliseconds.
_LATER = ("uuid", "socket", "hashlib", "calendar")


class _Later(types.ModuleType):
    """A module imported on its first use through this object (peewee's global names only)."""

    def __getattr__(self, attr: str) -> object:
        import importlib

        return getattr(importlib.import_module(self.__name__), attr)


class _Logger:
    """peewee's logger, which it asks before each query whether debug is on: it cannot be while
    nobody has imported `logging`, so `logging` (and its imports) load only once someone has."""

    def isEnabledFor(self, level: int) -> bool:  # logging's names
        return "logging" in sys.modules and _peewee_logger().isEnabledFor(level)

    def addHandler(self, handler: object) -> None:
        if not isinstance(handler, _NullHandler):
            _peewee_logger().addHandler(handler)  # type: ignore[arg-type]

    def __getattr__(self, attr: str) -> object:
        return getattr(_peewee_logger(), attr)


class _NullHandler:
    pass


_found: "list[logging.Logger]" = []  # the real logger, once looked up (peewee asks before every query)


def _peewee_logger() -> "logging.Logger":
    """The real `peewee` logger, given the NullHandler peewee gives it."""
    if not _found:
        import logging

        logger = logging.getLogger("peewee")
        if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
            logger.addHandler(logging.NullHandler())
        _found.append(logger)
    return _found[0]


def _peewee_without_drivers() -> None:
    """Import peewee before anything else does, with the PostgreSQL drivers hidden from it: peewee
    imports any it finds at its own import (tens of milliseconds on every start), and an SQLite
    session never needs one. crm.postgres loads psycopg itself when a URL asks for a server.
    The modules of _LATER and `logging` are stood in for while peewee imports (see _Later and
    _Logger); nothing but peewee ever sees a stand-in."""
    if "peewee" in sys.modules:
        return
    hidden = [name for name in ("psycopg", "psycopg2") if name not in sys.modules]
    sys.modules.update(dict.fromkeys(hidden))  # type: ignore[arg-type]  # None: `import psycopg` fails
    stand_ins: dict[str, types.ModuleType] = {name: _Later(name) for name in _LATER if name not in sys.modules}
    if "logging" not in sys.modules:
        stand_in = stand_ins["logging"] = types.ModuleType("logging")
        stand_in.getLogger = lambda name=None: _Logger()  # type: ignore[attr-defined]
        stand_in.NullHandler = _NullHandler  # type: ignore[attr-defined]
        stand_in.DEBUG = 10  # type: ignore[attr-defined]
    sys.modules.update(stand_ins)
    try:
        import peewee  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


_peewee_without_drivers()
