"""The authorisation matrix of every personal route the app reaches, walked from the OpenAPI
document (every operation under /api/v1/app and /api/v1/my, and /cases/mine, /transfers/mine,
/medical/account): no token, a garbage token, an expired one, a revoked one, one shown from
another device, a refresh token used as an access token, an employer's unit API token, another
person's token, a staff session. Each is
refused with the right status (401, or 403/404) or answered with the caller's own data only —
never 张三's — and a refusal changes nothing. Then: notifications once per event."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from shebao.api import api
from shebao.cases import services as case_services
from shebao.cases.models import Case
from shebao.catalog.definitions import Applicant
from shebao.contributions.models import ContributionMonth
from shebao.core.errors import Conflict
from shebao.core.models import AppSession, AuditEvent, Notification
from shebao.core.notify import notification_enqueue
from shebao.core.tokens import unit_token_issue
from shebao.statements.models import Statement
from shebao.statements.services import statement_issue
from tests.cases.conftest import (  # noqa: F401 (pytest finds fixtures by name)
    ALL,
    _register_test_items,
    at,
    catalogue,
    engine,
    skills,
    working_hours,
)
from tests.mobile.conftest import PHONE, TABLET, app_sign_in, bearer
from tests.web.support import make_person, sign_in

pytestmark = pytest.mark.django_db
PREFIX = "/api/v1"
# personal routes outside /app and /my that take the app's token
EXTRA = {"/cases/mine", "/transfers/mine", "/medical/account"}
PERSONAL = ("/my/", "/app/my/", "/app/me", "/app/notifications", "/app/push", "/app/auth/revoke")


def _operations() -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Every operation under /app and /my (and EXTRA) with its OpenAPI security."""
    found = {}
    for full, operations in api.get_openapi_schema()["paths"].items():
        path = full.removeprefix(PREFIX)
        if path.startswith(("/app/", "/my/")) or path in EXTRA:
            for method, operation in operations.items():
                found[(method.upper(), path)] = operation.get("security") or []
    return found


OPERATIONS = _operations()
PROTECTED = sorted(op for op, security in OPERATIONS.items() if security)
PUBLIC = sorted(op for op, security in OPERATIONS.items() if not security)
# the routes that name one object of 张三's: another person is told it does not exist
OBJECT_ROUTES = {
    ("POST", "/app/notifications/{notification_id}/read"),
    ("GET", "/app/my/statements/{ref}/pdf"),
    ("GET", "/my/statements/s/{ref}/pdf"),
}
# the routes for insured persons only: a staff session is forbidden; on /app a session is nobody
STAFF_FORBIDDEN = {op for op in PROTECTED if not op[1].startswith("/app/") and op[1] != "/cases/mine"}


def test_the_walk_finds_every_personal_route_and_each_takes_the_app_s_token():
    assert len(PROTECTED) >= 20
    assert {("POST", "/app/auth/token"), ("GET", "/app/outlets/nearby"), ("GET", "/app/guides")} <= set(PUBLIC)
    assert ("GET", "/medical/account") in PROTECTED
    for method, path in OPERATIONS:
        if path.startswith(PERSONAL) or path in EXTRA:
            assert {"AppBearer": []} in OPERATIONS[(method, path)], (method, path)
    for method, path in PROTECTED:
        assert {"AppBearer": []} in OPERATIONS[(method, path)], (method, path)


# --- the world: 张三 with a ledger month, a statement, a case and a message; 李四 with a record ---


@pytest.fixture
def world(engine, citizen, other_citizen, district, clerk, unit_operator):  # noqa: F811
    person = make_person(district=district, account=citizen, name="张三")
    li = make_person(district=district, account=other_citizen, name="李四")
    ContributionMonth.objects.create(  # 李四's own record of the year: his statement has a month
        person=li,
        period=dt.date(2025, 11, 1),
        base=Decimal("5000.00"),
        pension_personal=Decimal("400.00"),
        account_credit=Decimal("400.00"),
        status=ContributionMonth.Status.PAID,
    )
    ContributionMonth.objects.create(
        person=person,
        period=dt.date(2025, 12, 1),
        base=Decimal("6000.00"),
        pension_personal=Decimal("480.00"),
        account_credit=Decimal("480.00"),
        status=ContributionMonth.Status.PAID,
    )
    statement = statement_issue(actor=citizen, person=person, year=2025, channel="app")
    applicant = Applicant(id_number=citizen.id_number, name="张三", district=district, account=citizen)
    case = case_services.case_open(
        actor=clerk,
        item_code="T-L2",
        applicant=applicant,
        channel="hall",
        form={"address": "江岸区胜利街1号"},
        materials=ALL,
    )
    message = notification_enqueue(
        key=f"case:{case.pk}:received",
        channel="push",
        recipient="x",
        body="办件已受理",
        subject="张三的办件已受理",
        account=citizen,
    )
    tokens = app_sign_in(Client(), citizen).json()
    unit_token = unit_token_issue(actor=unit_operator, name="工资系统", days=90)[1]  # the batch API's, no other
    return {
        "unit_token": unit_token,
        "person": person,
        "statement": statement,
        "case": case,
        "message": message,
        "tokens": tokens,
        # what no one but 张三 (and the staff who may) should ever be shown
        "secrets": ("张三", citizen.id_number, statement.ref, case.number, "张三的办件已受理"),
    }


BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/app/push"): {"platform": "fcm", "token": "fcm-token-abcdef"},
    ("POST", "/app/auth/revoke"): {"all_devices": True},
    ("POST", "/my/statements/{year}/corrections"): {"period": "2025-12-01", "what": "other", "detail": "少记一个月"},
}


class _Params(dict):
    """张三's objects for the path parameters the matrix knows; any other parameter (a route
    added since) gets an id that names nothing of his."""

    def __missing__(self, key: str) -> str:
        return "999999"


def _aimed(method: str, path: str) -> bool:
    """Whether the matrix knows how to make a good request of this route (else a new route:
    it is still refused to everyone without the right token, and leaks nothing)."""
    params = set(re.findall(r"{(\w+)}", path))
    return params <= {"notification_id", "ref", "year"} and (
        method == "GET" or (method, path) in BODIES | {("POST", "/app/notifications/{notification_id}/read"): {}}
    )


def _call(client: Client, method: str, path: str, world: dict[str, Any], headers: dict[str, str]) -> Any:
    params = _Params(notification_id=world["message"].pk, ref=world["statement"].ref, year=2025)
    url = PREFIX + path.format_map(params)
    headers = {**headers, "HTTP_IDEMPOTENCY_KEY": "matrix-0001"}
    if method == "GET":
        return client.get(url, **headers)
    return client.post(url, BODIES.get((method, path), {}), content_type="application/json", **headers)


def _state(world: dict[str, Any]) -> tuple[Any, ...]:
    """Everything a personal route could write, for 张三 and for anyone."""
    return (
        list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        list(AppSession.objects.order_by("pk").values_list("pk", "revoked_at", "push_token")),
        list(Statement.objects.order_by("pk").values_list("pk", "superseded_at")),
        list(Case.objects.order_by("pk").values_list("pk", "version")),
        AuditEvent.objects.count(),
    )


def _no_secret_of_zhang(response: Any, world: dict[str, Any]) -> None:
    if response.get("Content-Type", "").startswith("application/json"):
        text = response.content.decode()
        for secret in world["secrets"]:
            assert secret not in text, secret


REFUSED = {
    "no token": lambda w: {},
    "garbage token": lambda w: bearer("not-a-token-at-all"),
    "refresh token as access": lambda w: bearer(w["tokens"]["refresh_token"]),
    "another device": lambda w: bearer(w["tokens"]["access_token"], TABLET),
    "basic scheme": lambda w: {"HTTP_AUTHORIZATION": "Basic YWJjOmRlZg==", "HTTP_X_DEVICE_ID": PHONE},
    "an employer's unit API token": lambda w: bearer(w["unit_token"]),
}


@pytest.mark.parametrize("caller", list(REFUSED))
def test_without_a_valid_token_every_personal_route_is_401_and_changes_nothing(world, caller):
    client = Client()
    for method, path in PROTECTED:
        before = _state(world)
        response = _call(client, method, path, world, REFUSED[caller](world))
        assert response.status_code == 401, (caller, method, path)
        assert response.json()["code"] == "unauthenticated" and response.json()["message"] == "请先登录"
        _no_secret_of_zhang(response, world)
        assert _state(world) == before, (caller, method, path)


def test_the_public_routes_answer_anyone_without_anyone_s_personal_data(world):
    client = Client()
    for method, path in PUBLIC:
        before = _state(world)
        response = _call(client, method, path, world, {})
        assert response.status_code < 500, (method, path)
        _no_secret_of_zhang(response, world)
        assert _state(world) == before, (method, path)


def test_an_expired_token_is_401_everywhere_and_changes_nothing(world):
    client = Client()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=15, seconds=1), tick=False):
        for method, path in PROTECTED:
            before = _state(world)
            response = _call(client, method, path, world, bearer(world["tokens"]["access_token"]))
            assert response.status_code == 401, (method, path)
            assert _state(world) == before


def test_a_revoked_token_is_401_everywhere_and_changes_nothing(world):
    client = Client()
    headers = bearer(world["tokens"]["access_token"])
    assert client.post(PREFIX + "/app/auth/revoke", {}, content_type="application/json", **headers).status_code == 200
    for method, path in PROTECTED:
        before = _state(world)
        response = _call(client, method, path, world, headers)
        assert response.status_code == 401, (method, path)
        assert _state(world) == before


def test_another_person_s_token_gets_their_own_or_404_never_zhang_s(world, other_citizen):
    client = Client()
    theirs = bearer(app_sign_in(client, other_citizen).json()["access_token"])
    mine = bearer(world["tokens"]["access_token"])
    for method, path in PROTECTED:
        if path == "/app/auth/revoke":
            continue  # last: it signs 李四 out
        zhang_before = _zhang_state(world)
        response = _call(client, method, path, world, theirs)
        if (method, path) in OBJECT_ROUTES:
            assert response.status_code == 404, (method, path)
        elif _aimed(method, path):
            assert response.status_code in (200, 201), (method, path, response.content[:200])
        else:
            assert response.status_code < 500, (method, path)
        _no_secret_of_zhang(response, world)
        assert _zhang_state(world) == zhang_before, (method, path)
    # 李四 signing out of every device leaves 张三 signed in
    _call(client, "POST", "/app/auth/revoke", world, theirs)
    assert _call(client, "GET", "/app/me", world, theirs).status_code == 401
    assert _call(client, "GET", "/app/me", world, mine).status_code == 200


def _zhang_state(world: dict[str, Any]) -> tuple[Any, ...]:
    account = world["person"].account
    return (
        list(Notification.objects.filter(account=account).values_list("pk", "read_at")),
        list(AppSession.objects.filter(account=account).values_list("pk", "revoked_at", "push_token")),
        list(Statement.objects.filter(person=world["person"]).values_list("pk", "superseded_at")),
        list(Case.objects.filter(applicant_id_number=account.id_number).values_list("pk", "version", "status")),
    )


def test_a_staff_session_is_not_an_app_token_and_is_not_the_insured_person(world, other_district_clerk):
    client = sign_in(Client(), other_district_clerk)
    for method, path in PROTECTED:
        before = _state(world)
        response = _call(client, method, path, world, {})
        if path == "/cases/mine":  # a staff member's own: the cases they received or acted on (none here)
            assert response.status_code == 200 and response.json() == []
        elif (method, path) in STAFF_FORBIDDEN:  # for insured persons only
            refused = (403, 404) if _aimed(method, path) else (403, 404, 422)  # a new route: its body unknown
            assert response.status_code in refused, (method, path, response.status_code)
        else:  # the app's routes: a session is no token
            assert response.status_code == 401, (method, path, response.status_code)
        _no_secret_of_zhang(response, world)
        assert _state(world) == before, (method, path)


def test_zhang_s_own_token_reaches_every_personal_route(world):
    # the matrix's other side: the same requests with the right token are answered (2xx)
    client = Client()
    mine = bearer(world["tokens"]["access_token"])
    for method, path in PROTECTED:
        if path == "/app/auth/revoke":
            continue
        response = _call(client, method, path, world, mine)
        if _aimed(method, path):
            assert 200 <= response.status_code < 300, (method, path, response.content[:300])
        else:
            assert response.status_code < 500, (method, path)


# --- notifications: once per event ---------------------------------------------------------------


def test_a_completion_acted_twice_is_one_notification_in_the_app(citizen, district, clerk, engine):  # noqa: F811
    # given 张三's level-1 case, received at the window
    make_person(district=district, account=citizen, name="张三")
    applicant = Applicant(id_number=citizen.id_number, name="张三", district=district, account=citizen)
    case = case_services.case_open(
        actor=clerk,
        item_code="T-L1",
        applicant=applicant,
        channel="hall",
        form={"address": "江岸区胜利街1号"},
        materials=ALL,
    )
    # when the clerk's "accept" (which completes it) is sent twice — a double click, a retry
    done = case_services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept", channel="hall")
    assert done.status == Case.Status.COMPLETED
    with pytest.raises(Conflict):
        case_services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept", channel="hall")
    # and the notifier is asked again for the same event
    notification_enqueue(
        key=f"case:{done.pk}:completed:{done.version}", channel="push", recipient="x", body="again", account=citizen
    )
    # then the app lists one message for the completion
    client = Client()
    headers = bearer(app_sign_in(client, citizen).json()["access_token"])
    listed = client.get(PREFIX + "/app/notifications", **headers).json()
    completed = [n for n in listed if "已办结" in n["body"]]
    assert len(completed) == 1 and completed[0]["subject"] == f"办件 {case.number}"
    assert Notification.objects.filter(account=citizen, body__contains="已办结").count() == 1
