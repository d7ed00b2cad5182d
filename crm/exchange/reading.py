"""What every import shares: reading the file (size cap, UTF-8 by line) and the report of what
would be imported and what was rejected."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from crm.errors import UserError
from crm.text import safe_line, shorten

MAX_BYTES = 50 * 1024 * 1024
MAX_LISTED = 20  # rejected rows named in an error; the dry run lists them all


class ImportRejected(UserError):
    """Some rows are invalid, so nothing was imported; the message lists them."""

    def __init__(self, report: "ImportReport") -> None:
        self.report = report
        shown = report.rejected[:MAX_LISTED]
        lines = [f"{report.source}: {len(report.rejected)} invalid row(s); nothing was imported"]
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
        return f"{'imported' if self.written else 'would import'} {parts} from {self.source}"


def check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UserError(f"no such file: {safe_line(path)}") from None
    except OSError as exc:
        raise UserError(f"cannot read {safe_line(path)}: {exc.strerror}") from None
    if path.is_dir():
        raise UserError(f"{safe_line(path)} is a directory, not a file to import")
    if size > MAX_BYTES:
        raise UserError(
            f"{safe_line(path)} is {size / 1024 / 1024:.1f} MB; imports are limited to "
            f"{MAX_BYTES // 1024 // 1024} MB (split the file)"
        )


def _not_utf8(path: Path, line: int, column: int, byte: int) -> UserError:
    return UserError(
        f"{safe_line(path)} is not UTF-8 text: line {line}, byte {column} (0x{byte:02x}); "
        "save it as UTF-8 and import again"
    )


def read_lines(path: Path) -> Iterator[str]:
    """The file's lines decoded one at a time (a leading BOM dropped), so big files stream."""
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise UserError(f"cannot read {safe_line(path)}: {exc.strerror}") from None
    with handle:
        for number, raw in enumerate(handle, 1):
            try:
                yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise _not_utf8(path, number, exc.start + 1, raw[exc.start]) from None


def read_text(path: Path) -> str:
    return "".join(read_lines(path))


def detect_kind(path: Path) -> str:
    """json, csv or vcard: by the file's extension, else by its first line."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".vcf", ".vcard"):
        return "vcard"
    if suffix in (".csv", ".tsv"):
        return "csv"
    first = next(read_lines(path), "").strip()
    if first.startswith("{"):
        return "json"
    if first.upper().startswith("BEGIN:VCARD"):
        return "vcard"
    return "csv"
