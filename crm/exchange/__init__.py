"""Export and import: our JSON (everything, lossless), clients as CSV, and vCard contacts.

An import is all or nothing. A first pass reads and checks the whole file without writing (that
pass is `--dry-run`); only when every row is good does a second pass write it, in one transaction,
through the same services and validators as `crm client add`. Killed midway, SQLite rolls the
unfinished transaction back: the database holds all rows or none.

One module per format (`json_format`, `csv_format`, `vcard_format`); `client_rows` turns CSV and
vCard records into clients; `reading` holds the file reading and the report all of them share.
"""

from datetime import date
from pathlib import Path

from crm.exchange.client_rows import import_clients
from crm.exchange.csv_format import CSV_COLUMNS, csv_rows, export_csv, spreadsheet_cell
from crm.exchange.json_format import FORMAT, FORMAT_VERSION, export_data, export_json, import_json
from crm.exchange.reading import MAX_BYTES, ImportRejected, ImportReport, Rejected, check_size, detect_kind
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
    check_size(path)
    kind = detect_kind(path)
    report = ImportReport(source=str(path), kind=kind)
    if kind == "json":
        import_json(path, report, dry_run)
    else:
        rows = csv_rows if kind == "csv" else vcard_rows
        import_clients(lambda: rows(path, today, report), report, today, dry_run)
    if report.rejected and not dry_run:
        raise ImportRejected(report)
    report.written = not dry_run
    return report
