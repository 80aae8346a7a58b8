"""The rule rows in force on a date, as the pure :class:`shebao.medical.rules.RuleSet`."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from shebao.core.errors import InvalidInput
from shebao.medical.models import BenefitRule, CrossRegionCut, FundLimit
from shebao.medical.models.rules import MedicalRuleRow
from shebao.medical.rules import Benefit, Cut, Limits, RuleRef, RuleSet


def _in_force(qs: QuerySet, day: dt.date, region: str) -> QuerySet:
    return qs.filter(region=region, effective_from__lte=day).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=day)
    )


def _ref(row: MedicalRuleRow, key: str, value: str) -> RuleRef:
    return RuleRef(
        ref=row.ref,
        key=key,
        value=value,
        effective_from=row.effective_from.isoformat(),
        confidence=row.confidence,
        source=row.source,
    )


def rules_in_force(*, day: dt.date, region: str = "wuhan") -> RuleSet:
    """The latest row of each key in force on ``day``; refused (named) when the limits are missing."""
    benefits: dict[tuple[str, str, str], Benefit] = {}
    for row in _in_force(BenefitRule.objects.all(), day, region).order_by("effective_from"):
        key = (row.person_type, row.hospital_level, row.admission_sequence)
        benefits[key] = Benefit(
            deductible=row.deductible,
            rate=row.rate,
            rule=_ref(row, "/".join(key), f"{row.deductible} {row.rate}"),
        )
    cuts: dict[str, Cut] = {}
    for cut in _in_force(CrossRegionCut.objects.all(), day, region).order_by("effective_from"):
        cuts[cut.filing_type] = Cut(points=cut.cut_points, rule=_ref(cut, cut.filing_type, str(cut.cut_points)))
    limit = _in_force(FundLimit.objects.all(), day, region).order_by("-effective_from").first()
    if limit is None:
        raise InvalidInput(
            f"{day} 没有生效的医保基金支付限额规则",
            f"No fund-limit rule row in force on {day}",
            field="admission_date",
        )
    limits = Limits(
        annual_cap=limit.annual_cap,
        large_band=limit.large_band,
        large_rate=limit.large_rate,
        rule=_ref(limit, "limits", f"{limit.annual_cap} {limit.large_band} {limit.large_rate}"),
    )
    return RuleSet(benefits=benefits, cuts=cuts, limits=limits)
