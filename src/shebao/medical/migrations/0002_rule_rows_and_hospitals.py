"""Data: the Wuhan medical rule rows of DOMAIN.md §5.2 (all confidence L: one third-party data
file is the only source; corrected by an administrator in the admin, never in code), and the
demo hospitals register (district attached when the district area exists)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

REGION = "wuhan"
FROM = dt.date(2024, 1, 1)
SOURCE = "武汉市基本医疗保险政策数据与官方文件溯源库（第三方数据文件，DOMAIN.md §5.2）/ third-party data file"
NOTE = (
    "待武汉市医疗保障局官方表格核实 / To verify against the 武汉市医疗保障局 official tables. "
)
# level: (deductible, working rate); retirees +4 points; later admissions: deductible halved
LEVELS = {"3": ("800", "0.86"), "2": ("600", "0.88"), "1": ("400", "0.90"), "community": ("200", "0.92")}
CUTS = [
    ("local", "0", "本地就医不降低比例 / No cut for care in Wuhan", SOURCE),
    ("long_term", "0", "长期异地备案按参保地比例100% / Filed long-term residents: 100% of the local rate", SOURCE),
    ("referral", "10", "转诊转院备案降低10个百分点 / Filed referral: −10 points", "医保发〔2022〕22号；" + SOURCE),
    ("emergency", "10", "急诊抢救视同备案，降低10个百分点 / Emergency counts as filed: −10 points", "医保发〔2022〕22号；" + SOURCE),
    (
        "unfiled",
        "20",
        "冲突：武汉数据文件为−30个百分点，超过国家规定的不超过20个百分点（医保发〔2022〕22号）；"
        "取国家上限−20（合法值）。/ CONFLICT: the Wuhan data file says −30 points, beyond the national "
        "ceiling of 20 points (医保发〔2022〕22号); the legal value −20 is stored until the official table settles it.",
        "医保发〔2022〕22号（国家上限）；武汉数据文件为−30（冲突）",
    ),
]
HOSPITALS = [
    # code, name, level, designated, location, district code, place
    ("H420102001", "华中科技大学同济医学院附属协和医院", "3", True, "city", "420103", "湖北省武汉市"),
    ("H420102002", "华中科技大学同济医学院附属同济医院", "3", True, "city", "420103", "湖北省武汉市"),
    ("H420106001", "武汉大学人民医院", "3", True, "city", "420106", "湖北省武汉市"),
    ("H420106002", "武汉大学中南医院", "3", True, "city", "420106", "湖北省武汉市"),
    ("H420102003", "武汉市第一医院", "3", True, "city", "420104", "湖北省武汉市"),
    ("H420102004", "武汉市江岸区第二人民医院", "2", True, "city", "420102", "湖北省武汉市"),
    ("H420117001", "武汉市新洲区人民医院", "2", True, "city", "420117", "湖北省武汉市"),
    ("H420111001", "武汉市洪山区关山街社区卫生服务中心", "community", True, "city", "420111", "湖北省武汉市"),
    ("H420102005", "武汉市江岸区百步亭社区卫生服务中心", "community", True, "city", "420102", "湖北省武汉市"),
    ("H420114001", "武汉市蔡甸区奓山街卫生院", "1", True, "city", "420114", "湖北省武汉市"),
    ("H420106003", "武汉某民营医疗美容门诊部", "1", False, "city", "420106", "湖北省武汉市"),
    ("H420500001", "宜昌市中心人民医院", "3", True, "province", None, "湖北省宜昌市"),
    ("H110000001", "北京协和医院", "3", True, "outside", None, "北京市"),
    ("H440100001", "中山大学附属第一医院", "3", True, "outside", None, "广东省广州市"),
    ("H310000001", "上海某私立国际医院", "2", False, "outside", None, "上海市"),
]


def forwards(apps, schema_editor):
    BenefitRule = apps.get_model("medical", "BenefitRule")
    CrossRegionCut = apps.get_model("medical", "CrossRegionCut")
    FundLimit = apps.get_model("medical", "FundLimit")
    Hospital = apps.get_model("medical", "Hospital")
    Area = apps.get_model("core", "Area")
    common = {"region": REGION, "effective_from": FROM, "confidence": "L"}
    for level, (deductible, rate) in LEVELS.items():
        for person_type, bonus in (("working", Decimal("0")), ("retired", Decimal("0.04"))):
            for sequence, factor in (("first", Decimal("1")), ("later", Decimal("0.5"))):
                BenefitRule.objects.create(
                    person_type=person_type,
                    hospital_level=level,
                    visit_type="inpatient",
                    admission_sequence=sequence,
                    deductible=Decimal(deductible) * factor,
                    rate=Decimal(rate) + bonus,
                    source=SOURCE,
                    note=NOTE
                    + ("退休人员+4个百分点 / Retirees +4 points. " if bonus else "")
                    + ("年度内再次住院起付标准减半 / Later admissions: deductible halved." if factor != 1 else ""),
                    **common,
                )
    for filing_type, points, note, source in CUTS:
        CrossRegionCut.objects.create(filing_type=filing_type, cut_points=Decimal(points), note=NOTE + note, source=source, **common)
    FundLimit.objects.create(
        annual_cap=Decimal("240000"),
        large_band=Decimal("300000"),
        large_rate=Decimal("0.85"),
        source=SOURCE,
        note=NOTE + "统筹基金年度限额24万元；大额医疗再支付30万元、比例约85%（合计54万元）/ Basic cap 240,000; "
        "the large-amount band a further 300,000 at about 85%.",
        **common,
    )
    for code, name, level, designated, location, district, place in HOSPITALS:
        area = Area.objects.filter(code=district).first() if district else None
        Hospital.objects.create(
            code=code, name=name, level=level, designated=designated, location=location, district=area, place=place
        )


def backwards(apps, schema_editor):
    for model in ("BenefitRule", "CrossRegionCut", "FundLimit", "Hospital"):
        apps.get_model("medical", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("medical", "0001_hospitals_and_rules")]
    operations = [migrations.RunPython(forwards, backwards)]
