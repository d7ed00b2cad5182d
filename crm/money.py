"""Money as Decimal with a currency: parsing what users type, and printing it back."""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from crm.domain import DEFAULT_CURRENCY
from crm.errors import UserError
from crm.i18n import _
from crm.text import safe_line, shorten

_CURRENCY = re.compile(r"^[A-Z]{3}$")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 12  # far beyond any compensation; keeps quantize within Decimal's precision
_SPACES = re.compile(r"[\s_'\u2019]")  # 1 500, 1_500, 1'500 (Swiss)
# ASCII digits only: Decimal would read '٣' (Arabic-Indic three) as 3.
_GROUPED = re.compile(r"^[+-]?\d{1,3}([,.]\d{3})+$", re.ASCII)
_PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?$", re.ASCII)


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str = DEFAULT_CURRENCY

    def __str__(self) -> str:
        """As the reader's language writes it: "1,800.00 EUR", "1 800,00 €" (crm.l10n)."""
        from crm.l10n import format_money

        return format_money(self)


class UnreadableAmount(Decimal):
    """A stored amount that is no amount (`abc`, `NaN`, `1E+999999999`: another tool wrote it).

    It counts as 0, so sums and the rules go on; it prints as unreadable, so the owner sees it;
    and it is saved back as it was read, so nothing is lost by editing its row.
    """

    raw: str

    def __new__(cls, raw: str) -> "UnreadableAmount":
        amount = super().__new__(cls, 0)
        amount.raw = raw
        return amount

    def __str__(self) -> str:
        return self.raw  # what an export writes: the cell as stored, for a person to mend


def stored_amount(text: str) -> Decimal:
    """The amount a database cell holds: an UnreadableAmount unless it is a finite amount in range."""
    try:
        amount = Decimal(text)
    except (ArithmeticError, ValueError, TypeError):  # InvalidOperation, Overflow…
        return UnreadableAmount(text)
    return amount if amount.is_finite() and amount.copy_abs() < MAX_AMOUNT else UnreadableAmount(text)


def format_amount(amount: Decimal) -> str:
    """`amount` to the cent with thin grouping: 30000 → '30,000.00'."""
    if isinstance(amount, UnreadableAmount):
        return _("unreadable amount {stored!r}").format(stored=shorten(safe_line(amount.raw), 24))
    return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def parse_amount(text: str) -> Decimal:
    """A non-negative amount as people type it; UserError otherwise.

    '300', '2,000.00', '1 500,50', '1.500,50' and '1'000' all work: with both separators the last
    one is the decimal point; a lone comma is a decimal comma unless three digits follow (1,000).
    Grouping must be in threes, so a typo such as '1,00,0' is refused rather than misread.
    """
    cleaned = _SPACES.sub("", text)
    if "," in cleaned and "." in cleaned:
        point = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
    elif cleaned.count(",") == 1 and len(cleaned.split(",")[1]) != 3:
        point = ","  # a decimal comma: 1500,50
    elif cleaned.count(".") == 1:
        point = "."
    else:
        point = ""  # only grouping separators (or none): 2,000 or 1.500.000
    whole, _point, fraction = cleaned.rpartition(point) if point else (cleaned, "", "")
    if point and not whole:
        whole = "0"  # ".5"
    if any(sep in whole for sep in ",.") and not _GROUPED.match(whole):
        raise UserError(_("not an amount: {text!r} (group thousands in threes, e.g. 2,000.00)").format(text=text))
    number = re.sub("[,.]", "", whole) + (f".{fraction}" if point else "")
    if not _PLAIN.match(number):
        raise UserError(_("not an amount: {text!r}").format(text=text))
    amount = Decimal(number)
    if amount < 0:
        raise UserError(_("amount must not be negative: {text!r}").format(text=text))
    if amount >= MAX_AMOUNT:
        raise UserError(_("amount is too large: {text!r} (at most {most})").format(
            text=text, most=format_amount(MAX_AMOUNT - CENT)))
    return amount.copy_abs().quantize(CENT, rounding=ROUND_HALF_UP)  # copy_abs: '-0' is 0.00


def parse_currency(text: str) -> str:
    """An ISO 4217-shaped currency code, upper-cased; UserError otherwise."""
    code = text.strip().upper()
    if not _CURRENCY.match(code):
        raise UserError(_("not a currency code: {text!r} (use three letters, e.g. EUR)").format(text=text))
    return code
