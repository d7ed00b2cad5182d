"""What every import shares: reading the file and the report of what would be imported and what
was rejected.

A file is read once, whole, with a byte cap: a pipe or a device (`/dev/zero`) has no size to check
beforehand and cannot be read a second time.
"""

import codecs
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from crm.errors import UserError
from crm.i18n import _
from crm.text import safe_line, shorten

MAX_BYTES = 50 * 1024 * 1024
MAX_LISTED = 20  # rejected rows named in an error; the dry run lists them all
_READ = 1024 * 1024


class ImportRejected(UserError):
    """Some rows are invalid, so nothing was imported; the message lists them."""

    def __init__(self, report: "ImportReport") -> None:
        self.report = report
        shown = report.rejected[:MAX_LISTED]
        lines = [f"{safe_line(report.source)}: {len(report.rejected)} invalid row(s); nothing was imported"]
        lines += [f"  {r}" for r in shown]
        if len(report.rejected) > MAX_LISTED:
            lines.append(f"  … and {len(report.rejected) - MAX_LISTED} more (see --dry-run)")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Rejected:
    where: str  # "line 12" for CSV and vCard, "touch #3" for our JSON
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {safe_line(shorten(self.reason, 300))}"


@dataclass
class ImportReport:
    source: str
    kind: str  # json, csv or vcard
    counts: dict[str, int] = field(default_factory=dict)  # rows per table, imported or importable
    rejected: list[Rejected] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # CSV columns dropped on purpose (an id column)
    notes_from: list[str] = field(default_factory=list)  # CSV columns kept in the clients' notes
    written: bool = False

    def summary(self) -> str:
        parts = ", ".join(f"{table}: {n}" for table, n in self.counts.items() if n) or "nothing"
        return f"{'imported' if self.written else 'would import'} {parts} from {safe_line(self.source)}"


def _too_big(path: Path, size: int | None) -> UserError:
    limit = MAX_BYTES // 1024 // 1024
    if size is None:  # a pipe or a device: all we know is that it goes on past the cap
        return UserError(_("{path} holds more than {limit} MB; imports are limited to {limit} MB "
                           "(split the file)").format(path=safe_line(path), limit=limit))
    return UserError(_("{path} is {size:.1f} MB; imports are limited to {limit} MB (split the file)").format(
        path=safe_line(path), size=size / 1024 / 1024, limit=limit))


def _read_capped(path: Path) -> bytes:
    """The file's bytes, refused past MAX_BYTES: a regular file by its size before reading it,
    anything else (a pipe, a device) by reading no more than one byte past the cap."""
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        raise UserError(_("no such file: {path}").format(path=safe_line(path))) from None
    except IsADirectoryError:
        raise UserError(_("{path} is a directory, not a file to import").format(path=safe_line(path))) from None
    except OSError as exc:
        raise UserError(_("cannot read {path}: {reason}").format(path=safe_line(path), reason=exc.strerror)) from None
    with handle:
        info = os.fstat(handle.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise UserError(_("{path} is a directory, not a file to import").format(path=safe_line(path)))
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_BYTES:
            raise _too_big(path, info.st_size)
        chunks, total = [], 0
        try:
            while total <= MAX_BYTES and (chunk := handle.read(min(_READ, MAX_BYTES + 1 - total))):
                chunks.append(chunk)
                total += len(chunk)
        except OSError as exc:
            raise UserError(_("cannot read {path}: {reason}").format(path=safe_line(path), reason=exc.strerror)) from None
    if total > MAX_BYTES:
        raise _too_big(path, None if not stat.S_ISREG(info.st_mode) else total)
    return b"".join(chunks)


def read_source(path: Path) -> str:
    """The whole file as text: UTF-8 (a leading BOM dropped), at most MAX_BYTES; UserError naming
    the line and byte of the first thing that is not UTF-8."""
    data = _read_capped(path)
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        at = start + exc.start
        line_start = data.rfind(b"\n", 0, at) + 1
        raise UserError(_("{path} is not UTF-8 text: line {line}, byte {column} (0x{byte:02x}); save it as UTF-8 "
                          "and import again").format(path=safe_line(path), line=data.count(b"\n", 0, at) + 1,
                                                     column=at - line_start + 1, byte=data[at])) from None


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
