"""Compensation arithmetic (docs/method.md §6): the worked examples reproduced to the cent."""

from datetime import date
from decimal import Decimal

import pytest

from crm.compensation import (
    bonus,
    choice_signal,
    discount_band,
    discount_cost,
    double_compensation,
    next_order_discount_cost,
)
from crm.errors import UserError


def test_a_20_percent_discount_for_six_months_at_a_30_percent_margin_leaves_a_tiny_profit():
    cost = discount_cost(Decimal(30000), Decimal(20), 6, Decimal(30))
    assert (cost.margin_per_month, cost.discount_per_month, cost.remaining_per_month) == (
        Decimal(9000), Decimal(6000), Decimal(3000))
    assert (cost.total_margin, cost.total_discount, cost.total_remaining) == (
        Decimal(54000), Decimal(36000), Decimal(18000))
    assert not cost.loses_money
    assert cost.summary == ("Margin 9,000.00 - discount 6,000.00 = 3,000.00 a month; "
                            "18,000.00 of 54,000.00 over 6 months.")
    assert cost.band.band == "buy_back" and not cost.band.flagged


def test_the_discount_cost_is_shown_in_russian_too():
    cost = discount_cost(30000, 20, 6, 30, language="ru")
    assert "18,000.00 из 54,000.00 за 6 мес." in cost.summary


def test_a_discount_bigger_than_the_margin_says_what_it_loses():
    cost = discount_cost("30000", "40", 3, "30")
    assert cost.remaining_per_month == Decimal(-3000) and cost.total_remaining == Decimal(-9000)
    assert cost.loses_money
    assert cost.summary.endswith("each month loses 3,000.00.")
    assert cost.band.band == "excessive" and cost.band.flagged


def test_amounts_are_decimal_to_the_cent():
    cost = discount_cost(Decimal("1234.56"), Decimal("12.5"), 2, Decimal("33.3"))
    assert cost.margin_per_month == Decimal("411.11")  # 411.108… half up
    assert cost.discount_per_month == Decimal("154.32")
    assert all(isinstance(v, Decimal) for v in (cost.total_margin, cost.total_discount, cost.total_remaining))


@pytest.mark.parametrize(("percent", "band", "flagged"), [
    (0, "token", True), (Decimal("9.99"), "token", True), (10, "normal", False), (15, "normal", False),
    (Decimal("15.5"), "between", True), (19, "between", True), (20, "buy_back", False),
    (30, "buy_back", False), (Decimal("30.01"), "excessive", True), (100, "excessive", True),
])
def test_discount_psychology_flags_anything_outside_10_15_and_20_30(percent, band, flagged):
    found = discount_band(percent)
    assert (found.band, found.flagged) == (band, flagged)
    assert found.note


def test_a_bonus_is_ten_percent_of_the_problem_order_valid_three_months():
    granted = bonus(Decimal(20000), issued_on=date(2026, 11, 23))
    assert granted.amount == Decimal(2000)
    assert granted.valid_until == date(2027, 2, 23)
    assert "10,000.00" in granted.warning and "100,000.00" in granted.warning


@pytest.mark.parametrize(("issued", "months", "until"), [
    (date(2026, 8, 31), 6, date(2027, 2, 28)),  # clipped to the month's end, not drifting
    (date(2027, 8, 31), 6, date(2028, 2, 29)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 1, 15), 1, date(2026, 2, 15)),
])
def test_the_bonus_validity_is_counted_from_the_issue_date(issued, months, until):
    assert bonus(20000, 10, issued_on=issued, months=months).valid_until == until


def test_a_discount_on_the_unknown_next_order_would_cost_far_more_than_the_bonus():
    assert next_order_discount_cost(Decimal(100000)) == Decimal(10000)
    assert next_order_discount_cost(Decimal(100000), 15) == Decimal(15000)
    assert bonus(20000, 15, issued_on=date(2026, 11, 23)).warning == (
        "Compute the bonus from the problem order, not the next one: 15% off an unknown next order "
        "of 100,000.00 would cost 15,000.00.")


def test_double_compensation_reproduces_the_worked_example():
    double = double_compensation(Decimal(20000), fixing_cost=Decimal(3000), gift_cost=Decimal(300),
                                 issued_on=date(2026, 11, 23))
    assert double.bonus.amount == Decimal(2000)
    assert double.compensation_cost == Decimal(2300)
    assert double.total_cost == Decimal(5300)
    assert double.bonus.valid_until == date(2027, 2, 23)
    assert double.summary == "Fixing 3,000.00 + gift 300.00 + bonus 2,000.00 = 5,300.00 in all."


@pytest.mark.parametrize(("choice", "stays", "language", "says"), [
    ("bonus", True, "en", "intend to stay"),
    ("gift", False, "en", "consolation"),
    ("bonus", True, "ru", "собирается остаться"),
    ("gift", False, "ru", "утешение"),
])
def test_what_the_clients_choice_signals(choice, stays, language, says):
    signal = choice_signal(choice, language=language)
    assert signal.intends_to_stay is stays
    assert says in signal.text


@pytest.mark.parametrize("call", [
    lambda: discount_cost(-1, 20, 6, 30),
    lambda: discount_cost(30000, 120, 6, 30),
    lambda: discount_cost(30000, 20, 0, 30),
    lambda: discount_cost(30000, 20, 6, 101),
    lambda: discount_cost(30000.5, 20, 6, 30),
    lambda: discount_cost("thirty", 20, 6, 30),
    lambda: discount_cost(30000, 20, True, 30),
    lambda: bonus(Decimal("NaN"), issued_on=date(2026, 11, 23)),
    lambda: bonus(20000, issued_on=date(2026, 11, 23), months=-3),
    lambda: double_compensation(20000, fixing_cost=-5, gift_cost=300, issued_on=date(2026, 11, 23)),
    lambda: choice_signal("cash"),
])
def test_bad_figures_are_refused_with_a_clear_message(call):
    with pytest.raises(UserError):
        call()
