"""Export and import: our JSON (everything, lossless), clients as CSV, and people as vCards.

An import reads the file once (at most 50 MB, pipes too, in whatever encoding it is), checks every
record with the validators typing uses (`checks`, `client_rows`; that much is `--dry-run`) and
turns it into the rows to write; only then are they written, in one transaction that holds the
write lock only for the inserts. Killed midway, the database (SQLite or PostgreSQL) rolls the
unfinished transaction back: it holds all rows or none. By default an invalid record refuses the
whole file; for vCard and CSV, `skip_invalid` writes the others and lists it. An export reads the
whole database in one read transaction. The path `-` is standard input, and `crm export` writes standard output, so one
engine's export pipes into the other's import; the second's export is the first's, byte for byte.

One module per format (`json_format`, `csv_format`, `vcard_format`); `people` is the record both
address-book formats are read into, `client_rows` turns those into clients and contacts;
`decoding` finds the text in the bytes, `reading` reads the file and keeps the report, `writing`
inserts.
"""

from datetime import date
from pathlib import Path

from crm.errors import UserError
from crm.exchange.client_rows import import_people
from crm.exchange.csv_format import (
    CSV_COLUMNS,
    csv_people,
    export_csv,
    spreadsheet_cell,
)
from crm.exchange.json_format import (
    FORMAT,
    FORMAT_VERSION,
    export_data,
    export_json,
    import_json,
)
from crm.exchange.reading import (
    MAX_BYTES,
    ImportRejected,
    ImportReport,
    Rejected,
    detect_kind,
    is_stdin,
    read_source,
)
from crm.exchange.vcard_format import export_vcards, vcard_people
from crm.i18n import _

__all__ = [
    "CSV_COLUMNS", "FORMAT", "FORMAT_VERSION", "MAX_BYTES", "ImportRejected", "ImportReport", "Rejected",
    "detect_kind", "export_csv", "export_data", "export_json", "export_vcards", "import_file", "spreadsheet_cell",
]


def import_file(path: Path | str, *, today: date, dry_run: bool = False, skip_invalid: bool = False,
                encoding: str | None = None) -> ImportReport:
    """Check, and unless `dry_run` write, the file's records (`-`: standard input's): all or nothing, or with
    `skip_invalid` (vCard and CSV) the valid ones.

    Raises ImportRejected (nothing written) when a record is invalid and not to be skipped,
    UserError when the file as a whole cannot be read. A dry run returns the report, invalid
    records included, and writes nothing.
    """
    path = Path(path) if is_stdin(path) else Path(path).expanduser()
    shown = Path(_("standard input")) if is_stdin(path) else path  # how messages and the journal name it
    decoded = read_source(path, encoding, shown)
    kind = detect_kind(path, decoded.text)
    report = ImportReport(source=str(shown), kind=kind, encoding=decoded.shown, skip_invalid=skip_invalid)
    if kind == "json":
        if skip_invalid:
            raise UserError(_("--skip-invalid is for vCard and CSV files; a Rapport export comes in whole or not "
                              "at all"))
        import_json(decoded.text, shown, report, dry_run)
    else:
        found = csv_people(decoded.text, shown, report) if kind == "csv" else vcard_people(decoded.text, shown, report)
        import_people(found, report, today, dry_run)
    if report.rejected and not dry_run and not skip_invalid:
        raise ImportRejected(report)
    report.written = not dry_run
    return report
