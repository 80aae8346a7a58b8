"""Public core endpoints: the working-day calendar; the error answer every route documents; and
the date every route takes (``CalendarDate``: ISO ``YYYY-MM-DD`` within the calendar's range)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from shebao.core import workdays as working_days

router = Router(tags=["calendar 工作日"])

# The dates the working-day calendar computes: beyond them a count would overflow (9999-12-31
# plus one day was a 500) or mean nothing.
FIRST_DATE = dt.date(working_days.FIRST_YEAR, 1, 1)
LAST_DATE = dt.date(working_days.LAST_YEAR, 12, 31)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _calendar_date(value: object) -> dt.date:
    """``YYYY-MM-DD`` and nothing else (pydantic took ``0`` as 1970-01-01, a Unix time), a real
    day, within FIRST_DATE..LAST_DATE. The Chinese message travels in the error's context."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "date_invalid", "no such day: {value}", {"value": value, "zh": f"日期不存在：{value}"}
            ) from None
    else:
        raise PydanticCustomError(
            "date_format", "date must be YYYY-MM-DD", {"zh": "日期格式应为 YYYY-MM-DD（如 2026-02-12）"}
        )
    if not FIRST_DATE <= day <= LAST_DATE:
        raise PydanticCustomError(
            "date_range",
            "date must be within the working-day calendar, {first} to {last}",
            {
                "first": str(FIRST_DATE),
                "last": str(LAST_DATE),
                "zh": f"日期应在工作日历的范围内（{FIRST_DATE} 至 {LAST_DATE}）",
            },
        )
    return day


_DATE_RANGE = f"ISO 8601 YYYY-MM-DD, from {FIRST_DATE} to {LAST_DATE} / 日期，{FIRST_DATE} 至 {LAST_DATE}"
CalendarDate = Annotated[
    dt.date,
    PlainValidator(_calendar_date),
    WithJsonSchema(
        {"type": "string", "format": "date", "pattern": f"^{_ISO_DATE.pattern}$", "description": _DATE_RANGE}
    ),
]


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
def calendar_due_date(request: HttpRequest, start: CalendarDate, workdays: int) -> dict[str, Any]:
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
def calendar_workday(request: HttpRequest, date: CalendarDate) -> dict[str, Any]:
    return {
        "date": date,
        "workday": working_days.is_workday(date),
        "provisional": not working_days.is_published(date.year),
    }
