"""Where the database is: an SQLite file (a path) or a PostgreSQL server (a URL)."""

from pathlib import Path
from urllib.parse import urlsplit


class ServerURL(str):
    """A PostgreSQL server's URL, as --db or $CRM_DB gave it (crm.postgres)."""


Location = Path | ServerURL


def is_url(text: str) -> bool:
    """Whether `--db`/$CRM_DB names a PostgreSQL server rather than an SQLite file."""
    return text.startswith(("postgresql://", "postgres://"))


def parse(text: str) -> Location:
    """--db or $CRM_DB as typed: a `postgresql://` URL, or an SQLite file given as a path or as
    `sqlite:///relative/file.db` / `sqlite:////absolute/file.db` (peewee's db_url spelling)."""
    if is_url(text):
        return ServerURL(text)
    return Path(text.removeprefix("sqlite:///") if text.startswith("sqlite:///") else text).expanduser()


def on_server(location: Location) -> bool:
    """Whether `location` is a PostgreSQL server rather than an SQLite file."""
    return isinstance(location, ServerURL)


def shown(location: Location | str) -> str:
    """The location as shown to people: a URL without its password."""
    if not isinstance(location, str) or not is_url(location):
        return str(location)
    parts = urlsplit(location)
    if parts.password is None:
        return location
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()
