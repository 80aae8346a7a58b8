"""The two named rounding rules (issue 9 §3): a base limit computed where none is published
(floor up, cap down to the yuan) and account interest (one half-up rounding of the whole
year's interest), each at its half point and as a hypothesis property; and the flexible
base at the half fen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shebao.contributions.rules import (
    account_interest,
    base_limits_compute,
    base_limits_make,
    grade_base,
)
from shebao.core.money import round_fen, round_yuan_down, round_yuan_up

D = Decimal


# --- the base floor and cap ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("average", "floor", "cap"),
    [
        # 0.6 × 5000.75 = 3000.45 → up to 3001 (half up would say 3000); 3 × = 15002.25 → 15002
        ("5000.75", "3001", "15002"),
        # 0.6 × 5000.85 = 3000.51 → 3001; 3 × = 15002.55 → down to 15002 (half up would say 15003)
        ("5000.85", "3001", "15002"),
        # 0.6 × 7490.83 = 4494.498 → up to 4495; 3 × 7490.83 = 22472.49 → down to 22472
        ("7490.83", "4495", "22472"),
        # whole results stay as they are: 7040 → 4224 and 21120 (2023, DOMAIN.md §2.4)
        ("7040", "4224", "21120"),
        # 7489 × 0.6 = 4493.40 → 4494, the figure public file B gives for 2024
        ("7489", "4494", "22467"),
    ],
)
def test_a_computed_floor_is_rounded_up_and_a_computed_cap_down_to_the_yuan(average, floor, cap):
    assert base_limits_compute(D(average)) == (D(floor), D(cap))


def test_published_limits_are_used_as_published_and_only_missing_ones_computed():
    # given a row that publishes its floor (3000, below the computed 3001) but no cap
    limits = base_limits_make(
        row_id=1,
        year=2013,
        average=D("5000.75"),
        floor=D("3000"),
        cap=None,
        effective_from=dt.date(2013, 1, 1),
        confidence="L",
    )
    # then the published floor stands and the cap is computed, and the derivation says so
    assert (limits.floor, limits.floor_computed, limits.cap, limits.cap_computed) == (
        D("3000"),
        False,
        D("15002"),
        True,
    )
    assert len(limits.steps()) == 1 and "15002" in limits.steps()[0]


@given(average=st.decimals(min_value=D("100.00"), max_value=D("100000.00"), places=2))
def test_computed_limits_are_whole_yuan_inside_sixty_to_three_hundred_percent(average):
    floor, cap = base_limits_compute(average)
    assert floor == floor.to_integral_value() and cap == cap.to_integral_value()
    # never below 60 % nor above 300 %, and the nearest whole yuan on the right side
    assert floor - 1 < average * D("0.6") <= floor
    assert cap <= average * 3 < cap + 1


def test_the_yuan_roundings_are_the_named_ones_in_core_money():
    assert (round_yuan_up(D("3739.80")), round_yuan_up(D("3740.00"))) == (D("3740"), D("3740"))
    assert (round_yuan_down(D("18699.99")), round_yuan_down(D("18699"))) == (D("18699"), D("18699"))
    with pytest.raises(TypeError):
        round_yuan_up(3739.8)  # type: ignore[arg-type]


# --- the flexible worker's base at the half fen -----------------------------------------------------


def test_a_grade_base_at_the_half_fen_rounds_half_up():
    # 0.65 × 5000.10 = 3250.065: half up → 3250.07 (half even would give 3250.06)
    limits = base_limits_make(
        row_id=None,
        year=2030,
        average=D("5000.10"),
        floor=D("3000"),
        cap=D("15000"),
        effective_from=dt.date(2030, 1, 1),
        confidence="L",
    )
    assert grade_base(D("0.65"), limits) == (D("3250.07"), None)
    # 0.61 × 5000.10 = 3050.061 → 3050.06
    assert grade_base(D("0.61"), limits) == (D("3050.06"), None)


# --- account interest: one rounding at the end -------------------------------------------------------


def test_interest_is_rounded_once_at_the_end_not_per_part():
    # opening 1.25 × 6% = 0.075 and one credit of 1.00 in December: 1 × 1 × 0.06 / 12 = 0.005
    credits = [D(0)] * 11 + [D("1.00")]
    calc = account_interest(year=2030, opening_balance=D("1.25"), monthly_credits=credits, rate=D("0.06"))
    # 0.075 + 0.005 = 0.080 → 0.08 (rounding each part first: 0.08 + 0.01 = 0.09)
    assert calc.interest == D("0.08")
    # the statement's two lines add up to it: 0.08 on the opening balance, the remainder 0.00
    assert (calc.interest_on_opening, calc.interest_on_credits) == (D("0.08"), D("0.00"))
    assert calc.closing_balance == D("2.33")


def test_interest_at_exactly_half_a_fen_rounds_up():
    # 1.00 × 0.5% = 0.005 exactly: half up → 0.01 (half even, or truncation, would credit 0.00)
    calc = account_interest(year=2030, opening_balance=D("1.00"), monthly_credits=[D(0)] * 12, rate=D("0.005"))
    assert calc.interest == D("0.01")
    # two parts below half a fen each, half a fen together: 0.30 × 1.5% = 0.0045, and a December
    # credit of 0.40 × 1 × 1.5% / 12 = 0.0005; 0.0050 → 0.01 (each part rounded first: 0.00 + 0.00)
    credits = [D(0)] * 11 + [D("0.40")]
    calc = account_interest(year=2025, opening_balance=D("0.30"), monthly_credits=credits, rate=D("0.015"))
    assert (calc.interest, calc.interest_on_opening, calc.interest_on_credits) == (D("0.01"), D("0.00"), D("0.01"))


def _exact_interest(opening: Decimal, credits: list[Decimal], rate: Decimal, months: int) -> Fraction:
    """The interest as an exact fraction, written independently of the code under test."""
    r = Fraction(rate)
    total = Fraction(opening) * r * months / 12
    for m, amount in enumerate(credits[:months], start=1):
        total += Fraction(amount) * (months - m + 1) * r / 12
    return total


def _half_up(value: Fraction) -> Decimal:
    cents = value * 100
    whole = cents.numerator // cents.denominator
    return D(whole + (1 if cents - whole >= Fraction(1, 2) else 0)) / 100


money = st.decimals(min_value=0, max_value=D("100000"), places=2)


@given(
    opening=money,
    credits=st.lists(money, min_size=12, max_size=12),
    rate=st.decimals(min_value=0, max_value=D("0.09"), places=4),
    months=st.integers(min_value=1, max_value=12),
)
def test_interest_is_the_exact_sum_rounded_half_up_once(opening, credits, rate, months):
    calc = account_interest(year=2020, opening_balance=opening, monthly_credits=credits, rate=rate, months=months)
    exact = _exact_interest(opening, credits, rate, months)
    assert calc.interest == _half_up(exact)
    assert abs(Fraction(calc.interest) - exact) <= Fraction(1, 200)
    # the statement's parts add up to the interest credited, and neither is negative
    assert calc.interest_on_opening + calc.interest_on_credits == calc.interest
    assert calc.interest_on_opening >= 0 and calc.interest_on_credits >= 0
    assert calc.interest_on_opening == round_fen(opening * rate * months / 12)
