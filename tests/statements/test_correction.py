"""A wrong figure corrected from the statement: the QY-001 case, the month's base and amounts
recomputed, the account and its interest recomputed, a new statement, the old one superseded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.cases.models import Case
from shebao.cases.selectors import case_progress
from shebao.cases.services import case_act
from shebao.contributions.models import AccountEntry, Bill, ContributionMonth
from shebao.core.errors import InvalidInput
from shebao.core.models import AuditEvent, SkillGroup
from shebao.statements.models import Statement
from shebao.statements.selectors import record_for
from shebao.statements.services import statement_correction_request, statement_issue
from tests.cases import conftest as engine_fixtures
from tests.mobile.conftest import app_sign_in, bearer
from tests.statements.conftest import YEAR
from tests.web.support import sign_in

D = Decimal
pytestmark = pytest.mark.django_db

_register_test_items = engine_fixtures._register_test_items
at = engine_fixtures.at
catalogue = engine_fixtures.catalogue
skills = engine_fixtures.skills
working_hours = engine_fixtures.working_hours

MATERIALS = {"id_card": "received", "employer_evidence": "received"}


@pytest.fixture
def window(history, skills, working_hours, at, clerk, reviewer):
    """Tue 11 Feb 2025 10:00, the contribution skill at the district office's window."""
    group = SkillGroup.objects.get(code="contribution")
    for person in (clerk, reviewer):
        person.skill_groups.add(group)
    at(2025, 2, 11, 10, 0)
    return history


def test_a_wrong_base_is_corrected_and_a_new_statement_supersedes_the_old(client, window, citizen, clerk, reviewer):
    history = window
    old = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    # given April's base was recorded as 6000 where 甲 paid on 7000; the person asks at the window
    case = statement_correction_request(
        actor=clerk,
        statement=old,
        period=dt.date(YEAR, 4, 1),
        what="base",
        correct_base=D("7000"),
        detail="单位按7000元申报，记录为6000元",
        channel="hall",
        materials=MATERIALS,
    )
    assert (case.item.code, case.form_data["statement_ref"], case.form_data["period"]) == (
        "QY-001",
        old.ref,
        "2024-04-01",
    )
    # when the clerk accepts and the reviewer completes it (risk level 2)
    case = case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    case = case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    assert case.status == Case.Status.COMPLETED
    # then April is on 7000 with its amounts recomputed by the 2024 rule rows
    april = ContributionMonth.objects.get(person=history, period=dt.date(YEAR, 4, 1))
    assert april.base == D("7000.00")
    assert april.pension_personal == D("560.00")  # 8% of 7000
    assert april.account_credit == D("560.00")
    assert april.rules["corrected_by"] == case.number
    # the month was paid at 6000: the difference is billed to 甲 (test_correction_difference.py)
    # and the account waits for it: April's credit stays 480, 2024's interest 332.74; the month
    # itself stays paid (it was paid, at 6000), the difference bill beside it
    assert april.status == ContributionMonth.Status.PAID and april.difference_bill.kind == Bill.Kind.DIFFERENCE
    assert april.difference_bill.case_number == case.number
    assert case.result["difference"]["bill"] == april.difference_bill.number
    entry = AccountEntry.objects.get(source_month=april)
    assert entry.amount == D("480.00")
    interest = AccountEntry.objects.get(person=history, kind="interest", year=YEAR)
    assert interest.amount == D("332.74")
    # the old figures are kept in the audit chain
    event = AuditEvent.objects.get(action="contributions.month.correct")
    assert (event.before["base"], event.after["base"]) == ("6000.00", "7000.00")
    assert event.after["difference"]["bill"] == april.difference_bill.number
    # and a new statement version is issued; the old one is superseded
    new = Statement.objects.get(person=history, year=YEAR, superseded_at__isnull=True)
    old.refresh_from_db()
    assert (new.version, new.correction_case, old.superseded_by_id) == (2, case.number, new.pk)
    assert new.content["pension_account"]["closing_balance"] == "15932.74"  # 10000 + 5600 + 332.74
    record = record_for(actor=citizen, person=history, year=YEAR)
    assert record.pension_account.closing_balance == D("15932.74")
    assert "已作废" in client.get(f"/verify/statement/{old.ref}/{old.code}").content.decode()
    assert "真实有效" in client.get(f"/verify/statement/{new.ref}/{new.code}").content.decode()


def test_the_person_asks_from_the_statement_online_and_the_employers_evidence_is_asked_for(client, window, citizen):
    sign_in(client, citizen)
    client.get(f"/statements/my/{YEAR}/")
    statement = Statement.objects.get(person=window, year=YEAR)
    form = client.get(f"/statements/s/{statement.ref}/correction/").content.decode()
    key = form.split('name="key" value="')[1].split('"')[0]
    answer = client.post(
        f"/statements/s/{statement.ref}/correction/",
        {"key": key, "period": "2024-04", "what": "base", "correct_base": "7000", "detail": "基数应为7000元"},
    )
    assert answer.status_code == 201
    case = Case.objects.get(item__code="QY-001")
    assert case.applicant_id_number == window.id_number and case.channel == "online"
    # the evidence the employer must provide is listed as missing (一次性告知), so the clock waits
    missing = case_progress(case=case)["missing_materials"]
    assert "单位出具的工资发放记录或缴费工资申报表" in missing
    # the same form submitted again opens no second case
    client.post(
        f"/statements/s/{statement.ref}/correction/",
        {"key": key, "period": "2024-04", "what": "base", "correct_base": "7000", "detail": "基数应为7000元"},
    )
    assert Case.objects.filter(item__code="QY-001").count() == 1


def test_a_base_correction_without_a_base_is_refused_and_opens_nothing(window, clerk, citizen):
    statement = statement_issue(actor=citizen, person=window, year=YEAR, channel="online")
    with pytest.raises(InvalidInput):
        statement_correction_request(
            actor=clerk,
            statement=statement,
            period=dt.date(YEAR, 4, 1),
            what="base",
            correct_base=None,
            detail="x",
            channel="hall",
            materials=MATERIALS,
        )
    assert not Case.objects.exists()


def test_the_window_asks_for_a_correction_with_the_papers_handed_in(client, window, clerk, citizen):
    statement = statement_issue(actor=citizen, person=window, year=YEAR, channel="online")
    sign_in(client, clerk)
    form = client.get(f"/statements/s/{statement.ref}/correction/").content.decode()
    assert "已收材料" in form  # the clerk ticks the papers; a person online does not see this
    key = form.split('name="key" value="')[1].split('"')[0]
    answer = client.post(
        f"/statements/s/{statement.ref}/correction/",
        {
            "key": key,
            "period": "2024-04",
            "what": "base",
            "correct_base": "7000",
            "detail": "单位按7000元申报",
            "material_id_card": "1",
            "material_employer_evidence": "1",
        },
    )
    assert answer.status_code == 201
    case = Case.objects.get(item__code="QY-001")
    assert (case.channel, case.received_by_id, case_progress(case=case)["missing_materials"]) == ("hall", clerk.pk, [])


def test_the_app_asks_for_a_correction_with_its_bearer_token_without_a_csrf_token(client, window, citizen):
    # given the person signed in to the app (a bearer token, no session cookie, no CSRF token)
    signed = app_sign_in(client, citizen)
    assert signed.status_code == 200, signed.content
    headers = bearer(signed.json()["access_token"])
    client.cookies.clear()
    # when the app asks for a correction of April's base from the 2024 statement
    answer = client.post(
        f"/api/v1/my/statements/{YEAR}/corrections",
        {"period": f"{YEAR}-04-01", "what": "base", "correct_base": "7000", "detail": "基数应为7000元"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="app-correction-0001",
        **headers,
    )
    # then a QY-001 case is opened through the app channel, naming the current statement
    assert answer.status_code == 201, answer.content
    case = Case.objects.get(item__code="QY-001")
    statement = Statement.objects.get(person=window, year=YEAR)
    assert (case.channel, case.form_data["statement_ref"], case.form_data["period"]) == (
        "app",
        statement.ref,
        f"{YEAR}-04-01",
    )


@pytest.mark.parametrize(
    ("period", "message"),
    [
        (dt.date(1900, 1, 1), "1996年1月"),  # before personal accounts: would break statement_issue
        (dt.date(YEAR - 1, 12, 1), f"{YEAR}年度"),  # a real month, but not the statement's year
        (dt.date(YEAR + 1, 1, 1), f"{YEAR}年度"),  # this month (2025-02 is today), still another year
    ],
)
def test_a_month_outside_the_statements_year_is_refused_and_opens_nothing(window, clerk, citizen, period, message):
    statement = statement_issue(actor=citizen, person=window, year=YEAR, channel="online")
    with pytest.raises(InvalidInput) as refused:
        statement_correction_request(
            actor=clerk,
            statement=statement,
            period=period,
            what="base",
            correct_base=D("7000"),
            detail="x",
            channel="hall",
            materials=MATERIALS,
        )
    assert refused.value.field == "period"
    assert message in refused.value.message_zh and refused.value.message_en
    assert not Case.objects.exists()


def test_the_app_gets_a_bilingual_422_for_the_impossible_month_and_nothing_is_opened(client, window, citizen):
    sign_in(client, citizen)
    answer = client.post(
        f"/api/v1/my/statements/{YEAR}/corrections",
        {"period": "1900-01-01", "what": "missing", "detail": "缺月"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="app-correction-1900",
    )
    assert answer.status_code == 422, answer.content
    assert answer.json()["field"] == "period"
    assert not Case.objects.exists()
