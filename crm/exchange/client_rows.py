"""Clients from a spreadsheet or an address book: rows checked like `crm client add`, then written."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from crm import validate
from crm.clients import ClientFields, add_client, change_status
from crm.dates import parse_date
from crm.domain import NEW_CLIENT_STATUSES, STATUSES
from crm.errors import UserError
from crm.exchange.reading import ImportRejected, ImportReport, Rejected
from crm.i18n import N_
from crm.journal import change
from crm.models import Client


@dataclass
class ClientRow:
    where: str
    fields: ClientFields | None = None
    status: str = "active"
    error: str = ""


def _with_notes(notes: str, extra: list[str]) -> str:
    return "\n".join([notes, *extra]) if notes and extra else notes or "\n".join(extra)


def client_row(where: str, values: dict[str, str], extra: list[str], today: date) -> ClientRow:
    """A client row from named text values; unknown columns' values are kept in its notes."""
    try:
        birthday = values.get("birthday", "").strip()
        fields = ClientFields(
            name=values.get("name", ""),
            company=values.get("company", ""),
            email=values.get("email", ""),
            phone=values.get("phone", ""),
            country=values.get("country", ""),
            language=values.get("language", ""),
            birthday=parse_date(birthday, today) if birthday else None,
            notes=_with_notes(values.get("notes", ""), extra),
            tier=values.get("tier", "").strip() or "regular",
            temperament=values.get("temperament", "").strip() or "balanced",
        )
        status = validate.choice(values.get("status", "").strip() or "active", STATUSES, "status")
    except UserError as exc:
        return ClientRow(where, error=str(exc))
    return ClientRow(where, fields, status)


def _checked(rows: Iterable[ClientRow]) -> Iterator[ClientRow]:
    """Rows validated like `client add`, a repeat of an existing client (same name and e-mail) or
    of an earlier row marked as an error, so importing a file twice adds nothing twice."""
    seen = {(n.casefold(), e.casefold()): f"client #{i}" for i, n, e in Client.select(Client.id, Client.name, Client.email).tuples()}
    for row in rows:
        if not row.error:
            try:
                cleaned = row.fields.cleaned()
            except UserError as exc:
                row.error = str(exc)
            else:
                key = (cleaned["name"].casefold(), cleaned["email"].casefold())
                if key in seen:
                    row.error = f"same name and e-mail as {seen[key]}"
                else:
                    seen[key] = row.where
        yield row


def import_clients(make_rows: Callable[[], Iterator[ClientRow]], report: ImportReport, today: date,
                   dry_run: bool) -> None:
    count = 0
    for row in _checked(make_rows()):
        if row.error:
            report.rejected.append(Rejected(row.where, row.error))
        else:
            count += 1
    report.counts = {"clients": count}
    if report.rejected or dry_run:
        return
    with change(N_("Imported {file}"), file=Path(report.source).name):
        for row in _checked(make_rows()):
            if row.error:  # the database changed since the first pass
                report.rejected.append(Rejected(row.where, row.error))
                raise ImportRejected(report)
            if row.status in NEW_CLIENT_STATUSES:
                add_client(row.fields, status=row.status, today=today)
            else:
                client_id = add_client(row.fields, status="active", today=today)
                change_status(client_id, "depart" if row.status == "departed" else "part", on=today,
                              reason="imported")
