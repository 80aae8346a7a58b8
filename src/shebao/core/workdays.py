"""The working-day calendar (工作日): weekends and published rest days off, 调休 weekends on.

Time limits in working days count from the day after receipt: the receipt day is not
counted and day 1 is the next working day (民法典 Art. 201 practice; DOMAIN.md §8). A count
that touches a year whose State Council arrangement is not in the table is computed on
weekends alone and marked ``provisional``.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

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


@dataclass(frozen=True)
class DueDate:
    due_date: dt.date
    provisional: bool
    provisional_years: tuple[int, ...] = ()


def _load_year(year: int) -> _Year:
    from shebao.core.models import CalendarDay, CalendarYear

    published = CalendarYear.objects.filter(year=year).exists()
    rest: set[dt.date] = set()
    work: set[dt.date] = set()
    for day, kind in CalendarDay.objects.filter(date__year=year).values_list("date", "kind"):
        (work if kind == CalendarDay.Kind.WORK else rest).add(day)
    through = [0]
    day = dt.date(year, 1, 1)
    while day.year == year:
        through.append(through[-1] + (day in work or (day not in rest and day.weekday() < 5)))
        day += dt.timedelta(days=1)
    return _Year(published=published, rest=frozenset(rest), work=frozenset(work), through=tuple(through))


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
    """ "rest" for a published rest day (holiday or 调休 rest), "work" for a 调休 working
    weekend day, None for an ordinary day."""
    data = _year(day.year)
    if day in data.work:
        return "work"
    if day in data.rest:
        return "rest"
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
