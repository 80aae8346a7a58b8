"""The working-day clock of a phase and the promise measured whole (pure).

A phase's clock counts working days from the day after it starts (the day of receipt is not
counted, DOMAIN.md §8): it pauses while the applicant supplies materials or the case is
suspended (the days used so far are kept), resumes the day after, grows by an approved
extension, and is overdue only when working days — not calendar days — have passed its due
date. The item's promise (承诺时限) is measured across all its phases, from the start of the
first clock to completion, minus the stops and the outside party's phases, so a late first
phase cannot hide a broken promise.

Every function takes and returns values; the caller saves them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Protocol

PENDING, RUNNING, PAUSED, DONE = "pending", "running", "paused", "done"

# Overdue work escalates one authority level per working day overdue, at most two (衔接响应).
MAX_OVERDUE_LEVEL = 2


class Due(Protocol):
    @property
    def due_date(self) -> dt.date: ...

    @property
    def provisional(self) -> bool: ...


class Calendar(Protocol):
    """Working-day arithmetic; ``shebao.core.workdays`` is one (the official calendar)."""

    def due_date(self, *, start: dt.date, workdays: int) -> Due: ...

    def workdays_between(self, *, start: dt.date, end: dt.date) -> int: ...

    def is_workday(self, day: dt.date) -> bool: ...

    def next_workday(self, day: dt.date) -> dt.date: ...


@dataclass(frozen=True)
class _Due:
    due_date: dt.date
    provisional: bool = False


@dataclass(frozen=True)
class WeekCalendar:
    """Weekends off, plus listed rest days and 调休 working days: a calendar without a database
    (property tests, examples)."""

    rest: frozenset[dt.date] = field(default_factory=frozenset)
    work: frozenset[dt.date] = field(default_factory=frozenset)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.work:
            return True
        return day not in self.rest and day.weekday() < 5

    def due_date(self, *, start: dt.date, workdays: int) -> _Due:
        day, left = start, workdays
        while left > 0:
            day += dt.timedelta(days=1)
            left -= self.is_workday(day)
        return _Due(day)

    def workdays_between(self, *, start: dt.date, end: dt.date) -> int:
        if end < start:
            return -self.workdays_between(start=end, end=start)
        return sum(self.is_workday(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1))

    def next_workday(self, day: dt.date) -> dt.date:
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day


@dataclass(frozen=True)
class Clock:
    """One phase's clock, as ``CasePhase`` stores it. ``used_days``: working days consumed by
    the runs that ended (a pause or the finish); the running stretch counts from the day
    after ``started_on``."""

    status: str = PENDING
    limit_days: int | None = None
    started_on: dt.date | None = None
    used_days: int = 0
    extension_days: int = 0
    due_date: dt.date | None = None
    provisional: bool = False
    finished_on: dt.date | None = None


def _working_day_before(start: dt.date, workdays: int, cal: Calendar) -> dt.date:
    """The working day ``workdays`` working days before ``start``: the due date of a clock that
    restarts already overdue by that many (it stays overdue; a pause does not hide it)."""
    day, counted = start, 0
    while True:
        counted += cal.is_workday(day)
        day -= dt.timedelta(days=1)
        if counted == workdays and cal.is_workday(day):
            return day


def last_day(*, start: dt.date, left: int, cal: Calendar) -> Due:
    """The last day of a time limit with ``left`` working days still to run from ``start``
    (the day ``start`` is not counted: day 1 is the working day after it); the one computation
    behind a phase's due date and the promise's, so the two never disagree."""
    due = cal.due_date(start=start, workdays=max(0, left))
    if left > 0:
        return due
    if left == 0:
        # nothing left (an instant item): due that day, or on the next working day when the
        # clock starts on a rest day — a time limit never ends on a rest day
        return _Due(cal.next_workday(start), due.provisional)
    return _Due(_working_day_before(start, -left, cal), due.provisional)


def _due(clock: Clock, *, start: dt.date, left: int, cal: Calendar) -> Clock:
    if clock.limit_days is None:
        return replace(clock, due_date=None, provisional=False)
    due = last_day(start=start, left=left, cal=cal)
    return replace(clock, due_date=due.due_date, provisional=due.provisional)


def _running_days(clock: Clock, *, on: dt.date, cal: Calendar) -> int:
    if clock.status != RUNNING or clock.started_on is None:
        return 0
    return max(0, cal.workdays_between(start=clock.started_on, end=on))


def clock_start(clock: Clock, *, on: dt.date, cal: Calendar) -> Clock:
    """A phase's clock starts: day 1 is the working day after ``on``; a limit of 0 (即时办结)
    is due on ``on`` itself. A phase started again (after a wrong dispatch was returned) starts
    whole: the days and extensions of the office that returned it are not carried."""
    started = replace(
        clock, status=RUNNING, started_on=on, used_days=0, extension_days=0, finished_on=None, due_date=None
    )
    return _due(started, start=on, left=started.limit_days or 0, cal=cal)


def clock_pause(clock: Clock, *, on: dt.date, cal: Calendar) -> Clock:
    """Stop the clock (materials requested, suspension): the working days used up to ``on``
    are kept, nothing more is consumed while it stands."""
    if clock.status != RUNNING:
        return clock
    used = clock.used_days + _running_days(clock, on=on, cal=cal)
    return replace(clock, status=PAUSED, used_days=used, due_date=None, provisional=False)


def clock_resume(clock: Clock, *, on: dt.date, cal: Calendar) -> Clock:
    """Restart a paused clock (or reopen a finished phase the case went back to) the day after
    ``on`` with the working days that are left, extensions included."""
    if clock.status == RUNNING:
        return clock
    resumed = replace(clock, status=RUNNING, started_on=on, finished_on=None)
    left = (clock.limit_days or 0) + clock.extension_days - clock.used_days
    return _due(resumed, start=on, left=left, cal=cal)


def clock_extend(clock: Clock, *, days: int, cal: Calendar) -> Clock:
    """延期: ``days`` more working days. A running clock's due date moves by exactly ``days``
    working days; a paused one keeps them for its resumption."""
    if days < 0:
        raise ValueError("an extension adds working days")
    extended = replace(clock, extension_days=clock.extension_days + days)
    if clock.status == RUNNING and clock.due_date is not None:
        due = cal.due_date(start=clock.due_date, workdays=days)
        return replace(extended, due_date=due.due_date, provisional=due.provisional or clock.provisional)
    return extended


def clock_finish(clock: Clock, *, on: dt.date, cal: Calendar) -> Clock:
    """The phase is done on ``on``: the days it ran are added to its used days; its due date
    stays as the record of what it was held to."""
    used = clock.used_days + _running_days(clock, on=on, cal=cal)
    return replace(clock, status=DONE, used_days=used, finished_on=on)


def clock_void(clock: Clock) -> Clock:
    """A phase the case left before it was done (a wrong dispatch returned): back to pending."""
    return Clock(limit_days=clock.limit_days)


def clock_used(clock: Clock, *, today: dt.date, cal: Calendar) -> int:
    """Working days the phase has consumed by ``today``."""
    return clock.used_days + _running_days(clock, on=today, cal=cal)


def overdue_days(due_date: dt.date | None, *, today: dt.date, cal: Calendar) -> int:
    """Working days past ``due_date`` (0 when not overdue): a case due on Friday is not overdue
    over the weekend nor through a holiday, only from the next working day."""
    if due_date is None:
        return 0
    return max(0, cal.workdays_between(start=due_date, end=today))


def overdue_target(days_overdue: int) -> int:
    """The escalation an overdue case should have reached: one level per working day overdue."""
    return min(MAX_OVERDUE_LEVEL, max(0, days_overdue))


def return_allowed(*, routed_on: dt.date | None, today: dt.date, within: int, cal: Calendar) -> bool:
    """A dispatched phase may be returned as wrongly dispatched within ``within`` working days
    of the dispatch (the item's return window, catalogue data: 12333's is 2)."""
    if routed_on is None:
        return False
    return cal.workdays_between(start=routed_on, end=today) <= within


def clock_start_day(
    *, received_on: dt.date, received_at: dt.time, closes: dt.time | None, online: bool, cal: Calendar
) -> dt.date:
    """The day a case's clock counts from. At a window it is the day of receipt (the office
    was open). An application sent online or by app outside office hours — on a rest day, or
    after the office closed (``closes``: its closing time that day, None when it lists no
    hours) — is received on the next working day, so an instant item applied for on Sunday
    evening is due on Monday, not overdue on it."""
    if not online:
        return received_on
    if not cal.is_workday(received_on) or (closes is not None and received_at >= closes):
        return cal.next_workday(received_on + dt.timedelta(days=1))
    return received_on


@dataclass(frozen=True)
class Promise:
    """The item's promised time (承诺时限) measured across its phases."""

    days: int | None  # promised working days, extensions included; None: no promise
    used: int = 0
    left: int | None = None
    due_date: dt.date | None = None  # while the agency's clock runs
    kept: bool | None = None  # None: no promise

    @property
    def broken_by(self) -> int:
        return max(0, -(self.left or 0))


def promise_measure(
    *,
    promised_days: int | None,
    extension_days: int,
    start: dt.date | None,
    end: dt.date | None,
    stops: Iterable[tuple[dt.date, dt.date | None]],
    running: bool,
    today: dt.date,
    cal: Calendar,
) -> Promise:
    """The promise from ``start`` (the first clock's start) to ``end`` (closure) or ``today``:
    working days in between, less those inside ``stops`` (materials requested, suspensions,
    an outside party's phases: each (from, to), to None while it lasts). A case keeps its
    promise only while the days used are within the days promised."""
    if promised_days is None or start is None:
        return Promise(days=None)
    until = end or today
    used = max(0, cal.workdays_between(start=start, end=until))
    for stop_from, stop_to in stops:
        lo, hi = max(stop_from, start), min(stop_to or until, until)
        if hi > lo:
            used -= cal.workdays_between(start=lo, end=hi)
    used = max(0, used)
    days = promised_days + extension_days
    left = days - used
    due = None
    if running and end is None and left >= 0:
        # counted on from today, never from before the day the clock counts from (an online
        # application sent after hours is received the next working day: its promise, like its
        # phase's clock, counts from the day after that)
        if left == 0 and used > 0:
            # used up by today: the last working day counted (a Friday seen on Saturday)
            due = until
            while not cal.is_workday(due):
                due -= dt.timedelta(days=1)
        else:
            due = last_day(start=max(today, start), left=left, cal=cal).due_date
    return Promise(days=days, used=used, left=left, due_date=due, kept=used <= days)
