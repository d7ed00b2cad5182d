"""Clients: adding, editing, finding by name, status changes and touches."""

import difflib
from dataclasses import dataclass
from datetime import date

from crm import audit, validate
from crm.domain import NEW_CLIENT_STATUSES, STATUSES, TEMPERAMENTS, TIERS, TOUCH_KINDS
from crm.errors import StaleEditError, UserError
from crm.i18n import N_, _, ngettext
from crm.journal import change
from crm.models import Client, Contact, StatusChange, Touch, database
from crm.text import fold, safe_line, sort_key

EDITABLE = ("name", "company", "email", "phone", "country", "language", "birthday", "notes", "tier", "temperament")

# Which statuses each status change may start from.
_TRANSITIONS = {
    "depart": (("active", "prospect"), "departed"),
    "part": (("active", "prospect", "departed"), "parted"),
    "return": (("departed", "parted", "prospect"), "active"),
}


@dataclass(frozen=True)
class ClientFields:
    """What a user may type about a client, before validation."""

    name: str
    company: str = ""
    email: str = ""
    phone: str = ""
    country: str = ""
    language: str = ""
    birthday: date | None = None
    notes: str = ""
    tier: str = "regular"
    temperament: str = "balanced"

    def cleaned(self) -> dict[str, object]:
        """The fields validated and normalised; UserError on the first bad one."""
        return {
            "name": validate.name(self.name),
            "company": validate.text(self.company.strip(), _("company"), limit=validate.MAX_NAME),
            "email": validate.email(self.email),
            "phone": validate.phone(self.phone),
            "country": validate.country(self.country),
            "language": validate.language(self.language),
            "birthday": self.birthday,
            "notes": validate.text(self.notes, _("notes")),
            "tier": validate.choice(self.tier, TIERS, _("tier")),
            "temperament": validate.choice(self.temperament, TEMPERAMENTS, _("temperament")),
        }


def add_client(fields: ClientFields, *, status: str = "active", today: date) -> int:
    """Create a client; its first status change dates the relationship (and the quiet clock)."""
    values = fields.cleaned()
    status = validate.choice(status, NEW_CLIENT_STATUSES, _("status for a new client"))
    with change(N_("Added the client {client}")):
        client = Client.create(**values, status=status, status_since=today, **audit.created())
        StatusChange.create(client=client, on=today, old_status="", new_status=status, reason="", **audit.created())
    return client.id


def edit_client(client_id: int, version: int, fields: ClientFields) -> int:
    """Save edited fields if nobody changed the client since `version` was read; the new version."""
    values = fields.cleaned()
    with change(N_("Edited the client {client}"), client_id=client_id):
        changed = (
            Client.update(**values, version=Client.version + 1, **audit.updated())
            .where((Client.id == client_id) & (Client.version == version))
            .execute()
        )
        if not changed:
            current = Client.get_or_none(Client.id == client_id)
            if current is None:
                raise UserError(_("client #{id} no longer exists").format(id=client_id))
            raise StaleEditError(_("{client} was changed by {who} meanwhile; reload to see their change, then edit "
                                   "again").format(client=safe_line(current.name), who=safe_line(current.updated_by)))
    return version + 1


def find_client(ref: str) -> Client:
    """The client named by `ref`: an id (`12` or `#12`), an exact name, or a unique part of one, in
    any case and with or without accents ("stefan" finds "Ştefan", "анна" finds "Анна")."""
    ref = ref.strip()
    number = validate.id_number(ref)  # ASCII digits only: '١' is a name, not #1
    if number is not None:
        client = Client.get_or_none(Client.id == number)
        if client is None and not ref.startswith("#"):  # a client called "1984" is found by its name
            named = list(Client.select().where(Client.name == ref).limit(2))
            client = named[0] if len(named) == 1 else None
        if client is None:
            raise UserError(_("no client with id {id}").format(id=number))
        return client
    if not ref:
        raise UserError(_("no client given"))
    wanted = fold(ref)
    # Case, accents and ş/ș ignored in Latin and Cyrillic names alike (crm.text.fold). Raw rows from
    # the name index: peewee's row conversion cost three times SQLite's scan at 50,000 clients.
    rows = _candidates(wanted)
    exact: list[tuple[int, str]] = []
    partial: list[tuple[int, str]] = []
    for row in rows:
        folded = fold(row[1])
        if wanted in folded:
            (exact if folded == wanted else partial).append(row)
    matches = exact or partial
    if len(matches) == 1:
        return Client.get_by_id(matches[0][0])
    if not matches:
        # A typo ("Acne") still points at the client meant: offer the closest names.
        rows = database.execute(Client.select(Client.id, Client.name)).fetchall()
        scored = sorted((-_likeness(wanted, fold(row[1])), row) for row in rows)
        near = [row for score, row in scored[:5] if -score >= 0.7]
        unknown = _("no client named {name}; did you mean {names}?") if near else _("no client named {name}")
        raise UserError(unknown.format(name=repr(safe_line(ref)), names=_listed(near)))
    if len(matches) > 10:
        several = ngettext("{name} matches several clients: {names} and {count} more; use the id",
                           "{name} matches several clients: {names} and {count} more; use the id", len(matches) - 10)
    else:
        several = _("{name} matches several clients: {names}; use the id")
    raise UserError(several.format(name=repr(safe_line(ref)), names=_listed(matches[:10]), count=len(matches) - 10))


def _candidates(wanted: str) -> list[tuple[int, str]]:
    """(id, name) of every client whose folded name may contain `wanted` (folded), as few as the
    database can tell: an ASCII name folds to itself in lower case, so it is a candidate only when
    it contains `wanted` in any case, which the database checks (LIKE, no row leaves it otherwise);
    a name with any other character may fold to anything and is always one. Which candidates match
    is then decided by `fold` alone, as for every name before: the same matches, from a third of
    the names of the demo's book instead of all of them."""
    from crm.dialect import postgres

    if postgres():
        like, other = "name ILIKE ? ESCAPE '\\'", "octet_length(name) <> char_length(name)"
    else:  # LIKE ignores ASCII case only, all that an ASCII name's fold changes
        # (a length in characters against one in bytes: a GLOB for "any other character" cost twice
        # as much as this at 50,000 names)
        like, other = "name LIKE ? ESCAPE '\\'", "length(name) <> length(CAST(name AS BLOB))"
    if not wanted.isascii():  # an ASCII name cannot contain it
        found: list[tuple[int, str]] = database.execute_sql(f"SELECT id, name FROM client WHERE {other}").fetchall()
        return found
    pattern = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    sql = f"SELECT id, name FROM client WHERE {like} OR {other}"
    rows: list[tuple[int, str]] = database.execute_sql(sql, [pattern]).fetchall()
    return rows


def _likeness(wanted: str, name: str) -> float:
    """How close `wanted` is to the name or to any run of as many words in it (0..1)."""
    words, n = name.split(), max(1, len(wanted.split()))
    pieces = [name, *(" ".join(words[i : i + n]) for i in range(len(words)))]
    return max(difflib.SequenceMatcher(None, wanted, piece).ratio() for piece in pieces)


def _listed(rows: list[tuple[int, str]]) -> str:
    return ", ".join(f"#{cid} {safe_line(name)}" for cid, name in rows)


@dataclass(frozen=True)
class ClientName:
    """A client as a picker lists it: the palette's jump, the wizard's "whose relationship?"."""

    id: int
    name: str
    status: str


def client_names() -> list[ClientName]:
    """Every client's id, name and status, in alphabetical order for Latin and Cyrillic alike."""
    query = Client.select(Client.id, Client.name, Client.status)
    return sorted((ClientName(c.id, c.name, c.status) for c in query), key=lambda c: sort_key(c.name))


def has_clients() -> bool:
    """Whether the book holds anyone yet (an empty one is offered the demo)."""
    return Client.select().exists()


def get_client(client_id: int) -> Client:
    client = Client.get_or_none(Client.id == client_id)
    if client is None:
        raise UserError(_("no client with id {id}").format(id=client_id))
    return client


_STATUS_CHANGES = {
    "depart": N_("{client} departed"),
    "part": N_("Parted with {client}"),
    "return": N_("{client} came back"),
}


def change_status(client_id: int, action: str, *, on: date, reason: str = "") -> str:
    """Depart, part or return a client, recorded as a dated status change; the new status."""
    allowed, new_status = _TRANSITIONS[action]
    reason = validate.text(reason, _("reason"))
    with change(_STATUS_CHANGES[action], client_id=client_id):
        client = get_client(client_id)
        if client.status not in allowed:
            raise UserError(_("{client} is {status}; cannot {action} from there").format(
                client=safe_line(client.name), status=client.status, action=action))
        StatusChange.create(
            client=client, on=on, old_status=client.status, new_status=new_status, reason=reason, **audit.created()
        )
        Client.update(status=new_status, status_since=on, version=Client.version + 1, **audit.updated()).where(
            Client.id == client_id
        ).execute()
    return new_status


def log_touch(client_id: int, *, kind: str = "note", on: date, note: str = "") -> int:
    """Record a contact with the client; any touch restarts the quiet clock."""
    kind = validate.choice(kind, TOUCH_KINDS, _("touch kind"))
    note = validate.text(note, _("note"))
    with change(N_("Logged a {kind} with {client}"), kind=kind, client_id=client_id):
        touch = Touch.create(client=client_id, kind=kind, on=on, note=note, **audit.created())
    return touch.id


def add_contact(
    client_id: int,
    name: str,
    *,
    role: str = "",
    email: str = "",
    phone: str = "",
    birthday: date | None = None,
    decision_maker: bool = False,
) -> int:
    """Add a person at the client; at most one contact is the decision-maker."""
    values = {
        "name": validate.name(name, _("contact name")),
        "role": validate.text(role.strip(), _("role"), limit=validate.MAX_NAME),
        "email": validate.email(email),
        "phone": validate.phone(phone),
    }
    with change(N_("Added {name} as a contact of {client}"), name=values["name"], client_id=client_id):
        if decision_maker:
            Contact.update(decision_maker=False).where(Contact.client == client_id).execute()
        contact = Contact.create(
            client=client_id, birthday=birthday, decision_maker=decision_maker, **values, **audit.created()
        )
    return contact.id


def check_status(value: str) -> str:
    return validate.choice(value, STATUSES, _("status"))
