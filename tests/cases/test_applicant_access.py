"""Issue 10 §2: a person cannot put their case in an employer's list, and a unit acts only on
the cases it filed itself — checked in the services, shown here through the API.

Each refusal asserts the status and that nothing changed: the case's status and version, and
no new audit event."""

from __future__ import annotations

import pytest

from shebao.cases import services
from shebao.cases.items import FOLLOW_UP_CODE
from shebao.cases.models import Case
from shebao.catalog.definitions import Applicant
from shebao.core.models import Account, AuditEvent
from tests.cases.conftest import ALL, online, verify_uploads
from tests.cases.test_api import post
from tests.web.support import make_unit


@pytest.fixture
def other_unit_operator(db, district):
    from shebao.core.identifiers import credit_code_make
    from shebao.core.models import Role
    from tests.factories import AccountFactory

    code = credit_code_make(region_code="420102", serial=2)
    make_unit(code=code, district=district, name="别家公司")
    return AccountFactory(username=f"{code}:op1", unit_code=code, kind=Account.Kind.UNIT, role=Role.UNIT)


def body_for(person: Account, unit_code: str = "", *, district, materials) -> dict:
    return {
        "item_code": "T-UNIT",
        "applicant_id_number": person.id_number,
        "applicant_name": person.full_name,
        "district_code": district.code,
        "unit_code": unit_code,
        "channel": "online",
        "form": {"address": "江岸区胜利街1号", **({"unit_code": unit_code} if unit_code else {})},
        "materials": materials,
    }


def snapshot(number: str) -> tuple:
    case = Case.objects.get(number=number)
    return case.status, case.version, AuditEvent.objects.count()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("stranger", 403),  # never worked there: refused, nothing written
        ("former", 403),  # worked there until last year: not "works there now"
        ("employee", 201),  # works there now
    ],
)
def test_a_person_names_only_the_unit_they_work_at_now(
    client, engine, media, firm, citizen, unit_operator, district, who, status
):
    # given a person applying online with the unit's code on their own filing
    person = {"stranger": citizen, "former": firm["former"], "employee": firm["employee"]}[who]
    client.force_login(person)
    body = body_for(person, unit_operator.unit_code, district=district, materials=online(person))
    events = AuditEvent.objects.filter(action="case.open").count()
    # when they send it
    response = post(client, "/api/v1/cases", body)
    # then only a current employee may name the unit
    assert response.status_code == status, response.content
    if status == 403:
        assert response.json()["field"] == "unit_code"
        assert not Case.objects.exists()
        assert AuditEvent.objects.filter(action="case.open").count() == events
        return
    case = Case.objects.get()
    assert case.filer == Case.Filer.CITIZEN and case.applicant_unit_code == unit_operator.unit_code
    # and even so the unit neither sees it nor finds it in its list: it is the person's filing
    client.force_login(unit_operator)
    assert client.get(f"/api/v1/cases/{case.number}").status_code == 404
    assert client.get("/api/v1/cases/mine").json() == []


@pytest.fixture
def filings(engine, media, firm, unit_operator, clerk, district):
    """Three cases naming the unit, about its employee: the person's own, the unit's, a window's."""
    employee = firm["employee"]
    applicant = Applicant(
        id_number=employee.id_number,
        name="王五",
        district=district,
        account=employee,
        unit_code=firm["unit"].credit_code,
    )
    form = {"address": "江岸区胜利街1号", "unit_code": firm["unit"].credit_code}
    own = services.case_open(
        actor=employee, item_code="T-UNIT", applicant=applicant, channel="online", form=form, materials=online(employee)
    )
    by_unit = services.case_open(
        actor=unit_operator,
        item_code="T-UNIT",
        applicant=applicant,
        channel="online",
        form=form,
        materials=online(unit_operator),
    )
    at_window = services.case_open(
        actor=clerk, item_code="T-UNIT", applicant=applicant, channel="hall", form=form, materials=ALL
    )
    return {"own": own, "by_unit": by_unit, "at_window": at_window, "employee": employee}


@pytest.mark.parametrize(
    ("actor", "case", "status"),
    [
        # the unit: only what it filed
        ("unit", "own", 404),  # the person's own filing is not in the unit's sight at all
        ("unit", "at_window", 403),  # visible (filed for it at a window) but not the unit's to withdraw
        ("unit", "by_unit", 200),
        ("other_unit", "by_unit", 404),
        # the person: their own filings and the window's, not what their employer filed
        ("employee", "by_unit", 403),
        ("employee", "own", 200),
        ("employee", "at_window", 200),
    ],
)
def test_who_may_withdraw_which_filing(client, filings, unit_operator, other_unit_operator, actor, case, status):
    # given a case naming the unit
    target = filings[case]
    before = snapshot(target.number)
    user = {"unit": unit_operator, "other_unit": other_unit_operator, "employee": filings["employee"]}[actor]
    client.force_login(user)
    # when the actor withdraws it through the API
    response = post(client, f"/api/v1/cases/{target.number}/actions", {"action": "withdraw", "version": target.version})
    # then the filer may, nobody else may, and a refusal changes nothing
    assert response.status_code == status, response.content
    if status == 200:
        assert Case.objects.get(pk=target.pk).status == Case.Status.WITHDRAWN
    else:
        assert snapshot(target.number) == before


def test_a_unit_cannot_supplement_or_rate_a_persons_own_filing(client, filings, unit_operator, reviewer, clerk):
    # given the person's own filing naming the unit, waiting for materials, then one completed
    own = filings["own"]
    client.force_login(unit_operator)
    before = snapshot(own.number)
    response = post(
        client,
        f"/api/v1/cases/{own.number}/actions",
        {"action": "supplement", "version": own.version, "materials": {"address_proof": "commitment"}},
    )
    assert response.status_code == 404
    assert snapshot(own.number) == before
    # and rating: the person's completed case is not the unit's to rate either
    own = verify_uploads(own)  # the office verifies the upload (issue 13)
    case = services.case_act(actor=clerk, case_id=own.pk, version=own.version, action="accept")
    case = services.case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    assert case.status == Case.Status.COMPLETED
    before = snapshot(own.number)
    assert post(client, f"/api/v1/cases/{own.number}/rating", {"score": 1}).status_code == 404
    assert snapshot(own.number) == before
    assert not Case.objects.filter(item__code=FOLLOW_UP_CODE).exists()


def test_the_units_case_list_holds_what_it_filed_and_what_a_window_filed_for_it(client, filings, unit_operator):
    client.force_login(unit_operator)
    numbers = {c["number"] for c in client.get("/api/v1/cases/mine").json()}
    assert numbers == {filings["by_unit"].number, filings["at_window"].number}
    page = client.get("/unit/cases/").content.decode()
    assert filings["by_unit"].number in page and filings["own"].number not in page


def test_a_unit_files_with_an_upload_not_with_materials_it_says_it_handed_in(
    client, engine, media, firm, unit_operator, district
):
    client.force_login(unit_operator)
    employee = firm["employee"]
    claimed = body_for(employee, unit_operator.unit_code, district=district, materials={"id_card": "received"})
    response = post(client, "/api/v1/cases", claimed)
    assert response.status_code == 403 and response.json()["field"] == "materials.id_card"
    assert not Case.objects.exists()
    body = body_for(employee, unit_operator.unit_code, district=district, materials=online(unit_operator))
    opened = post(client, "/api/v1/cases", body)
    assert opened.status_code == 201
    assert Case.objects.get().filer == Case.Filer.UNIT


def test_cases_opened_before_the_filer_was_recorded_get_it_from_their_audit_event(
    engine, media, firm, unit_operator, clerk, citizen, applicant
):
    # given cases of each filer with the field blank, as before the migration
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("shebao.cases.migrations.0005_case_filer_backfill").backfill
    by_citizen = services.case_open(
        actor=citizen, item_code="T-L2", applicant=applicant, channel="online", form={"address": "x"}, materials={}
    )
    at_window = services.case_open(
        actor=clerk, item_code="T-L2", applicant=applicant, channel="hall", form={"address": "x"}, materials=ALL
    )
    employee = firm["employee"]
    by_unit = services.case_open(
        actor=unit_operator,
        item_code="T-UNIT",
        applicant=Applicant(
            id_number=employee.id_number, name="王五", district=applicant.district, unit_code=unit_operator.unit_code
        ),
        channel="online",
        form={"address": "x", "unit_code": unit_operator.unit_code},
        materials=online(unit_operator),
    )
    Case.objects.update(filer="")
    # when the data migration runs
    backfill(apps, None)
    # then each has the kind of account that opened it
    assert Case.objects.get(pk=by_citizen.pk).filer == Case.Filer.CITIZEN
    assert Case.objects.get(pk=at_window.pk).filer == Case.Filer.STAFF
    assert Case.objects.get(pk=by_unit.pk).filer == Case.Filer.UNIT
