"""Organisation reads: opening hours, jurisdiction."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shebao.core import workdays
from shebao.core.models import Area, Office, OpeningException, OpeningHours


def office_hours_on(*, office: Office, day: dt.date) -> list[tuple[dt.time, dt.time]]:
    """The office's opening periods on ``day``: an exception for the date wins; a published
    rest day closes the office (no Saturday service in the Spring Festival); a 调休 working
    weekend day keeps Monday's hours; otherwise the weekday's regular hours."""
    exception = OpeningException.objects.filter(office=office, date=day).first()
    if exception is not None:
        return [] if exception.closed else [(exception.opens, exception.closes)]  # type: ignore[list-item]
    listed = workdays.listed_kind(day)
    if listed == "rest":
        return []
    weekday = 0 if listed == "work" else day.weekday()
    return [(h.opens, h.closes) for h in OpeningHours.objects.filter(office=office, weekday=weekday)]


def office_open_at(*, office: Office, at: dt.datetime) -> bool:
    local = timezone.localtime(at)
    return any(opens <= local.time() < closes for opens, closes in office_hours_on(office=office, day=local.date()))


def office_jurisdiction_district(office: Office) -> Area | None:
    """The district or zone an office serves; None for a city-level office (all districts)."""
    area = office.area
    if area.kind == Area.Kind.CITY:
        return None
    return area if area.district_id is None else area.district
