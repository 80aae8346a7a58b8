"""Unit API tokens for the employers' batch API (issue 13): an operator of a VIP unit makes a
named token on the unit hall's page (shown once, kept as its SHA-256, audited), the unit's
payroll system sends it as ``Authorization: Bearer`` with no session and no CSRF, and it acts
for that unit only, on the two batch routes only, rate-limited as the app's sign-ins.

The matrix: no token, a garbage one, an expired one, a revoked one, another unit's, one whose
maker left the unit or was disabled, one of another scope, a citizen's app token, a staff
session — each refused (or, for another unit's token, confined to that unit) and each refusal
changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from shebao.api import api
from shebao.core import tokens
from shebao.core.identifiers import credit_code_make, id_number_make
from shebao.core.models import Account, AuditEvent, Role, UnitApiToken
from shebao.registry import services
from shebao.registry.models import BatchSubmission, Employment
from tests.cases.conftest import catalogue  # noqa: F401 (pytest finds fixtures by name)
from tests.factories import AccountFactory
from tests.mobile.conftest import app_sign_in, bearer
from tests.web.support import make_unit, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]  # the cases need DJ-011/012

PREFIX = "/api/v1"
STAFF = "/api/v1/unit/batches/staff"
BASES = "/api/v1/unit/batches/bases"
PAGE = "/unit/api-tokens/"
NOW = dt.datetime(2026, 2, 10, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _vip_unit(operator: Account, district, clerk):
    unit = make_unit(code=operator.unit_code, district=district)
    services.unit_register(
        actor=clerk, credit_code=unit.credit_code, name="", district=district, insurances=services.FIVE_INSURANCES
    )
    unit.vip = True
    unit.save(update_fields=["vip"])
    return unit


def _operator(serial: int, name: str = "op1") -> Account:
    code = credit_code_make(region_code="420102", serial=serial)
    return AccountFactory(
        username=f"{code}:{name}", unit_code=code, kind=Account.Kind.UNIT, role=Role.UNIT, full_name=f"经办人{serial}"
    )


@pytest.fixture
def unit(unit_operator, district, clerk):
    return _vip_unit(unit_operator, district, clerk)


@pytest.fixture
def other_operator(db) -> Account:
    return _operator(2)


@pytest.fixture
def other_unit(other_operator, district, clerk):
    return _vip_unit(other_operator, district, clerk)


def _token(operator: Account, name: str = "工资系统") -> str:
    return tokens.unit_token_issue(actor=operator, name=name, days=90)[1]


def _unit_bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _hire(i: int) -> dict:
    number = id_number_make(region_code="420102", birth_date=dt.date(1990, 1, 1) + dt.timedelta(days=i), sequence=i)
    return {
        "key": f"T-{i}",
        "kind": "add",
        "rows": [{"id_number": number, "name": "张甲", "start": "2026-02-01", "wage": "5000"}],
    }


def _post(client: Client, url: str, body: dict, headers: dict[str, str]):
    return client.post(url, body, content_type="application/json", **headers)


def _state():
    return (
        list(Employment.objects.order_by("pk").values_list("pk", "unit_id", "end")),
        BatchSubmission.objects.count(),
        AuditEvent.objects.count(),
    )


# --- the machine client ----------------------------------------------------------------------


def test_a_payroll_system_s_token_declares_a_batch_without_session_or_csrf(unit, unit_operator):
    # given a token made by the unit's operator, and a client that enforces CSRF as a browser would
    secret = _token(unit_operator)
    client = Client(enforce_csrf_checks=True)
    # when the payroll system sends a hire with the token alone
    answer = _post(client, STAFF, _hire(1), _unit_bearer(secret))
    # then it is declared for the token's unit, as the operator who made the token
    assert answer.status_code == 200, answer.content
    assert answer.json()["accepted"] is True and answer.json()["written"] == 1
    hired = Employment.objects.get(unit=unit)
    assert AuditEvent.objects.filter(action="employment.import_add", actor=unit_operator).exists()
    assert hired.end is None
    row = UnitApiToken.objects.get()
    assert row.last_used_at == timezone.now()
    # and the base declaration route takes it too
    bases = {
        "key": "B-1",
        "year": 2026,
        "rows": [{"id_number": hired.person.id_number, "name": "张甲", "wage": "6000"}],
    }
    assert _post(client, BASES, bases, _unit_bearer(secret)).status_code == 200


def test_a_session_without_its_csrf_token_is_still_refused(unit, unit_operator):
    client = sign_in(Client(enforce_csrf_checks=True), unit_operator)
    before = _state()
    answer = _post(client, STAFF, _hire(2), {})
    assert answer.status_code == 403 and answer.json()["message_en"].startswith("CSRF check failed")
    assert _state() == before


def _expired(world) -> dict[str, str]:
    return _unit_bearer(world["secret"])


def _revoked(world):
    tokens.unit_token_revoke(actor=world["operator"], token_id=UnitApiToken.objects.get(name="工资系统").pk)
    return _unit_bearer(world["secret"])


def _maker_disabled(world):
    Account.objects.filter(pk=world["operator"].pk).update(is_active=False)
    return _unit_bearer(world["secret"])


def _maker_left_the_unit(world):
    Account.objects.filter(pk=world["operator"].pk).update(unit_code=world["other_operator"].unit_code)
    return _unit_bearer(world["secret"])


def _other_scope(world):
    UnitApiToken.objects.filter(name="工资系统").update(scope="reports")
    return _unit_bearer(world["secret"])


REFUSED_401 = {
    "no token": lambda w: {},
    "garbage token": lambda w: _unit_bearer("sbu_not-a-token-at-all"),
    "a token's hash shown as the token": lambda w: _unit_bearer(hashlib.sha256(w["secret"].encode()).hexdigest()),
    "basic scheme": lambda w: {"HTTP_AUTHORIZATION": "Basic YWJjOmRlZg=="},
    "revoked": _revoked,
    "maker disabled": _maker_disabled,
    "maker left the unit": _maker_left_the_unit,
    "another scope": _other_scope,
    "a citizen's app token": lambda w: bearer(app_sign_in(Client(), w["citizen"]).json()["access_token"]),
}


@pytest.fixture
def world(unit, other_unit, unit_operator, other_operator, citizen):
    return {
        "secret": _token(unit_operator),
        "operator": unit_operator,
        "other_operator": other_operator,
        "citizen": citizen,
    }


@pytest.mark.parametrize("caller", list(REFUSED_401))
def test_without_a_valid_token_both_batch_routes_are_401_and_write_nothing(world, caller):
    headers = REFUSED_401[caller](world)
    client = Client(enforce_csrf_checks=True)
    for url, body in (
        (STAFF, _hire(3)),
        (BASES, {"key": "B-2", "year": 2026, "rows": [{"id_number": "x", "name": "x", "wage": "1"}]}),
    ):
        before = _state()
        answer = _post(client, url, body, headers)
        assert answer.status_code == 401, (caller, url, answer.content)
        assert answer.json()["code"] == "unauthenticated"
        assert _state() == before


def test_an_expired_token_is_401_and_writes_nothing(world, _frozen):
    client = Client(enforce_csrf_checks=True)
    _frozen.shift(dt.timedelta(days=90, seconds=1))
    before = _state()
    assert _post(client, STAFF, _hire(4), _expired(world)).status_code == 401
    assert _state() == before
    # a second before, it was still valid
    _frozen.shift(dt.timedelta(seconds=-2))
    assert _post(client, STAFF, _hire(4), _expired(world)).status_code == 200


def test_another_unit_s_token_acts_for_that_unit_only(world, unit, other_unit, other_operator):
    # given the other unit's own token
    theirs = _token(other_operator, name="他们的系统")
    # when its payroll system sends a hire
    answer = _post(Client(enforce_csrf_checks=True), STAFF, _hire(5), _unit_bearer(theirs))
    # then it lands in the other unit; this unit's staff are untouched
    assert answer.status_code == 200 and answer.json()["written"] == 1
    assert Employment.objects.filter(unit=other_unit).count() == 1
    assert not Employment.objects.filter(unit=unit).exists()


def test_a_staff_session_is_not_a_unit(world, clerk):
    client = sign_in(Client(), clerk)
    before = _state()
    answer = _post(client, STAFF, _hire(6), {})
    assert answer.status_code == 404
    assert _state() == before


def test_a_token_of_a_unit_no_longer_vip_is_403(world, unit):
    unit.vip = False
    unit.save(update_fields=["vip"])
    before = _state()
    answer = _post(Client(), STAFF, _hire(7), _unit_bearer(world["secret"]))
    assert answer.status_code == 403 and "VIP" in answer.json()["message"]
    assert _state() == before


def test_a_token_is_rate_limited_as_an_app_sign_in(world, settings, other_operator):
    settings.SHEBAO_APP_RATE_PER_TOKEN = 2
    client = Client()
    mine = _unit_bearer(world["secret"])
    # a replayed key writes nothing the second time: only the count is under test
    assert [_post(client, STAFF, _hire(8), mine).status_code for _ in range(2)] == [200, 200]
    limited = _post(client, STAFF, _hire(8), mine)
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited" and limited.json()["message_en"].startswith("Too many requests")
    assert limited["Retry-After"] == "60"
    # another unit's token has its own count
    theirs = _unit_bearer(_token(other_operator, name="他们的系统"))
    assert _post(client, STAFF, _hire(9), theirs).status_code == 200


# --- the token reaches nothing else -------------------------------------------------------------

BATCH_OPERATIONS = {("POST", "/unit/batches/staff"), ("POST", "/unit/batches/bases")}


def _protected_operations() -> list[tuple[str, str, list]]:
    found = []
    for full, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            if operation.get("security"):
                found.append((method.upper(), full.removeprefix(PREFIX), operation["security"]))
    return found


def test_the_schema_shows_the_bearer_scheme_on_the_batch_routes_only():
    schema = api.get_openapi_schema()
    assert schema["components"]["securitySchemes"]["UnitBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": tokens.UnitBearer.openapi_description,
    }
    with_unit_bearer = {(m, p) for m, p, security in _protected_operations() if {"UnitBearer": []} in security}
    assert with_unit_bearer == BATCH_OPERATIONS
    for method, path, security in _protected_operations():
        if (method, path) in BATCH_OPERATIONS:
            assert security == [{"UnitBearer": []}, {"SessionAuth": []}]


def test_a_unit_token_is_401_on_every_other_protected_route_and_changes_nothing(world, settings):
    settings.SHEBAO_APP_RATE_PER_ADDRESS = 100_000  # the walk is one address
    client = Client()
    headers = {**_unit_bearer(world["secret"]), "HTTP_X_DEVICE_ID": "android-phone-0001"}
    walked = 0
    for method, path, _security in _protected_operations():
        if (method, path) in BATCH_OPERATIONS:
            continue
        url = PREFIX + re.sub(r"{\w+}", "1", path)
        before = _state()
        if method == "GET":
            answer = client.get(url, **headers)
        else:
            answer = client.generic(method, url, "{}", content_type="application/json", **headers)
        assert answer.status_code == 401, (method, path, answer.status_code)
        assert _state() == before, (method, path)
        walked += 1
    assert walked >= 35  # the walk sees the API (staff, personal and app routes alike)


# --- the page: make, show once, list, revoke ---------------------------------------------------


def test_the_operator_makes_a_token_shown_once_and_kept_only_as_its_hash(unit, unit_operator):
    client = sign_in(Client(), unit_operator)
    # when the operator makes a token for a year
    made = client.post(PAGE, {"name": "工资系统（生产）", "days": "365"})
    # then the answer shows it once, never to be cached
    assert made.status_code == 201
    assert made["Cache-Control"] == "no-store"
    secret = re.search(r'value="(sbu_[\w-]+)"', made.content.decode()).group(1)
    row = UnitApiToken.objects.get()
    assert (row.name, row.scope, row.unit_code, row.account) == (
        "工资系统（生产）",
        "batches",
        unit.credit_code,
        unit_operator,
    )
    assert row.expires_at == timezone.now() + dt.timedelta(days=365)
    # kept as its SHA-256 and its first characters only
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(row.prefix) and len(row.prefix) < len(secret) // 3
    assert secret not in str(list(UnitApiToken.objects.values_list()))
    # audited, without the token
    event = AuditEvent.objects.get(action="unit_token.issue")
    assert event.actor == unit_operator and secret not in str(event.after) and row.token_hash not in str(event.after)
    # the list shows it by name and prefix, never again in full
    page = client.get(PAGE).content.decode()
    assert "工资系统（生产）" in page and row.prefix in page and secret not in page
    assert "从未使用 / Never" in page
    # and the token works
    assert _post(Client(), STAFF, _hire(10), _unit_bearer(secret)).status_code == 200
    assert "从未使用 / Never" not in client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"name": "", "days": "90"}, 422, "令牌名称应为 1-64 个可见字符"),
        ({"name": "x" * 65, "days": "90"}, 422, "令牌名称应为 1-64 个可见字符"),
        ({"name": "ok", "days": "7"}, 422, "有效期应为 30、90、180 或 365 天"),
        ({"name": "ok", "days": "abc"}, 422, "有效期应为 30、90、180 或 365 天"),
        ({"name": "ok", "days": "3650"}, 422, "有效期应为 30、90、180 或 365 天"),
    ],
)
def test_a_bad_form_is_a_bilingual_4xx_and_makes_nothing(unit, unit_operator, form, status, message):
    client = sign_in(Client(), unit_operator)
    answer = client.post(PAGE, form)
    assert answer.status_code == status
    assert message in answer.content.decode()
    assert not UnitApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="unit_token.issue").exists()


def test_a_second_valid_token_of_the_same_name_is_409(unit, unit_operator):
    client = sign_in(Client(), unit_operator)
    assert client.post(PAGE, {"name": "工资系统", "days": "90"}).status_code == 201
    again = client.post(PAGE, {"name": "工资系统", "days": "90"})
    assert again.status_code == 409 and "同名" in again.content.decode()
    assert UnitApiToken.objects.count() == 1


def test_a_unit_that_is_not_vip_may_not_make_a_token(unit, unit_operator):
    unit.vip = False
    unit.save(update_fields=["vip"])
    client = sign_in(Client(), unit_operator)
    assert 'id="not-vip"' in client.get(PAGE).content.decode()
    assert client.post(PAGE, {"name": "工资系统", "days": "90"}).status_code == 403
    assert not UnitApiToken.objects.exists()


@pytest.mark.parametrize("who", ["citizen", "clerk"])
def test_the_page_is_for_unit_operators_only(unit, who, request):
    client = sign_in(Client(), request.getfixturevalue(who))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"name": "工资系统", "days": "90"}).status_code == 403
    assert not UnitApiToken.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(unit):
    answer = Client().get(PAGE)
    assert answer.status_code == 302 and "next=" in answer["Location"]


def test_any_operator_of_the_unit_revokes_and_another_unit_s_cannot(world, unit, other_operator):
    row = UnitApiToken.objects.get(name="工资系统")
    # another unit's operator: not found, the token still works
    outsider = sign_in(Client(), other_operator)
    assert outsider.post(f"/unit/api-tokens/{row.pk}/revoke/").status_code == 404
    assert _post(Client(), STAFF, _hire(11), _unit_bearer(world["secret"])).status_code == 200
    # a second operator of the same unit revokes it
    colleague = AccountFactory(
        username=f"{unit.credit_code}:op2", unit_code=unit.credit_code, kind=Account.Kind.UNIT, role=Role.UNIT
    )
    answer = sign_in(Client(), colleague).post(f"/unit/api-tokens/{row.pk}/revoke/")
    assert answer.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at == timezone.now() and row.revoked_by == colleague
    assert AuditEvent.objects.filter(action="unit_token.revoke", actor=colleague).count() == 1
    # revoked: refused at once, and a second revocation changes nothing
    assert _post(Client(), STAFF, _hire(12), _unit_bearer(world["secret"])).status_code == 401
    sign_in(Client(), colleague).post(f"/unit/api-tokens/{row.pk}/revoke/")
    assert AuditEvent.objects.filter(action="unit_token.revoke").count() == 1
