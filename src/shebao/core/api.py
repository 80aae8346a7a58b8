"""Public core endpoints: the working-day calendar; and the error answer every route documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from shebao.core import workdays as working_days

router = Router(tags=["calendar 工作日"])


class ErrorOut(Schema):
    """Every refusal (shebao.api's handlers): a stable code, the message in Chinese and in
    English, and the field at fault where there is one."""

    code: str
    message: str
    message_en: str
    field: str | None = None
    errors: list[dict[str, Any]] | None = None
    details: dict[str, Any] | None = None


# Any route may refuse a malformed request (400: a NUL character, an unparseable body), one too
# large (413), a body that is not JSON (415) or invalid input (422: text that is not Unicode
# among them); the rest is named per route.
COMMON_ERRORS = (400, 413, 415, 422)


def answers(ok: Any, *, status: int = 200, errors: tuple[int, ...] = ()) -> dict[int, Any]:
    """A route's documented answers: its success and the refusals it may give, as ErrorOut."""
    return {status: ok, **dict.fromkeys(sorted({*COMMON_ERRORS, *errors}), ErrorOut)}


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


@router.get(
    "/calendar/due-date", response=answers(DueDateOut), summary="办理时限到期日 / Due date of a working-day limit"
)
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


@router.get("/calendar/workday", response=answers(WorkdayOut), summary="是否工作日 / Is it a working day")
def calendar_workday(request: HttpRequest, date: dt.date) -> dict:
    return {
        "date": date,
        "workday": working_days.is_workday(date),
        "provisional": not working_days.is_published(date.year),
    }
