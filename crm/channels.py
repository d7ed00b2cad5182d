"""Every e-mail address and phone number of clients and their contacts, the primary one first.

The primary one is the row's own `email` or `phone` (with `email_kind`, `phone_kind`); further ones
are rows of `EmailAddress` and `PhoneNumber`. Read for many clients at once, in four queries.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

from crm.dialect import in_list
from crm.models import Client, Contact, EmailAddress, PhoneNumber, database

Owner = tuple[int, int | None]  # (client id, contact id), None for the client's own


@dataclass
class Channels:
    emails: list[dict[str, str]] = field(default_factory=list)  # [{"value", "kind"}], the primary first
    phones: list[dict[str, str]] = field(default_factory=list)


def channels(client_ids: Sequence[int]) -> dict[Owner, Channels]:
    """The e-mails and phones of these clients and of their contacts, by owner; an owner with
    none of either is left out."""
    ids = in_list(client_ids)
    found: dict[Owner, Channels] = {}

    def add(owner: Owner, key: str, value: str, kind: str) -> None:
        if value:
            getattr(found.setdefault(owner, Channels()), key).append({"value": value, "kind": kind})

    # Raw rows (`database.execute`): peewee's conversion of each value cost more than SQLite's
    # answer for a listing of 50,000 clients. (`cast`: the stubs do not know the rows' shape.)
    clients = Client.select(Client.id, Client.email, Client.email_kind, Client.phone, Client.phone_kind)
    client_rows = cast("Iterable[tuple[int, str, str, str, str]]", database.execute(clients.where(Client.id.in_(ids))))
    for client_id, email, email_kind, phone, phone_kind in client_rows:
        add((client_id, None), "emails", email, email_kind)
        add((client_id, None), "phones", phone, phone_kind)
    contacts = Contact.select(Contact.client, Contact.id, Contact.email, Contact.email_kind, Contact.phone,
                              Contact.phone_kind).where(Contact.client.in_(ids))
    contact_rows = cast("Iterable[tuple[int, int, str, str, str, str]]", database.execute(contacts))
    for client_id, contact_id, email, email_kind, phone, phone_kind in contact_rows:
        add((client_id, contact_id), "emails", email, email_kind)
        add((client_id, contact_id), "phones", phone, phone_kind)
    for key, model in (("emails", EmailAddress), ("phones", PhoneNumber)):
        query = model.select(model.client, model.contact, model.value, model.kind).where(model.client.in_(ids))
        rows = cast("Iterable[tuple[int, int | None, str, str]]", database.execute(query.order_by(model.id)))
        for client_id, contact, value, kind in rows:  # contact: an id, None for the client's own
            add((client_id, contact), key, value, kind)
    return found
