"""The working-day calendar (工作日): weekends and published rest days off, 调休 weekends on.

Time limits in working days count from the day after receipt: the receipt day is not
counted and day 1 is the next working day (民法典 Art. 201 practice; DOMAIN.md §8).

A year whose State Council arrangement is in the table (``CalendarYear``) is exactly that
table. A year without one is computed: weekends and the statutory holidays of
《全国年节及纪念日放假办法》 (:data:`HOLIDAY_RULES`, the version in force on each day; the lunar
dates and 清明 from the ``lunar_python`` library) are rest days, the make-up working days are
unknown; days an administrator has entered for it win; every answer touching it is marked
``provisional`` (DOMAIN.md §10).
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from lunar_python import Lunar

from shebao.core.errors import InvalidInput

_CACHE_SECONDS = 60.0
_lock = threading.Lock()
_cache: dict[int, tuple[float, _Year]] = {}

# Bounds keep a typo (workdays=10**9) from looping for minutes.
MAX_WORKDAYS = 3650


@dataclass(frozen=True)
class _Year:
    published: bool
    rest: frozenset[dt.date]
    work: frozenset[dt.date]
    # through[i]: working days among the year's first i days (through[0] = 0), so a count
    # between two dates costs two look-ups instead of a walk (the queue shows one per row).
    through: tuple[int, ...] = ()
    names: Mapping[dt.date, str] = field(default_factory=dict)  # the rest days' names


@dataclass(frozen=True)
class DueDate:
    due_date: dt.date
    provisional: bool
    provisional_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class HolidayRule:
    """One version of 《全国年节及纪念日放假办法》 art. 2, the holidays of all citizens, in force
    from ``in_force`` until the next version. Counts are days from the holiday's first day."""

    in_force: dt.date
    source: str
    new_year: int  # 元旦, from 1 January
    spring_eve: bool  # 农历除夕
    spring: int  # 春节, from 正月初一
    qingming: bool  # 清明, the solar term's day
    labour: int  # 劳动节, from 1 May
    dragon_boat: bool  # 端午, 五月初五
    mid_autumn: bool  # 中秋, 八月十五
    national: int  # 国庆节, from 1 October


HOLIDAY_RULES: tuple[HolidayRule, ...] = (
    HolidayRule(dt.date(1949, 12, 23), "政务院《全国年节及纪念日放假办法》", 1, False, 3, False, 1, False, False, 2),
    HolidayRule(dt.date(1999, 9, 18), "国务院令第270号", 1, False, 3, False, 3, False, False, 3),
    HolidayRule(dt.date(2008, 1, 1), "国务院令第513号", 1, True, 2, True, 1, True, True, 3),
    HolidayRule(dt.date(2014, 1, 1), "国务院令第644号", 1, False, 3, True, 1, True, True, 3),
    # 13 days: 除夕 added to 春节, 劳动节 two days (2024-11-10, in force 2025-01-01)
    HolidayRule(dt.date(2025, 1, 1), "国务院令第795号", 1, True, 3, True, 2, True, True, 3),
)


def _run(first: dt.date, days: int, name: str) -> list[tuple[dt.date, str]]:
    return [(first + dt.timedelta(days=i), name) for i in range(days)]


def _rule_days(rule: HolidayRule, year: int) -> list[tuple[dt.date, str]]:
    """The statutory holidays of ``rule`` falling in the Gregorian ``year``. 春节, 端午 and 中秋
    of the lunar year that begins in ``year`` all fall in it, and so does its 清明."""
    lunar = Lunar.fromYmd(year, 1, 1)
    spring = lunar.getSolar()
    new_year = dt.date(spring.getYear(), spring.getMonth(), spring.getDay())
    days = _run(dt.date(year, 1, 1), rule.new_year, "元旦")
    if rule.spring_eve:
        days += _run(new_year - dt.timedelta(days=1), 1, "春节（除夕）")
    days += _run(new_year, rule.spring, "春节")
    if rule.qingming:
        term = lunar.getJieQiTable()["清明"]
        days.append((dt.date(term.getYear(), term.getMonth(), term.getDay()), "清明节"))
    days += _run(dt.date(year, 5, 1), rule.labour, "劳动节")
    for wanted, month, day, name in ((rule.dragon_boat, 5, 5, "端午节"), (rule.mid_autumn, 8, 15, "中秋节")):
        if wanted:
            solar = Lunar.fromYmd(year, month, day).getSolar()
            days.append((dt.date(solar.getYear(), solar.getMonth(), solar.getDay()), name))
    days += _run(dt.date(year, 10, 1), rule.national, "国庆节")
    return days


@functools.lru_cache(maxsize=512)
def statutory_holidays(year: int) -> Mapping[dt.date, str]:
    """The rest days the holiday regulation itself fixes in ``year``, each by the version in
    force on that day (:data:`HOLIDAY_RULES`): what is known of a year before the State
    Council publishes its arrangement. The make-up days (调休) are not: they are published."""
    found: dict[dt.date, str] = {}
    for rule, following in zip(HOLIDAY_RULES, (*HOLIDAY_RULES[1:], None), strict=True):
        until = following.in_force if following else dt.date.max
        if rule.in_force.year > year or until.year < year:
            continue
        for day, name in _rule_days(rule, year):
            if day.year == year and rule.in_force <= day < until:
                # 中秋 on 国庆 (2028-10-03): one rest day with both names
                found[day] = f"{found[day]}、{name}" if day in found else name
    return dict(sorted(found.items()))


def _load_year(year: int) -> _Year:
    from shebao.core.models import CalendarDay, CalendarYear

    published = CalendarYear.objects.filter(year=year).exists()
    rest: set[dt.date] = set()
    work: set[dt.date] = set()
    names: dict[dt.date, str] = {}
    for day, kind, name in CalendarDay.objects.filter(date__year=year).values_list("date", "kind", "name"):
        (work if kind == CalendarDay.Kind.WORK else rest).add(day)
        names[day] = name
    if not published:
        # what the regulation fixes; a day an administrator entered for the year wins
        for day, name in statutory_holidays(year).items():
            if day not in work and day not in rest:
                rest.add(day)
                names[day] = name
    through = [0]
    day = dt.date(year, 1, 1)
    while day.year == year:
        through.append(through[-1] + (day in work or (day not in rest and day.weekday() < 5)))
        day += dt.timedelta(days=1)
    return _Year(published=published, rest=frozenset(rest), work=frozenset(work), through=tuple(through), names=names)


def _through(day: dt.date) -> int:
    """Working days from 1 January of ``day``'s year through ``day``."""
    return _year(day.year).through[day.timetuple().tm_yday]


# The calendar computes from 1900 to 2199: a time limit beyond that is an input error, not
# an overflow at year 9999.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def _year(year: int) -> _Year:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(
            f"日期超出工作日历的计算范围（{FIRST_YEAR}–{LAST_YEAR}年）",
            f"The date is outside the working-day calendar ({FIRST_YEAR}-{LAST_YEAR})",
        )
    now = time.monotonic()
    with _lock:
        hit = _cache.get(year)
        if hit and now - hit[0] < _CACHE_SECONDS:
            return hit[1]
    data = _load_year(year)
    with _lock:
        _cache[year] = (now, data)
    return data


def clear_cache() -> None:
    """Forget cached years; called by the calendar services after every change."""
    with _lock:
        _cache.clear()


def is_workday(day: dt.date) -> bool:
    """Is ``day`` a working day on the official calendar?"""
    data = _year(day.year)
    if day in data.work:
        return True
    if day in data.rest:
        return False
    return day.weekday() < 5


def listed_kind(day: dt.date) -> str | None:
    """ "rest" for a rest day on a weekday or weekend (a published holiday or 调休 rest; in a
    year without an arrangement, a statutory holiday), "work" for a 调休 working weekend
    day, None for an ordinary day."""
    data = _year(day.year)
    if day in data.work:
        return "work"
    if day in data.rest:
        return "rest"
    return None


def rest_day_name(day: dt.date) -> str | None:
    """The name of a listed or statutory rest day ("春节", "国庆节"; "" when none was entered),
    None when ``day`` is not one."""
    data = _year(day.year)
    if day in data.rest:
        return data.names.get(day, "")
    return None


def is_published(year: int) -> bool:
    return _year(year).published


def _check_count(workdays: int) -> None:
    if workdays < 0:
        raise InvalidInput("工作日数不能为负数", "The number of working days cannot be negative", field="workdays")
    if workdays > MAX_WORKDAYS:
        raise InvalidInput(
            f"工作日数不能超过 {MAX_WORKDAYS}",
            f"The number of working days cannot exceed {MAX_WORKDAYS}",
            field="workdays",
        )


def due_date(*, start: dt.date, workdays: int) -> DueDate:
    """The last day of a time limit of ``workdays`` working days received on ``start``.

    ``workdays=0`` means instant (即时办结): due the day of receipt.
    """
    _check_count(workdays)
    day = start
    years = {start.year}
    remaining = workdays
    while remaining:
        day += dt.timedelta(days=1)
        years.add(day.year)
        if is_workday(day):
            remaining -= 1
    unpublished = tuple(sorted(y for y in years if not is_published(y)))
    return DueDate(due_date=day, provisional=bool(unpublished), provisional_years=unpublished)


def workdays_between(*, start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how many days of a time limit have been used by ``end``.
    Negative when ``end`` is before ``start``."""
    if end < start:
        return -workdays_between(start=end, end=start)
    count = _through(end) - _through(start)
    for year in range(start.year, end.year):
        count += _year(year).through[-1]
    return count


def next_workday(day: dt.date) -> dt.date:
    """The first working day on or after ``day`` (a clock restarting after a pause)."""
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day
