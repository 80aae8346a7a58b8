"""Data: the Wuhan rule rows from 2014 (the year the agency's reform began) to today, each with
its source and confidence (DOMAIN.md §2 and §10), and the corrections of issue 9 §3:

- maternity merged into medical from 2019 (国办发〔2019〕10号): the merged employer medical rate
  is the SUM of the medical and maternity employer rates (8% + 0.7% = 8.7%), so the employer's
  total does not drop by 0.7 points on 2019-01-01;
- base limits for 2014-2022; a floor or cap that no source publishes is left blank and
  computed by ``rules.base_limits_compute`` (floor rounded up, cap down to the yuan);
- the 2025 row ends with its year: 2026 months use it *carried forward*, marked provisional;
- rates back to 2014 (pension 20% → 19% → 16%; unemployment 2%/1% → 1.5%/0.5% → 0.7%/0.3%; the
  2003 work-injury classes before the 2015 reform; the 2020 COVID-19 exemption of Hubei's
  employers), crediting rates for 2014 and 2015 (Hubei, before the national rate);
- the flexible worker's grade rule (60%-300% by 1%) and the back-payment charge rows.

Every L row waits for the agency's official table: administrators correct it in the admin,
never in code. ``backwards`` restores the rows of 0004 exactly.
"""

import datetime as dt
from decimal import Decimal
from importlib import import_module

from django.db import migrations

D = Decimal
REGION = "wuhan"
YEAR_NOTE = "缴费年度按自然年（1月至12月）执行 / A contribution year here runs January to December."
HUBEI_SERIES = (
    "公开文件中的湖北（武汉/省直）平均工资序列（作者称2019年及以前为计发口径）/ the public Hubei (Wuhan tier) "
    "average series (its author calls the values up to 2019 a pension-computation series)"
)
TO_VERIFY = (
    "待以官方武汉历年缴费基数表核实（DOMAIN.md 待核实事项2）/ To verify against the agency's official Wuhan "
    "table (DOMAIN.md open item 2). "
)
COMPUTED = (
    "未找到公布的上下限：留空，按平均工资60%进位到元、300%舍去到元计算 / No published floor or cap found: "
    "left blank, computed as 60% of the average rounded up and 300% rounded down to the yuan. "
)

# year, average, floor, cap, source, note (floor/cap None: computed)
NEW_WAGE_BASES = [
    (2014, "4615", None, None, HUBEI_SERIES, TO_VERIFY + COMPUTED + "在岗职工平均工资口径 / 在岗 average."),
    (2015, "5291", None, None, HUBEI_SERIES, TO_VERIFY + COMPUTED + "在岗职工平均工资口径 / 在岗 average."),
    (2016, "5901", None, None, HUBEI_SERIES, TO_VERIFY + COMPUTED + "在岗职工平均工资口径 / 在岗 average."),
    (2017, "6488", None, None, HUBEI_SERIES, TO_VERIFY + COMPUTED + "在岗职工平均工资口径 / 在岗 average."),
    (2018, "6640", None, None, HUBEI_SERIES, TO_VERIFY + COMPUTED + "在岗职工平均工资口径 / 在岗 average."),
    (
        2019,
        "7361",
        None,
        None,
        HUBEI_SERIES,
        TO_VERIFY + COMPUTED + "国办发〔2019〕13号要求改用全口径平均工资，湖北何时改用待核实 / When Hubei switched "
        "to the 全口径 average under 国办发〔2019〕13号 is to verify.",
    ),
    (
        2020,
        "8170",
        None,
        None,
        HUBEI_SERIES,
        TO_VERIFY + COMPUTED + "来源不一致：该序列2021年起为全口径（6233），2020年仍为在岗口径，下限因此在2021年下降；"
        "官方表可能已于2020年改用全口径 / Sources disagree: the series is 全口径 from 2021 (6233) but not in 2020, "
        "so the floor drops in 2021; the official table may have switched in 2020 already.",
    ),
    (2021, "6233", None, None, HUBEI_SERIES + "；全口径 / 全口径", TO_VERIFY + COMPUTED),
    (
        2022,
        "6795",
        "4077",
        "20385",
        "公开文件转引武汉缴费基数下限4077、上限20385 / a public file quoting Wuhan's floor 4077 and cap 20385",
        TO_VERIFY + "来源不一致：该文件将4077/20385标为2024年度（鄂人社发〔2024〕5号），而湖北序列中6795在7040"
        "（2023年度，鄂人社发〔2023〕30号）之前，此处按序列归入2022年度 / Sources disagree: that file labels "
        "4077/20385 as 2024 (鄂人社发〔2024〕5号); in the Hubei series 6795 comes before 7040 (2023, "
        "鄂人社发〔2023〕30号), so it is filed under 2022 here.",
    ),
]

NATIONAL_38 = "国发〔2005〕38号"
COVID = (
    "人社部发〔2020〕11号、人社部发〔2020〕49号：湖北省免征各类参保单位（不含机关事业单位）养老、失业、工伤保险单位缴费"
    "至2020年12月"
)
COVID_NOTE = (
    "疫情期间阶段性免征单位缴费，个人缴费照常；湖北执行期间待核实 / COVID-19: the employer's part exempted, "
    "the individual's unchanged; Hubei's exact period to verify."
)
CUT_2019 = "国办发〔2019〕13号《降低社会保险费率综合方案》"
UNEMPLOYMENT_1999 = "《失业保险条例》第六条（单位2%、个人1%）"
UNEMPLOYMENT_2015 = "人社部发〔2015〕24号（总费率降至2%）；湖北单位1.5%、个人0.5%"
UNEMPLOYMENT_2016 = "人社部发〔2016〕36号、人社部发〔2017〕14号（总费率1%）；湖北单位0.7%、个人0.3%"
SPLIT_NOTE = "省内分担比例待核实 / Provincial split to verify."
MERGED = "国办发〔2019〕10号（生育保险并入职工医保）：单位费率 = 医疗8% + 生育0.7%"
MERGED_NOTE = (
    "两险合并后单位费率为原医疗与生育单位费率之和，不降低单位合计；公开计算器亦列武汉医保单位8.7%（含生育0.7%）。"
    "武汉合并日期待核实 / After the merger the employer rate is the sum of the two, so the employer's total does "
    "not drop; public calculators list Wuhan's 8.7% (maternity 0.7% included). Wuhan's switch date to verify."
)

# (insurance, person_type, payer, effective_from in 0004) → new effective_from / effective_to / source / note
MOVED_RATES = [
    (("medical", "employee", "employer", dt.date(2016, 1, 1)), dt.date(2014, 1, 1), dt.date(2018, 12, 31), None, None),
    (("medical", "employee", "individual", dt.date(2016, 1, 1)), dt.date(2014, 1, 1), None, None, None),
    (("medical", "flexible", "individual", dt.date(2016, 1, 1)), dt.date(2014, 1, 1), None, None, None),
    (
        ("maternity", "employee", "employer", dt.date(2016, 1, 1)),
        dt.date(2014, 1, 1),
        dt.date(2018, 12, 31),
        None,
        None,
    ),
    (
        ("pension", "employee", "employer", dt.date(2019, 5, 1)),
        dt.date(2019, 5, 1),
        dt.date(2020, 1, 31),
        None,
        None,
    ),
    (
        ("unemployment", "employee", "employer", dt.date(2017, 1, 1)),
        dt.date(2016, 5, 1),
        dt.date(2020, 1, 31),
        UNEMPLOYMENT_2016,
        SPLIT_NOTE,
    ),
    (
        ("unemployment", "employee", "individual", dt.date(2017, 1, 1)),
        dt.date(2016, 5, 1),
        None,
        UNEMPLOYMENT_2016,
        SPLIT_NOTE,
    ),
]

# insurance, person_type, payer, rate, from, to, source, confidence, note
NEW_RATES = [
    ("medical", "employee", "employer", "0.087", dt.date(2019, 1, 1), None, MERGED, "L", MERGED_NOTE),
    ("pension", "employee", "employer", "0", dt.date(2020, 2, 1), dt.date(2020, 12, 31), COVID, "M", COVID_NOTE),
    ("pension", "employee", "employer", "0.16", dt.date(2021, 1, 1), None, CUT_2019, "H", "免征期满恢复 / Resumed."),
    (
        "unemployment",
        "employee",
        "employer",
        "0.02",
        dt.date(2014, 1, 1),
        dt.date(2015, 2, 28),
        UNEMPLOYMENT_1999,
        "M",
        "武汉执行比例待核实 / Wuhan's rates to verify.",
    ),
    (
        "unemployment",
        "employee",
        "individual",
        "0.01",
        dt.date(2014, 1, 1),
        dt.date(2015, 2, 28),
        UNEMPLOYMENT_1999,
        "M",
        "武汉执行比例待核实 / Wuhan's rates to verify.",
    ),
    (
        "unemployment",
        "employee",
        "employer",
        "0.015",
        dt.date(2015, 3, 1),
        dt.date(2016, 4, 30),
        UNEMPLOYMENT_2015,
        "L",
        SPLIT_NOTE,
    ),
    (
        "unemployment",
        "employee",
        "individual",
        "0.005",
        dt.date(2015, 3, 1),
        dt.date(2016, 4, 30),
        UNEMPLOYMENT_2015,
        "L",
        SPLIT_NOTE,
    ),
    ("unemployment", "employee", "employer", "0", dt.date(2020, 2, 1), dt.date(2020, 12, 31), COVID, "M", COVID_NOTE),
    ("unemployment", "employee", "employer", "0.007", dt.date(2021, 1, 1), None, UNEMPLOYMENT_2016, "L", SPLIT_NOTE),
]

# 劳社部发〔2003〕29号: three industry classes at about 0.5%, 1.0% and 2.0%; mapped onto the eight
# classes of 人社部发〔2015〕71号 for the months before 2015-10.
INJURY_2003 = {1: "0.005", 2: "0.01", 3: "0.01", 4: "0.01", 5: "0.02", 6: "0.02", 7: "0.02", 8: "0.02"}
INJURY_2015 = ["0.002", "0.004", "0.007", "0.009", "0.011", "0.013", "0.016", "0.019"]
INJURY_2003_SOURCE = "劳社部发〔2003〕29号（三类行业基准费率约0.5%、1.0%、2.0%）"
INJURY_2003_NOTE = (
    "2015年改革前为三类行业；此处将八类映射为：1类→一类，2-4类→二类，5-8类→三类，为假设，待核实 / Before the 2015 "
    "reform there were three industry classes; mapping the eight classes 1 → I, 2-4 → II, 5-8 → III is an "
    "assumption, to verify."
)
INJURY_2015_FROM = dt.date(2015, 10, 1)

INTEREST_RATES = [
    (
        year,
        "0.0325",
        "L",
        "湖北省个人账户记账利率（2016年前由各省确定）",
        "来源不一致：公开实现分别为3.25%/3.25%、3.50%/3.50%、2.97%/5.00%（2014/2015），此处取3.25%，待以经办机构自有"
        "历史表核实 / Sources disagree: public implementations give 3.25/3.25, 3.50/3.50 and 2.97/5.00 for 2014/2015; "
        "3.25% is stored until the agency's own table is entered.",
    )
    for year in (2014, 2015)
]

GRADE_RULE = dict(
    minimum=D("0.60"),
    maximum=D("3.00"),
    step=D("0.01"),
    effective_from=dt.date(2014, 1, 1),
    source="国办发〔2019〕13号（平均工资的60%至300%）；国发〔2005〕38号",
    confidence="M",
    note="上下限为全国规定；档差1%为假设：武汉可选档次待核实（有的城市只设若干固定档次）/ The bounds are national; "
    "a step of one percentage point is an assumption: Wuhan's list of grades to verify (some cities offer fixed grades).",
)

BACKPAY_CHARGES = [
    dict(
        person_type="employee",
        charge="late_fee",
        effective_from=dt.date(2011, 7, 1),
        source="《中华人民共和国社会保险法》第八十六条（用人单位未按时足额缴纳，按日加收万分之五滞纳金）",
        confidence="H",
        note="日费率取滞纳金规则 / The daily rate is the late-fee rule's.",
    ),
    dict(
        person_type="flexible",
        charge="late_fee",
        effective_from=dt.date(2011, 7, 1),
        source="无全国统一规定：社会保险法第八十六条只规定用人单位；武汉规则待核实",
        confidence="L",
        note="假设：比照用人单位按日万分之五加收滞纳金（各地做法不一：不加收、计收利息或比照加收滞纳金）。如武汉规定"
        "不加收或计息，请改为“不加收”或“利息”并填年利率 / ASSUMPTION: the employer's 0.05 % a day applied by "
        "analogy (cities differ: nothing, interest, or the fee by analogy). If Wuhan charges nothing or interest, "
        "set the charge to 'none' or 'interest' with its annual rate.",
    ),
]


def _rate_key(model, key):
    insurance, person_type, payer, start = key
    return model.objects.filter(
        region=REGION, insurance=insurance, person_type=person_type, payer=payer, effective_from=start
    )


def forwards(apps, schema_editor):
    WageBase = apps.get_model("contributions", "WageBase")
    ContributionRate = apps.get_model("contributions", "ContributionRate")
    InjuryRate = apps.get_model("contributions", "InjuryRate")
    InterestRate = apps.get_model("contributions", "InterestRate")
    GradeRule = apps.get_model("contributions", "GradeRule")
    BackpayCharge = apps.get_model("contributions", "BackpayCharge")

    for year, average, floor, cap, source, note in NEW_WAGE_BASES:
        WageBase.objects.update_or_create(
            region=REGION,
            effective_from=dt.date(year, 1, 1),
            defaults=dict(
                year=year,
                average=D(average),
                floor=D(floor) if floor else None,
                cap=D(cap) if cap else None,
                effective_to=dt.date(year, 12, 31),
                source=source,
                confidence="L",
                note=note + " " + YEAR_NOTE,
            ),
        )
    WageBase.objects.filter(region=REGION, year=2023).update(
        floor=None,
        cap=None,
        note="上下限未公布，按平均工资60%进位到元、300%舍去到元计算（4224/21120）/ Floor and cap not published: "
        "computed as 60% of the average rounded up and 300% rounded down to the yuan (4224/21120). " + YEAR_NOTE,
    )
    WageBase.objects.filter(region=REGION, year=2025).update(
        effective_to=dt.date(2025, 12, 31),
        source="鄂人社发〔2025〕28号（公开文件转引：一档武汉4498/22488）；公开文件A、B",
        note="来源不一致：新闻报道湖北2024年全口径平均工资为7484，此处取两份文件一致的7496 / Sources disagree: a news "
        "quote gives 7484 for Hubei's 2024 average; 7496 is the figure both files agree on. 2026年度标准公布前，"
        "2026年各月沿用本行并标为暂定 / Until the 2026 row is entered, 2026 months use this row carried forward, "
        "marked provisional. " + YEAR_NOTE,
    )

    for key, start, end, source, note in MOVED_RATES:
        changes = {"effective_from": start, "effective_to": end}
        if source:
            changes["source"] = source
        if note:
            changes["note"] = note
        _rate_key(ContributionRate, key).update(**changes)
    for insurance, person_type, payer, rate, start, end, source, confidence, note in NEW_RATES:
        ContributionRate.objects.update_or_create(
            region=REGION,
            insurance=insurance,
            person_type=person_type,
            payer=payer,
            effective_from=start,
            defaults=dict(rate=D(rate), effective_to=end, source=source, confidence=confidence, note=note),
        )

    InjuryRate.objects.filter(region=REGION, effective_from=INJURY_2015_FROM).update(effective_to=dt.date(2020, 1, 31))
    for risk_class in range(1, 9):
        for start, end, rate, source, confidence, note in (
            (
                dt.date(2014, 1, 1),
                dt.date(2015, 9, 30),
                INJURY_2003[risk_class],
                INJURY_2003_SOURCE,
                "L",
                INJURY_2003_NOTE,
            ),
            (dt.date(2020, 2, 1), dt.date(2020, 12, 31), "0", COVID, "M", COVID_NOTE),
            (
                dt.date(2021, 1, 1),
                None,
                INJURY_2015[risk_class - 1],
                "人社部发〔2015〕71号（基准费率）",
                "M",
                "基准费率，未含浮动 / Base rate, before the floating adjustment.",
            ),
        ):
            InjuryRate.objects.update_or_create(
                region=REGION,
                risk_class=risk_class,
                effective_from=start,
                defaults=dict(rate=D(rate), effective_to=end, source=source, confidence=confidence, note=note),
            )

    for year, rate, confidence, source, note in INTEREST_RATES:
        InterestRate.objects.update_or_create(
            year=year, defaults=dict(rate=D(rate), confidence=confidence, source=source, note=note)
        )
    GradeRule.objects.update_or_create(region=REGION, effective_from=GRADE_RULE["effective_from"], defaults=GRADE_RULE)
    for row in BACKPAY_CHARGES:
        BackpayCharge.objects.update_or_create(
            region=REGION, person_type=row["person_type"], effective_from=row["effective_from"], defaults=row
        )


def backwards(apps, schema_editor):
    WageBase = apps.get_model("contributions", "WageBase")
    ContributionRate = apps.get_model("contributions", "ContributionRate")
    InjuryRate = apps.get_model("contributions", "InjuryRate")
    InterestRate = apps.get_model("contributions", "InterestRate")
    GradeRule = apps.get_model("contributions", "GradeRule")
    BackpayCharge = apps.get_model("contributions", "BackpayCharge")
    migration_0004 = import_module("shebao.contributions.migrations.0004_rule_rows")

    BackpayCharge.objects.filter(region=REGION).delete()
    GradeRule.objects.filter(region=REGION).delete()
    InterestRate.objects.filter(year__in=[row[0] for row in INTEREST_RATES]).delete()
    InjuryRate.objects.filter(region=REGION).exclude(effective_from=INJURY_2015_FROM).delete()
    InjuryRate.objects.filter(region=REGION, effective_from=INJURY_2015_FROM).update(effective_to=None)
    for insurance, person_type, payer, _rate, start, *_ in NEW_RATES:
        ContributionRate.objects.filter(
            region=REGION, insurance=insurance, person_type=person_type, payer=payer, effective_from=start
        ).delete()
    for (insurance, person_type, payer, start_0004), new_start, *_ in MOVED_RATES:
        _, _, _, _rate, start, end, source, _confidence, note = next(
            r for r in migration_0004.RATES if r[:3] == (insurance, person_type, payer) and r[4] == start_0004
        )
        _rate_key(ContributionRate, (insurance, person_type, payer, new_start)).update(
            effective_from=start, effective_to=end, source=source, note=note
        )
    WageBase.objects.filter(region=REGION, year__in=[row[0] for row in NEW_WAGE_BASES]).delete()
    for year, _average, floor, cap, effective_to, source, note in migration_0004.WAGE_BASES:
        WageBase.objects.filter(region=REGION, year=year).update(
            floor=D(floor), cap=D(cap), effective_to=effective_to, source=source, note=note
        )


class Migration(migrations.Migration):
    dependencies = [("contributions", "0007_rule_history_tables")]

    operations = [migrations.RunPython(forwards, backwards)]
