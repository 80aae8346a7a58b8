"""The person's routes outside /app that take the app's bearer token: /api/v1/medical/account
answers the token holder's own account as /api/v1/app/my/accounts and the web session do; and a
bearer-only POST (a phone sends no cookie and no CSRF token) reaches its route instead of
failing the session's CSRF check, while a session without its CSRF token is still refused."""

from __future__ import annotations

import pytest
from django.test import Client

from shebao.contributions.models import Payment
from tests.mobile.conftest import TABLET, app_sign_in, bearer
from tests.statements.conftest import history, today, unit_a, unit_b  # noqa: F401
from tests.web.support import make_person, sign_in

pytestmark = pytest.mark.django_db
MEDICAL = "/api/v1/medical/account"


@pytest.fixture
def app(citizen, history):  # noqa: F811
    response = app_sign_in(Client(), citizen)
    assert response.status_code == 200
    return bearer(response.json()["access_token"])


def test_the_medical_account_with_the_app_s_token_is_the_holder_s_own(citizen, app):
    client = Client(enforce_csrf_checks=True)
    # the token's answer is the app's accounts route's medical part, and the session's answer
    by_token = client.get(MEDICAL, **app)
    assert by_token.status_code == 200
    assert by_token.json() == client.get("/api/v1/app/my/accounts", **app).json()["medical"]
    assert by_token.json() == sign_in(Client(), citizen).get(MEDICAL).json()
    assert by_token.json()["credited"] != "0.00" and by_token.json()["entries"]


def test_another_person_s_token_gets_their_own_medical_account_never_zhang_s(citizen, other_citizen, district, app):
    make_person(district=district, account=other_citizen, name="李四")
    theirs = bearer(app_sign_in(Client(), other_citizen).json()["access_token"])
    mine = Client().get(MEDICAL, **app).json()
    answer = Client().get(MEDICAL, **theirs)
    assert answer.status_code == 200
    assert answer.json()["name"] == "李四" and answer.json()["entries"] == []
    assert answer.json() != mine and "张三" not in answer.content.decode()


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}],
    ids=["no token", "garbage"],
)
def test_the_medical_account_without_a_valid_token_is_401(app, headers):
    answer = Client().get(MEDICAL, **headers)
    assert answer.status_code == 401 and answer.json()["code"] == "unauthenticated"


def test_the_medical_account_refuses_the_token_from_another_device(app):
    answer = Client().get(MEDICAL, **{**app, "HTTP_X_DEVICE_ID": TABLET})
    assert answer.status_code == 401


def test_a_bearer_only_post_reaches_its_route_without_csrf(app):
    # a phone's POST to a person route (session or token) with no cookie: answered by the route
    # (no such month of 张三: 404), not by the session's CSRF check (403)
    client = Client(enforce_csrf_checks=True)
    answer = client.post("/api/v1/my/bills/999999/payment-intent", {}, content_type="application/json", **app)
    assert answer.status_code == 404, answer.content
    assert answer.json()["code"] == "not_found"


def test_a_session_post_without_its_csrf_token_is_still_refused(citizen, app):
    client = sign_in(Client(enforce_csrf_checks=True), citizen)
    answer = client.post("/api/v1/my/payments", {"intent_id": "x"}, content_type="application/json")
    assert answer.status_code == 403 and answer.json()["message_en"].startswith("CSRF check failed")
    # even with a valid app token beside the cookie: the session is checked first, and refused
    answer = client.post("/api/v1/my/payments", {"intent_id": "x"}, content_type="application/json", **app)
    assert answer.status_code == 403
    assert not Payment.objects.exists()
