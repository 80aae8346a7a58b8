"""The whole JSON API against its own OpenAPI document (schemathesis, in process through the
WSGI application): every generated request, sent anonymously and as a citizen, a unit operator
and a clerk, answers no 5xx and only what the document declares (status code, content type,
headers, body shape; every refusal an ErrorOut).

Each operation is one test. Schemathesis generates its requests in three phases: the schema's
examples (it declares none yet), the coverage phase (boundary values and each way a parameter or a body can be wrong)
and hypothesis fuzzing (EXAMPLES requests per operation, derandomized, so a run is the same run
every time); each request goes out once per caller, against the world of conftest.py. Every
other request is first pointed at that world (a real case number and its version, the
applicant's ID suffix, an item of the catalogue, a date or month the calculators know, an
opening each caller may make), so that it reaches the services and not only the 404s and 422s.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shebao.cases.models import Case
from shebao.wsgi import application
from tests.api.conftest import APP_DEVICE, World
from tests.factories import PASSWORD

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Fuzzed requests per operation, each sent by the four callers. A deeper hunt, by hand:
# SHEBAO_API_EXAMPLES=500 pytest tests/api (the same derandomized run, only longer).
EXAMPLES = int(os.environ.get("SHEBAO_API_EXAMPLES", "25"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


# --- pointing a generated request at the world ----------------------------------------------


def _opening(world: World, turn: int) -> dict[str, Any]:
    """An opening each caller in turn may make: the citizen's own online, the unit's for its
    employee online, the clerk's at the window."""
    person = world.person
    common = {"applicant_id_number": person.id_number, "applicant_name": person.name, "district_code": "420102"}
    mine = {"id_number": person.id_number, "name": person.name}
    return [
        {
            **common,
            "item_code": "YL-005",
            "channel": "online",
            "form": mine,
            "materials": {"id_card": world.uploads["citizen"]},
        },
        {
            **common,
            "item_code": "JF-009",
            "channel": "online",
            "unit_code": world.unit.credit_code,
            "form": {
                "unit_code": world.unit.credit_code,
                "period_from": "2025-01-01",
                "period_to": "2025-12-31",
                "purpose": "other",
            },
            "materials": {"operator_id": world.uploads["unit_operator"]},
        },
        {
            **common,
            "item_code": "JF-006",
            "channel": "hall",
            "form": {**mine, "insurance": "pension", "purpose": "other"},
            "materials": {"id_card": "received"},
        },
    ][turn % 3]


FORMS = ("application/json",) * 5 + ("multipart/form-data", "application/x-www-form-urlencoded")


def _body(case: Any, values: dict[str, Any], turn: int = 0) -> None:
    """The aimed values; now and then sent as a real form, which a JSON route refuses (415):
    schemathesis's own media-type probes keep the JSON body, so Django never parses them as
    forms (a parsed multipart body made the JSON route answer 500)."""
    if isinstance(case.body, dict):
        case.body.update(values)
        if _encodable(case.body):  # a lone surrogate travels escaped in JSON only
            case.media_type = _pick(FORMS, turn)


def _encodable(body: dict[str, Any]) -> bool:
    try:
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _query(case: Any, values: dict[str, Any]) -> None:
    case.query = {**(case.query or {}), **values}


def _case_number(case: Any, world: World, turn: int) -> Case:
    """A case of the world (or one a generated request opened), as it stands now."""
    cases = list(Case.objects.order_by("pk"))
    target = cases[turn % len(cases)]
    case.path_parameters["number"] = target.number
    return target


def _verify(case: Any, world: World, turn: int) -> None:
    """A clerk's decision on a file still waiting for one (an online opening's upload)."""
    from shebao.cases.models import CaseMaterial

    rows = CaseMaterial.objects.select_related("case", "material").filter(status="uploaded", verification="pending")
    row = rows.order_by("pk").first()
    if row is None:
        _case_number(case, world, turn)
        return
    case.path_parameters.update(number=row.case.number, code=row.material.code)
    decision = ("verified", "rejected")[turn % 2]
    _body(case, {"decision": decision, "reason": "照片模糊", "version": row.case.version}, turn)


def _transfer_number(case: Any, world: World) -> None:
    """The case of a pension transfer out of the world's person (the simulated new agency's
    letter opens it the first time it is needed)."""
    import datetime as dt

    from shebao.pensions.transfers.models import Transfer
    from shebao.pensions.transfers.services import platform_letter_simulate

    transfer = Transfer.objects.select_related("case").first()
    if transfer is None:
        day = dt.date(2026, 2, 2)
        platform_letter_simulate(
            id_number=world.person.id_number, from_agency="440300", applied_on=day, letter_date=day
        )
        transfer = Transfer.objects.select_related("case").get()
    case.path_parameters["number"] = transfer.case.number


def _statement_ref(case: Any, world: World) -> None:
    """The ref of the world's person's current statement of this year (issued when first needed)."""
    from django.utils import timezone

    from shebao.statements.services import statement_issue

    year = timezone.localdate().year
    statement = statement_issue(actor=world.person.account, person=world.person, year=year, channel="app")
    case.path_parameters["ref"] = statement.ref


def _actions(world: World) -> list[dict[str, Any]]:
    """One action each caller may take on some case at some point (its current version is set)."""
    return [
        {"action": "accept"},
        {"action": "supplement", "materials": {"id_card": world.uploads["citizen"]}},
        {"action": "request_materials", "missing": ["id_card"], "note": "请提供身份证复印件"},
        {"action": "withdraw", "note": "不再需要"},
        {"action": "suspend", "note": "等待单位出具证明"},
        {"action": "resume", "note": "证明已到"},
        {"action": "escalate", "note": "即将超时"},
        {"action": "extend", "workdays": 3, "note": "需核实"},
    ]


def _act(case: Any, world: World, turn: int) -> None:
    target = _case_number(case, world, turn)
    action = _pick(tuple(_actions(world)), turn)
    note = action.get("note") if turn % 3 else _pick(TEXTS, turn // 3)
    _body(case, {**action, "note": note or "", "version": target.version}, turn)


def _rate(case: Any, world: World, turn: int) -> None:
    _case_number(case, world, turn)
    _body(case, {"score": turn % 5 + 1, "comment": _pick(TEXTS, turn)}, turn)


# Explicit values at and past the edges, taken in turn with ordinary ones: a random string
# matching YYYY-MM-DD is rarely a real day, let alone 9999-12-31 (a date overflow answered 500).
DATES = ("2026-02-10", "2199-12-31", "9999-12-31", "1900-01-01", "0001-01-01", "2026-10-01", "2200-01-01")
WORKDAYS = (1, 15, 3650, 0, 3651, -1, 2**31)
YEARS = (2025, 1996, 9999, 2026, 0, 1995, -1)
MONTHS = ("2026-01", "2019-01", "9999-12", "2014-07", "0001-01", "2027-03", "2199-12")
AMOUNTS = ("8000.00", "0", "999999999999.99", "1000000000000", "0.001", "-1", "1E+3")
# A lone surrogate, escaped as JSON allows ("\ud800"): it was stored, then a page failed on it.
TEXTS = ("请核实", "\ud800", "x" * 5000, "", "\u202eabc", "👍")


def _pick(values: tuple[Any, ...], turn: int) -> Any:
    return values[turn % len(values)]


GRADES = ("1.00", "0.60", "3.00", "0.59", "3.01", "1.005")


def _contribution(case: Any, world: World, turn: int) -> None:
    values = {"month": _pick(MONTHS, turn), "region": "wuhan" if turn % 4 else _pick(TEXTS, turn // 4)}
    if turn % 2:
        values |= {"person_type": "employee", "wage": _pick(AMOUNTS, turn // 2)}
    else:
        values |= {"person_type": "flexible", "grade": _pick(GRADES, turn // 2)}
    _body(case, values, turn)


def _interest(case: Any, world: World, turn: int) -> None:
    values = {
        "year": 2016 + turn % 11 if turn % 3 else _pick(YEARS, turn),
        "opening_balance": _pick(AMOUNTS, turn),
        "monthly_credit": "320.00",
        "monthly_credits": None,
        "months": turn % 12 + 1,
    }
    _body(case, values, turn)


REASONS = ("contract_ended", "resigned", "dismissed", "unit_closed", "mutual_agreement_by_unit", "quit")


def _unemployment(case: Any, world: World, turn: int) -> None:
    values = {
        "region": "wuhan" if turn % 4 else _pick(TEXTS, turn // 4),
        "contribution_months": (0, 11, 12, 60, 120, 1200)[turn % 6],
        "separation_reason": _pick(REASONS, turn),
        "previous_unused_months": turn % 25,
        "month": _pick(MONTHS, turn),
    }
    _body(case, values, turn)


def _app_refresh(case: Any, world: World, turn: int) -> None:
    """A refresh token of a fresh app sign-in of the world's person (one of it is used per request)."""
    from shebao.core.tokens import token_issue

    pair = token_issue(account=world.person.account, device_id=APP_DEVICE)
    _body(case, {"refresh_token": pair.refresh, "device_id": APP_DEVICE}, turn)


def _app_sms_challenge(world: World, *, minute_ago: bool = False) -> tuple[str, str]:
    """A pending app sign-in of the world's person (its password given) and the code the
    outbox's SMS carries; ``minute_ago``: its code sent a minute ago, so a new one may be asked."""
    import datetime as dt
    import re

    from shebao.core.models import AppSignInCode, Notification
    from shebao.core.tokens import sms_challenge_start, token_hash

    pending = sms_challenge_start(account=world.person.account, device_id=APP_DEVICE, mobile="13800138000")
    if minute_ago:
        row = AppSignInCode.objects.get(challenge_hash=token_hash(pending.challenge))
        AppSignInCode.objects.filter(pk=row.pk).update(sent_at=row.sent_at - dt.timedelta(seconds=61))
    sms = Notification.objects.filter(channel="sms", key__startswith="app-signin-sms:").order_by("-pk").first()
    found = re.search(r"验证码为 (\d{6})", sms.body if sms else "")
    return pending.challenge, found.group(1) if found else ""


def _app_sms(case: Any, world: World, turn: int) -> None:
    challenge, code = _app_sms_challenge(world)
    _body(case, {"challenge": challenge, "code": code, "device_id": APP_DEVICE}, turn)


def _app_sms_resend(case: Any, world: World, turn: int) -> None:
    challenge, _code = _app_sms_challenge(world, minute_ago=True)
    _body(case, {"challenge": challenge, "device_id": APP_DEVICE}, turn)


def _app_message(case: Any, world: World, turn: int) -> None:
    """One of the world's person's own messages."""
    from shebao.core.notify import notification_enqueue

    row = notification_enqueue(
        key=f"schemathesis:{turn % 3}", channel="push", recipient="x", body="办件已办结", account=world.person.account
    )
    case.path_parameters["notification_id"] = row.pk


def _reimbursement(case: Any, world: World, turn: int) -> None:
    """The world's person's own case, assessed by the medical centre as an out-of-area
    reimbursement (the row the centre's assessment writes)."""
    import datetime as dt

    from shebao.medical.models import Reimbursement

    own = world.cases[0]
    Reimbursement.objects.get_or_create(
        case_number=own.number,
        defaults={
            "id_number": world.person.id_number,
            "name": world.person.name,
            "hospital_name": "中山大学附属第一医院",
            "hospital_level": "3",
            "admitted_on": dt.date(2026, 1, 5),
            "discharged_on": dt.date(2026, 1, 12),
            "claimed": Decimal("8650.40"),
            "in_policy_cost": Decimal("8000.00"),
            "person_type": "working",
            "bank_card": "6222021001116245702",
        },
    )
    case.path_parameters["number"] = own.number


def _own_open_month(world: World, turn: int) -> Any:
    """An open month of the world's person as a flexible worker (one per turn, due far ahead,
    so its total carries no late fee that grows while the run lasts)."""
    import datetime as dt

    from shebao.contributions.models import Bill

    period = dt.date(2001 + turn // 12, turn % 12 + 1, 1)
    bill, _ = Bill.objects.get_or_create(
        person=world.person,
        unit=None,
        period=period,
        defaults={
            "employer_total": Decimal("0.00"),
            "personal_total": Decimal("899.60"),
            "due_date": dt.date(2999, 1, 15),
        },
    )
    return bill


def _pay_intent(world: World, turn: int) -> str:
    from shebao.contributions.online_pay import online_payment_start

    bill = _own_open_month(world, turn)
    return online_payment_start(actor=world.person.account, bill_id=bill.pk, channel="app")[1].id


def _pay_callback(case: Any, world: World, turn: int) -> None:
    """The fake gateway's signed notification of a succeeded intent of the world's person."""
    from shebao.core.payments import FakeGateway

    payload, signature = FakeGateway().callback_payload(intent_id=_pay_intent(world, 500 + turn))
    _body(case, {"payload": payload, "signature": signature}, turn)


def _vip(world: World) -> None:
    world.unit.vip = True
    world.unit.save(update_fields=["vip"])


def _staff_batch(case: Any, world: World, turn: int) -> None:
    """The unit's VIP batch: a new hire per turn (its own key), or the world's person again."""
    import datetime as dt

    from shebao.core.identifiers import id_number_make

    _vip(world)
    number = id_number_make(region_code="420102", birth_date=dt.date(1991, 1, 1), sequence=turn % 900 + 1)
    row = {"id_number": number, "name": "批量甲", "start": "2026-02-01", "wage": "6000"}
    _body(case, {"key": f"fuzz-{turn}", "kind": "add", "rows": [row]}, turn)


def _bases_batch(case: Any, world: World, turn: int) -> None:
    _vip(world)
    row = {"id_number": world.person.id_number, "name": world.person.name, "wage": "8000.00"}
    _body(case, {"key": "fuzz-bases", "year": 2026, "rows": [row]}, turn)


# Operations no caller of this run may succeed on, and why: the fuzz still checks that each
# answers only what it documents, but cannot ask one of them for a 2xx.
NO_CALLER_SUCCEEDS = {
    # only the medical centre's reviewers assess (a district clerk is refused, 403)
    "POST /api/v1/medical/reimbursements/{number}/assessment",
}


AIMS: dict[tuple[str, str], Callable[[Any, World, int], None]] = {
    ("GET", "/medical/reimbursements/{number}"): _reimbursement,
    ("GET", "/medical/accounts/{id_number}"): lambda c, w, t: c.path_parameters.update(id_number=w.person.id_number),
    ("POST", "/app/auth/token"): lambda c, w, t: _body(
        c, {"id_number": w.person.id_number, "password": PASSWORD, "device_id": APP_DEVICE}, t
    ),
    ("POST", "/app/auth/refresh"): _app_refresh,
    ("POST", "/app/auth/token/sms"): _app_sms,
    ("POST", "/app/auth/token/sms/resend"): _app_sms_resend,
    ("GET", "/app/outlets/nearby"): lambda c, w, t: _query(
        c, {"lat": 30.58 + t / 1000, "lng": 114.29, "item": ("YL-005", "KA-003", "JF-009")[t % 3]}
    ),
    ("POST", "/app/notifications/{notification_id}/read"): _app_message,
    ("POST", "/app/push"): lambda c, w, t: _body(c, {"platform": "fcm", "token": "schemathesis-push-token"}, t),
    ("GET", "/app/policies"): lambda c, w, t: _query(
        c, {"q": ("养老", "退休 条例", "")[t % 3], "limit": 10, "offset": 0}
    ),
    ("GET", "/app/qa"): lambda c, w, t: _query(c, {"q": ("挂失", "")[t % 2], "limit": 10, "offset": 0}),
    ("GET", "/app/jobs"): lambda c, w, t: _query(
        c, {"kind": ("job_fair", "vacancy", "training")[t % 3], "district": "江岸区", "limit": 10, "offset": 0}
    ),
    ("GET", "/app/my/accounts"): lambda c, w, t: _query(c, {"year": _pick(YEARS, t)}),
    ("GET", "/app/my/records"): lambda c, w, t: _query(c, {"year": _pick(YEARS, t), "page": 1 + t % 3}),
    ("GET", "/app/my/statements/{ref}/pdf"): lambda c, w, t: _statement_ref(c, w),
    ("GET", "/calendar/due-date"): lambda c, w, t: _query(
        c, {"start": _pick(DATES, t), "workdays": _pick(WORKDAYS, t // len(DATES))}
    ),
    ("GET", "/calendar/workday"): lambda c, w, t: _query(c, {"date": _pick(DATES, t)}),
    ("GET", "/catalog/items/{code}"): lambda c, w, t: c.path_parameters.update(
        code=("YL-005", "JF-009", "KA-003", "RX-001")[t % 4]
    ),
    ("GET", "/cases/lookup"): lambda c, w, t: _query(
        c, {"number": w.cases[t % len(w.cases)].number, "id_suffix": w.person.id_number[-6:]}
    ),
    ("POST", "/cases/{number}/actions"): _act,
    ("POST", "/cases/{number}/rating"): _rate,
    ("POST", "/cases/{number}/materials/{code}/verify"): _verify,
    ("POST", "/cases"): lambda c, w, t: _body(c, _opening(w, t), t),
    ("GET", "/my/account"): lambda c, w, t: _query(c, {"year": _pick(YEARS, t)}),
    ("POST", "/my/bills/{bill_id}/payment-intent"): lambda c, w, t: c.path_parameters.update(
        bill_id=_own_open_month(w, t).pk
    ),
    ("POST", "/my/payments"): lambda c, w, t: _body(c, {"intent_id": _pay_intent(w, 200 + t)}, t),
    ("POST", "/payments/callback"): _pay_callback,
    ("POST", "/unit/batches/staff"): _staff_batch,
    ("POST", "/unit/batches/bases"): _bases_batch,
    ("GET", "/unit/employees/{person_id}/months"): lambda c, w, t: (
        c.path_parameters.update(person_id=w.person.pk),
        _query(c, {"year": _pick(YEARS, t)}),
    ),
    ("POST", "/my/statements/{year}/corrections"): lambda c, w, t: (
        c.path_parameters.update(year=_pick(YEARS, t)),
        _body(
            c,
            {"period": "2025-01-01", "period_to": None, "what": "other", "correct_base": None, "detail": "缺少一个月"},
            t,
        ),
    ),
    ("GET", "/my/statements/s/{ref}/pdf"): lambda c, w, t: _statement_ref(c, w),
    # a year the world's person has a record of (a year with none is refused a statement: 404)
    ("GET", "/my/statements/{year}"): lambda c, w, t: c.path_parameters.update(year=_pick(YEARS, t)),
    ("GET", "/my/statements/{year}/pdf"): lambda c, w, t: c.path_parameters.update(year=_pick(YEARS, t)),
    ("GET", "/transfers/{number}"): lambda c, w, t: _transfer_number(c, w),
    ("POST", "/calculators/contribution"): _contribution,
    ("POST", "/calculators/account-interest"): _interest,
    ("POST", "/calculators/unemployment"): _unemployment,
}


def aim(case: Any, world: World, turns: Iterator[int]) -> None:
    """Point every other request at the world, the others go as generated. A coverage probe
    of a wrong Content-Type is left as it is: schemathesis blames a 5xx it meets on the
    operation's ordinary requests, so an aimed probe would hide one."""
    if any(name.lower() == "content-type" for name in case.headers or {}):
        return
    turn = next(turns)
    if turn % 2:
        return
    path = case.operation.path.removeprefix("/api/v1")
    aimer = AIMS.get((case.method.upper(), path)) or (_case_number if "{number}" in path else None)
    if aimer is not None:
        aimer(case, world, turn // 2)


@pytest.fixture
def turns() -> Iterator[int]:
    return itertools.count()


@pytest.fixture
def reached(request) -> Iterator[list[int]]:
    """The statuses answered; at the end, some request must have succeeded: if the world or
    the aiming drifts from the API (a renamed item, a new required field), the run would
    otherwise go on passing on 4xx alone. (A failure found early also stops the run before
    any success: then this is said too, after the failure.)"""
    statuses: list[int] = []
    yield statuses
    if any(f"[{operation}]" in request.node.name for operation in NO_CALLER_SUCCEEDS):
        return
    assert any(200 <= status < 300 for status in statuses), f"no request reached the world: {sorted(set(statuses))}"


# --- the run ----------------------------------------------------------------------------------


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_the_api_answers_only_what_it_documents(case, world, callers, turns, reached):
    aim(case, world, turns)
    for caller in callers:
        response = case.call_and_validate(cookies=caller.cookies, headers=caller.headers, checks=CHECKS)
        reached.append(response.status_code)
