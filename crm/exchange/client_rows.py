"""People from an address book or a spreadsheet become clients and contacts, checked like typed
ones, then written in one go.

A person with an organisation becomes a contact of the client of that name (one in the file, else
one already in the database, else a new one), their title their role; one without becomes a
client, as does a record of the organisation itself. Every e-mail and phone comes along with its
kind, the first one the primary. A value its field would refuse (an e-mail that is none, a
birthday no calendar has) is kept in the notes, labelled, and the report says so; what has no
field of its own is kept there too. Only a record without any name, or with a value nothing can
hold, is invalid: it refuses the whole file, or with `skip_invalid` is left out and listed.

Every record is read, checked and turned into the rows it will write before the write lock is
taken; under the lock only the inserts run (the mapping is worked out again only if someone
added clients or contacts meanwhile), so a 30,000-row import keeps other writers waiting for
about a second, not minutes.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeAlias, cast

from crm import audit, dialect, validate
from crm.domain import NEW_CLIENT_STATUSES, STATUSES, TEMPERAMENTS, TIERS
from crm.errors import UserError
from crm.exchange import people
from crm.exchange.people import Channel, Extra, Person, read_birthday
from crm.exchange.reading import ImportRejected, ImportReport, Rejected
from crm.exchange.writing import Prepared, insert, prepare
from crm.i18n import N_, _
from crm.journal import change
from crm.models import (
    Client,
    Contact,
    EmailAddress,
    PhoneNumber,
    StatusChange,
    database,
)

Values: TypeAlias = dict[str, object]  # a row to write: column → value
IMPORTED = "imported"  # the reason recorded when a client comes in as departed or parted
_LANGUAGE = re.compile(r"^([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*$")  # en, en-US, pt_BR


@dataclass
class Checked:
    """A person's values as their form would store them."""

    where: str
    name: str
    company: str
    role: str
    becomes_client: bool
    keeps_company: bool  # our own export: a client's company is a field of theirs
    emails: list[Channel]
    phones: list[Channel]
    birthday: date | None
    country: str
    language: str
    notes: str  # the record's own notes
    extra: list[str]  # labelled lines for the notes
    tier: str = "regular"
    temperament: str = "balanced"
    status: str = "active"

    def all_notes(self) -> str:
        return "\n".join(part for part in (self.notes, "\n".join(self.extra)) if part)


# ---- checking ------------------------------------------------------------------------------


def _moved(report: ImportReport, person: Person, label: str, value: str, problem: str, qualifier: str = "") -> None:
    """A value its field refuses, kept in the notes instead; the report says where and why."""
    person.extra.append(Extra(label, value, qualifier))
    report.moved.append(Rejected(person.where, _("{problem}; kept in the notes").format(problem=problem)))


def _channels(report: ImportReport, person: Person, found: list[Channel], check: Callable[[str], str], label: str
              ) -> list[Channel]:
    kept, seen = [], set()
    for channel in found:
        try:
            value = check(channel.value)
        except UserError as exc:
            _moved(report, person, label, channel.value, str(exc), channel.kind)
            continue
        if value.casefold() not in seen:
            seen.add(value.casefold())
            kept.append(Channel(value, channel.kind))
    return kept


def check(person: Person, report: ImportReport) -> Checked:
    """The person checked like typed values; UserError when the record as a whole is invalid."""
    if person.error:
        raise UserError(person.error)
    if not person.name:
        raise UserError(_("no name (nor an organisation, e-mail or nickname to name them by)"))
    name = validate.name(person.name)
    company = validate.text(person.company.strip(), _("company"), limit=validate.MAX_NAME)
    if company and not person.stays_client:  # the name of the client they will belong to
        validate.name(company, _("company"))
    role = " ".join(person.role.split())
    try:
        role = validate.text(role, _("role"), limit=validate.MAX_NAME)
    except UserError as exc:
        _moved(report, person, people.TITLE, role, str(exc))
        role = ""
    emails = _channels(report, person, person.emails, validate.email, people.EMAIL)
    phones = _channels(report, person, person.phones, validate.phone, people.PHONE)
    birthday = None
    if person.birthday:
        try:
            birthday = read_birthday(person.birthday, report.day_first)
        except UserError as exc:
            _moved(report, person, people.BIRTHDAY, person.birthday, _("birthday: {problem}").format(problem=exc))
    country = ""
    if person.country:
        try:
            country = validate.country(person.country)
        except UserError as exc:
            _moved(report, person, people.COUNTRY, person.country, str(exc))
    language = ""
    if person.language:
        match = _LANGUAGE.match(person.language.strip())
        try:
            language = validate.language(match.group(1).lower() if match else person.language)
        except UserError as exc:
            _moved(report, person, people.LANGUAGE, person.language, str(exc))
    checked = Checked(
        where=person.where, name=name, company=company, role=role,
        becomes_client=person.stays_client or person.is_company or not company, keeps_company=person.stays_client,
        emails=emails, phones=phones, birthday=birthday, country=country, language=language,
        notes=person.notes, extra=[extra.line() for extra in person.extra],
    )
    validate.text(checked.all_notes(), _("notes"))
    if person.stays_client:  # our own export: its columns are checked as typed
        checked.tier = validate.choice(person.tier or "regular", TIERS, "tier")
        checked.temperament = validate.choice(person.temperament or "balanced", TEMPERAMENTS, "temperament")
        checked.status = validate.choice(person.status or "active", STATUSES, "status")
    return checked


def _checked(found: Iterable[Person], report: ImportReport) -> list[Checked]:
    good = []
    for person in found:
        try:
            good.append(check(person, report))
        except UserError as exc:
            report.rejected.append(Rejected(person.where, str(exc)))
    return good


# ---- who goes where ------------------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class _Book:
    """What the database holds that an import must not repeat or should join."""

    clients: dict[tuple[str, str], int]  # (name, e-mail) → id
    by_name: dict[str, int]  # name → the first client of that name
    contacts: dict[tuple[int, str, str], int]  # (client, name, e-mail) → contact id
    version: tuple[int, ...]  # changes when anyone adds or removes a client or contact


def _book() -> _Book:
    clients: dict[tuple[str, str], int] = {}
    by_name: dict[str, int] = {}
    # (`cast`: peewee's stubs type `.tuples()` as the model it would otherwise give)
    rows = cast("Iterable[tuple[int, str, str]]",
                Client.select(Client.id, Client.name, Client.email).order_by(Client.id).tuples())
    for cid, name, email in rows:
        clients.setdefault((_fold(name), email.casefold()), cid)
        by_name.setdefault(_fold(name), cid)
    contact_rows = cast("Iterable[tuple[int, int, str, str]]",
                        Contact.select(Contact.id, Contact.client, Contact.name, Contact.email).tuples())
    contacts = {(client, _fold(name), email.casefold()): cid for cid, client, name, email in contact_rows}
    return _Book(clients, by_name, contacts, _version())


def _version() -> tuple[int, ...]:
    (found,) = database.execute_sql(
        "SELECT (SELECT count(*) FROM client), (SELECT coalesce(max(id), 0) FROM client), "
        "(SELECT count(*) FROM contact), (SELECT coalesce(max(id), 0) FROM contact)").fetchall()
    return tuple(found)


@dataclass
class Plan:
    """The rows an import writes. New rows' ids are -1, -2 …, their references too; writing
    turns them into the ids that follow the highest ones (`writing.insert`)."""

    clients: list[Values] = field(default_factory=list)
    contacts: list[Values] = field(default_factory=list)
    emails: list[Values] = field(default_factory=list)
    phones: list[Values] = field(default_factory=list)
    notes: dict[int, list[str]] = field(default_factory=dict)  # an existing client's id → what is added
    people: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def _channel_rows(plan: Plan, client: int, contact: int | None, emails: list[Channel], phones: list[Channel]) -> None:
    for rows, found in ((plan.emails, emails[1:]), (plan.phones, phones[1:])):
        rows += [{"client_id": client, "contact_id": contact, "value": c.value, "kind": c.kind} for c in found]


def _client_values(row: Checked, company: str) -> Values:
    first_email, first_phone = (row.emails or [Channel("")])[0], (row.phones or [Channel("")])[0]
    return {"name": row.name, "company": company, "email": first_email.value, "email_kind": first_email.kind,
            "phone": first_phone.value, "phone_kind": first_phone.kind, "country": row.country,
            "language": row.language, "birthday": row.birthday, "notes": row.all_notes(), "tier": row.tier,
            "temperament": row.temperament, "status": row.status}


def _contact_block(row: Checked, client: Values | None) -> str:
    """A contact's notes and what has no field of a contact's, kept in their client's notes under
    their name (a country or language only where it is not the client's, when that is known)."""
    lines = [line for line in (*row.notes.splitlines(), *row.extra) if line.strip()]
    for label, key, value in ((people.COUNTRY, "country", row.country), (people.LANGUAGE, "language", row.language)):
        if value and (client is None or client[key] != value):
            lines.append(Extra(label, value).line())
    return "\n".join([f"{row.name}:", *(f"  {line}" for line in lines)]) if lines else ""


def plan(rows: list[Checked], book: _Book) -> Plan:
    """Where each person goes, and the rows that puts there; a repeat of a client or contact
    already in the database, or earlier in the file, is rejected, so importing a file twice adds
    nothing twice."""
    found = Plan()
    seen: dict[tuple[str, str], str] = {}
    named: dict[str, int] = {}  # a new client's folded name → its (negative) id
    lines: dict[int, str] = {}  # … and the line it came from ("" when made for a company)
    where_to: dict[str, str] = {}
    for row in rows:
        if not row.becomes_client:
            continue
        key = (_fold(row.name), (row.emails or [Channel("")])[0].value.casefold())
        if key in book.clients:
            found.rejected.append(Rejected(row.where, _("same name and e-mail as client #{id}").format(
                id=book.clients[key])))
            continue
        if key in seen:
            found.rejected.append(Rejected(row.where, _("same name and e-mail as {where}").format(where=seen[key])))
            continue
        seen[key] = row.where
        found.clients.append(_client_values(row, row.company if row.keeps_company else ""))
        cid = -len(found.clients)
        named.setdefault(key[0], cid)
        lines.setdefault(cid, row.where)
        _channel_rows(found, cid, None, row.emails, row.phones)
        where_to[row.where] = _("{where}: {name} → client").format(where=row.where, name=row.name)
    contacts_seen: dict[tuple[int, str, str], str] = {}
    for row in rows:
        if row.becomes_client:
            continue
        company = _fold(row.company)
        if company in named:
            cid = named[company]
            state = lines[cid] or _("a new client")
        elif company in book.by_name:
            cid = book.by_name[company]
            state = _("client #{id}").format(id=cid)
        else:
            found.clients.append(_client_values(Checked(row.where, row.company, "", "", True, False, [], [], None,
                                                        row.country, row.language, "", []), ""))
            cid = named[company] = -len(found.clients)
            lines[cid] = ""
            state = _("a new client")
        first_email = (row.emails or [Channel("")])[0]
        contact_key = (cid, _fold(row.name), first_email.value.casefold())
        if contact_key in book.contacts:
            found.rejected.append(Rejected(row.where, _("same name and e-mail as contact #{id} of {client}").format(
                id=book.contacts[contact_key], client=row.company)))
            continue
        if contact_key in contacts_seen:
            found.rejected.append(Rejected(row.where, _("same name and e-mail as {where}").format(
                where=contacts_seen[contact_key])))
            continue
        contacts_seen[contact_key] = row.where
        first_phone = (row.phones or [Channel("")])[0]
        found.contacts.append({"client_id": cid, "name": row.name, "role": row.role, "email": first_email.value,
                               "email_kind": first_email.kind, "phone": first_phone.value,
                               "phone_kind": first_phone.kind, "birthday": row.birthday})
        _channel_rows(found, cid, -len(found.contacts), row.emails, row.phones)
        target = found.clients[-cid - 1] if cid < 0 else None
        if block := _contact_block(row, target):
            if target is not None:
                notes = cast(str, target["notes"])  # _client_values' text
                target["notes"] = "\n".join(part for part in (notes, block) if part)
            else:
                found.notes.setdefault(cid, []).append(block)
        role = f", {row.role}" if row.role else ""
        where_to[row.where] = _("{where}: {name} → contact of {client} ({state}){role}").format(
            where=row.where, name=row.name, client=row.company, state=state, role=role)
    found.people = [where_to[row.where] for row in rows if row.where in where_to]
    return found


# ---- writing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tables:
    clients: Prepared
    changes: Prepared
    contacts: Prepared
    emails: Prepared
    phones: Prepared


def _prepared(found: Plan, today: date) -> _Tables:
    """The plan's rows as SQLite stores them, each new client with the status change `add_client`
    (and `change_status`, for one who comes in departed or parted) would write."""
    stamp = audit.created()
    clients, changes = [], []
    for number, values in enumerate(found.clients, 1):
        status = values["status"]
        first = status if status in NEW_CLIENT_STATUSES else "active"
        clients.append({**values, **stamp, "id": -number, "status_since": today})
        changes.append({**stamp, "client_id": -number, "on": today, "old_status": "", "new_status": first})
        if status != first:
            changes.append({**stamp, "client_id": -number, "on": today, "old_status": first, "new_status": status,
                            "reason": IMPORTED})
    contacts = [{**values, **stamp, "id": -number} for number, values in enumerate(found.contacts, 1)]
    return _Tables(prepare(Client, clients), prepare(StatusChange, changes), prepare(Contact, contacts),
                   prepare(EmailAddress, [{**row, **stamp} for row in found.emails]),
                   prepare(PhoneNumber, [{**row, **stamp} for row in found.phones]))


def _write(tables: _Tables, notes: dict[int, list[str]]) -> None:
    run = database.execute_sql
    (client_id,) = run("SELECT coalesce(max(id), 0) FROM client").fetchone()
    (contact_id,) = run("SELECT coalesce(max(id), 0) FROM contact").fetchone()
    insert(tables.clients, offsets={"id": client_id})
    insert(tables.changes, offsets={"client_id": client_id})
    insert(tables.contacts, offsets={"id": contact_id, "client_id": client_id})
    for rows in (tables.emails, tables.phones):
        insert(rows, offsets={"client_id": client_id, "contact_id": contact_id})
    dialect.sync_ids(["client", "contact"])  # written with ids of their own
    stamp = audit.updated()
    for cid, blocks in notes.items():  # a contact's notes, added to a client already in the book
        Client.update(notes=Client.notes.concat(_joined_notes(cid, blocks)), version=Client.version + 1,
                      **stamp).where(Client.id == cid).execute()


def _joined_notes(client_id: int, blocks: list[str]) -> str:
    current = Client.select(Client.notes).where(Client.id == client_id).scalar() or ""
    return ("\n" if current else "") + "\n".join(blocks)


def _counts(found: Plan) -> dict[str, int]:
    return {"clients": len(found.clients), "contacts": len(found.contacts), "emails": len(found.emails),
            "phones": len(found.phones)}


def import_people(found: Iterable[Person], report: ImportReport, today: date, dry_run: bool) -> None:
    """Check every person, work out where each goes, and unless `dry_run` (or some are invalid
    and not to be skipped) write them all in one change."""
    rows = _checked(found, report)
    book = _book()
    result = plan(rows, book)
    report.rejected += result.rejected
    report.people, report.counts = result.people, _counts(result)
    if dry_run or (report.rejected and not report.skip_invalid) or not (result.clients or result.contacts):
        return
    tables = _prepared(result, today)
    with change(N_("Imported {file}"), file=Path(report.source).name):
        if _version() != book.version:  # someone added or removed clients meanwhile: map again
            again = plan(rows, _book())
            fresh = [r for r in again.rejected if r not in result.rejected]
            if fresh and not report.skip_invalid:
                report.rejected += fresh
                raise ImportRejected(report)
            report.rejected += fresh
            report.people, report.counts = again.people, _counts(again)
            result, tables = again, _prepared(again, today)
        _write(tables, result.notes)
