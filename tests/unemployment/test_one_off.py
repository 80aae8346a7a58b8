"""SY-004 … SY-007 change something real when their case completes: the skills subsidy and the
rural lump sum are paid once to the person's card at the rule rows' amounts, the job-retention
refund is the rule row's share of what the unit paid, a transfer in brings the months left into
a claim here; refusals name their reason and write nothing. Hand computations in each test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.cases import services
from shebao.cases.models import Case
from shebao.contributions.models import ContributionMonth
from shebao.core.errors import Conflict
from shebao.core.models import SkillGroup
from shebao.unemployment import bank
from shebao.unemployment.models import Claim, OneOffPayment, Parameter
from tests.unemployment.conftest import CARD, contribute

D = Decimal


@pytest.fixture
def fake_bank(monkeypatch):
    fake = bank.FakeBank()
    monkeypatch.setattr(bank, "_default", fake)
    return fake


@pytest.fixture
def officers(clerk, reviewer, approver):
    group = SkillGroup.objects.get(code="unemployment")
    for officer in (reviewer, approver):
        officer.skill_groups.add(group)
    return {"accept": clerk, "review": reviewer, "approve": approver}


def run(officers, applicant, code, form, materials):
    case = services.case_open(
        actor=officers["accept"], item_code=code, applicant=applicant, channel="hall", form=form, materials=materials
    )
    while case.status != Case.Status.COMPLETED:
        kind = case.current_step.kind
        case = services.case_act(actor=officers[kind], case_id=case.pk, version=case.version, action=kind)
    return case


def skills_form(citizen, **changes):
    return {
        "id_number": citizen.id_number,
        "name": citizen.full_name,
        "phone": "13800138000",
        "certificate_type": "skill_level",
        "certificate_level": "4",
        "certificate_no": "S000042010100001",
        "certificate_date": "2026-01-20",
        "bank_card": CARD,
    } | changes


def test_sy_004_pays_the_levels_subsidy_once_per_certificate(separated, officers, applicant, citizen, fake_bank):
    case = run(officers, applicant, "SY-004", skills_form(citizen), {"certificate": "received"})
    # 中级（四级）: the 1 500.00 row; 60 months paid ≥ 12
    row = OneOffPayment.objects.get(case_number=case.number)
    assert (row.item_code, row.amount, row.status, row.person_id) == ("SY-004", D("1500.00"), "sent", separated.pk)
    assert case.result["amount"] == "1500.00" and fake_bank.transfers[row.key][1] == D("1500.00")
    # the same certificate again: refused at completion, nothing more paid
    with pytest.raises(Conflict, match="不能重复领取"):
        run(officers, applicant, "SY-004", skills_form(citizen), {"certificate": "received"})
    assert OneOffPayment.objects.count() == 1 and len(fake_bank.transfers) == 1
    # an administrator's corrected row is what the next certificate gets
    Parameter.objects.filter(key="skill_subsidy_3").update(value=D("2500"))
    later = run(
        officers, applicant, "SY-004", skills_form(citizen, certificate_level="3", certificate_no="S3"),
        {"certificate": "received"},
    )  # fmt: skip
    assert later.result["amount"] == "2500.00"


def test_sy_004_refuses_a_person_with_too_few_months(person, officers, applicant, citizen, fake_bank):
    contribute(person, months=11)
    with pytest.raises(Conflict, match="累计缴纳失业保险费11个月，不足12个月"):
        run(officers, applicant, "SY-004", skills_form(citizen), {"certificate": "received"})
    assert not OneOffPayment.objects.exists() and not fake_bank.transfers


def test_sy_007_pays_full_years_times_the_rule_row_capped(separated, officers, applicant, citizen, employer, fake_bank):
    form = {
        "id_number": citizen.id_number,
        "name": citizen.full_name,
        "phone": "13800138000",
        "unit_code": employer.credit_code,
        "terminated_on": "2026-01-31",
        "bank_card": CARD,
    }
    case = run(officers, applicant, "SY-007", form, {"id_card": "received", "termination_proof": "received"})
    # 60 months = 5 full years × 900.00 = 4 500.00
    row = OneOffPayment.objects.get(case_number=case.number)
    assert (row.amount, row.derivation["years"]) == (D("4500.00"), 5)
    # the cap: with 3 years counted at most, 3 × 900.00 = 2 700.00 (a separation is paid once: a new one)
    Parameter.objects.filter(key="rural_max_years").update(value=3)
    again = run(
        officers, applicant, "SY-007", form | {"terminated_on": "2026-02-06"},
        {"id_card": "received", "termination_proof": "received"},
    )  # fmt: skip
    assert again.result["amount"] == "2700.00"


def test_sy_005_refunds_the_share_of_the_units_paid_contributions_once(
    person, employer, officers, citizen, district, fake_bank
):
    from shebao.catalog.definitions import Applicant

    for mon in range(1, 13):  # 2025: 12 × 35.00 = 420.00 from the unit
        ContributionMonth.objects.create(
            person=person, unit=employer, period=dt.date(2025, mon, 1), base=D("5000.00"),
            unemployment_employer=D("35.00"), unemployment_personal=D("15.00"), status="paid",
        )  # fmt: skip
    form = {"unit_code": employer.credit_code, "declare_year": 2025, "staff_count": 1, "bank_account": CARD}
    unit = Applicant(id_number=citizen.id_number, name=citizen.full_name, district=district, account=citizen)
    case = run(officers, unit, "SY-005", form, {"commitment": "received"})
    # 420.00 × 60% = 252.00 to the unit's account
    row = OneOffPayment.objects.get(case_number=case.number)
    assert (row.amount, row.unit_code, row.key) == (
        D("252.00"),
        employer.credit_code,
        f"SY-005-{employer.credit_code}-2025",
    )
    with pytest.raises(Conflict, match="不能重复领取"):
        run(officers, unit, "SY-005", form, {"commitment": "received"})


def test_sy_006_brings_the_months_left_into_a_claim_here(person, officers, applicant, citizen, fake_bank):
    form = {
        "id_number": citizen.id_number,
        "name": citizen.full_name,
        "phone": "13800138000",
        "from_place": "湖南省长沙市",
        "from_agency": "长沙市社会保险服务中心",
        "remaining_months": 7,
        "bank_card": CARD,
    }
    case = run(officers, applicant, "SY-006", form, {"id_card": "received"})
    claim = Claim.objects.get(case_number=case.number)
    # 7 months left there, paid here from March 2026 at 2 010 × 90% = 1 809.00
    assert (claim.max_months, claim.carried_months, claim.monthly_benefit) == (7, 7, D("1809.00"))
    assert (claim.status, claim.start_month) == ("paying", dt.date(2026, 3, 1))
    # none left: the relationship alone moves, no claim
    case = run(officers, applicant, "SY-006", form | {"remaining_months": 0}, {"id_card": "received"})
    assert case.result == {"claim": None, "months": 0} and Claim.objects.count() == 1
