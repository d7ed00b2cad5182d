"""Money as Decimal with a currency: parsing what users type, and printing it back."""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from crm.domain import DEFAULT_CURRENCY
from crm.errors import UserError

_CURRENCY = re.compile(r"^[A-Z]{3}$")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str = DEFAULT_CURRENCY

    def __str__(self) -> str:
        return f"{format_amount(self.amount)} {self.currency}"


def format_amount(amount: Decimal) -> str:
    """`amount` to the cent with thin grouping: 30000 → '30,000.00'."""
    return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def parse_amount(text: str) -> Decimal:
    """A non-negative amount from text such as '300', '1 500,50' or '2,000.00'; UserError otherwise."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").replace("_", "")
    if "," in cleaned and "." not in cleaned and cleaned.count(",") == 1 and len(cleaned.split(",")[1]) != 3:
        cleaned = cleaned.replace(",", ".")  # a decimal comma: 1500,50
    else:
        cleaned = cleaned.replace(",", "")  # thousands separators: 2,000.00
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise UserError(f"not an amount: {text!r}") from None
    if not amount.is_finite():
        raise UserError(f"not an amount: {text!r}")
    if amount < 0:
        raise UserError(f"amount must not be negative: {text!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_currency(text: str) -> str:
    """An ISO 4217-shaped currency code, upper-cased; UserError otherwise."""
    code = text.strip().upper()
    if not _CURRENCY.match(code):
        raise UserError(f"not a currency code: {text!r} (use three letters, e.g. EUR)")
    return code
