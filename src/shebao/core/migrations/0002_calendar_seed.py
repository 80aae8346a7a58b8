"""Data: the published holiday arrangements 2004-2026 from the chinesecalendar package."""

from django.db import migrations


def seed(apps, schema_editor):
    from chinese_calendar import constants

    from shebao.core.calendar import HOLIDAY_NAMES_ZH, PACKAGE_SOURCE

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    years = sorted({d.year for d in constants.holidays})
    for year in years:
        CalendarYear.objects.get_or_create(year=year, defaults={"source": PACKAGE_SOURCE})
    rows = [CalendarDay(date=d, kind="rest", name=HOLIDAY_NAMES_ZH.get(n, n)) for d, n in constants.holidays.items()]
    rows += [CalendarDay(date=d, kind="work", name=HOLIDAY_NAMES_ZH.get(n, n)) for d, n in constants.workdays.items()]
    CalendarDay.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def unseed(apps, schema_editor):
    apps.get_model("core", "CalendarDay").objects.all().delete()
    apps.get_model("core", "CalendarYear").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
