"""The person page's authorisation matrix, the search by ID number and the clerk's reveal.

A denied read is a 404 (existence is not revealed) and writes no audit event; an allowed one
writes exactly one ``person.view``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from shebao.core.errors import NotFound
from shebao.core.identifiers import mask_id_number
from shebao.core.models import AuditEvent, Role
from shebao.registry import selectors
from tests.factories import AccountFactory
from tests.web.support import employ, make_person, make_unit, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def insured(citizen, district):
    """张三, insured in 江岸区, linked to the ``citizen`` account, employed by the operator's unit."""
    return make_person(district=district, name="张三", account=citizen)


@pytest.fixture
def own_unit(unit_operator, district):
    return make_unit(code=unit_operator.unit_code, district=district)


def _views() -> int:
    return AuditEvent.objects.filter(action="person.view").count()


@pytest.mark.parametrize(
    "actor_name,expected",
    [
        ("citizen", 200),
        ("other_citizen", 404),
        ("clerk", 200),
        ("reviewer", 200),
        ("approver", 200),
        ("other_district_clerk", 404),
        ("bank_agent", 404),
        ("monitor", 200),
        ("admin_user", 200),
        ("unit_operator", 200),
    ],
)
def test_person_page_matrix(request, client, insured, own_unit, actor_name, expected):
    # given 张三 works for the operator's unit
    employ(insured, own_unit)
    actor = request.getfixturevalue(actor_name)
    sign_in(client, actor)
    before = _views()
    # when the actor opens 张三's page
    response = client.get(reverse("registry:person", args=[insured.pk]))
    # then the matrix holds, and exactly one view is audited when allowed, none when denied
    assert response.status_code == expected
    if expected == 200:
        assert "张三" in response.content.decode()
        event = AuditEvent.objects.filter(action="person.view").latest("id")
        assert _views() == before + 1
        assert (event.actor_id, event.subject_person, event.subject_id) == (
            actor.pk,
            insured.id_number,
            str(insured.pk),
        )
    else:
        assert "张三" not in response.content.decode()
        assert _views() == before


def test_unit_operator_sees_a_former_employee_but_not_a_stranger(client, unit_operator, own_unit, district):
    former = make_person(district=district, name="前员工")
    stranger = make_person(district=district, name="陌生人")
    employ(former, own_unit, start=dt.date(2019, 1, 1), end=dt.date(2021, 12, 31))
    sign_in(client, unit_operator)
    assert client.get(reverse("registry:person", args=[former.pk])).status_code == 200
    before = _views()
    assert client.get(reverse("registry:person", args=[stranger.pk])).status_code == 404
    assert _views() == before


def test_unit_operator_does_not_see_the_persons_other_employers(client, unit_operator, own_unit, district, city):
    person = make_person(district=district, name="跳槽者")
    employ(person, own_unit, start=dt.date(2022, 1, 1))
    elsewhere = make_unit(code="91420684MA4927PJ7B", district=district, name="另一家公司")
    employ(person, elsewhere, start=dt.date(2018, 1, 1), end=dt.date(2021, 12, 31))
    sign_in(client, unit_operator)
    body = client.get(reverse("registry:person", args=[person.pk])).content.decode()
    assert "武汉测试有限公司" in body and "另一家公司" not in body


def test_nonexistent_person_is_the_same_404(client, clerk):
    sign_in(client, clerk)
    response = client.get(reverse("registry:person", args=[999999]))
    assert response.status_code == 404
    assert "未找到该参保人" in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client, insured):
    response = client.get(reverse("registry:person", args=[insured.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login") + "?next=")
    assert _views() == 0


def test_staff_without_otp_verification_is_sent_to_sign_in(client, clerk, insured):
    client.force_login(clerk, backend="shebao.core.backends.AccountBackend")
    response = client.get(reverse("registry:person", args=[insured.pk]))
    assert response.status_code == 302
    assert _views() == 0


def test_city_level_office_sees_every_district(client, city_office, other_district):
    clerk = AccountFactory(username="city-clerk", role=Role.CLERK, office=city_office)
    person = make_person(district=other_district, name="武昌人")
    sign_in(client, clerk)
    assert client.get(reverse("registry:person", args=[person.pk])).status_code == 200


# --- masking and the clerk's reveal -----------------------------------------------------------


def test_id_number_is_full_for_the_person_and_masked_for_staff(client, citizen, clerk, insured):
    sign_in(client, citizen)
    assert insured.id_number in client.get(reverse("registry:person", args=[insured.pk])).content.decode()
    client.logout()
    sign_in(client, clerk)
    body = client.get(reverse("registry:person", args=[insured.pk])).content.decode()
    assert insured.id_number not in body
    assert mask_id_number(insured.id_number) in body
    assert "显示完整号码" in body


def test_clerk_reveal_shows_the_number_and_is_audited(client, clerk, insured):
    sign_in(client, clerk)
    response = client.post(reverse("registry:person_reveal", args=[insured.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert insured.id_number in body
    event = AuditEvent.objects.get(action="person.reveal_id")
    assert (event.actor_id, event.subject_person) == (clerk.pk, insured.id_number)


@pytest.mark.parametrize("actor_name,status", [("reviewer", 403), ("other_district_clerk", 404), ("bank_agent", 404)])
def test_reveal_refused_for_others_and_not_audited(request, client, insured, actor_name, status):
    sign_in(client, request.getfixturevalue(actor_name))
    response = client.post(reverse("registry:person_reveal", args=[insured.pk]))
    assert response.status_code == status
    assert insured.id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action="person.reveal_id").exists()


def test_an_htmx_reveal_after_the_session_expired_takes_the_page_to_sign_in_and_back(client, insured):
    # given the person page open in a browser whose session has expired
    page = reverse("registry:person", args=[insured.pk])
    # when htmx posts the reveal from it
    response = client.post(
        reverse("registry:person_reveal", args=[insured.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{page}",
    )
    # then the whole page goes to sign in and comes back to the person (the one sign-in check,
    # core.http.signed_in), not a sign-in form swapped into the number's place; nothing revealed
    assert response.status_code == 401
    assert response["HX-Redirect"] == f"{reverse('web:login')}?next={page}"
    assert not AuditEvent.objects.filter(action="person.reveal_id").exists()


def test_reveal_is_a_post(client, clerk, insured):
    sign_in(client, clerk)
    assert client.get(reverse("registry:person_reveal", args=[insured.pk])).status_code == 405


# --- search by ID number ---------------------------------------------------------------------------


def test_clerk_search_by_id_number_shows_the_person_page_and_audits_one_view(client, clerk, insured):
    sign_in(client, clerk)
    response = client.post(reverse("registry:person_search"), {"id_number": insured.id_number})
    assert response.status_code == 200
    assert "张三" in response.content.decode()
    assert _views() == 1


def test_search_with_a_mistyped_number_says_why(client, clerk, insured):
    sign_in(client, clerk)
    bad = insured.id_number[:-1] + ("0" if insured.id_number[-1] != "0" else "1")
    response = client.post(reverse("registry:person_search"), {"id_number": bad})
    assert response.status_code == 422
    assert "身份证号码校验位不正确" in response.content.decode()
    assert _views() == 0


def test_search_outside_jurisdiction_is_not_found(client, other_district_clerk, insured):
    sign_in(client, other_district_clerk)
    response = client.post(reverse("registry:person_search"), {"id_number": insured.id_number})
    assert response.status_code == 404
    assert "张三" not in response.content.decode()
    assert _views() == 0


def test_bank_agent_may_not_search(client, bank_agent, insured):
    sign_in(client, bank_agent)
    response = client.post(reverse("registry:person_search"), {"id_number": insured.id_number})
    assert response.status_code == 403
    assert _views() == 0


# --- the selector itself --------------------------------------------------------------------------------


def test_selector_refuses_an_inactive_account(clerk, insured):
    clerk.is_active = False
    clerk.save()
    with pytest.raises(NotFound):
        selectors.person_get(actor=clerk, person_id=insured.pk, channel="hall")
    assert _views() == 0


def test_selector_find_by_number_accepts_lower_case_x(city_office, district):
    person = make_person(district=district, name="带X的人", id_number="11010519491231002X")
    monitor = AccountFactory(username="m", role=Role.MONITOR_CITY, office=city_office)
    found = selectors.person_find_by_id_number(actor=monitor, id_number="11010519491231002x", channel="hall")
    assert found.pk == person.pk


def test_reveal_refused_through_htmx_answers_the_message_alone(client, reviewer, insured):
    sign_in(client, reviewer)
    response = client.post(reverse("registry:person_reveal", args=[insured.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 403
    assert "<html" not in body and 'role="alert"' in body
    assert insured.id_number not in body
