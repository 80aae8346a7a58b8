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


def test_a_count_into_a_year_without_data_rests_on_the_statutory_holidays_and_is_provisional():
    result = workdays.due_date(start=D(2026, 12, 25), workdays=10)
    # Mon 28 .. Thu 31 Dec = 4; 2027 has no arrangement: Fri 1 Jan (元旦) is still a rest day;
    # Mon 4 .. Fri 8 Jan = 9, Mon 11 = 10
    assert result.due_date == D(2027, 1, 11)
    assert result.provisional is True
    assert result.provisional_years == (2027,)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2027, 1, 1), "元旦"),
        (D(2027, 2, 5), "春节（除夕）"),  # 除夕 is a holiday from 2025 (国务院令第795号)
        (D(2027, 2, 8), "春节"),  # 初三
        (D(2027, 4, 5), "清明节"),  # the solar term's day
        (D(2027, 5, 2), "劳动节"),  # 劳动节 is two days from 2025
        (D(2027, 6, 9), "端午节"),
        (D(2027, 9, 15), "中秋节"),
        (D(2027, 10, 1), "国庆节"),
        (D(2028, 10, 3), "中秋节、国庆节"),  # one day, both holidays
    ],
)
def test_a_year_without_an_arrangement_rests_on_the_statutory_holidays(client, day, name):
    assert workdays.is_workday(day) is False
    assert workdays.rest_day_name(day) == name
    answer = client.get("/api/v1/calendar/workday", {"date": day.isoformat()}).json()
    assert answer == {"date": day.isoformat(), "workday": False, "provisional": True}


def test_the_days_after_the_statutory_ones_are_not_guessed():
    # 2027's arrangement will give more rest days and make-up Saturdays; until it is published
    # only the regulation's days rest: 4 Oct (Mon) and an ordinary Saturday stay as the week has them
    assert workdays.is_workday(D(2027, 10, 4)) is True
    assert workdays.is_workday(D(2027, 2, 20)) is False  # a Saturday
    assert workdays.listed_kind(D(2027, 2, 20)) is None


def test_days_entered_for_a_year_not_yet_published_win_over_the_computed_ones(admin_user):
    # given an administrator entering 2027's notice day by day, not yet published
    calendar_day_set(actor=admin_user, date=D(2027, 2, 20), kind="work", name="春节调休上班")
    calendar_day_set(actor=admin_user, date=D(2027, 2, 8), kind="work", name="测试：改为上班")
    calendar_day_set(actor=admin_user, date=D(2027, 2, 9), kind="rest", name="春节")
    # then the entered days count, the rest of the regulation's days still rest, all provisional
    assert workdays.is_workday(D(2027, 2, 20)) is True
    assert workdays.is_workday(D(2027, 2, 8)) is True
    assert workdays.is_workday(D(2027, 2, 9)) is False
    assert workdays.is_workday(D(2027, 2, 5)) is False
    assert workdays.due_date(start=D(2027, 2, 19), workdays=1).provisional is True


def test_publishing_next_year_makes_due_dates_final_and_the_table_wins(admin_user):
    calendar_day_set(actor=admin_user, date=D(2027, 1, 1), kind="rest", name="元旦")
    calendar_year_publish(actor=admin_user, year=2027, source="国务院办公厅通知（测试）")
    result = workdays.due_date(start=D(2026, 12, 25), workdays=10)
    assert result.provisional is False
    assert result.due_date == D(2027, 1, 11)  # 1 Jan is a rest day in the table
    # a statutory day the published table does not list is a working day: the table wins
    assert workdays.is_workday(D(2027, 10, 1)) is True


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


def _holidays_package_days(year: int) -> set[dt.date]:
    """The statutory days as the maintained ``holidays`` package computes them (an oracle
    independent of our rule rows and our lunar library), without its estimated 补假 days."""
    import holidays

    china = holidays.China(years=year, observed=False, categories=holidays.PUBLIC, language="zh_CN")
    return {day for day, name in china.items() if not name.startswith("休息日")}


def _weekdays_of(year: int) -> list[dt.date]:
    first = D(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range((D(year + 1, 1, 1) - first).days)]


class TestYearsWithoutAnArrangement(HypothesisTestCase):
    """Years after the table (2027-2099: the oracle's range): the regulation's days rest."""

    @settings(max_examples=25, deadline=None)
    @given(year=st.integers(min_value=2027, max_value=2099))
    def test_the_statutory_holidays_and_weekends_are_rest_days_and_the_count_agrees(self, year):
        statutory = _holidays_package_days(year)
        # 13 days from 2025: 元旦 1, 春节 4 (with 除夕), 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3
        # (fewer dates when 中秋 falls on 国庆)
        assert 12 <= len(statutory) <= 13
        assert {
            D(year, 1, 1),
            D(year, 5, 1),
            D(year, 5, 2),
            D(year, 10, 1),
            D(year, 10, 2),
            D(year, 10, 3),
        } <= statutory
        days = _weekdays_of(year)
        for day in days:
            expected = day.weekday() < 5 and day not in statutory
            assert workdays.is_workday(day) is expected, day
        # the year's working days, counted by the running totals, are the weekdays off the list
        expected_count = sum(1 for day in days if day.weekday() < 5 and day not in statutory)
        assert workdays.workdays_between(start=D(year - 1, 12, 31), end=D(year, 12, 31)) == expected_count
        result = workdays.due_date(start=D(year - 1, 12, 31), workdays=expected_count)
        assert result.due_date == max(d for d in days if d.weekday() < 5 and d not in statutory)
        assert result.provisional is True and year in result.provisional_years

    @settings(max_examples=60, deadline=None)
    @given(day=st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 12, 31)))
    def test_in_a_published_year_the_table_wins(self, day):
        # the table was seeded from chinesecalendar: 调休 Saturdays work, extra days (2020's
        # epidemic extension, 2015-09-03) rest, whatever the regulation alone would say
        from chinese_calendar import is_workday

        assert workdays.is_workday(day) is is_workday(day)
        assert workdays.due_date(start=day, workdays=0).provisional is False
