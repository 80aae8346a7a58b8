"""The transfer rules (pure): the amount with partial and pre-1998 years (第四条), the temporary
account at the age thresholds (第五条), the place of benefit (第六条)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shebao.pensions.transfers.rules import (
    CarriedYear,
    MonthBase,
    Spell,
    benefit_place_decide,
    temporary_account_decide,
    transfer_amount,
)

D = dt.date
M = Decimal
ON = D(2026, 3, 2)


def run(first: dt.date, count: int, base: str) -> list[MonthBase]:
    out, period = [], first
    for _ in range(count):
        out.append(MonthBase(period=period, base=M(base)))
        period = (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def test_the_amount_with_a_partial_year_and_pre_1998_years():
    # 1996-03..1997-12 (22 months) before 1998: counted as years, no pooled part
    # 1998-01..1998-04: 4 × 1500.00 = 6000.00 × 12 % = 720.00
    # 2010-09..2010-12: 4 × 3333.33 = 13333.32 × 12 % = 1599.9984 -> 1600.00
    months = run(D(1996, 3, 1), 22, "800.00") + run(D(1998, 1, 1), 4, "1500.00") + run(D(2010, 9, 1), 4, "3333.33")
    amount = transfer_amount(balance=M("23456.78"), months=months, on=ON)
    assert [(y.year, y.months, y.pooled) for y in amount.years] == [
        (1996, 10, M("0.00")),
        (1997, 12, M("0.00")),
        (1998, 4, M("720.00")),
        (2010, 4, M("1600.00")),
    ]
    assert amount.pooled == M("2320.00")
    assert amount.total == M("25776.78")  # 23456.78 + 2320.00
    assert amount.months_total == 30
    assert amount.parameters == ("pooled_rate/2010", "pooled_from/2010")
    assert amount.steps[-1] == "转移总额 = 个人账户储存额 23456.78 + 统筹基金 2320.00 = 25776.78"


def test_years_carried_from_an_earlier_transfer_move_on():
    carried = [CarriedYear(year=2005, months=6, base_total=M("9000.00"))]
    amount = transfer_amount(balance=M("0.00"), months=run(D(2005, 7, 1), 6, "1500.00"), on=ON, carried=carried)
    # one year of 12 months: 18000.00 × 12 % = 2160.00
    assert [(y.year, y.months, y.pooled) for y in amount.years] == [(2005, 12, M("2160.00"))]


def test_bad_records_are_refused():
    with pytest.raises(ValueError, match="twice"):
        transfer_amount(balance=M("0"), months=run(D(2020, 1, 1), 1, "1.00") * 2, on=ON)
    with pytest.raises(ValueError, match="after the transfer"):
        transfer_amount(balance=M("0"), months=run(D(2026, 4, 1), 1, "1.00"), on=ON)


@given(
    bases=st.lists(st.decimals(min_value=0, max_value=50000, places=2), min_size=1, max_size=40),
    start=st.integers(min_value=1990, max_value=2020),
    balance=st.decimals(min_value=0, max_value=10**6, places=2),
)
def test_the_amount_is_balance_plus_twelve_percent_of_post_1997_bases(bases, start, balance):
    months = [MonthBase(period=D(start + i // 12, i % 12 + 1, 1), base=base) for i, base in enumerate(bases)]
    amount = transfer_amount(balance=balance, months=months, on=ON)
    post = [m.base for m in months if m.period.year >= 1998]
    exact = sum(post, M(0)) * M("0.12")
    # each year rounds once to the fen: the total is within half a fen a year of the exact sum
    assert abs(amount.pooled - exact) <= M("0.005") * len(amount.years)
    assert amount.total == balance + amount.pooled
    assert amount.months_total == len(months)  # every month counts: years are never lost
    assert all(y.pooled == 0 for y in amount.years if y.year < 1998)


@pytest.mark.parametrize(
    ("sex", "birth", "to_hukou", "temporary"),
    [
        ("M", D(1976, 3, 2), False, True),  # 50 today
        ("M", D(1976, 3, 3), False, False),  # 50 tomorrow
        ("F", D(1986, 3, 2), False, True),  # 40 today
        ("F", D(1986, 3, 3), False, False),  # 40 tomorrow
        ("F", D(1980, 1, 1), False, True),  # 46: over the women's threshold
        ("M", D(1980, 1, 1), False, False),  # 46: under the men's
        ("M", D(1960, 1, 1), True, False),  # any age, moving to the hukou place
    ],
)
def test_the_temporary_account_at_the_age_thresholds(sex, birth, to_hukou, temporary):
    decision = temporary_account_decide(sex=sex, birth_date=birth, on=ON, to_hukou_place=to_hukou)
    assert decision.temporary is temporary
    assert decision.parameter == ("temporary_age_male/2010" if sex == "M" else "temporary_age_female/2010")


@pytest.mark.parametrize(
    ("spells", "place", "clause"),
    [
        ([Spell("武汉", 60)], "武汉", 1),  # the relationship is at the hukou place
        ([Spell("武汉", 30), Spell("深圳", 120)], "深圳", 2),  # 10 years where it is
        ([Spell("深圳", 60), Spell("武汉", 20), Spell("深圳", 60)], "深圳", 2),  # cumulative there
        ([Spell("上海", 130), Spell("深圳", 100)], "上海", 3),  # back to the last place with 10 years
        ([Spell("上海", 100), Spell("深圳", 100)], "武汉", 4),  # nowhere 10 years: hukou
        ([Spell("上海", 130), Spell("深圳", 100, temporary=True)], "上海", 2),  # a temporary account is no relationship
    ],
)
def test_the_place_of_benefit(spells, place, clause):
    decision = benefit_place_decide(hukou_place="武汉", spells=spells, on=ON)
    assert (decision.place, decision.clause) == (place, clause)
