"""Compensation arithmetic (docs/method.md §6), in Decimal throughout.

The cost of a discount over its whole period (shown before it is offered), a bonus computed from
the problem order with its validity, double compensation (gift and bonus), the discount
psychology bands, and what the client's choice between a gift and a bonus signals.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from crm.dates import add_months
from crm.errors import UserError
from crm.i18n import _
from crm.money import CENT, format_amount
from crm.playbook import DEFAULT_LANGUAGE, load_playbook

HUNDRED = Decimal(100)
DEFAULT_BONUS_PERCENT = Decimal(10)
DEFAULT_BONUS_MONTHS = 3  # "up to three months is typical"
# The §6 counter-example: what an open-ended discount on the next order would cost instead.
EXAMPLE_NEXT_ORDER = Decimal(100000)
# Discount psychology: 10–15% is an ordinary discount, 20–30% what buying a client back takes.
NORMAL_DISCOUNT = (Decimal(10), Decimal(15))
BUY_BACK_DISCOUNT = (Decimal(20), Decimal(30))
TYPICAL_BANDS = ("normal", "buy_back")
CHOICES = ("bonus", "gift")


@dataclass(frozen=True)
class DiscountBand:
    """Where a discount percentage sits in §6's psychology; `flagged` when outside both ranges."""

    band: str  # "token" | "normal" | "between" | "buy_back" | "excessive"
    flagged: bool
    note: str


@dataclass(frozen=True)
class DiscountCost:
    """A discount over its period against the margin it eats."""

    order_value: Decimal  # per month
    percent: Decimal
    months: int
    margin_percent: Decimal
    margin_per_month: Decimal
    discount_per_month: Decimal
    remaining_per_month: Decimal  # negative: the discount loses money
    total_margin: Decimal
    total_discount: Decimal
    total_remaining: Decimal
    band: DiscountBand
    summary: str

    @property
    def loses_money(self) -> bool:
        return self.remaining_per_month < 0


@dataclass(frozen=True)
class Bonus:
    """A bonus on the next order, computed from the problem order, valid until a date."""

    base: Decimal  # the problem order's value
    percent: Decimal
    amount: Decimal
    issued_on: date
    valid_until: date
    warning: str  # why it is computed from the problem order, not the next one


@dataclass(frozen=True)
class DoubleCompensation:
    """Gift and bonus for a highly valued client at risk, with what the whole incident costs."""

    order_value: Decimal
    fixing_cost: Decimal
    gift_cost: Decimal
    bonus: Bonus
    compensation_cost: Decimal  # gift + bonus
    total_cost: Decimal  # fixing + gift + bonus
    summary: str


@dataclass(frozen=True)
class ChoiceSignal:
    choice: str  # "bonus" | "gift"
    intends_to_stay: bool
    text: str


def _cents(value: Decimal) -> Decimal:
    """`value` to the cent, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def discount_band(percent: Decimal | int | str, *, language: str | None = DEFAULT_LANGUAGE) -> DiscountBand:
    """The §6 band of a discount: 10–15% ordinary, 20–30% buy-back, anything else flagged."""
    value = _amount(percent, _("percent"), upper=HUNDRED)
    if value < NORMAL_DISCOUNT[0]:
        band = "token"
    elif value <= NORMAL_DISCOUNT[1]:
        band = "normal"
    elif value < BUY_BACK_DISCOUNT[0]:
        band = "between"
    elif value <= BUY_BACK_DISCOUNT[1]:
        band = "buy_back"
    else:
        band = "excessive"
    return DiscountBand(band, band not in TYPICAL_BANDS, load_playbook(language).message(f"band.{band}"))


def discount_cost(order_value: Decimal | int | str, percent: Decimal | int | str, months: int,
                  margin_percent: Decimal | int | str, *, language: str | None = DEFAULT_LANGUAGE) -> DiscountCost:
    """What a `percent` discount on a monthly `order_value` costs over `months` at a given margin."""
    order = _amount(order_value, _("order value"))
    rate = _amount(percent, _("discount percent"), upper=HUNDRED)
    margin_rate = _amount(margin_percent, _("margin percent"), upper=HUNDRED)
    months = _months(months)
    margin = _cents(order * margin_rate / HUNDRED)
    discount = _cents(order * rate / HUNDRED)
    remaining = margin - discount
    book = load_playbook(language)
    summary = book.message(
        "discount.summary", margin=format_amount(margin), discount=format_amount(discount),
        remaining=format_amount(remaining), total_remaining=format_amount(remaining * months),
        total_margin=format_amount(margin * months), months=months,
    )
    if remaining < 0:
        summary += " " + book.message("discount.loss", loss=format_amount(-remaining))
    return DiscountCost(
        order_value=order, percent=rate, months=months, margin_percent=margin_rate,
        margin_per_month=margin, discount_per_month=discount, remaining_per_month=remaining,
        total_margin=margin * months, total_discount=discount * months, total_remaining=remaining * months,
        band=discount_band(rate, language=language), summary=summary,
    )


def next_order_discount_cost(next_order_value: Decimal | int | str,
                             percent: Decimal | int | str = DEFAULT_BONUS_PERCENT) -> Decimal:
    """What a `percent` discount on the (unknown) next order would cost: the trap §6 warns of."""
    return _cents(_amount(next_order_value, _("order value")) * _amount(percent, _("percent"), upper=HUNDRED) / HUNDRED)


def bonus(problem_order_value: Decimal | int | str, percent: Decimal | int | str = DEFAULT_BONUS_PERCENT, *,
          issued_on: date, months: int = DEFAULT_BONUS_MONTHS,
          language: str | None = DEFAULT_LANGUAGE) -> Bonus:
    """A bonus of `percent` of the problem order, usable on the next order for `months` months."""
    base = _amount(problem_order_value, _("order value"))
    rate = _amount(percent, _("bonus percent"), upper=HUNDRED)
    warning = load_playbook(language).message(
        "bonus.basis", percent=_plain(rate), next=format_amount(EXAMPLE_NEXT_ORDER),
        cost=format_amount(next_order_discount_cost(EXAMPLE_NEXT_ORDER, rate)),
    )
    return Bonus(base=base, percent=rate, amount=_cents(base * rate / HUNDRED), issued_on=issued_on,
                 valid_until=add_months(issued_on, _months(months)), warning=warning)


def double_compensation(order_value: Decimal | int | str, *, fixing_cost: Decimal | int | str,
                        gift_cost: Decimal | int | str, issued_on: date,
                        bonus_percent: Decimal | int | str = DEFAULT_BONUS_PERCENT,
                        bonus_months: int = DEFAULT_BONUS_MONTHS,
                        language: str | None = DEFAULT_LANGUAGE) -> DoubleCompensation:
    """Gift and bonus on a problem order, and the full cost including fixing the problem."""
    fixing = _amount(fixing_cost, _("fixing cost"))
    gift = _amount(gift_cost, _("gift cost"))
    granted = bonus(order_value, bonus_percent, issued_on=issued_on, months=bonus_months, language=language)
    total = fixing + gift + granted.amount
    summary = load_playbook(language).message(
        "double.summary", fixing=format_amount(fixing), gift=format_amount(gift),
        bonus=format_amount(granted.amount), total=format_amount(total),
    )
    return DoubleCompensation(order_value=granted.base, fixing_cost=fixing, gift_cost=gift, bonus=granted,
                              compensation_cost=gift + granted.amount, total_cost=total, summary=summary)


def choice_signal(choice: str, *, language: str | None = DEFAULT_LANGUAGE) -> ChoiceSignal:
    """What the client's pick says: a bonus → they intend to stay; a gift → a consolation on leaving."""
    if choice not in CHOICES:
        raise UserError(_("unknown choice: {choice!r} (use bonus or gift)").format(choice=choice))
    return ChoiceSignal(choice, choice == "bonus", load_playbook(language).message(f"signal.{choice}"))


def _amount(value: Decimal | int | str, what: str, *, upper: Decimal | None = None) -> Decimal:
    """A finite, non-negative Decimal (at most `upper`); UserError naming `what` (in the reader's
    language) otherwise."""
    if isinstance(value, float | bool):  # a float has already lost the cents; a bool is no amount
        raise UserError(_("{what} must be a Decimal, an integer or text, not {value!r}").format(what=what, value=value))
    try:
        amount = Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        raise UserError(_("{what} is not a number: {value!r}").format(what=what, value=value)) from None
    if not amount.is_finite() or amount < 0 or (upper is not None and amount > upper):
        if upper is None:
            raise UserError(_("{what} must be zero or more: {value!r}").format(what=what, value=value))
        raise UserError(_("{what} must be zero or more and at most {upper}: {value!r}").format(
            what=what, upper=upper, value=value))
    return amount


def _months(months: int) -> int:
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise UserError(_("months must be a whole number of at least 1: {months!r}").format(months=months))
    return months


def _plain(value: Decimal) -> str:
    """10 rather than 10.00 or 1E+1, for percentages in prose."""
    return format(value.normalize(), "f")
