"""The Wuhan survivors' benefit row (丧葬补助金 and 抚恤金 as months of the deceased's pension).

社会保险法第十七条 leaves the amounts to the province; no Hubei text could be opened when this
was written (DOMAIN.md names none), so the row is an assumption at confidence L, said so in its
note, for an administrator to correct from the official document."""

import datetime as dt
from decimal import Decimal

from django.db import migrations


def add(apps, schema_editor):
    Rule = apps.get_model("pensions", "SurvivorBenefitRule")
    Rule.objects.get_or_create(
        region="wuhan",
        effective_from=dt.date(2011, 7, 1),
        defaults={
            "funeral_months": Decimal("2.0"),
            "survivor_months": Decimal("10.0"),
            "source": "《中华人民共和国社会保险法》第十七条（标准由省级规定）",
            "confidence": "L",
            "note": "假设值，待以湖北省正式文件核实：丧葬补助金按2个月、抚恤金按10个月本人基本养老金计发。"
            " Assumed, to verify against the Hubei document.",
        },
    )


def remove(apps, schema_editor):
    apps.get_model("pensions", "SurvivorBenefitRule").objects.filter(
        region="wuhan", effective_from=dt.date(2011, 7, 1)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("pensions", "0003_benefits")]
    operations = [migrations.RunPython(add, remove)]
