"""增员 and 减员 as cases (DJ-011, DJ-012), through the API and at the window: what completion
would refuse is refused at receipt, so no case that names a stranger is ever opened (its
applicant name would be the registered one, shown in the unit's case list)."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from shebao.cases.applicants import applicant_for
from shebao.cases.models import Case
from shebao.cases.services import case_open
from shebao.catalog.models import ServiceItem
from shebao.core.errors import Conflict, NotAllowed
from shebao.core.identifiers import credit_code_make
from shebao.registry import services
from shebao.registry.models import Employment, InsuredStatus, Person
from tests.cases.conftest import (  # noqa: F401 (pytest finds fixtures by name)
    _register_test_items,
    at,
    catalogue,
    engine,
    skills,
    working_hours,
)
from tests.factories import new_id_number
from tests.web.support import make_person, make_unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine")]  # Tue 10 Feb 2026 10:00


@pytest.fixture
def unit(unit_operator, district, clerk):
    unit = make_unit(code=unit_operator.unit_code, district=district)
    services.unit_register(
        actor=clerk, credit_code=unit.credit_code, name="", district=district, insurances=services.FIVE_INSURANCES
    )
    return unit


@pytest.fixture
def stranger(district, clerk):
    """A registered flexible worker the unit has never employed."""
    person = make_person(district=district, name="王丽", category=Person.Category.FLEXIBLE, phone="15051105312")
    services.flexible_enrol(actor=clerk, person=person, start_month=dt.date(2024, 1, 1))
    return person


def state(person: Person) -> tuple:
    person.refresh_from_db()
    return (
        person.category,
        sorted(InsuredStatus.objects.filter(person=person).values_list("insurance", "status", "unit_id")),
        list(Employment.objects.filter(person=person).values_list("unit_id", "end")),
    )


def api_open(client, body: dict):
    return client.post(
        "/api/v1/cases",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


def addition(unit, person_number: str, name: str, **form) -> dict:
    return {
        "item_code": "DJ-011",
        "channel": "online",
        "applicant_id_number": person_number,
        "applicant_name": name,
        "unit_code": unit.credit_code,
        "form": {
            "unit_code": unit.credit_code,
            "id_number": person_number,
            "name": name,
            "hired_on": "2026-02-09",
            "wage_base": "7000",
            **form,
        },
        "materials": {"labour_contract": "commitment"},
    }


@pytest.mark.parametrize(
    "name,status,words",
    [("张三", 422, "姓名与该身份证号码的参保登记信息不一致"), ("王丽", 409, "灵活就业人员停保")],
)
def test_a_unit_cannot_open_an_addition_case_for_a_stranger_through_the_api(
    client, unit_operator, unit, stranger, name, status, words
):
    # given the unit's operator signed in to the API, and a registered stranger
    client.force_login(unit_operator)
    before = state(stranger)
    # when it opens 增员 for the stranger's number
    response = api_open(client, addition(unit, stranger.id_number, name))
    # then it is refused at receipt; a wrong name is not answered with the registered one
    body = response.content.decode()
    assert response.status_code == status and words in json.loads(body)["message"]
    if name != stranger.name:
        assert stranger.name not in body
    assert not Case.objects.filter(applicant_id_number=stranger.id_number).exists()
    assert state(stranger) == before


def test_a_unit_cannot_open_a_removal_case_for_a_stranger(client, unit_operator, unit, stranger):
    client.force_login(unit_operator)
    before = state(stranger)
    body = addition(unit, stranger.id_number, "张三")
    body["item_code"] = "DJ-012"
    body["form"] = {
        "unit_code": unit.credit_code,
        "id_number": stranger.id_number,
        "name": "张三",
        "ended_on": "2026-02-09",
        "end_reason": "resigned",
    }
    body["materials"] = {"termination_proof": "commitment"}
    response = api_open(client, body)
    assert response.status_code in (403, 404) and stranger.name not in response.content.decode()
    assert not Case.objects.filter(applicant_id_number=stranger.id_number).exists()
    assert state(stranger) == before


def test_an_addition_for_a_new_hire_is_still_opened(client, unit_operator, unit, district):
    client.force_login(unit_operator)
    number = new_id_number()
    response = api_open(client, {**addition(unit, number, "周敏"), "district_code": district.code})
    assert response.status_code == 201, response.content.decode()
    case = Case.objects.get(applicant_id_number=number)
    assert (case.item.code, case.applicant_unit_code, case.applicant_name) == ("DJ-011", unit.credit_code, "周敏")


def test_the_window_refuses_an_addition_of_someone_employed_elsewhere(clerk, unit, district):
    # given a person employed and insured by another unit
    other = make_unit(code=credit_code_make(region_code="420102", serial=52), district=district, name="别家公司")
    services.unit_register(
        actor=clerk, credit_code=other.credit_code, name="", district=district, insurances=["pension"]
    )
    person = make_person(district=district, name="李娜")
    services.employment_add(actor=clerk, unit=other, id_number=person.id_number, name="李娜", start=dt.date(2025, 1, 1))
    before = state(person)
    # when a clerk receives 增员 for them from this unit
    with pytest.raises(Conflict, match="原单位先办理减员"):
        case_open(
            actor=clerk,
            item_code="DJ-011",
            applicant=applicant_for(id_number=person.id_number, unit_code=unit.credit_code),
            channel="hall",
            form={
                "unit_code": unit.credit_code,
                "id_number": person.id_number,
                "name": "李娜",
                "hired_on": "2026-02-09",
                "wage_base": "7000",
            },
            materials={"labour_contract": "received"},
        )
    # then no case was opened and the person is where they were
    assert not Case.objects.exists()
    assert state(person) == before


# --- additions and removals on the unit's own pages are cases completed at once ----------------


def test_an_online_addition_and_its_case_are_one_transaction(unit_operator, unit):
    # given the catalogue no longer offers 增员 (DJ-011)
    ServiceItem.objects.filter(code="DJ-011").update(is_active=False)
    number = new_id_number()
    # when the unit adds someone on its page, the case cannot be recorded …
    with pytest.raises(NotAllowed, match="已停办"):
        services.staff_add_online(
            actor=unit_operator, unit=unit, id_number=number, name="周敏", start=dt.date(2026, 2, 2)
        )
    # … and so nothing of the addition was written either
    assert not Person.objects.filter(id_number=number).exists()
    assert not Employment.objects.exists() and not Case.objects.exists()


def test_only_the_units_own_operator_records_such_a_case(clerk, unit):
    number = new_id_number()
    with pytest.raises(NotAllowed):
        services.staff_add_online(actor=clerk, unit=unit, id_number=number, name="周敏", start=dt.date(2026, 2, 2))
    assert not Person.objects.filter(id_number=number).exists() and not Case.objects.exists()


def test_an_online_addition_is_followed_by_the_person_too(unit_operator, unit, district, citizen):
    # given a registered person with their own account, whom the unit adds on its page
    person = make_person(district=district, name="张三", account=citizen)
    _, case = services.staff_add_online(
        actor=unit_operator, unit=unit, id_number=person.id_number, name="张三", start=dt.date(2026, 2, 2)
    )
    # then the case is in their own list as in the unit's: completed, its one step done
    from shebao.cases.selectors import case_progress, cases_of_applicant

    assert [c.pk for c in cases_of_applicant(actor=citizen)] == [case.pk]
    assert [c.pk for c in cases_of_applicant(actor=unit_operator)] == [case.pk]
    progress = case_progress(case=case)
    assert progress["number"] == case.number and progress["status"] == "completed"
    assert case.step_records.get().action == "accept" and case.phases.get().status == "done"
