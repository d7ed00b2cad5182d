"""Custom reminders: set by hand for a client, on a date, optionally recurring."""

from datetime import date

from crm import audit, validate
from crm.errors import UserError
from crm.i18n import N_, _
from crm.journal import change
from crm.models import Client, Reminder
from crm.text import shorten


def add_reminder(client_id: int, text: str, *, due: date, every: str = "", today: date) -> int:
    """A reminder on `due`, repeating weekly, monthly, yearly or every N months ("3m"); its id.

    Occurrences are always counted from `due` (the anchor), so a monthly reminder on the 31st
    falls on the last day of shorter months and returns to the 31st after them.
    """
    text = validate.text(text, _("reminder"), required=True)
    every = validate.recurrence(every)
    if due < today:
        raise UserError(_("due date {due} is in the past (today is {today})").format(due=due, today=today))
    if Client.get_or_none(Client.id == client_id) is None:
        raise UserError(_("no client with id {id}").format(id=client_id))
    with change(N_("Set a reminder for {client}: {text}"), text=shorten(text, 60), client_id=client_id):
        reminder = Reminder.create(client=client_id, text=text, due=due, every=every, **audit.created())
    return reminder.id
