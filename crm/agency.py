"""The agency's own settings the wizard reads, kept in the database's `Setting` table (shared by
everyone who uses the database, like the backup settings):

- who signs the wizard's letters: `owner.name` and `owner.title` (docs/method.md §8: the reply carries
  more weight from the owner than from "the team"), unless the person at the keyboard set their
  own signature in their settings (crm.config);
- the yearly revenue at which a client counts as high or medium value, per currency:
  `value.high.<CUR>` and `value.medium.<CUR>` (a client's revenue is judged only against its own
  currency's thresholds; crm.diagnosis.DEFAULT_VALUE_THRESHOLDS until the owner sets them).

A bad stored value (someone edited the file by hand) never stops the wizard: the default is used.
"""

from dataclasses import dataclass
from decimal import Decimal

from crm import audit, validate
from crm.diagnosis import ValueThresholds, default_thresholds
from crm.errors import UserError
from crm.i18n import N_, _
from crm.journal import change
from crm.models import Setting
from crm.money import Money, parse_amount, parse_currency

OWNER_NAME = "owner.name"
OWNER_TITLE = "owner.title"
VALUE_HIGH = "value.high.{}"
VALUE_MEDIUM = "value.medium.{}"


@dataclass(frozen=True)
class Signer:
    """Who signs a letter: a name and, optionally, a title ("Director")."""

    name: str
    title: str = ""
    configured: bool = True  # False: the owner's name is not set yet, the login name stands in
    company: str = ""

    @property
    def lines(self) -> tuple[str, ...]:
        """The signature as it ends a letter: the name, then the title and company when given."""
        return tuple(line for line in (self.name, self.title, self.company) if line) or (self.name,)


def _setting(key: str) -> str | None:
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row else None


def signer() -> Signer:
    """Who signs the wizard's letters: the person's own signature (their settings, crm.config),
    else the owner as set in the database, else the person at the terminal (so a letter is never
    signed by "the team"); `configured` tells the screen to suggest setting it."""
    from crm.config import load

    own = load().signature
    if own.name:
        return Signer(own.name, own.title, company=own.company)
    name = (_setting(OWNER_NAME) or "").strip()
    if name:
        return Signer(name, (_setting(OWNER_TITLE) or "").strip())
    return Signer(audit.author(), "", configured=False)


def set_signer(name: str, title: str = "") -> Signer:
    """Store who signs letters (name required, title optional); UserError naming a bad value."""
    name = validate.name(name, _("owner's name"))
    title = validate.text(title.strip(), _("owner's title"), limit=validate.MAX_NAME)
    with change(N_("Set who signs letters: {name}"), name=name):
        Setting.put(OWNER_NAME, name)
        if title:
            Setting.put(OWNER_TITLE, title)
        else:
            Setting.delete().where(Setting.key == OWNER_TITLE).execute()
    return Signer(name, title)


def _stored_amount(key: str) -> Decimal | None:
    text = _setting(key)
    try:
        return parse_amount(text) if text is not None else None
    except UserError:
        return None  # edited by hand into nonsense: the default stands


def value_thresholds(currency: str) -> ValueThresholds | None:
    """The owner's thresholds for `currency` (what is not set, or unreadable, from the defaults);
    None when the currency has neither (its revenue is then not judged)."""
    code = currency.strip().upper()
    base = default_thresholds(code)
    high = _stored_amount(VALUE_HIGH.format(code))
    medium = _stored_amount(VALUE_MEDIUM.format(code))
    high = high if high is not None else base.high if base else None
    medium = medium if medium is not None else base.medium if base else None
    if high is None or medium is None or medium > high:
        return base
    return ValueThresholds(high, medium, code)


def set_value_thresholds(currency: str, high: str, medium: str) -> ValueThresholds:
    """Store the yearly revenue at which a client in `currency` counts as high and medium value, as
    typed ("100,000"); UserError naming the bad value, nothing stored then."""
    code = parse_currency(currency)
    try:
        top = parse_amount(high)
    except UserError as exc:
        raise UserError(_("high value threshold: {problem}").format(problem=exc)) from None
    try:
        floor = parse_amount(medium)
    except UserError as exc:
        raise UserError(_("medium value threshold: {problem}").format(problem=exc)) from None
    if floor > top:
        raise UserError(_("the medium value threshold ({medium}) must not exceed the high one ({high})").format(
            medium=Money(floor, code), high=Money(top, code)))
    with change(N_("Set the client value thresholds in {currency}"), currency=code):
        Setting.put(VALUE_HIGH.format(code), str(top))
        Setting.put(VALUE_MEDIUM.format(code), str(floor))
    return ValueThresholds(top, floor, code)
