"""Export and import: our JSON (everything, lossless), clients as CSV, and vCard contacts.

An import is all or nothing. The file is read once (at most 50 MB, pipes too), every record is
checked with the validators typing uses (`checks`; that much is `--dry-run`) and turned into the
rows to write; only when every record is good are they written, in one transaction that holds the
write lock only for the inserts. Killed midway, SQLite rolls the unfinished transaction back: the
database holds all rows or none. An export reads the whole database in one read transaction.

One module per format (`json_format`, `csv_format`, `vcard_format`); `client_rows` turns CSV and
vCard records into clients; `reading` reads the file and keeps the report, `writing` inserts.
"""

from datetime import date
from pathlib import Path

from crm.exchange.client_rows import import_clients
from crm.exchange.csv_format import CSV_COLUMNS, csv_rows, export_csv, spreadsheet_cell
from crm.exchange.json_format import FORMAT, FORMAT_VERSION, export_data, export_json, import_json
from crm.exchange.reading import MAX_BYTES, ImportRejected, ImportReport, Rejected, detect_kind, read_source
from crm.exchange.vcard_format import vcard_rows

__all__ = [
    "CSV_COLUMNS", "FORMAT", "FORMAT_VERSION", "MAX_BYTES", "ImportRejected", "ImportReport", "Rejected",
    "detect_kind", "export_csv", "export_data", "export_json", "import_file", "spreadsheet_cell",
]


def import_file(path: Path | str, *, today: date, dry_run: bool = False) -> ImportReport:
    """Check, and unless `dry_run` write, the file's rows; all or nothing.

    Raises ImportRejected (nothing written) when any row is invalid, UserError when the file as a
    whole cannot be read. A dry run returns the report, rejected rows included, and writes nothing.
    """
    path = Path(path).expanduser()
    text = read_source(path)
    kind = detect_kind(path, text)
    report = ImportReport(source=str(path), kind=kind)
    if kind == "json":
        import_json(text, path, report, dry_run)
    else:
        rows = csv_rows if kind == "csv" else vcard_rows
        import_clients(rows(text, path, today, report), report, today, dry_run)
    if report.rejected and not dry_run:
        raise ImportRejected(report)
    report.written = not dry_run
    return report
