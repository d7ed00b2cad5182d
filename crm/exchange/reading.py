"""What every import shares: reading the file and the report of what would be imported and what
was rejected.

A file is read once, whole, with a byte cap: a pipe or a device (`/dev/zero`) has no size to check
beforehand and cannot be read a second time.
"""

import io
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from crm.errors import UserError
from crm.exchange.decoding import Decoded, decode
from crm.i18n import N_plural, _, ngettext
from crm.text import safe_line, shorten

MAX_BYTES = 50 * 1024 * 1024
MAX_LISTED = 20  # rejected rows named in an error; the dry run lists them all
_READ = 1024 * 1024
STDIN = "-"  # the path that reads standard input


class ImportRejected(UserError):
    """Some records are invalid, so nothing was imported; the message lists them."""

    def __init__(self, report: "ImportReport") -> None:
        self.report = report
        count = len(report.rejected)
        lines = [ngettext("{path}: {count} invalid record; nothing was imported",
                          "{path}: {count} invalid records; nothing was imported", count).format(
            path=safe_line(report.source), count=count)]
        lines += [f"  {r}" for r in report.rejected[:MAX_LISTED]]
        if count > MAX_LISTED:
            lines.append("  " + _("… and {count} more (see --dry-run)").format(count=count - MAX_LISTED))
        if report.kind != "json":
            lines.append("  " + _("(--skip-invalid imports the others)"))
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Rejected:
    where: str  # "line 12" for CSV and vCard, "touch #3" for our JSON
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {safe_line(shorten(self.reason, 300))}"


# How the summary counts the rows of a people import's tables; our JSON's tables go by their names.
_COUNTED = {
    "clients": N_plural("{count} client", "{count} clients"),
    "contacts": N_plural("{count} contact", "{count} contacts"),
    "emails": N_plural("{count} more e-mail address", "{count} more e-mail addresses"),
    "phones": N_plural("{count} more phone number", "{count} more phone numbers"),
}


@dataclass
class ImportReport:
    source: str
    kind: str  # json, csv or vcard
    encoding: str = "utf-8"  # as people know it (windows-1251)
    day_first: bool = True  # how the file writes 03/04/1980 (CSV: from its dates or its locale)
    counts: dict[str, int] = field(default_factory=dict)  # rows per table, imported or importable
    rejected: list[Rejected] = field(default_factory=list)  # invalid records (skipped with --skip-invalid)
    skip_invalid: bool = False
    ignored: list[str] = field(default_factory=list)  # CSV columns dropped on purpose (an id column)
    notes_from: list[str] = field(default_factory=list)  # CSV columns kept in the clients' notes
    not_kept: list[str] = field(default_factory=list)  # vCard properties with no home ("PHOTO ×3")
    moved: list[Rejected] = field(default_factory=list)  # values kept in the notes, not their field
    people: list[str] = field(default_factory=list)  # where each person goes: "line 3: Anna → contact of Acme"
    written: bool = False

    def summary(self) -> str:
        parts = ", ".join(
            ngettext(*_COUNTED[table], n).format(count=n) if table in _COUNTED else f"{table}: {n}"
            for table, n in self.counts.items() if n) or _("nothing")
        template = _("imported {what} from {path}") if self.written else _("would import {what} from {path}")
        return template.format(what=parts, path=safe_line(self.source))


def _too_big(path: Path, size: int | None) -> UserError:
    limit = MAX_BYTES // 1024 // 1024
    if size is None:  # a pipe or a device: all we know is that it goes on past the cap
        return UserError(_("{path} holds more than {limit} MB; imports are limited to {limit} MB "
                           "(split the file)").format(path=safe_line(path), limit=limit))
    return UserError(_("{path} is {size:.1f} MB; imports are limited to {limit} MB (split the file)").format(
        path=safe_line(path), size=size / 1024 / 1024, limit=limit))


def _read_handle(handle: BinaryIO, path: Path) -> bytes:
    """What `handle` holds, refused past MAX_BYTES: a regular file by its size before reading it,
    anything else (a pipe, a device) by reading no more than one byte past the cap."""
    try:
        mode: int | None = os.fstat(handle.fileno()).st_mode
    except (OSError, ValueError, io.UnsupportedOperation):  # a stream with no file beneath (tests' stdin)
        mode = None
    regular = mode is not None and stat.S_ISREG(mode)
    if mode is not None and stat.S_ISDIR(mode):
        raise UserError(_("{path} is a directory, not a file to import").format(path=safe_line(path)))
    if regular and os.fstat(handle.fileno()).st_size > MAX_BYTES:
        raise _too_big(path, os.fstat(handle.fileno()).st_size)
    chunks, total = [], 0
    try:
        while total <= MAX_BYTES and (chunk := handle.read(min(_READ, MAX_BYTES + 1 - total))):
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise UserError(_("cannot read {path}: {reason}").format(path=safe_line(path),
                                                                reason=exc.strerror)) from None
    if total > MAX_BYTES:
        raise _too_big(path, total if regular else None)
    return b"".join(chunks)


def _read_capped(path: Path) -> bytes:
    """The file's bytes, at most MAX_BYTES (`_read_handle`)."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 (`with handle` below; opened apart so each failure has its message)
    except FileNotFoundError:
        raise UserError(_("no such file: {path}").format(path=safe_line(path))) from None
    except IsADirectoryError:
        raise UserError(_("{path} is a directory, not a file to import").format(path=safe_line(path))) from None
    except OSError as exc:
        raise UserError(_("cannot read {path}: {reason}").format(path=safe_line(path), reason=exc.strerror)) from None
    with handle:
        return _read_handle(handle, path)


def is_stdin(path: Path | str) -> bool:
    """Whether `path` is `-`: standard input, as in `crm export | crm --db … import -`."""
    return str(path) == STDIN


def read_source(path: Path, encoding: str | None = None, shown: Path | None = None) -> Decoded:
    """The whole file (standard input for `-`) as text, at most MAX_BYTES, in the encoding given
    or found (`decoding`); `shown` is how messages name it."""
    shown = shown or path
    data = _read_handle(sys.stdin.buffer, shown) if is_stdin(path) else _read_capped(path)
    return decode(data, shown, encoding)


def detect_kind(path: Path, text: str) -> str:
    """json, csv or vcard: by the file's extension, else by its first line."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".vcf", ".vcard"):
        return "vcard"
    if suffix in (".csv", ".tsv"):
        return "csv"
    first = text[:1000].lstrip().partition("\n")[0].strip()
    if first.startswith("{"):
        return "json"
    if first.upper().startswith("BEGIN:VCARD"):
        return "vcard"
    return "csv"
