"""An office's hours on a date: one function decides (regular weekday hours on working days,
调休 Saturdays included; the Saturday service on ordinary Saturdays; closed on rest days; the
administrator's exception wins), and an exception is closed or has special hours, never both."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from shebao.core.models import OpeningException, OpeningHours
from shebao.core.org import OfficeDay, office_day

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db


def test_special_hours_with_closed_still_ticked_are_refused_with_a_clear_message(office):
    exception = OpeningException(
        office=office, date=dt.date(2026, 2, 14), closed=True, opens=dt.time(9), closes=dt.time(12)
    )
    with pytest.raises(ValidationError, match="取消“闭馆”"):
        exception.full_clean()


@pytest.mark.parametrize(
    "fields",
    [{"closed": True}, {"closed": False, "opens": dt.time(9), "closes": dt.time(12)}],
)
def test_closed_or_special_hours_are_accepted(office, fields):
    OpeningException(office=office, date=dt.date(2026, 2, 14), **fields).full_clean()


# --- one function decides an office's hours on a date (shebao.core.org.office_day) ------------

T = dt.time
D = dt.date
WEEKDAY = ((T(9), T(12)), (T(13, 30), T(17)))  # Monday-Friday, with the lunch break
SATURDAY = ((T(9), T(16)),)  # 周六延时服务


@pytest.fixture
def hours(office, bank_outlet):
    for weekday in range(5):
        for opens, closes in WEEKDAY:
            OpeningHours.objects.create(office=office, weekday=weekday, opens=opens, closes=closes)
        OpeningHours.objects.create(office=bank_outlet, weekday=weekday, opens=T(9), closes=T(17))
    OpeningHours.objects.create(office=office, weekday=5, opens=T(9), closes=T(16))
    for weekday in (5, 6):
        OpeningHours.objects.create(office=bank_outlet, weekday=weekday, opens=T(9, 30), closes=T(16, 30))


def test_a_working_saturday_keeps_weekday_hours_and_every_item(office, hours):
    # 2026-02-14 is worked for the Spring Festival (调休): a working day, not the Saturday service
    day = office_day(office=office, day=D(2026, 2, 14))
    assert (day.kind, day.spans, day.saturday_only, day.adjusted) == (OfficeDay.WORKDAY, WEEKDAY, False, True)
    assert day.open_at(T(16, 30)) and not day.open_at(T(12, 30))


def test_an_ordinary_saturday_is_the_saturday_service_at_the_agencys_halls(office, hours):
    day = office_day(office=office, day=D(2026, 12, 12))
    assert (day.kind, day.spans, day.saturday_only, day.adjusted) == (
        OfficeDay.SATURDAY_SERVICE,
        SATURDAY,
        True,
        False,
    )
    assert day.open_at(T(12, 30)) and not day.open_at(T(16))


def test_a_bank_outlet_keeps_its_own_weekend_hours_and_everything_it_offers(bank_outlet, hours):
    saturday = office_day(office=bank_outlet, day=D(2026, 12, 12))
    sunday = office_day(office=bank_outlet, day=D(2026, 12, 13))
    for day in (saturday, sunday):
        assert (day.kind, day.spans, day.saturday_only) == (OfficeDay.WEEKEND, ((T(9, 30), T(16, 30)),), False)


@pytest.mark.parametrize(
    ("date", "name", "provisional"),
    [
        (D(2026, 2, 17), "春节", False),  # a weekday of the Spring Festival
        (D(2026, 2, 21), "春节", False),  # a Saturday inside it: no Saturday service either
        (D(2027, 10, 1), "国庆节", True),  # a year not yet published: the regulation's holiday
    ],
)
def test_a_rest_day_closes_the_office(office, bank_outlet, hours, date, name, provisional):
    for place in (office, bank_outlet):
        day = office_day(office=place, day=date)
        assert (day.kind, day.open, day.holiday, day.provisional) == (OfficeDay.HOLIDAY, False, name, provisional)


def test_the_administrators_exception_wins_and_the_day_still_decides_the_items(office, hours):
    OpeningException.objects.create(office=office, date=D(2026, 12, 9), closed=True, note="系统升级")
    OpeningException.objects.create(
        office=office, date=D(2026, 12, 12), closed=False, opens=T(9), closes=T(12), note="半天服务"
    )
    OpeningException.objects.create(
        office=office, date=D(2026, 10, 2), closed=False, opens=T(10), closes=T(15), note="国庆专场"
    )
    closed = office_day(office=office, day=D(2026, 12, 9))
    assert (closed.kind, closed.open, closed.note) == (OfficeDay.SPECIAL, False, "系统升级")
    half = office_day(office=office, day=D(2026, 12, 12))
    assert (half.kind, half.spans, half.saturday_only) == (OfficeDay.SPECIAL, ((T(9), T(12)),), True)
    holiday = office_day(office=office, day=D(2026, 10, 2))
    assert (holiday.spans, holiday.saturday_only, holiday.holiday) == (((T(10), T(15)),), True, "国庆节")


@pytest.mark.parametrize(
    ("moment", "shown", "not_shown"),
    [
        # 调休 Saturday: the home page says what the counter check does, weekday hours
        (dt.datetime(2026, 2, 14, 10, 0), "13:30–17:00", "09:00–16:00"),
        (dt.datetime(2026, 12, 12, 10, 0), "09:00–16:00", "13:30–17:00"),  # an ordinary Saturday
    ],
)
def test_the_home_page_shows_the_hours_the_counter_keeps(client, clerk, office, hours, moment, shown, not_shown):
    from django.urls import reverse

    from tests.web.support import sign_in

    with time_machine.travel(moment.replace(tzinfo=SHANGHAI), tick=False):
        sign_in(client, clerk)
        html = client.get(reverse("web:home")).content.decode()
        day = office_day(office=office, day=moment.date())
    assert shown in html and not_shown not in html
    assert all(f"{a:%H:%M}–{b:%H:%M}" in html for a, b in day.spans)
