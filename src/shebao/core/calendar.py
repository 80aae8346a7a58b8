"""Calendar services: seed from the chinesecalendar package and edit days, keeping the
working-day cache honest."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from shebao.core import audit, workdays
from shebao.core.errors import InvalidInput
from shebao.core.models import Account, CalendarDay, CalendarYear

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
PACKAGE_SOURCE = "chinesecalendar（国务院办公厅节假日安排通知）"


def calendar_seed_from_package(*, years: range | None = None) -> int:
    """Load the published arrangements from the chinesecalendar package (2004 onward).

    Idempotent: existing rows are left as administrators may have corrected them.
    Returns the number of day rows created.
    """
    from chinese_calendar import constants

    known = {d.year for d in constants.holidays}
    wanted = sorted(known if years is None else known.intersection(years))
    created = 0
    with transaction.atomic():
        for year in wanted:
            CalendarYear.objects.get_or_create(year=year, defaults={"source": PACKAGE_SOURCE})
        existing = set(CalendarDay.objects.filter(date__year__in=wanted).values_list("date", flat=True))
        rows = []
        for table, kind in ((constants.holidays, CalendarDay.Kind.REST), (constants.workdays, CalendarDay.Kind.WORK)):
            for day, name in table.items():
                if day.year in wanted and day not in existing:
                    rows.append(CalendarDay(date=day, kind=kind, name=HOLIDAY_NAMES_ZH.get(name, name)))
        CalendarDay.objects.bulk_create(rows, batch_size=500)
        created = len(rows)
    workdays.clear_cache()
    return created


def calendar_day_set(
    *, actor: Account, date: dt.date, kind: str, name: str = "", channel: str = "admin"
) -> CalendarDay:
    """An administrator enters or corrects one day of next year's arrangement."""
    if kind not in CalendarDay.Kind.values:
        raise InvalidInput("日期类别只能是休息日或调休上班", "Kind must be 'rest' or 'work'", field="kind")
    with transaction.atomic():
        old = CalendarDay.objects.filter(date=date).values("kind", "name").first()
        day, _ = CalendarDay.objects.update_or_create(date=date, defaults={"kind": kind, "name": name})
        audit.record(
            actor=actor,
            action="calendar.day_set",
            subject_type="calendar_day",
            subject_id=date.isoformat(),
            before=old,
            after={"kind": kind, "name": name},
            channel=channel,
        )
    workdays.clear_cache()
    return day


def calendar_year_publish(
    *, actor: Account, year: int, source: str, source_url: str = "", channel: str = "admin"
) -> CalendarYear:
    """Mark a year's arrangement as published (after its days are entered): due dates in it
    stop being provisional."""
    with transaction.atomic():
        row, created = CalendarYear.objects.update_or_create(
            year=year, defaults={"source": source, "source_url": source_url}
        )
        audit.record(
            actor=actor,
            action="calendar.year_publish",
            subject_type="calendar_year",
            subject_id=str(year),
            after={"source": source, "source_url": source_url, "created": created},
            channel=channel,
        )
    workdays.clear_cache()
    return row
