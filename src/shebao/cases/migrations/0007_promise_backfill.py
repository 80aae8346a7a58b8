"""Cases received before the promise was measured whole: the item's promised days and the day
their clock counted from (the receipt day in Asia/Shanghai), so their pages show the promise."""

import zoneinfo

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import TruncDate

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    ServiceItem = apps.get_model("catalog", "ServiceItem")
    promised = ServiceItem.objects.filter(pk=OuterRef("item_id")).values("promised_days")[:1]
    Case.objects.filter(clock_start__isnull=True).update(
        promised_days=Subquery(promised), clock_start=TruncDate("received_at", tzinfo=SHANGHAI)
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_promise_clock_start_and_dispatch"), ("catalog", "0001_initial")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
