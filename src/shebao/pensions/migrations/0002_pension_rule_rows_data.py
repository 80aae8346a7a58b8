"""Data: the Wuhan pension rule rows of DOMAIN.md §1.3. Every row names its source and its
confidence; all are L and wait for the agency's official table, corrected by an administrator
in the admin, never in code.

计发基数 before 2024: no figure could be justified from the sources at hand (DOMAIN.md's open
item 2), so none is entered; a retirement before 2024 has no row and is refused until the
agency enters its year."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

REGION = "wuhan"
BASE_SOURCE = "湖北省计发基数汇总表（公开文件转引，武汉/省直一档）/ Hubei summary table as quoted in public files, Wuhan tier"
BASE_NOTE = (
    "湖北按城市分档公布计发基数；此为武汉/省直一档（2025年宜昌7424、襄阳7325、荆州7210）。"
    "当年数值通常年中公布，追溯适用于全年；下一年度数值公布前沿用并标注暂定。/ Hubei publishes the figure "
    "per city tier; this is the Wuhan / provincial tier. Published mid-year and applied to the whole year; "
    "used carried forward (provisional) until the next year's figure is entered."
)
BASES = [
    (2024, "9022", dt.date(2024, 1, 1), dt.date(2024, 12, 31), BASE_NOTE),
    (
        2025,
        "9112",
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
        BASE_NOTE + " 第二份独立公开文件亦为9112 / A second, independent public file also gives 9112.",
    ),
]

TRANSITION_SOURCE = "鄂政发〔2006〕42号（公开文件转引）；个人账户起始 鄂政发〔1995〕111号"
TRANSITION_NOTE = (
    "来源不一致、待核实：过渡系数1.2%仅见一份第三方文件；计算式中的指数各省不同（北京Z同=1，湖南取本人Z̄，"
    "四川(C̄+C̄·Z̄)÷2，广东取视同缴费指数）。湖北劳动保障厅计发办法通知的转引文本为“本人指数化月平均缴费工资"
    "×96年以前缴费年限×1.2%”，故取本人平均缴费工资指数（own_index）。视同缴费年限计至1995年12月。"
    " / Sources disagree, to verify: k = 1.2% rests on one third-party file; the index in the formula "
    "differs by province (Beijing 1, Hunan own index, Sichuan (C̄+C̄·Z̄)/2, Guangdong a deemed index). A quoted "
    "text of the Hubei notice reads 'indexed average monthly wage × years before 1996 × 1.2%', hence own_index. "
    "Deemed years run to 1995-12."
)


def rows_add(apps, schema_editor):
    PensionBase = apps.get_model("pensions", "PensionBase")
    TransitionRule = apps.get_model("pensions", "TransitionRule")
    for year, amount, start, end, note in BASES:
        PensionBase.objects.update_or_create(
            region=REGION,
            effective_from=start,
            defaults={
                "year": year,
                "amount": Decimal(amount),
                "effective_to": end,
                "source": BASE_SOURCE,
                "confidence": "L",
                "note": note,
            },
        )
    TransitionRule.objects.update_or_create(
        region=REGION,
        effective_from=dt.date(2006, 1, 1),
        defaults={
            "coefficient": Decimal("0.012"),
            "deemed_index_rule": "own_index",
            "account_start": dt.date(1996, 1, 1),
            "source": TRANSITION_SOURCE,
            "confidence": "L",
            "note": TRANSITION_NOTE,
        },
    )


def rows_remove(apps, schema_editor):
    apps.get_model("pensions", "PensionBase").objects.filter(region=REGION).delete()
    apps.get_model("pensions", "TransitionRule").objects.filter(region=REGION).delete()


class Migration(migrations.Migration):
    dependencies = [("pensions", "0001_pension_rule_rows")]

    operations = [migrations.RunPython(rows_add, rows_remove)]
