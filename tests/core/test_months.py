"""The one copy of the month arithmetic (``core.months``): examples at the edges (year ends,
leap years, months of 28 to 31 days) and hypothesis properties over any date."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shebao.core.months import month_add, month_end, month_start, months_between

dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31))
steps = st.integers(min_value=-600, max_value=600)


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (dt.date(2024, 2, 10), dt.date(2024, 2, 1), dt.date(2024, 2, 29)),  # leap year
        (dt.date(2025, 2, 28), dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
        (dt.date(2100, 2, 1), dt.date(2100, 2, 1), dt.date(2100, 2, 28)),  # no leap day in 2100
        (dt.date(2026, 4, 30), dt.date(2026, 4, 1), dt.date(2026, 4, 30)),
        (dt.date(2026, 12, 31), dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
    ],
)
def test_a_month_starts_on_the_first_and_ends_on_its_last_day(day, start, end):
    # given a day / when its month is asked / then its first and last days
    assert (month_start(day), month_end(day)) == (start, end)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 1)),  # the day of the month does not matter
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 1)),  # over a year end
        (dt.date(2026, 1, 1), -1, dt.date(2025, 12, 1)),  # backwards over a year start
        (dt.date(2026, 3, 9), -14, dt.date(2025, 1, 1)),
        (dt.date(2026, 3, 9), 0, dt.date(2026, 3, 1)),
    ],
)
def test_adding_months_gives_the_first_day_of_the_month_reached(day, months, expected):
    assert month_add(day, months) == expected


def test_months_between_counts_both_ends_and_crosses_a_year():
    # given November 2025 to February 2026 / then four months, first days only
    assert months_between(dt.date(2025, 11, 20), dt.date(2026, 2, 3)) == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]
    assert months_between(dt.date(2026, 2, 3), dt.date(2026, 1, 31)) == []


@given(dates)
def test_a_day_lies_between_its_months_first_and_last_day(day):
    first, last = month_start(day), month_end(day)
    assert first.day == 1 and first <= day <= last
    assert (first.year, first.month) == (last.year, last.month) == (day.year, day.month)
    # the day after the last is the next month's first
    assert last + dt.timedelta(days=1) == month_add(day, 1)


@given(dates, steps, steps)
def test_adding_months_composes_and_lands_on_a_first_day(day, a, b):
    assert month_add(day, 0) == month_start(day)
    assert month_add(month_add(day, a), b) == month_add(day, a + b)
    reached = month_add(day, a)
    assert reached.day == 1
    assert (reached.year * 12 + reached.month) - (day.year * 12 + day.month) == a


@given(dates, st.integers(min_value=0, max_value=400))
def test_months_between_lists_each_month_once_in_order(start, length):
    end = month_end(month_add(start, length))
    months = months_between(start, end)
    assert len(months) == length + 1
    assert months[0] == month_start(start) and months[-1] == month_start(end)
    assert all(month_add(a, 1) == b for a, b in itertools.pairwise(months))
