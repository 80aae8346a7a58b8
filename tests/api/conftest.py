"""A small, real world for the generated API tests (test_schemathesis.py), and the sessions
the run speaks as.

The world, on Tuesday 10 February 2026 at 10:00 in Wuhan: the catalogue; the 江岸区 office
open, its clerk with every skill group; a citizen with a registry record, employed by the unit
operator's company, with a year of pension personal account; the company's January bill; and
cases opened through the services by the citizen (online), the unit (online, for its staff)
and the clerk (at the window): one completed (so open to a rating), one waiting for a material,
the others at their first step."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from shebao.cases import services as cases
from shebao.cases.materials import upload_store
from shebao.cases.models import Case
from shebao.catalog.definitions import Applicant
from shebao.catalog.services import catalog_sync
from shebao.contributions.accounts import account_interest_credit
from shebao.contributions.models import AccountEntry, Bill, DeclaredBase
from shebao.contributions.services import assessment_run
from shebao.core.models import Account, OpeningHours, SkillGroup
from shebao.core.tokens import token_issue, unit_token_issue
from shebao.registry.models import Person, Unit
from tests.contributions.test_assessment import insure, register
from tests.web.support import employ, make_person, make_unit, sign_in

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 2, 10, 10, 0, tzinfo=SHANGHAI)
JAN = dt.date(2026, 1, 1)
SCAN = b"%PDF-1.4\n% a scanned material\n%%EOF\n"
# The CSRF secret every signed-in actor sends as its cookie and its X-CSRFToken header (Django
# accepts the unmasked 32-character secret in the header), as a browser page's script would.
CSRF_SECRET = "schemathesisCsrfSecret0123456789"
APP_DEVICE = "schemathesis-phone-01"
FIVE = ("pension", "medical", "unemployment", "injury", "maternity")


@dataclass
class World:
    person: Person
    unit: Unit
    bill: Bill  # no route of the API reads bills yet: the pages' tests do
    cases: list[Case]  # the first one completed, so its applicant may rate it
    uploads: dict[str, dict[str, str]]  # an upload per uploader, as a material names it


@dataclass(frozen=True)
class Caller:
    """What one actor sends with every request: its session cookie and CSRF pair (none for
    the anonymous caller), and its bearer token (the citizen's app token, the unit's API token)."""

    name: str
    cookies: dict[str, str]
    headers: dict[str, str]


def _form(person: Person, **extra: str) -> dict[str, str]:
    return {"id_number": person.id_number, "name": person.name, **extra}


def _open(
    actor: Account,
    item_code: str,
    person: Person,
    *,
    channel: str,
    form: dict[str, Any],
    unit_code: str = "",
    **kw: Any,
) -> Case:
    applicant = Applicant(
        id_number=person.id_number,
        name=person.name,
        district=person.district,
        account=person.account,
        unit_code=unit_code,
    )
    return cases.case_open(
        actor=actor,
        item_code=item_code,
        applicant=applicant,
        channel=channel,
        form=form,
        phone=person.phone or "13800138000",
        key=uuid.uuid4().hex,
        **kw,
    )


@pytest.fixture
def wsgi_in_test_transaction():
    """The WSGI handler closes the database connection after each request (on PostgreSQL, one
    inside a transaction is 'obsolete'), which ends the test's transaction. Django's own test
    client disconnects the same handler around its requests; so does this run."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(frozen, district, office, citizen, unit_operator, clerk, admin_user) -> World:
    catalog_sync()
    for weekday in range(5):
        OpeningHours.objects.create(office=office, weekday=weekday, opens=dt.time(9), closes=dt.time(17))
    clerk.skill_groups.add(*SkillGroup.objects.all())

    # the citizen, employed by the operator's company since 2020 and insured through it
    person = make_person(district=district, account=citizen, name=citizen.full_name, phone="13800138000")
    unit = make_unit(code=unit_operator.unit_code, district=district)
    register(unit, *FIVE)
    employ(person, unit)
    insure(person, *FIVE, unit=unit)
    DeclaredBase.objects.create(unit=unit, person=person, year=2026, wage=Decimal("8000.00"))
    assessment_run(period=JAN, actor=admin_user)  # January's bill, due 15 February
    bill = Bill.objects.get(unit=unit, period=JAN)
    for month in range(1, 13):
        AccountEntry.objects.create(
            person=person, kind="contribution", year=2025, credited_month=dt.date(2025, month, 1), amount=Decimal(100)
        )
    account_interest_credit(person=person, year=2025)

    # cases: the citizen's own online, the unit's for its employee, the clerk's at the window
    scan = {"state": "uploaded", "file": upload_store(actor=citizen, name="id.pdf", content=SCAN, channel="online").ref}
    unit_scan = {
        "state": "uploaded",
        "file": upload_store(actor=unit_operator, name="op.pdf", content=SCAN, channel="online").ref,
    }
    opened = [
        _open(citizen, "YL-005", person, channel="online", form=_form(person), materials={"id_card": scan}),
        _open(
            citizen,
            "JF-007",
            person,
            channel="online",
            form=_form(person, insurance="pension"),
            materials={"id_card": scan},
        ),
        _open(
            unit_operator,
            "JF-009",
            person,
            channel="online",
            form={
                "unit_code": unit.credit_code,
                "period_from": "2025-01-01",
                "period_to": "2025-12-31",
                "purpose": "other",
            },
            materials={"operator_id": unit_scan},
            unit_code=unit.credit_code,
        ),
        # the citizen's second certificate, its ID card not yet given: waiting for the supplement
        _open(citizen, "JF-006", person, channel="online", form=_form(person, insurance="all", purpose="personal")),
        _open(
            clerk,
            "JF-006",
            person,
            channel="hall",
            form=_form(person, insurance="pension", purpose="other"),
            materials={"id_card": "received"},
        ),
    ]
    # the office verifies the uploads of the first and the unit's (issue 13: only then do they
    # count); the second's stays waiting for a clerk's decision (POST …/materials/{code}/verify)
    from shebao.cases.services.materials import case_material_verify

    for at in (0, 2):
        code = opened[at].materials.get(verification="pending").material.code
        opened[at] = case_material_verify(
            actor=clerk, case_id=opened[at].pk, version=opened[at].version, code=code, decision="verified"
        )
    first = opened[0]
    done = cases.case_act(actor=clerk, case_id=first.pk, version=first.version, action="accept", channel="hall")
    assert done.status == Case.Status.COMPLETED
    return World(
        person=person,
        unit=unit,
        bill=bill,
        cases=opened,
        uploads={"citizen": scan, "unit_operator": unit_scan},
    )


def _caller(name: str, user: Account | None) -> Caller:
    if user is None:
        return Caller(name=name, cookies={}, headers={})
    client = sign_in(Client(), user)
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_SECRET}
    headers = {"X-CSRFToken": CSRF_SECRET}
    if user.kind == Account.Kind.CITIZEN:  # the app's routes (/api/v1/app) take its bearer token
        pair = token_issue(account=user, device_id=APP_DEVICE)
        headers |= {"Authorization": f"Bearer {pair.access}", "X-Device-Id": APP_DEVICE}
    if user.kind == Account.Kind.UNIT:  # the unit's batch routes take its API token before the session
        secret = unit_token_issue(actor=user, name="schemathesis", days=90)[1]
        headers |= {"Authorization": f"Bearer {secret}"}
    return Caller(name=name, cookies=cookies, headers=headers)


@pytest.fixture
def callers(world, citizen, unit_operator, clerk, wsgi_in_test_transaction) -> list[Caller]:
    """Anonymous, then a citizen, a unit operator and a clerk past the second factor."""
    return [
        _caller("anonymous", None),
        _caller("citizen", citizen),
        _caller("unit_operator", unit_operator),
        _caller("clerk", clerk),
    ]
