"""Opening a case is no way to read the registry (security review: the applicant oracle).

Whoever may not see a person (registry's ``persons_visible``) — a citizen for someone else, a
window of another district, a bank outlet — gets, for that person's ID number, exactly the
answer an unregistered number gets, whatever the item code; never the registered name; and
never a case bound to the person under a name they made up. A clerk of the person's district
and the person themself are answered as before."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shebao.cases.applicants import NAME, SIGHT, applicant_for, name_matches, person_sights
from shebao.cases.models import Case
from shebao.core.errors import InvalidInput, NotAllowed
from shebao.core.models import AuditEvent
from tests.cases.conftest import ALL, online
from tests.cases.test_api import post, staff_client
from tests.factories import citizen_account, new_id_number
from tests.web.support import make_person, sign_in

REGISTERED_NAME = "路人丁"


@pytest.fixture
def resident(db, district):
    """A person registered in 江岸 (the clerk's district, not the other clerk's), with an account."""
    account = citizen_account(name=REGISTERED_NAME)
    make_person(district=district, name=REGISTERED_NAME, account=account)
    return account


# who files, on which channel, and a real item they may receive on it
FILERS = {
    "citizen": ("online", "T-L2"),
    "other_district_clerk": ("hall", "T-L2"),
    "bank_agent": ("bank", "T-CARD"),
    "clerk": ("hall", "T-L2"),
}


def _signed_in(client, request, who):
    user = request.getfixturevalue(who)
    if who == "citizen":
        client.force_login(user)
    else:
        staff_client(client, user)
    return user


def _body(number, channel, item_code, *, user, **extra):
    body = {
        "item_code": item_code,
        "applicant_id_number": number,
        "channel": channel,
        "form": {"address": "江岸区胜利街1号"},
        "materials": online(user) if channel == "online" else ALL,
        **extra,
    }
    return body


def _answer(response):
    return response.status_code, response.content.decode()


def _nothing_opened():
    return not Case.objects.exists() and not AuditEvent.objects.filter(action="case.open").exists()


def test_the_registry_wires_who_may_see_a_person():
    # the registry registers persons_visible and its name comparison at start-up (apps.py)
    assert person_sights.find(SIGHT) is not None and name_matches.find(NAME) is not None


@pytest.mark.parametrize("who", ["citizen", "other_district_clerk", "bank_agent"])
@pytest.mark.parametrize("item_code", ["NOPE", "real"])
def test_without_a_name_a_registered_person_out_of_sight_is_answered_as_an_unregistered_number(
    client, request, engine, media, resident, who, item_code
):
    # given a filer who may not see the registered 江岸 resident
    user = _signed_in(client, request, who)
    channel, real = FILERS[who]
    code = real if item_code == "real" else item_code
    # when they name the resident's number, then a number nobody registered, giving no name
    answers = [
        _answer(post(client, "/api/v1/cases", _body(number, channel, code, user=user)))
        for number in (resident.id_number, new_id_number())
    ]
    # then both answers are the same, byte for byte, and nothing is opened
    assert answers[0] == answers[1]
    assert answers[0][0] in (403, 422) and REGISTERED_NAME not in answers[0][1]
    assert _nothing_opened()


@pytest.mark.parametrize("who", ["other_district_clerk", "bank_agent"])
@pytest.mark.parametrize("item_code", ["NOPE", "real"])
def test_a_made_up_name_for_a_person_out_of_sight_opens_nothing_and_does_not_say_the_name(
    client, request, engine, media, resident, who, item_code
):
    user = _signed_in(client, request, who)
    channel, real = FILERS[who]
    code = real if item_code == "real" else item_code
    response = post(client, "/api/v1/cases", _body(resident.id_number, channel, code, user=user, applicant_name="王八"))
    # the registry's name_mismatch, before the item is even looked at: the same for any item code
    assert response.status_code == 422
    assert response.json()["field"] == "applicant_name" and "不一致" in response.json()["message"]
    assert REGISTERED_NAME not in response.content.decode()
    assert _nothing_opened()


@pytest.mark.parametrize("item_code", ["NOPE", "T-L2"])
def test_a_citizen_files_for_nobody_else_whatever_the_number_or_item(
    client, engine, media, citizen, resident, item_code
):
    client.force_login(citizen)
    answers = [
        _answer(post(client, "/api/v1/cases", _body(number, "online", item_code, user=citizen, applicant_name=name)))
        for number in (resident.id_number, new_id_number())
        for name in ("", "王八", REGISTERED_NAME)
    ]
    assert {a[0] for a in answers} == {403} and len(set(answers)) == 1
    assert REGISTERED_NAME not in answers[0][1]
    assert _nothing_opened()


def test_another_districts_window_receives_with_the_registered_name_and_routes_to_the_persons_district(
    client, engine, media, resident, other_district_clerk, office, other_office
):
    # 通办 of receipt: the person at a 武昌 window, the clerk typing the name off the ID card
    staff_client(client, other_district_clerk)
    body = _body(resident.id_number, "hall", "T-L2", user=other_district_clerk, applicant_name=REGISTERED_NAME)
    response = post(client, "/api/v1/cases", {**body, "district_code": other_office.area.code})
    assert response.status_code == 201
    case = Case.objects.get()
    # the case is the registered person's, handled by their district's office, received here
    assert (case.applicant_name, case.applicant_account, case.office, case.receiving_office) == (
        REGISTERED_NAME,
        resident,
        office,
        other_office,
    )


@pytest.mark.parametrize("who", ["clerk", "resident"])
def test_the_persons_district_and_the_person_themself_are_answered_as_before(
    client, request, engine, media, resident, district, who
):
    if who == "resident":
        client.force_login(resident)
        user, channel = resident, "online"
    else:
        user = _signed_in(client, request, who)
        channel = "hall"
    # no name and no such item: the item's 404 (the registry knows the person)
    response = post(client, "/api/v1/cases", _body(resident.id_number, channel, "NOPE", user=user))
    assert response.status_code == 404 and "NOPE" in response.json()["message"]
    assert _nothing_opened()
    # a real item: the registered name is filled in
    response = post(client, "/api/v1/cases", _body(resident.id_number, channel, "T-L2", user=user))
    assert response.status_code == 201
    assert Case.objects.get().applicant_name == REGISTERED_NAME


def test_a_citizen_acting_for_a_grantor_files_for_them(engine, citizen, resident):
    # while acting (core.http.acting_apply confirmed the authorisation holds this request)
    citizen.acting_for = 1
    citizen.acting_id_number, citizen.acting_name = resident.id_number, REGISTERED_NAME
    applicant = applicant_for(id_number=resident.id_number, account=citizen, filed_by=citizen)
    assert applicant.name == REGISTERED_NAME
    # and not for themselves meanwhile, nor for anyone else
    for number in (citizen.id_number, new_id_number()):
        with pytest.raises(NotAllowed):
            applicant_for(id_number=number, name="张三", account=citizen, filed_by=citizen)


def test_a_unit_for_a_stranger_keeps_the_name_it_gave(engine, resident, unit_operator, district):
    # a unit's case for someone it never employed carries what the unit typed (issue 9)
    with pytest.raises(InvalidInput) as asked:
        applicant_for(id_number=resident.id_number, filed_by=unit_operator)
    assert asked.value.field == "applicant_name"
    applicant = applicant_for(
        id_number=resident.id_number, name="李四", district_code=district.code, filed_by=unit_operator
    )
    assert (applicant.name, applicant.account) == ("李四", None)


@pytest.mark.parametrize("page", ["receive", "one_form"])
def test_the_window_receive_pages_say_the_same_for_out_of_sight_and_unregistered(
    client, engine, resident, other_district_clerk, district, page
):
    sign_in(client, other_district_clerk)
    if page == "receive":
        url, extra = reverse("web:receive", args=["T-L2"]), {}
    else:
        url, extra = reverse("web:one_form", args=["flexible_enrol"]), {"items": ["T-G1"]}
    answers = []
    for number in (resident.id_number, new_id_number()):
        data = {
            "applicant_id_number": number,
            "applicant_name": "",
            "district_code": "",
            "phone": "",
            "f_address": "江岸区胜利街1号",
            "m_id_card": "received",
            "m_address_proof": "received",
            "submission": f"form-{number}",
            **extra,
        }
        response = client.post(url, data)
        html = response.content.decode()
        assert REGISTERED_NAME not in html and "请填写申请人姓名" in html
        answers.append(response.status_code)
    assert answers == [422, 422]
    assert _nothing_opened()
