"""The working-day calendar and due dates (DOMAIN.md §8)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from shebao.core import workdays
from shebao.core.calendar import calendar_day_set, calendar_year_publish
from shebao.core.errors import InvalidInput
from shebao.core.models import CalendarDay, CalendarYear

D = dt.date
pytestmark = pytest.mark.django_db


def test_the_seeded_calendar_covers_2004_to_2026():
    assert CalendarYear.objects.filter(year__gte=2004, year__lte=2026).count() == 23
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 2, 14), True),  # Saturday worked before Spring Festival (调休)
        (D(2026, 2, 16), False),  # Monday inside the Spring Festival break
        (D(2026, 2, 28), True),  # Saturday worked after it
        (D(2026, 10, 10), True),  # Saturday worked after National Day
        (D(2026, 10, 7), False),  # Wednesday, last day of the National Day break
        (D(2026, 10, 8), True),  # Thursday after it
        (D(2026, 1, 4), True),  # Sunday worked after New Year
        (D(2026, 11, 25), True),  # an ordinary Wednesday
        (D(2026, 11, 28), False),  # an ordinary Saturday
    ],
)
def test_is_workday_follows_the_2026_arrangement(day, expected):
    assert workdays.is_workday(day) is expected


def test_due_date_across_spring_festival_counts_the_saturday_worked():
    # Received Thu 12 Feb 2026. Day 1 = Fri 13, day 2 = Sat 14 (调休 working day), then the
    # break 15-23 Feb, day 3 = Tue 24, day 4 = Wed 25, day 5 = Thu 26.
    result = workdays.due_date(start=D(2026, 2, 12), workdays=5)
    assert result.due_date == D(2026, 2, 26)
    assert result.provisional is False


def test_fifteen_working_days_across_national_day():
    # Received Fri 25 Sep 2026 (Mid-Autumn is 25-27 Sep). Counting from Mon 28 Sep: 28, 29, 30
    # (3), break 1-7 Oct, Thu 8, Fri 9, Sat 10 (调休) (6), 12-16 (11), 19-22 (15).
    result = workdays.due_date(start=D(2026, 9, 25), workdays=15)
    assert result.due_date == D(2026, 10, 22)


def test_the_receipt_day_is_not_counted_and_zero_means_the_same_day():
    assert workdays.due_date(start=D(2026, 11, 25), workdays=1).due_date == D(2026, 11, 26)
    assert workdays.due_date(start=D(2026, 11, 25), workdays=0).due_date == D(2026, 11, 25)
    # received on a Friday: day 1 is Monday
    assert workdays.due_date(start=D(2026, 11, 27), workdays=1).due_date == D(2026, 11, 30)


def test_a_count_into_a_year_without_data_is_weekends_only_and_provisional():
    result = workdays.due_date(start=D(2026, 12, 25), workdays=10)
    # Mon 28 .. Thu 31 Dec = 4; 2027: Fri 1 Jan counted (no data: weekends only) = 5;
    # Mon 4 .. Fri 8 Jan = 10
    assert result.due_date == D(2027, 1, 8)
    assert result.provisional is True
    assert result.provisional_years == (2027,)


def test_publishing_next_year_makes_due_dates_final(admin_user):
    calendar_day_set(actor=admin_user, date=D(2027, 1, 1), kind="rest", name="元旦")
    calendar_year_publish(actor=admin_user, year=2027, source="国务院办公厅通知（测试）")
    result = workdays.due_date(start=D(2026, 12, 25), workdays=10)
    assert result.provisional is False
    assert result.due_date == D(2027, 1, 11)  # 1 Jan is now a rest day


def test_negative_or_absurd_counts_are_refused():
    with pytest.raises(InvalidInput, match="负数"):
        workdays.due_date(start=D(2026, 1, 5), workdays=-1)
    with pytest.raises(InvalidInput):
        workdays.due_date(start=D(2026, 1, 5), workdays=10**6)


def test_workdays_between_is_the_inverse_of_due_date():
    start = D(2026, 9, 25)
    assert workdays.workdays_between(start=start, end=D(2026, 10, 22)) == 15
    assert workdays.workdays_between(start=D(2026, 10, 22), end=start) == -15


def test_an_administrator_edit_takes_effect_at_once(admin_user):
    assert workdays.is_workday(D(2026, 12, 31)) is True
    calendar_day_set(actor=admin_user, date=D(2026, 12, 31), kind="rest", name="测试调整")
    assert workdays.is_workday(D(2026, 12, 31)) is False
    assert CalendarDay.objects.get(date=D(2026, 12, 31)).name == "测试调整"


class TestDueDateProperties(HypothesisTestCase):
    @settings(max_examples=60, deadline=None)
    @given(
        start=st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 10, 31)),
        n=st.integers(min_value=0, max_value=40),
    )
    def test_due_date_is_a_working_day_exactly_n_working_days_later(self, start, n):
        result = workdays.due_date(start=start, workdays=n)
        assert workdays.workdays_between(start=start, end=result.due_date) == n
        if n:
            assert workdays.is_workday(result.due_date)
            # the day before the due date has fewer than n working days elapsed
            assert workdays.workdays_between(start=start, end=result.due_date - dt.timedelta(days=1)) == n - 1

    @settings(max_examples=80, deadline=None)
    @given(
        start=st.dates(min_value=D(2004, 1, 1), max_value=D(2028, 12, 31)),
        span=st.integers(min_value=-800, max_value=800),
    )
    def test_workdays_between_equals_a_day_by_day_count(self, start, span):
        # The count uses per-year running totals; it must equal walking the days one by one,
        # across year ends, 调休 weekends and unpublished years alike.
        end = start + dt.timedelta(days=span)
        lo, hi = min(start, end), max(start, end)
        walked = sum(workdays.is_workday(lo + dt.timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
        assert workdays.workdays_between(start=start, end=end) == (walked if end >= start else -walked)
