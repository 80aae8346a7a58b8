"""Public core endpoints: the working-day calendar."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from shebao.core import workdays as working_days

router = Router(tags=["calendar 工作日"])


class DueDateOut(Schema):
    start: dt.date
    workdays: int
    due_date: dt.date
    provisional: bool
    provisional_years: list[int]


class WorkdayOut(Schema):
    date: dt.date
    workday: bool
    provisional: bool


@router.get("/calendar/due-date", response=DueDateOut, summary="办理时限到期日 / Due date of a working-day limit")
def calendar_due_date(request: HttpRequest, start: dt.date, workdays: int) -> dict:
    """The last day of a limit of ``workdays`` working days received on ``start`` (the receipt
    day is not counted). ``provisional`` is true when the count reaches a year whose holiday
    arrangement has not been published."""
    result = working_days.due_date(start=start, workdays=workdays)
    return {
        "start": start,
        "workdays": workdays,
        "due_date": result.due_date,
        "provisional": result.provisional,
        "provisional_years": list(result.provisional_years),
    }


@router.get("/calendar/workday", response=WorkdayOut, summary="是否工作日 / Is it a working day")
def calendar_workday(request: HttpRequest, date: dt.date) -> dict:
    return {
        "date": date,
        "workday": working_days.is_workday(date),
        "provisional": not working_days.is_published(date.year),
    }
