"""Calendar months as dates, pure (no Django): the one copy of the month arithmetic.

A month is named by its first day (how ``ContributionMonth.period``, ``InsuredStatus.since``
and a bill's 费款所属期 store it). Every app asks here instead of keeping its own helpers:
the registry's months of insurance, the contributions' periods, due dates and back-payments.
"""

from __future__ import annotations

import calendar
import datetime as dt


def month_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month (28th to 31st; 29 February in a leap year)."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_add(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s (before it when negative):
    ``month_add(d, 1)`` is the next month's first day, whatever the day of ``d``."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first days of the months from ``start``'s to ``end``'s, both included (empty when
    ``end`` falls before the first day of ``start``'s month)."""
    months = []
    current = month_start(start)
    while current <= end:
        months.append(current)
        current = month_add(current, 1)
    return months
