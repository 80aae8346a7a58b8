"""A case a window opens for a unit (增减员, 基数申报 at the hall) carries the unit's code, so
the unit's hall lists it; the unit sees it but may not withdraw what the window filed (issue 9)."""

from __future__ import annotations

import pytest

from shebao.cases import services
from shebao.cases.applicants import applicant_for
from shebao.cases.models import Case
from shebao.core.errors import InvalidInput
from tests.cases.conftest import ALL
from tests.cases.test_api import post


def test_a_case_a_window_opens_for_a_unit_is_in_the_units_hall(
    client, engine, media, firm, unit_operator, clerk, district
):
    # given a clerk at the window receiving an item for the unit, the applicant as the
    # workbench's form gives it (ID number, name, district: no unit)
    employee = firm["employee"]
    applicant = applicant_for(id_number=employee.id_number, district_code=district.code)
    case = services.case_open(
        actor=clerk,
        item_code="T-UNIT",
        applicant=applicant,
        channel="hall",
        form={"address": "江岸区胜利街1号", "unit_code": unit_operator.unit_code.lower()},
        materials=ALL,
    )
    # then the case carries the unit's code (the form's, checked and normalised)
    assert (case.applicant_unit_code, case.filer) == (unit_operator.unit_code, Case.Filer.STAFF)
    # and the unit sees it in its list, but may not withdraw what the window filed
    client.force_login(unit_operator)
    assert case.number in {c["number"] for c in client.get("/api/v1/cases/mine").json()}
    refused = post(client, f"/api/v1/cases/{case.number}/actions", {"action": "withdraw", "version": case.version})
    assert refused.status_code == 403
    assert Case.objects.get(pk=case.pk).status == case.status


def test_a_window_naming_a_bad_unit_code_is_refused_at_receipt(engine, clerk, applicant):
    with pytest.raises(InvalidInput) as refused:
        services.case_open(
            actor=clerk,
            item_code="T-UNIT",
            applicant=applicant,
            channel="hall",
            form={"address": "江岸区胜利街1号", "unit_code": "not-a-code"},
            materials=ALL,
        )
    assert refused.value.field == "unit_code" and not Case.objects.exists()
