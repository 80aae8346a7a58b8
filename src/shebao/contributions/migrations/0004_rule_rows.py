"""Data: the Wuhan rule rows of DOMAIN.md §2 (bases, rates, work-injury classes, crediting
rates, the late fee). Every row names its source and confidence; the L rows wait for the
agency's official table and are corrected by administrators in the admin, never in code."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

D = Decimal
REGION = "wuhan"
YEAR_NOTE = "缴费年度按自然年（1月至12月）执行 / A contribution year here runs January to December."

WAGE_BASES = [
    # year, average, floor, cap, effective_to, source, note
    (
        2023,
        "7040",
        "4224",
        "21120",
        dt.date(2023, 12, 31),
        "鄂人社发〔2023〕30号（公开文件转引）",
        "上下限按平均工资的60%/300%取整到元计算 / Floor and cap computed as 60% and 300% of the average, "
        "rounded to the yuan. " + YEAR_NOTE,
    ),
    (
        2024,
        "7489",
        "4494",
        "22467",
        dt.date(2024, 12, 31),
        "公开文件B（全口径平均工资，一档）/ public file B, tier 1",
        YEAR_NOTE,
    ),
    (
        2025,
        "7496",
        "4498",
        "22488",
        None,
        "公开文件A、B（全口径平均工资，一档）/ public files A and B, tier 1",
        "来源不一致：新闻报道湖北2024年全口径平均工资为7484，此处取两份文件一致的7496 / Sources disagree: "
        "a news quote gives 7484 for Hubei's 2024 average; 7496 is the figure both files agree on. "
        "No effective end: used until the 2026 table is entered (沿用上年度标准). " + YEAR_NOTE,
    ),
]

NATIONAL_38 = "国发〔2005〕38号"
CUT_2019 = "国办发〔2019〕13号《降低社会保险费率综合方案》"
RATES = [
    # insurance, person_type, payer, rate, from, to, source, confidence, note
    (
        "pension",
        "employee",
        "employer",
        "0.20",
        dt.date(2006, 1, 1),
        dt.date(2016, 4, 30),
        NATIONAL_38,
        "M",
        "38号文时期全国单位费率20% / The national 20% of the 38号文 era.",
    ),
    (
        "pension",
        "employee",
        "employer",
        "0.19",
        dt.date(2016, 5, 1),
        dt.date(2019, 4, 30),
        "人社部发〔2016〕36号；湖北执行19%（未核实的回忆）",
        "L",
        "湖北2016年5月起单位费率19%，待核实 / Hubei 19% from May 2016: unverified recollection.",
    ),
    ("pension", "employee", "employer", "0.16", dt.date(2019, 5, 1), None, CUT_2019, "H", ""),
    ("pension", "employee", "individual", "0.08", dt.date(2006, 1, 1), None, NATIONAL_38, "H", ""),
    (
        "pension",
        "employee",
        "account",
        "0.08",
        dt.date(2006, 1, 1),
        None,
        NATIONAL_38,
        "H",
        "个人缴费基数的8%记入个人账户 / 8% of the base to the personal account.",
    ),
    ("pension", "flexible", "individual", "0.20", dt.date(2006, 1, 1), None, NATIONAL_38, "H", ""),
    (
        "pension",
        "flexible",
        "account",
        "0.08",
        dt.date(2006, 1, 1),
        None,
        NATIONAL_38,
        "H",
        "20%中的8%记入个人账户 / 8% of the 20% to the personal account.",
    ),
    (
        "medical",
        "employee",
        "employer",
        "0.08",
        dt.date(2016, 1, 1),
        None,
        "武汉市职工医保（地方）",
        "L",
        "约8%，2019年起含生育保险，待核实 / About 8%, maternity merged in from 2019; to verify.",
    ),
    (
        "medical",
        "employee",
        "individual",
        "0.02",
        dt.date(2016, 1, 1),
        None,
        "武汉市职工医保（地方）",
        "L",
        "不含大额医疗定额费用，待核实 / Without the flat 大额医疗 fee; to verify.",
    ),
    (
        "medical",
        "flexible",
        "individual",
        "0.10",
        dt.date(2016, 1, 1),
        None,
        "武汉市灵活就业人员医保（地方）",
        "L",
        "暂按10%计算，须按官方标准核实 / Provisional 10%: to verify against the official Wuhan table.",
    ),
    (
        "maternity",
        "employee",
        "employer",
        "0.007",
        dt.date(2016, 1, 1),
        dt.date(2018, 12, 31),
        "武汉市生育保险（地方）；2019年起并入职工医保（国办发〔2019〕10号）",
        "L",
        "2019年起不再单列 / No separate row from 2019.",
    ),
    (
        "unemployment",
        "employee",
        "employer",
        "0.007",
        dt.date(2017, 1, 1),
        None,
        "人社部发〔2017〕14号（总费率1%）；湖北单位0.7%",
        "L",
        "省内分担比例待核实 / Provincial split to verify.",
    ),
    (
        "unemployment",
        "employee",
        "individual",
        "0.003",
        dt.date(2017, 1, 1),
        None,
        "人社部发〔2017〕14号（总费率1%）；湖北个人0.3%",
        "L",
        "省内分担比例待核实 / Provincial split to verify.",
    ),
]

INJURY_RATES = ["0.002", "0.004", "0.007", "0.009", "0.011", "0.013", "0.016", "0.019"]

INTEREST_RATES = [
    (2016, "0.0831", "H", "人社厅发〔2017〕71号"),
    (2017, "0.0712", "H", "人社部、财政部公布"),
    (2018, "0.0829", "H", "人社部、财政部公布"),
    (2019, "0.0761", "H", "人社部、财政部公布"),
    (2020, "0.0604", "H", "人社部、财政部公布"),
    (2021, "0.0669", "H", "人社部、财政部公布"),
    (2022, "0.0612", "H", "人社部、财政部公布"),
    (2023, "0.0397", "H", "人社部、财政部公布"),
    (2024, "0.0262", "M", "人社部、财政部公布（一地披露标为2025年度，视为笔误）"),
    (2025, "0.0150", "M", "南昌、金昌人社局2025年度社会保险信息披露（转引）"),
]


def forwards(apps, schema_editor):
    WageBase = apps.get_model("contributions", "WageBase")
    ContributionRate = apps.get_model("contributions", "ContributionRate")
    InjuryRate = apps.get_model("contributions", "InjuryRate")
    InterestRate = apps.get_model("contributions", "InterestRate")
    LateFeeRule = apps.get_model("contributions", "LateFeeRule")
    for year, average, floor, cap, effective_to, source, note in WAGE_BASES:
        WageBase.objects.create(
            region=REGION,
            year=year,
            average=D(average),
            floor=D(floor),
            cap=D(cap),
            effective_from=dt.date(year, 1, 1),
            effective_to=effective_to,
            source=source,
            confidence="L",
            note=note,
        )
    for insurance, person_type, payer, rate, start, end, source, confidence, note in RATES:
        ContributionRate.objects.create(
            region=REGION,
            insurance=insurance,
            person_type=person_type,
            payer=payer,
            rate=D(rate),
            effective_from=start,
            effective_to=end,
            source=source,
            confidence=confidence,
            note=note,
        )
    for risk_class, rate in enumerate(INJURY_RATES, start=1):
        InjuryRate.objects.create(
            region=REGION,
            risk_class=risk_class,
            rate=D(rate),
            effective_from=dt.date(2015, 10, 1),
            source="人社部发〔2015〕71号（基准费率）",
            confidence="M",
            note="基准费率，未含浮动 / Base rate, before the floating adjustment.",
        )
    for year, rate, confidence, source in INTEREST_RATES:
        InterestRate.objects.create(year=year, rate=D(rate), source=source, confidence=confidence)
    LateFeeRule.objects.create(
        region=REGION,
        daily_rate=D("0.0005"),
        grace_days=15,
        effective_from=dt.date(2011, 7, 1),
        source="《中华人民共和国社会保险法》第八十六条",
        confidence="H",
        note="按日加收万分之五。宽限15天即次月15日为缴费截止日（本地截止日待核实）/ 0.05% a day; grace 15 days "
        "puts the due date on the 15th of the following month (the local due day is to verify).",
    )


def backwards(apps, schema_editor):
    WageBase = apps.get_model("contributions", "WageBase")
    ContributionRate = apps.get_model("contributions", "ContributionRate")
    InjuryRate = apps.get_model("contributions", "InjuryRate")
    InterestRate = apps.get_model("contributions", "InterestRate")
    LateFeeRule = apps.get_model("contributions", "LateFeeRule")
    WageBase.objects.filter(region=REGION, year__in=[row[0] for row in WAGE_BASES]).delete()
    for insurance, person_type, payer, _rate, start, *_ in RATES:
        ContributionRate.objects.filter(
            region=REGION, insurance=insurance, person_type=person_type, payer=payer, effective_from=start
        ).delete()
    InjuryRate.objects.filter(region=REGION, effective_from=dt.date(2015, 10, 1)).delete()
    InterestRate.objects.filter(year__in=[row[0] for row in INTEREST_RATES]).delete()
    LateFeeRule.objects.filter(region=REGION, effective_from=dt.date(2011, 7, 1)).delete()


class Migration(migrations.Migration):
    dependencies = [("contributions", "0003_ledger_and_rules")]

    operations = [migrations.RunPython(forwards, backwards)]
