"""工伤: the recognition decision (GS-001) and a benefit under it (GS-002) written at the
approver's completion; a benefit without this worker's decision is refused at the window."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.cases.applicants import applicant_for
from shebao.cases.models import Case
from shebao.cases.services import case_act, case_open
from shebao.core.errors import InvalidInput
from shebao.core.identifiers import credit_code_make
from shebao.pensions.models import InjuryBenefit, InjuryRecognition
from tests.web.support import employ, make_person, make_unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine", "benefit_staff")]


def _walk(case, clerk, reviewer, approver):
    for actor, action in ((clerk, "accept"), (reviewer, "review"), (approver, "approve")):
        case = case_act(actor=actor, case_id=case.pk, version=case.version, action=action)
    assert case.status == Case.Status.COMPLETED
    return case


def _open(clerk, person, code, form, materials):
    return case_open(
        actor=clerk,
        item_code=code,
        applicant=applicant_for(id_number=person.id_number),
        channel="hall",
        form={"id_number": person.id_number, "name": person.name, "phone": "13800000014", **form},
        materials=materials,
    )


def test_recognition_then_a_benefit_under_it(clerk, reviewer, approver, district):
    unit = make_unit(code=credit_code_make(region_code="420102", serial=7), district=district)
    worker = make_person(district=district, name="钟工人")
    employ(worker, unit, start=dt.date(2024, 3, 1))
    # when GS-001 is received, reviewed and approved
    case = _walk(
        _open(
            clerk,
            worker,
            "GS-001",
            {
                "unit_code": unit.credit_code,
                "applicant_type": "unit",
                "accident_date": "2026-02-02",
                "diagnosis_date": "2026-02-03",
                "injury_desc": "车间搬运时左手受伤",
            },
            {"application": "received", "employment_proof": "received", "diagnosis": "received"},
        ),
        clerk,
        reviewer,
        approver,
    )
    # then the decision is written, numbered for the year
    decision = InjuryRecognition.objects.get(person=worker)
    assert decision.number == "GSRD2026000001" == case.result["decision"]
    assert (decision.unit_code, decision.accident_date) == (unit.credit_code, dt.date(2026, 2, 2))
    benefit_form = {
        "unit_code": unit.credit_code,
        "benefit_type": "medical",
        "amount": "3860.50",
        "bank_card": "6222021001116245702",
    }
    materials = {"decision": "received", "invoices": "received", "bank_card": "received"}
    # a benefit naming another decision is refused at the window, nothing opened
    with pytest.raises(InvalidInput) as refused:
        _open(clerk, worker, "GS-002", {**benefit_form, "decision_no": "GSRD2026999999"}, materials)
    assert refused.value.field == "decision_no"
    assert not InjuryBenefit.objects.exists() and Case.objects.filter(item__code="GS-002").count() == 0
    # the benefit under the worker's decision is written at completion
    _walk(
        _open(clerk, worker, "GS-002", {**benefit_form, "decision_no": decision.number}, materials),
        clerk,
        reviewer,
        approver,
    )
    benefit = InjuryBenefit.objects.get(person=worker)
    assert (benefit.recognition, benefit.benefit_type, benefit.amount) == (decision, "medical", Decimal("3860.50"))
