"""The migrated Wuhan rule rows, read back for a date, compute what the hand computation says;
an administrator's correction of a row changes the next computation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.core.errors import InvalidInput
from shebao.medical.models import BenefitRule, CrossRegionCut, FundLimit, Hospital
from shebao.medical.params import rules_in_force
from shebao.medical.rules import reimbursement_compute

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 2)


def test_the_migrated_rows_compute_the_hand_computed_amount():
    rules = rules_in_force(day=DAY)
    result = reimbursement_compute(
        rules=rules,
        in_policy_cost=Decimal("10000"),
        person_type="retired",
        hospital_level="2",
        filing_type="referral",
        admission_number=2,
    )
    # later admission at level 2: deductible 300; retired 92% − 10 points = 82%; 9 700 × 82% = 7 954
    assert result.amount == Decimal("7954.00")
    assert all(rule.confidence == "L" for rule in result.rules)
    assert (
        result.rules[0].ref
        == f"medical.BenefitRule#{BenefitRule.objects.get(person_type='retired', hospital_level='2', admission_sequence='later').pk}"
    )


def test_the_unfiled_cut_stores_the_legal_value_and_names_the_conflict():
    row = CrossRegionCut.objects.get(filing_type="unfiled")
    assert row.cut_points == Decimal("20")
    assert "−30" in row.note and "冲突" in row.note


def test_a_corrected_row_from_a_later_date_is_used_from_that_date():
    BenefitRule.objects.create(
        person_type="working",
        hospital_level="3",
        admission_sequence="first",
        deductible=Decimal("1000"),
        rate=Decimal("0.85"),
        effective_from=dt.date(2026, 7, 1),
        source="official",
        confidence="H",
    )

    def amount(day):
        return reimbursement_compute(
            rules=rules_in_force(day=day),
            in_policy_cost=Decimal("10000"),
            person_type="working",
            hospital_level="3",
            filing_type="local",
            admission_number=1,
        ).amount

    assert amount(dt.date(2026, 6, 30)) == Decimal("7912.00")  # 9 200 × 86%
    assert amount(dt.date(2026, 7, 1)) == Decimal("7650.00")  # 9 000 × 85%


def test_no_limits_row_is_refused_with_the_date_named():
    FundLimit.objects.all().delete()
    with pytest.raises(InvalidInput):
        rules_in_force(day=DAY)


def test_the_demo_register_has_designated_and_not_inside_and_outside_the_city():
    assert Hospital.objects.count() >= 12
    assert Hospital.objects.filter(designated=False).exists()
    assert set(Hospital.objects.values_list("location", flat=True)) == {"city", "province", "outside"}
    assert set(Hospital.objects.values_list("level", flat=True)) == {"community", "1", "2", "3"}
