"""The statutory retirement age under the 2024 gradual delay, the flexible window and the
minimum contribution (DOMAIN.md §1.4), by birth months around each threshold and at the caps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shebao.core.errors import InvalidInput
from shebao.pensions.rules.ages import (
    YearMonth,
    age_at,
    flexible_window,
    minimum_contribution_months,
    retirement_age,
)


@pytest.mark.parametrize(
    ("birth", "delay", "age", "retires"),
    [
        # men, originally 60: one month per four months of birth from 1965-01, to 63
        ((1964, 12), 0, (60, 0), (2024, 12)),
        ((1965, 1), 1, (60, 1), (2025, 2)),
        ((1965, 4), 1, (60, 1), (2025, 5)),
        ((1965, 5), 2, (60, 2), (2025, 7)),
        ((1965, 8), 2, (60, 2), (2025, 10)),
        ((1965, 9), 3, (60, 3), (2025, 12)),
        ((1970, 1), 16, (61, 4), (2031, 5)),
        ((1976, 8), 35, (62, 11), (2039, 7)),
        ((1976, 9), 36, (63, 0), (2039, 9)),
        ((1990, 6), 36, (63, 0), (2053, 6)),
    ],
)
def test_men_from_sixty(birth, delay, age, retires):
    result = retirement_age(birth_year=birth[0], birth_month=birth[1], sex="M", base_age=60)
    assert result.delay_months == delay
    assert (result.age_years, result.age_months) == age
    assert (result.retirement_year, result.retirement_month) == retires


@pytest.mark.parametrize(
    ("birth", "delay", "age", "retires"),
    [
        # women cadre, originally 55: one month per four months from 1970-01, to 58
        ((1969, 12), 0, (55, 0), (2024, 12)),
        ((1970, 1), 1, (55, 1), (2025, 2)),
        ((1970, 4), 1, (55, 1), (2025, 5)),
        ((1970, 5), 2, (55, 2), (2025, 7)),
        ((1981, 8), 35, (57, 11), (2039, 7)),
        ((1981, 9), 36, (58, 0), (2039, 9)),
    ],
)
def test_women_cadre_from_fifty_five(birth, delay, age, retires):
    result = retirement_age(birth_year=birth[0], birth_month=birth[1], sex="F", base_age=55)
    assert (result.delay_months, (result.age_years, result.age_months)) == (delay, age)
    assert (result.retirement_year, result.retirement_month) == retires


@pytest.mark.parametrize(
    ("birth", "delay", "age", "retires"),
    [
        # women workers, originally 50: one month per TWO months from 1975-01, to 55
        ((1974, 12), 0, (50, 0), (2024, 12)),
        ((1975, 1), 1, (50, 1), (2025, 2)),
        ((1975, 2), 1, (50, 1), (2025, 3)),
        ((1975, 3), 2, (50, 2), (2025, 5)),
        ((1984, 10), 59, (54, 11), (2039, 9)),
        ((1984, 11), 60, (55, 0), (2039, 11)),
        ((1995, 1), 60, (55, 0), (2050, 1)),
    ],
)
def test_women_workers_from_fifty(birth, delay, age, retires):
    result = retirement_age(birth_year=birth[0], birth_month=birth[1], sex="F", base_age=50)
    assert (result.delay_months, (result.age_years, result.age_months)) == (delay, age)
    assert (result.retirement_year, result.retirement_month) == retires


@pytest.mark.parametrize(("sex", "base_age"), [("M", 55), ("M", 50), ("F", 60)])
def test_a_base_age_that_does_not_fit_the_sex_is_refused(sex, base_age):
    with pytest.raises(InvalidInput) as refused:
        retirement_age(birth_year=1970, birth_month=1, sex=sex, base_age=base_age)
    assert refused.value.field == "base_age"


@pytest.mark.parametrize("month", [0, 13])
def test_a_birth_month_outside_the_year_is_refused(month):
    with pytest.raises(InvalidInput) as refused:
        retirement_age(birth_year=1970, birth_month=month, sex="M", base_age=60)
    assert refused.value.field == "birth"


def test_flexible_window_never_starts_before_the_original_age():
    # born 1965-05: statutory 2025-07 (60y2m); 36 months earlier would be 2022-07, before the
    # original 60 (2025-05), so the earliest is 2025-05; the latest 36 months after, 2028-07
    assert flexible_window(birth_year=1965, birth_month=5, sex="M", base_age=60) == (
        YearMonth(2025, 5),
        YearMonth(2028, 7),
    )


def test_flexible_window_three_years_early_once_the_delay_is_full():
    # born 1980-01, a man: 63 (2043-01); 36 months earlier is 2040-01, exactly the original 60
    assert flexible_window(birth_year=1980, birth_month=1, sex="M", base_age=60) == (
        YearMonth(2040, 1),
        YearMonth(2046, 1),
    )
    # born 1990-01, a woman worker: 55 (2045-01); 36 months earlier is 2042-01, after the original 50
    assert flexible_window(birth_year=1990, birth_month=1, sex="F", base_age=50) == (
        YearMonth(2042, 1),
        YearMonth(2048, 1),
    )


def test_flexible_window_without_delay_has_no_early_part():
    assert flexible_window(birth_year=1964, birth_month=12, sex="M", base_age=60) == (
        YearMonth(2024, 12),
        YearMonth(2027, 12),
    )


@given(
    birth_year=st.integers(1950, 2005),
    birth_month=st.integers(1, 12),
    group=st.sampled_from([("M", 60), ("F", 55), ("F", 50)]),
)
def test_window_holds_the_statutory_month_and_the_delay_never_shrinks(birth_year, birth_month, group):
    sex, base = group
    age = retirement_age(birth_year=birth_year, birth_month=birth_month, sex=sex, base_age=base)
    earliest, latest = flexible_window(birth_year=birth_year, birth_month=birth_month, sex=sex, base_age=base)
    assert earliest <= age.retirement <= latest
    assert age.retirement.months_until(latest) == 36
    assert 0 <= earliest.months_until(age.retirement) <= 36
    later = YearMonth(birth_year, birth_month).plus(1)
    next_age = retirement_age(birth_year=later.year, birth_month=later.month, sex=sex, base_age=base)
    assert age.delay_months <= next_age.delay_months <= age.delay_months + 1


@pytest.mark.parametrize(
    ("year", "months"),
    [(2025, 180), (2029, 180), (2030, 186), (2031, 192), (2035, 216), (2038, 234), (2039, 240), (2050, 240)],
)
def test_minimum_contribution_rises_by_six_months_a_year_from_2030(year, months):
    assert minimum_contribution_months(retirement_year=year, retirement_month=6) == months


def test_age_at_counts_whole_months():
    assert age_at(birth_year=1965, birth_month=5, at=YearMonth(2025, 7)) == (60, 2)
    with pytest.raises(InvalidInput):
        age_at(birth_year=1965, birth_month=5, at=YearMonth(1965, 4))
