"""The storage model: one peewee model per table. The schema itself is owned by `migrations`."""

from decimal import Decimal
from typing import Any, cast

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    Field,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from crm.money import UnreadableAmount, stored_amount

database = DatabaseProxy()


def primary_key(model: "type[BaseModel]") -> str:
    """The column of the model's primary key (every table has one; peewee types it as maybe False)."""
    column: str = cast("Field[Any]", model._meta.primary_key).column_name
    return column


class MoneyField(TextField):
    """Decimal stored as text: SQLite's NUMERIC would round through a float."""

    def db_value(self, value: Decimal | None) -> str | None:
        if isinstance(value, UnreadableAmount):
            return value.raw  # saved back as it was read: editing its row loses nothing
        return None if value is None else str(value)

    def python_value(self, value: str | None) -> Decimal | None:
        return None if value is None else stored_amount(value)  # a bad cell must not stop a review


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Audited(BaseModel):
    """Who made a row and when, and who changed it last (timestamps in UTC)."""

    created_at = DateTimeField()
    created_by = CharField()
    updated_at = DateTimeField()
    updated_by = CharField()


class Client(Audited):
    id = AutoField()
    name = CharField()
    company = CharField(default="")
    email = CharField(default="")
    phone = CharField(default="")
    country = CharField(default="")  # ISO 3166 alpha-2, "" when unknown
    language = CharField(default="")  # ISO 639-1
    birthday = DateField(null=True)
    notes = TextField(default="")
    tier = CharField(default="regular")
    temperament = CharField(default="balanced")
    status = CharField(default="active")
    status_since = DateField()
    revenue = MoneyField(null=True)  # yearly value of the account, for the wizard's diagnosis
    currency = CharField(default="EUR")
    version = IntegerField(default=1)  # optimistic locking of edits
    email_kind = CharField(default="")  # crm.domain.CHANNEL_KINDS or ""; further ones: EmailAddress
    phone_kind = CharField(default="")


class Contact(Audited):
    id = AutoField()
    client = ForeignKeyField(Client, backref="contacts", on_delete="CASCADE")
    client_id: int  # `<field>_id`: peewee's accessor of a foreign key's id, declared (annotation only) for mypy
    name = CharField()
    role = CharField(default="")
    email = CharField(default="")
    phone = CharField(default="")
    birthday = DateField(null=True)
    decision_maker = BooleanField(default=False)
    email_kind = CharField(default="")
    phone_kind = CharField(default="")


class EmailAddress(Audited):
    """A client's or contact's e-mail address beyond the first (that one is `email` on its row)."""

    id = AutoField()
    client = ForeignKeyField(Client, backref="more_emails", on_delete="CASCADE")
    client_id: int
    contact = ForeignKeyField(Contact, backref="more_emails", null=True, on_delete="CASCADE")  # None: the client's
    contact_id: int | None
    value = CharField()
    kind = CharField(default="")


class PhoneNumber(Audited):
    """A client's or contact's phone number beyond the first (that one is `phone` on its row)."""

    id = AutoField()
    client = ForeignKeyField(Client, backref="more_phones", on_delete="CASCADE")
    client_id: int
    contact = ForeignKeyField(Contact, backref="more_phones", null=True, on_delete="CASCADE")
    contact_id: int | None
    value = CharField()
    kind = CharField(default="")


class StatusChange(Audited):
    id = AutoField()
    client = ForeignKeyField(Client, backref="status_changes", on_delete="CASCADE")
    client_id: int
    on = DateField()
    old_status = CharField()
    new_status = CharField()
    reason = TextField(default="")


class Touch(Audited):
    id = AutoField()
    client = ForeignKeyField(Client, backref="touches", on_delete="CASCADE")
    client_id: int
    on = DateField()
    kind = CharField()
    note = TextField(default="")


class Incident(Audited):
    id = AutoField()
    client = ForeignKeyField(Client, backref="incidents", on_delete="CASCADE")
    client_id: int
    title = CharField()
    severity = CharField(default="medium")
    group = CharField(null=True)  # docs/method.md §1: A, B or C once diagnosed
    cause = TextField(default="")
    opened_on = DateField()
    resolved_on = DateField(null=True)
    outcome = CharField(null=True)  # retained, departed, parted
    strategy = CharField(null=True)
    postmortem_cause = TextField(default="")
    postmortem_rule = TextField(default="")
    wizard = TextField(default="")  # JSON: the wizard's answers and saved result
    version = IntegerField(default=1)


class IncidentEvent(Audited):
    id = AutoField()
    incident = ForeignKeyField(Incident, backref="events", on_delete="CASCADE")
    incident_id: int
    on = DateField()
    kind = CharField()
    text = TextField()


class Promise(Audited):
    id = AutoField()
    client = ForeignKeyField(Client, backref="promises", on_delete="CASCADE")
    client_id: int
    incident = ForeignKeyField(Incident, backref="promises", null=True, on_delete="SET NULL")
    incident_id: int | None
    text = TextField()
    made_on = DateField()
    due = DateField()
    status = CharField(default="open")
    closed_on = DateField(null=True)  # when kept, broken or renegotiated
    # A renegotiated promise is closed and replaced by a new one; the old due date stays in history.
    replaces = ForeignKeyField("self", null=True, backref="replaced_by", on_delete="SET NULL")
    replaces_id: int | None


class Compensation(Audited):
    id = AutoField()
    client = ForeignKeyField(Client, backref="compensations", on_delete="CASCADE")
    client_id: int
    incident = ForeignKeyField(Incident, backref="compensations", null=True, on_delete="SET NULL")
    incident_id: int | None
    on = DateField()
    kind = CharField()
    amount = MoneyField()
    currency = CharField(default="EUR")
    valid_until = DateField(null=True)
    status = CharField(default="offered")
    note = TextField(default="")


class Reminder(Audited):
    """A custom reminder the owner set by hand, optionally recurring."""

    id = AutoField()
    client = ForeignKeyField(Client, backref="reminders", on_delete="CASCADE")
    client_id: int
    text = TextField()
    due = DateField()
    every = CharField(default="")  # "", weekly, monthly, yearly or Nm


class ItemState(Audited):
    """A due item marked done or snoozed; keyed by the item's stable id, one row per occurrence."""

    item_id = CharField(primary_key=True)
    state = CharField()  # done or snoozed
    until = DateField(null=True)  # for snoozed
    note = TextField(default="")


class Setting(BaseModel):
    key = CharField(primary_key=True)
    value = TextField()

    @classmethod
    def put(cls, key: str, value: str) -> None:
        """Set `key` to `value`, added or replaced (one ON CONFLICT both engines speak)."""
        cls.insert(key=key, value=value).on_conflict(conflict_target=[cls.key], update={cls.value: value}).execute()


class Change(BaseModel):
    """One change a person made (crm.journal): who, when, what; `undoes` marks an undo's own entry."""

    id = AutoField()
    at = DateTimeField()
    author = CharField()
    what = TextField()  # an English message template (translated when shown) ...
    params = TextField()  # ... and its values, as JSON
    client_id = IntegerField(null=True)  # the one client it concerned, if only one
    undoes = IntegerField(null=True)
    undone_at = DateTimeField(null=True)
    undone_by = CharField(null=True)

    class Meta:
        table_name = "change_log"


class ChangeRow(BaseModel):
    """A row a change wrote: its image before (None: inserted) and after (None: deleted), as JSON."""

    id = AutoField()
    change = ForeignKeyField(Change, backref="rows", on_delete="CASCADE")
    change_id: int
    tbl = CharField()
    pk = TextField()
    old = TextField(null=True)
    new = TextField(null=True)


# The domain's tables, the ones export and import carry (the journal is this database's history).
MODELS: tuple[type[BaseModel], ...] = (
    Client,
    Contact,
    EmailAddress,
    PhoneNumber,
    StatusChange,
    Touch,
    Incident,
    IncidentEvent,
    Promise,
    Compensation,
    Reminder,
    ItemState,
    Setting,
)
