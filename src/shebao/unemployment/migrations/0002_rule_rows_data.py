"""The Wuhan unemployment rule rows as DOMAIN.md §6 gives them (the L rows wait for the official
Hubei table; an administrator corrects them in the admin)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import migrations

REGULATION = "《失业保险条例》（国务院令第258号）"
MEASURES = "《失业保险金申领发放办法》（劳动和社会保障部令第8号）"

PARAMETERS = (
    (
        "benefit_share",
        "0.9",
        dt.date(2019, 1, 1),
        "湖北省：失业保险金为当地最低工资标准的90%（2019年由80%提高，待核实）；人社部发〔2017〕71号",
        "L",
        "DOMAIN.md §6.2, §10: verify the current Hubei document",
    ),
    (
        "minimum_wage",
        "2010",
        dt.date(2021, 9, 1),
        "湖北省最低工资标准调整（武汉 一类 2010元/月，2021-09-01起）",
        "L",
        "may have risen in 2024/2025: verify",
    ),
    ("entitlement_cap", "24", dt.date(1999, 1, 22), f"{REGULATION}第十七条：合并计算最长不超过24个月", "H", ""),
    ("claim_deadline_days", "60", dt.date(2001, 1, 1), f"{MEASURES}第五条：终止劳动关系之日起60日内申领", "M", ""),
    (
        "window_first_day",
        "1",
        dt.date(2020, 1, 1),
        "区社保经办机构异动期（每月1日至20日），由管理员设定",
        "L",
        "office schedule",
    ),
    (
        "window_last_day",
        "20",
        dt.date(2020, 1, 1),
        "区社保经办机构异动期（每月1日至20日），由管理员设定",
        "L",
        "office schedule",
    ),
)

DURATIONS = ((12, 12), (60, 18), (120, 24))

REASONS = (
    (
        "contract_ended",
        True,
        "劳动合同期满终止",
        "Fixed-term contract ended",
        f"{MEASURES}第四条第（一）项",
        "终止劳动合同的",
    ),
    (
        "dismissed",
        True,
        "被用人单位解除劳动合同",
        "Dismissed by the employer",
        f"{MEASURES}第四条第（二）、（三）项",
        "被用人单位解除劳动合同的；被用人单位开除、除名和辞退的",
    ),
    (
        "unit_closed",
        True,
        "用人单位破产、撤销、解散",
        "Employer closed (bankruptcy, dissolution)",
        f"{MEASURES}第四条第（一）项；《劳动合同法》第四十四条第（四）项",
        "终止劳动合同的（用人单位被依法宣告破产、被吊销营业执照、责令关闭、撤销或者决定提前解散）",
    ),
    (
        "mutual_agreement_by_unit",
        True,
        "用人单位提出、协商一致解除劳动合同",
        "Ended by agreement, proposed by the employer",
        f"{MEASURES}第四条；《劳动合同法》第三十六条、第四十六条第（二）项",
        "用人单位提出解除劳动合同并与劳动者协商一致的",
    ),
    (
        "resigned",
        False,
        "本人主动辞职",
        "Resigned",
        f"{REGULATION}第十四条第（二）项",
        "非因本人意愿中断就业的方可领取；本人辞职属本人意愿中断就业",
    ),
)


def seed(apps: Any, schema_editor: Any) -> None:
    Parameter = apps.get_model("unemployment", "Parameter")
    DurationStep = apps.get_model("unemployment", "DurationStep")
    SeparationReason = apps.get_model("unemployment", "SeparationReason")
    for key, value, since, source, confidence, note in PARAMETERS:
        Parameter.objects.get_or_create(
            region="wuhan",
            key=key,
            effective_from=since,
            defaults={"value": Decimal(value), "source": source, "confidence": confidence, "note": note},
        )
    for min_months, months in DURATIONS:
        DurationStep.objects.get_or_create(
            region="wuhan",
            min_months=min_months,
            effective_from=dt.date(1999, 1, 22),
            defaults={"months": months, "source": f"{REGULATION}第十七条", "confidence": "H"},
        )
    for code, eligible, zh, en, basis, text in REASONS:
        SeparationReason.objects.get_or_create(
            region="wuhan",
            code=code,
            effective_from=dt.date(2001, 1, 1),
            defaults={
                "eligible": eligible,
                "label_zh": zh,
                "label_en": en,
                "basis": basis,
                "text": text,
                "source": basis,
                "confidence": "M",
            },
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    for name in ("Parameter", "DurationStep", "SeparationReason"):
        apps.get_model("unemployment", name).objects.filter(region="wuhan").delete()


class Migration(migrations.Migration):
    dependencies = [("unemployment", "0001_rules_claims_payments")]
    operations = [migrations.RunPython(seed, unseed)]
