"""Refusals at the window, not at approval: the checks the domain apps declare
(``shebao.cases.eligibility``) run when a case is opened and when it is accepted, and a
refusal writes nothing and says why."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.cases import services
from shebao.cases.models import Case
from shebao.core.errors import Conflict, InvalidInput
from shebao.core.identifiers import credit_code_make
from shebao.core.models import AuditEvent, SkillGroup
from tests.unemployment.conftest import contribute
from tests.web.support import employ, make_person, make_unit


@pytest.fixture
def person(engine, citizen, district):
    """The applicant as the registry knows them: born 14 March 1985, as their ID number says."""
    return make_person(district=district, name=citizen.full_name, account=citizen)


def correction(clerk, applicant, citizen, new_value, change_item="birth_date"):
    return services.case_open(
        actor=clerk,
        item_code="DJ-032",
        applicant=applicant,
        channel="hall",
        form={
            "id_number": citizen.id_number,
            "name": citizen.full_name,
            "change_item": change_item,
            "old_value": "1985-03-14" if change_item == "birth_date" else citizen.full_name,
            "new_value": new_value,
        },
        materials={"id_card": "received", "police_proof": "received"},
    )


@pytest.mark.parametrize(
    ("new_value", "says"), [("1986-03-14", "与公民身份号码不一致"), ("1985-03-14", "无需更正"), ("3/14/1986", "YYYY")]
)
def test_a_birth_date_correction_the_id_number_contradicts_is_refused_at_receipt(
    person, clerk, applicant, citizen, new_value, says
):
    with pytest.raises(InvalidInput, match=says) as refused:
        correction(clerk, applicant, citizen, new_value)
    assert refused.value.field == "new_value"
    assert not Case.objects.exists() and not AuditEvent.objects.filter(action="case.open").exists()
    # a correction of the name is received as before
    assert correction(clerk, applicant, citizen, "张珊", change_item="name").status == Case.Status.IN_PROGRESS


@pytest.fixture
def employer(person, district):
    contribute(person, months=24)  # SY-002 also checks 12 months of unemployment contributions
    return make_unit(code=credit_code_make(region_code="420102", serial=7), district=district, name="汉口纺织有限公司")


def claim(clerk, applicant, citizen):
    return services.case_open(
        actor=clerk,
        item_code="SY-002",
        applicant=applicant,
        channel="hall",
        form={
            "id_number": citizen.id_number,
            "name": citizen.full_name,
            "phone": "13800138000",
            "terminated_on": "2026-01-31",
            "end_reason": "contract_ended",
            "bank_card": "6222021234567894",
        },
        materials={"id_card": "received", "termination_proof": "received"},
    )


def test_an_unemployment_claim_while_employment_is_open_is_refused_with_the_reason(
    person, employer, clerk, applicant, citizen
):
    clerk.skill_groups.add(SkillGroup.objects.get(code="unemployment"))
    job = employ(person, employer, start=dt.date(2020, 3, 1))
    # when the person claims at the window while the records show them employed
    with pytest.raises(Conflict, match="汉口纺织有限公司的劳动关系尚未终止"):
        claim(clerk, applicant, citizen)
    # then nothing was opened
    assert not Case.objects.exists()
    # once the employer has ended the employment, the claim is received and completes at once
    job.end = dt.date(2026, 1, 31)
    job.save()
    case = claim(clerk, applicant, citizen)
    case = services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    assert case.status == Case.Status.COMPLETED


def test_the_checks_run_again_at_acceptance(person, employer, clerk, applicant, citizen):
    clerk.skill_groups.add(SkillGroup.objects.get(code="unemployment"))
    case = claim(clerk, applicant, citizen)
    # re-employed between receipt and acceptance
    employ(person, employer, start=dt.date(2026, 2, 9))
    with pytest.raises(Conflict, match="尚未终止"):
        services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and case.current_step.kind == "accept"
    assert not AuditEvent.objects.filter(action="case.accept").exists()
