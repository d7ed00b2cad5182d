"""Imported values checked like typed ones: each column of our JSON and each setting passes the
validator its form or command uses (crm.validate, crm.money, the rules, the backups, the wizard).

A file is not a person at the keyboard, so one check goes further than typing: `backup.dir` must
stay inside the database's directory (a file must not send copies of everything elsewhere; the
owner can choose any directory in the app).
"""

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import PurePath

from crm import dialect, validate
from crm.dates import NO_YEAR, in_range
from crm.domain import (
    CHANNEL_KINDS,
    COMPENSATION_KINDS,
    COMPENSATION_STATUSES,
    EVENT_KINDS,
    GROUPS,
    OUTCOMES,
    PROMISE_STATUSES,
    SEVERITIES,
    STATUSES,
    TEMPERAMENTS,
    TIERS,
    TOUCH_KINDS,
)
from crm.errors import UserError
from crm.i18n import N_, _
from crm.models import (
    Client,
    Compensation,
    Contact,
    EmailAddress,
    Incident,
    IncidentEvent,
    ItemState,
    PhoneNumber,
    Promise,
    Reminder,
    Touch,
)
from crm.money import parse_amount, parse_currency
from crm.text import safe_line, shorten

MAX_ID = 2**63 - 1  # SQLite's INTEGER
MAX_ID_SERVER = 2**31 - 1  # PostgreSQL's INTEGER (and SERIAL), as crm.postgres makes the columns


def most_id() -> int:
    """The largest id or version the open database's INTEGER columns hold."""
    return MAX_ID_SERVER if dialect.postgres() else MAX_ID


# Each `what` is a field's name marked with N_ (the table is built at import, before the language
# is chosen) and translated when a check names it.
def _name(what: str) -> Callable[[str], str]:
    return lambda value: validate.name(value, _(what))


def _short(what: str) -> Callable[[str], str]:
    return lambda value: validate.text(value.strip(), _(what), limit=validate.MAX_NAME)


def _required(what: str) -> Callable[[str], str]:
    return lambda value: validate.text(value, _(what), required=True)


def _choice(options: tuple[str, ...], what: str) -> Callable[[str], str]:
    return lambda value: validate.choice(value, options, _(what))


def _present(check: Callable[[str], str], what: str) -> Callable[[str], str]:
    """`check`, and the value must not be empty (a further e-mail or phone is one)."""
    def checked(value: str) -> str:
        return check(validate.text(value, _(what), required=True, limit=validate.MAX_NAME))
    return checked


def _item_id(value: str) -> str:
    from crm.rules import parse_item_id  # the parser `crm done ITEM` uses

    parse_item_id(value)
    return value


# Text columns as their services check what is typed; any other text column: validate.text.
TEXT_CHECKS: dict[tuple[type, str], Callable[[str], str]] = {
    (Client, "name"): validate.name,
    (Client, "company"): _short(N_("company")),
    (Client, "email"): validate.email,
    (Client, "phone"): validate.phone,
    (Client, "country"): validate.country,
    (Client, "language"): validate.language,
    (Client, "currency"): parse_currency,
    (Client, "status"): _choice(STATUSES, N_("status")),
    (Client, "tier"): _choice(TIERS, N_("tier")),
    (Client, "temperament"): _choice(TEMPERAMENTS, N_("temperament")),
    (Contact, "name"): _name(N_("contact name")),
    (Contact, "role"): _short(N_("role")),
    (Contact, "email"): validate.email,
    (Contact, "phone"): validate.phone,
    (EmailAddress, "value"): _present(validate.email, N_("e-mail")),
    (PhoneNumber, "value"): _present(validate.phone, N_("phone")),
    **{(model, column): _choice(("", *CHANNEL_KINDS), N_("kind")) for model, column in (
        (Client, "email_kind"), (Client, "phone_kind"), (Contact, "email_kind"), (Contact, "phone_kind"),
        (EmailAddress, "kind"), (PhoneNumber, "kind"))},
    (Touch, "kind"): _choice(TOUCH_KINDS, N_("touch kind")),
    (Incident, "title"): _name(N_("incident title")),
    (Incident, "severity"): _choice(SEVERITIES, N_("severity")),
    (Incident, "group"): _choice(GROUPS, N_("group")),
    (Incident, "outcome"): _choice(OUTCOMES, N_("outcome")),
    (IncidentEvent, "kind"): _choice(EVENT_KINDS, N_("event kind")),
    (IncidentEvent, "text"): _required(N_("event text")),
    (Promise, "text"): _required(N_("promise")),
    (Promise, "status"): _choice(PROMISE_STATUSES, N_("promise status")),
    (Compensation, "kind"): _choice(COMPENSATION_KINDS, N_("compensation kind")),
    (Compensation, "status"): _choice(COMPENSATION_STATUSES, N_("compensation status")),
    (Compensation, "currency"): parse_currency,
    (Reminder, "text"): _required(N_("reminder")),
    (Reminder, "every"): validate.recurrence,
    (ItemState, "item_id"): _item_id,
    (ItemState, "state"): _choice(("done", "snoozed"), N_("state")),
}
AUTHORS = ("created_by", "updated_by")  # a login name: not empty, not longer than a name


def text_value(model: type, column: str, value: str) -> str:
    """A text column's value as its form would store it; UserError if it would refuse it."""
    if column in AUTHORS:
        return _name("author")(value)
    check = TEXT_CHECKS.get((model, column))
    return check(value) if check else validate.text(value, column)


def whole_number(value: object) -> int:
    """An id or a version: a JSON integer the database can hold (`most_id`), 1 or more."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise UserError(_("must be a whole number, not {value}").format(value=shown(value)))
    most = most_id()
    if not 1 <= value <= most:
        raise UserError(_("must be from 1 to {most}, not {value}").format(most=most, value=shown(value)))
    return value


def day(value: str) -> date:
    """A date in ISO form (2026-11-23) within the dates Rapport takes (crm.dates.in_range)."""
    try:
        found = date.fromisoformat(value)
    except ValueError:
        raise UserError(_("not a date: {value} (use YYYY-MM-DD)").format(value=shown(value))) from None
    return in_range(found, value)


def birthday(value: str) -> date:
    """A birthday as we store them: a date (crm.dates.in_range), or one without a year (NO_YEAR)."""
    if not value.startswith(f"{NO_YEAR}-"):
        return day(value)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(_("not a date: {value} (use YYYY-MM-DD)").format(value=shown(value))) from None


def moment(value: str) -> datetime:
    """A timestamp as we store them (UTC, no offset) within the dates Rapport takes."""
    try:
        found = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(_("not a date and time: {value}").format(value=shown(value))) from None
    if found.tzinfo is not None:
        raise UserError(_("a time without an offset (stored as UTC), not {value}").format(value=shown(value)))
    in_range(found.date(), value)
    return found


def shown(value: object) -> str:
    """A value from a file as a message quotes it: its repr, cut and made terminal-safe."""
    return safe_line(shorten(repr(value), 60))


# ---- settings ------------------------------------------------------------------------------

THEME_SETTING = "ui.theme"  # crm.app.app.THEME_SETTING (the core never imports the app); unknown names are ignored


def _backup_dir(value: str) -> None:
    validate.text(value, "backup.dir", limit=validate.MAX_NAME)  # as the app's form takes it
    path = PurePath(value.strip())
    if path.is_absolute() or value.strip().startswith("~") or ".." in path.parts:
        raise UserError(_("backup.dir from a file must be a directory inside the database's own (a relative "
                          "path without ..), not {value}; choose another one in the app").format(
            value=shown(value)))


def _draft(value: str) -> None:
    from crm.wizard import WizardState

    try:
        data = json.loads(value)
        if not isinstance(data, dict):
            raise ValueError
        WizardState.from_dict({**data, "client_id": 1})
    except (ValueError, TypeError, AttributeError, RecursionError):
        raise UserError(_("not a saved wizard (a JSON object the wizard can resume)")) from None


def _threshold(value: str, currency: str) -> None:
    if parse_currency(currency) != currency:
        raise UserError(_("not a currency code: {value}").format(value=shown(currency)))
    parse_amount(value)


def _after(key: str, prefix: str) -> str | None:
    """What follows `prefix` in `key`, or None when `key` does not start with it."""
    return key[len(prefix):] if key.startswith(prefix) else None


def setting(key: str, value: str) -> None:
    """UserError unless `key` is a setting Rapport knows and `value` passes the check it passes
    where it is set. (The modules that own the settings load only here: most commands need none.)"""
    from crm import agency, backup, rules, wizard

    validate.text(key, _("key"), required=True, limit=validate.MAX_NAME)
    exact: dict[str, Callable[[str], object]] = {
        "backup.keep": backup.parse_keep,
        "backup.dir": _backup_dir,
        rules.SKIPPED_SETTING: rules.parse_skipped,
        THEME_SETTING: _short(THEME_SETTING),
        agency.OWNER_NAME: _name(_("owner's name")),
        agency.OWNER_TITLE: _short(_("owner's title")),
    }
    if key in exact:
        exact[key](value)
    elif (rule := _after(key, rules.SETTING_PREFIX)) in rules.RULE_NAMES:
        rules.rule_value(rule, value)
    elif (client := _after(key, wizard.DRAFT_SETTING.format(""))) and client.isascii() and client.isdigit():
        _draft(value)
    elif currency := _after(key, agency.VALUE_HIGH.format("")) or _after(key, agency.VALUE_MEDIUM.format("")):
        _threshold(value, currency)
    else:
        raise UserError(_("unknown setting {key}").format(key=shown(key)))
