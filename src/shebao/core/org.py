"""Organisation reads: an office's hours on a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from shebao.core import workdays
from shebao.core.models import Office, OpeningException, OpeningHours

# Offices whose weekend hours are their own regular hours, with all they offer: a partner
# bank's outlet, a kiosk, the hotline. The agency's halls open on a day that is not a working
# day only for the Saturday service (周六延时服务) and its set of items.
OWN_WEEKEND_KINDS = frozenset({Office.Kind.BANK_OUTLET, Office.Kind.KIOSK, Office.Kind.HOTLINE})


@dataclass(frozen=True)
class OfficeDay:
    """An office's hours on one date and the reason for them (:func:`office_day`)."""

    WORKDAY = "workday"  # a working day, a 调休 weekend day included: the regular weekday hours
    SATURDAY_SERVICE = "saturday_service"  # a hall on a weekend day: its Saturday hours, the Saturday set
    WEEKEND = "weekend"  # a partner's or a kiosk's own weekend hours, everything it offers
    HOLIDAY = "holiday"  # a rest day of the calendar: closed
    SPECIAL = "special"  # the administrator's exception for the date: closed or special hours

    date: dt.date
    kind: str
    spans: tuple[tuple[dt.time, dt.time], ...] = ()
    saturday_only: bool = False  # only the items of the Saturday service may be received
    adjusted: bool = False  # a weekend day worked under the year's arrangement (调休上班)
    holiday: str = ""  # the rest day's name
    note: str = ""  # the exception's note
    provisional: bool = False  # the year's arrangement is not published: computed from the regulation

    @property
    def open(self) -> bool:
        return bool(self.spans)

    def open_at(self, moment: dt.time) -> bool:
        return any(opens <= moment < closes for opens, closes in self.spans)


def office_day(*, office: Office, day: dt.date) -> OfficeDay:
    """The one answer to "when does this office serve on ``day``, and what": the workbench,
    every channel's counter check (``catalog.selectors.item_offered``) and the home pages ask it.

    - A working day (调休 weekends included, DOMAIN.md §8) has the regular weekday hours (a
      worked weekend day keeps Monday's) and every item.
    - An ordinary Saturday at the agency's halls is the Saturday service (周六延时服务): the
      office's Saturday hours (9:00-16:00 in the demo), the Saturday set of items only. A bank
      outlet, a kiosk and the hotline keep their own weekend hours and everything they offer.
    - A rest day of the calendar (a holiday, a 调休 rest day; in a year not yet published the
      statutory holidays) closes the office: no Saturday service in the Spring Festival.
    - An administrator's exception for the date wins over all of it (closed, or special hours);
      the set of items still follows the day.
    """
    return _office_day(
        office=office,
        day=day,
        exception=lambda: OpeningException.objects.filter(office=office, date=day).first(),
        hours=lambda weekday: tuple(
            OpeningHours.objects.filter(office=office, weekday=weekday).order_by("opens").values_list("opens", "closes")
        ),
    )


Spans = tuple[tuple[dt.time, dt.time], ...]


def _office_day(
    *,
    office: Office,
    day: dt.date,
    exception: Callable[[], OpeningException | None],
    hours: Callable[[int], Spans],
) -> OfficeDay:
    """:func:`office_day`'s rules, the office's rows read through ``exception`` (its exception
    for ``day``) and ``hours`` (its spans on a weekday), each asked only when the day needs it."""
    working = workdays.is_workday(day)
    listed = workdays.listed_kind(day)
    own_weekend = office.kind in OWN_WEEKEND_KINDS
    closed = OfficeDay(
        date=day,
        kind=OfficeDay.HOLIDAY,
        saturday_only=not working and not own_weekend,
        adjusted=listed == "work" and day.weekday() >= 5,
        holiday=workdays.rest_day_name(day) or "",
        provisional=not workdays.is_published(day.year),
    )
    special = exception()
    if special is not None:
        spans: Spans = ()
        if not special.closed and special.opens is not None and special.closes is not None:
            spans = ((special.opens, special.closes),)  # both set when open (a constraint)
        return replace(closed, kind=OfficeDay.SPECIAL, spans=spans, note=special.note)
    if listed == "rest":
        return closed
    if working:
        kind, weekday = OfficeDay.WORKDAY, (0 if day.weekday() >= 5 else day.weekday())
    else:
        kind, weekday = (OfficeDay.WEEKEND if own_weekend else OfficeDay.SATURDAY_SERVICE), day.weekday()
    return replace(closed, kind=kind, spans=hours(weekday))


@dataclass(frozen=True)
class OfficeHoursBook:
    """Several offices' hours over a span of dates, read at once (:func:`office_hours_book`):
    :meth:`day` is :func:`office_day`'s answer for any of them on a date of the span, without a
    query — for a list of offices (the nearest service points) in two queries, not two each."""

    first: dt.date
    last: dt.date
    exceptions: dict[tuple[int, dt.date], OpeningException] = field(default_factory=dict)
    hours: dict[tuple[int, int], Spans] = field(default_factory=dict)

    def day(self, *, office: Office, day: dt.date) -> OfficeDay:
        if not self.first <= day <= self.last:
            return office_day(office=office, day=day)  # outside the span read: ask the tables
        return _office_day(
            office=office,
            day=day,
            exception=lambda: self.exceptions.get((office.pk, day)),
            hours=lambda weekday: self.hours.get((office.pk, weekday), ()),
        )


def office_hours_book(*, offices: Iterable[Office], first: dt.date, last: dt.date) -> OfficeHoursBook:
    """The hours of ``offices`` from ``first`` to ``last`` (both included), in two queries."""
    ids = [o.pk for o in offices]
    book = OfficeHoursBook(first=first, last=last)
    if not ids:
        return book
    found = OpeningException.objects.filter(office_id__in=ids, date__gte=first, date__lte=last)
    book.exceptions.update(((e.office_id, e.date), e) for e in found)
    spans: dict[tuple[int, int], list[tuple[dt.time, dt.time]]] = {}
    rows = OpeningHours.objects.filter(office_id__in=ids).order_by("office_id", "weekday", "opens")
    for office_id, weekday, opens, closes in rows.values_list("office_id", "weekday", "opens", "closes"):
        spans.setdefault((office_id, weekday), []).append((opens, closes))
    book.hours.update((key, tuple(value)) for key, value in spans.items())
    return book


def office_hours_on(*, office: Office, day: dt.date) -> list[tuple[dt.time, dt.time]]:
    """The office's opening periods on ``day`` (:func:`office_day`'s spans)."""
    return list(office_day(office=office, day=day).spans)
