"""`crm export`, `crm import` and `crm backup`."""

import argparse
import sys
from datetime import datetime

from crm import exchange, validate
from crm.backup import atomic_file, backup_to
from crm.cli import EXIT_BAD_INPUT, Context, checked
from crm.i18n import N_, _, ngettext
from crm.paths import check_output
from crm.text import safe_line

IMPORT_HELP = N_("""\
Import PATH: a Rapport export (.json, into an empty database only: everything, ids kept),
clients as CSV (header row; columns such as name/full name/client, company/organization,
email/e-mail, phone/tel/mobile, country, language, birthday/date of birth, notes, tier,
temperament, status; comma, semicolon or tab; other columns are kept in the notes), or
contacts as vCards (.vcf, versions 3 and 4). UTF-8, at most 50 MB; /dev/stdin reads a pipe.

Every value is checked as if typed (names, e-mails, phones, codes, amounts, dates from 1900 to
2999, settings). CSV is read strictly: a quote left open or a stray one refuses the file, and a
row with more or fewer values than the header is a bad row.

All or nothing: if any row is invalid, nothing is imported and the command exits with code 2,
listing every bad row with its line number (JSON: its table and id). --dry-run checks the whole
file, reports what would be imported and each rejected row, and writes nothing.
""")


def register(sub) -> None:
    export = sub.add_parser("export", help=_("write everything as JSON, or clients as CSV"),
                            description=_("Write every table as JSON (for import and archives), or clients as CSV "
                                          "(for spreadsheets). Files are created private (0600)."))
    export.add_argument("--format", choices=("json", "csv"), default="json",
                        help=_("json: every table, for import and archives (default); csv: the clients, for "
                               "spreadsheets"))
    export.add_argument("--out", metavar="PATH", type=checked(validate.path),
                        help=_("write to PATH instead of standard output"))
    export.set_defaults(handler=_export, read_only=True)

    imported = sub.add_parser("import", help=_("import a .json export, clients .csv or contacts .vcf (all or nothing)"),
                              description=_(IMPORT_HELP), formatter_class=argparse.RawDescriptionHelpFormatter)
    imported.add_argument("path", metavar="PATH", type=checked(validate.path),
                          help=_("the file to import: .json, .csv or .vcf (/dev/stdin reads a pipe)"))
    imported.add_argument("--dry-run", action="store_true", help=_("check and report, write nothing"))
    imported.set_defaults(handler=_import)

    backup = sub.add_parser("backup", help=_("a consistent copy of the database, safe while others use it"),
                            description=_("Copy the database to PATH (a private 0600 file) through SQLite's online "
                                          "backup, consistent even while others write. Restore: see README, Backups."))
    backup.add_argument("path", metavar="PATH", type=checked(validate.path),
                        help=_("the copy's file name (an existing directory: a dated file in it)"))
    backup.set_defaults(handler=_backup, read_only=True)


def _export(args: argparse.Namespace, ctx: Context) -> int:
    out = args.out
    if out is not None:
        check_output(out)  # refused before reading the whole database
    text = exchange.export_json() if args.format == "json" else exchange.export_csv()
    if out is None:
        sys.stdout.write(text)
        return 0
    with atomic_file(out, "w") as handle:
        handle.write(text)
    print(_("exported to {path}").format(path=safe_line(out)))
    return 0


def _import(args: argparse.Namespace, ctx: Context) -> int:
    report = exchange.import_file(args.path, today=ctx.today, dry_run=args.dry_run)
    print(report.summary())
    if report.ignored:
        print(_("ignored columns: {columns}").format(columns=safe_line(", ".join(report.ignored))))
    if report.notes_from:
        print(_("kept in notes: {columns}").format(columns=safe_line(", ".join(report.notes_from))))
    if report.rejected:
        count = len(report.rejected)
        print(ngettext("{count} row would be rejected:", "{count} rows would be rejected:", count).format(
            count=count))
        for rejected in report.rejected:
            print(f"  {rejected}")
        return EXIT_BAD_INPUT
    return 0


def _backup(args: argparse.Namespace, ctx: Context) -> int:
    target = args.path
    if target.is_dir():
        target = target / f"rapport-{datetime.now():%Y-%m-%d-%H%M%S}.db"
    print(_("backed up to {path}").format(path=safe_line(backup_to(target))))
    return 0
