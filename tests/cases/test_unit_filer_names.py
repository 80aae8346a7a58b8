"""What a unit learns when it files (issue 9): the registered name of the people it employs or
employed, never a stranger's, nor whether an ID number is registered."""

from __future__ import annotations

import pytest

from shebao.cases.applicants import applicant_for
from shebao.cases.models import Case
from shebao.core.errors import InvalidInput
from shebao.core.models import AuditEvent
from tests.cases.test_api import post
from tests.factories import citizen_account, new_id_number
from tests.web.support import make_person


@pytest.fixture
def stranger(db, district):
    """A registered person the unit never employed."""
    account = citizen_account(name="路人丁")
    make_person(district=district, name="路人丁", account=account)
    return account


@pytest.mark.parametrize(
    ("who", "filer", "name"),
    [
        ("employee", "unit_operator", "王五"),  # its employee: filled in from the registry
        ("former", "unit_operator", "赵六"),  # employed before: its own records show the name
        ("stranger", "clerk", "路人丁"),  # a window: the registered name
    ],
)
def test_the_registered_name_is_filled_in_for_whom_the_filer_may_know(
    request, engine, firm, stranger, district, who, filer, name
):
    person = stranger if who == "stranger" else firm[who]
    applicant = applicant_for(id_number=person.id_number, filed_by=request.getfixturevalue(filer))
    assert applicant.name == name and applicant.district == district


def test_a_unit_filing_for_a_stranger_is_asked_for_the_name_as_for_an_unknown_id_number(
    engine, firm, stranger, unit_operator, district
):
    # given a unit naming a registered stranger, and an ID number nobody registered
    asked = {}
    for label, number in (("stranger", stranger.id_number), ("unknown", new_id_number())):
        # when it gives no name
        with pytest.raises(InvalidInput) as refused:
            applicant_for(id_number=number, filed_by=unit_operator)
        asked[label] = (refused.value.message_zh, refused.value.message_en, refused.value.field)
    # then both are answered alike: the registry's answer does not show
    assert asked["stranger"] == asked["unknown"] == ("请填写申请人姓名", "Give the applicant's name", "applicant_name")
    # and with a name, the stranger is the name the unit gave, without the person's account
    applicant = applicant_for(
        id_number=stranger.id_number, name="李四", district_code=district.code, filed_by=unit_operator
    )
    assert (applicant.name, applicant.account) == ("李四", None)


def test_a_units_case_for_a_stranger_never_shows_the_registered_name(
    client, engine, media, firm, stranger, unit_operator, district
):
    # given a unit changing its own registration online, naming a stranger's ID number
    client.force_login(unit_operator)
    body = {
        "item_code": "DJ-006",
        "applicant_id_number": stranger.id_number,
        "applicant_name": "",
        "district_code": district.code,
        "unit_code": unit_operator.unit_code,
        "channel": "online",
        "form": {
            "unit_code": unit_operator.unit_code,
            "change_item": "contact",
            "new_value": "钱经办 13800000009",
            "changed_on": "2026-02-09",
            "phone": "13800000009",
        },
        "materials": {},
    }
    # when it gives no name, it is asked for one and nothing is opened
    response = post(client, "/api/v1/cases", body)
    assert response.status_code == 422 and "路人丁" not in response.content.decode()
    assert not Case.objects.exists() and not AuditEvent.objects.filter(action="case.open").exists()
    # and with a name, the case carries the name given, not the registered one
    post(client, "/api/v1/cases", {**body, "applicant_name": "李四"})
    case = Case.objects.get()
    assert case.applicant_name == "李四"
    assert "路人丁" not in client.get("/unit/cases/").content.decode()
