"""`crm export`, `crm import` and `crm backup`."""

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime

from crm import exchange, validate
from crm.backup import atomic_file, take_backup
from crm.cli import EXIT_BAD_INPUT, Context, Subcommands, checked
from crm.errors import UserError
from crm.i18n import N_, _, ngettext
from crm.paths import check_output
from crm.text import safe_line

IMPORT_HELP = N_("""\
Import PATH: a Rapport export (.json, into an empty database only: everything, ids kept),
people as CSV (a header row: Google's, Outlook's, Thunderbird's exports, or a sheet's own
columns such as name, first/last name, company, job title, e-mail, phone, birthday, notes, in
English, Russian or Romanian; comma, semicolon or tab), or people as vCards (.vcf, 2.1, 3.0 and
4.0, as phones and address books write them). UTF-8, UTF-16, or the Windows code page found
(1251, 1250, 1252) or named with --encoding; at most 50 MB; - reads standard input (a pipe:
crm export | crm --db postgresql://… import -).

A person with an organisation becomes a contact of the client of that name (created if there is
none), their title their role; one without becomes a client. Every e-mail and phone comes with
its kind (work, home, mobile…). What has no field of its own (nicknames, web sites, addresses,
anniversaries…), and a value its field refuses, is kept in the notes, labelled; the report
names every such value and every column or property left out.

Every value is checked as if typed. A record without any name (nor an organisation, e-mail or
nickname to take one from) is invalid: all or nothing, it refuses the whole file (exit 2,
every invalid record listed with its line); --skip-invalid imports the others (vCard and CSV).
--dry-run checks the whole file, shows where each person would go and what would be left out,
and writes nothing.
""")


def register(sub: Subcommands) -> None:
    export = sub.add_parser("export", help=_("write everything as JSON, clients as CSV, or everyone as vCards"),
                            description=_("Write every table as JSON (for import and archives), clients as CSV "
                                          "(for spreadsheets), or every client and contact as vCards (for phones "
                                          "and address books). Files are created private (0600)."))
    export.add_argument("--format", choices=("json", "csv", "vcf"), default="json",
                        help=_("json: every table, for import and archives (default); csv: the clients, for "
                               "spreadsheets; vcf: every client and contact, for address books"))
    export.add_argument("--vcard3", action="store_true",
                        help=_("with --format vcf: vCard 3.0, for older programs (default 4.0)"))
    export.add_argument("--excel", action="store_true",
                        help=_("with --format csv: semicolons and a byte order mark, as Excel opens them in "
                               "Russian, Romanian and most European locales"))
    export.add_argument("--out", metavar="PATH", type=checked(validate.path),
                        help=_("write to PATH instead of standard output (- is standard output)"))
    export.set_defaults(handler=_export, read_only=True)

    imported = sub.add_parser("import", help=_("import a .json export, people from .csv or .vcf"),
                              description=_(IMPORT_HELP), formatter_class=argparse.RawDescriptionHelpFormatter)
    imported.add_argument("path", metavar="PATH", type=checked(validate.path),
                          help=_("the file to import: .json, .csv or .vcf (- reads standard input)"))
    imported.add_argument("--dry-run", action="store_true",
                          help=_("check and report where everyone would go, write nothing"))
    imported.add_argument("--skip-invalid", action="store_true",
                          help=_("vCard and CSV: import the valid records and list the others (default: an "
                                 "invalid record refuses the whole file)"))
    imported.add_argument("--encoding", metavar="ENC",
                          help=_("the file's encoding, e.g. windows-1251 (default: UTF-8, UTF-16 or the Windows "
                                 "code page found)"))
    imported.set_defaults(handler=_import)

    backup = sub.add_parser("backup", help=_("a consistent copy of the database, safe while others use it"),
                            description=_("Copy the database to PATH (a private 0600 file) through SQLite's online "
                                          "backup, consistent even while others write. Restore: see README, Backups. "
                                          "On a PostgreSQL server: pg_dump of the database's schema (plain SQL for "
                                          "a .sql name, else its custom format), or, without a pg_dump as new as "
                                          "the server (or for a .json name), our JSON export read in one "
                                          "snapshot."))
    backup.add_argument("path", metavar="PATH", type=checked(validate.path),
                        help=_("the copy's file name (an existing directory: a dated file in it)"))
    backup.set_defaults(handler=_backup, read_only=True)


def _export(args: argparse.Namespace, ctx: Context) -> int:
    if args.vcard3 and args.format != "vcf":
        raise UserError(_("--vcard3 goes with --format vcf"))
    if args.excel and args.format != "csv":
        raise UserError(_("--excel goes with --format csv"))
    out = None if args.out is not None and str(args.out) == "-" else args.out
    if out is not None:
        check_output(out)  # refused before reading the whole database
    if args.format == "json":
        text = exchange.export_json()
    elif args.format == "csv":
        text = exchange.export_csv(excel=args.excel)
    else:
        text = exchange.export_vcards(version4=not args.vcard3)
    if out is None:
        sys.stdout.write(text)
        return 0
    with atomic_file(out, "w") as handle:
        handle.write(text)
    print(_("exported to {path}").format(path=safe_line(out)))
    return 0


def _listed(heading: str, lines: Sequence[object]) -> None:
    if lines:
        print(heading)
        for line in lines:
            print(f"  {safe_line(line)}")


def _import(args: argparse.Namespace, ctx: Context) -> int:
    report = exchange.import_file(args.path, today=ctx.today, dry_run=args.dry_run, skip_invalid=args.skip_invalid,
                                  encoding=args.encoding)
    print(report.summary())
    if report.encoding != "utf-8":
        print(_("read as {encoding}").format(encoding=report.encoding))
    if args.dry_run:
        _listed(_("where each person goes:"), report.people)
    if report.ignored:
        print(_("ignored columns: {columns}").format(columns=safe_line(", ".join(report.ignored))))
    if report.notes_from:
        print(_("columns kept in the notes: {columns}").format(columns=safe_line(", ".join(report.notes_from))))
    if report.not_kept:
        print(_("not imported: {properties}").format(properties=safe_line(", ".join(report.not_kept))))
    _listed(_("kept in the notes instead:"), report.moved)
    count = len(report.rejected)
    if not count:
        return 0
    if report.skip_invalid:
        heading = (ngettext("{count} record skipped:", "{count} records skipped:", count) if report.written else
                   ngettext("{count} record would be skipped:", "{count} records would be skipped:", count))
        _listed(heading.format(count=count), report.rejected)
        return 0
    _listed(ngettext("{count} record would be rejected:", "{count} records would be rejected:", count).format(
        count=count), report.rejected)
    return EXIT_BAD_INPUT


def _backup(args: argparse.Namespace, ctx: Context) -> int:
    from crm.location import on_server

    target = args.path
    if target.is_dir():
        suffix = ".dump" if on_server(ctx.db_path) else ".db"
        target = target / f"rapport-{datetime.now():%Y-%m-%d-%H%M%S}{suffix}"
    made = take_backup(target)
    print(_("backed up to {path} ({way})").format(path=safe_line(made.path), way=made.way))
    return 0
