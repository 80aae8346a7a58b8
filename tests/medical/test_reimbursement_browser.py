"""In a real browser (Debian's Chromium via Playwright), in real time: a district clerk accepts a
reimbursement file on its case page; the city medical centre's reviewer assesses it on the
reimbursement page (the amount and every line shown) and reviews it, its approver approves — the
payment goes to the card; the person signs in on a phone-sized page, sees the amount and their
medical personal account, opens the decision letter (a PDF in Chinese with the amount) and prints
the settlement list. No serious axe-core violation on the medical pages, no CSP error."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone
from pypdf import PdfReader

from shebao.cases import services
from shebao.cases.models import Case
from shebao.catalog.definitions import Applicant
from shebao.contributions.models import ContributionMonth
from shebao.core.models import OpeningHours, Role, SkillGroup
from shebao.medical.models import CareAuthorisation, FundLimit, Reimbursement, ReimbursementPayment
from tests.browser_fixtures import (
    PHONE,
    axe_serious,
    browser_page,
    chromium,  # noqa: F401 (the browser fixture, found by name)
    screenshot,
    sign_in_citizen,
    sign_in_staff,
    watch_csp,
)
from tests.conftest import _staff
from tests.medical.test_reimbursement import MATERIALS
from tests.web.support import confirmed_device, make_person
from tests.web.test_engine_browser import ALL_DAY, open_office  # noqa: F401 (the open office fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def medical_rows(db):
    """A transactional test's flush removes migration data: put the rule rows back if so."""
    if not FundLimit.objects.exists():
        for name in (
            "0002_rule_rows_and_hospitals",
            "0005_central_districts_rule",
            "0006_medical_account",
            "0007_account_flexible_share",
        ):
            importlib.import_module(f"shebao.medical.migrations.{name}").forwards(apps, None)


def acted(page, action: str) -> None:
    with page.expect_response(lambda r: r.request.method == "POST" and "/cases/" in r.url):
        page.click(f'#case-panel button[data-action="{action}"]')


def test_district_accepts_centre_pays_person_reads_the_letter(
    chromium,  # noqa: F811
    live_server,
    catalogue,
    medical_rows,
    open_office,  # noqa: F811
    city,
    clerk,
    citizen,
    district,
):
    from shebao.core.models import Office

    centre = Office.objects.create(
        code="YB-CITY", name="武汉市医疗保障事务中心", kind=Office.Kind.MEDICAL_CENTRE, area=city
    )
    for weekday in range(7):
        OpeningHours.objects.create(office=centre, weekday=weekday, opens=ALL_DAY[0], closes=ALL_DAY[1])
    medical = SkillGroup.objects.get(code="medical")
    reviewer = _staff("yb_reviewer", Role.REVIEWER, centre, 2, full_name="医保复核")
    approver = _staff("yb_approver", Role.APPROVER, centre, 3, full_name="医保审批")
    for person in (clerk, reviewer, approver):
        person.skill_groups.add(medical)
    today = timezone.localdate()
    # the person in the registry, with three months of medical contributions paid as a flexible
    # worker: 3 × (6 000.00 × 2%) = 360.00 in the personal account
    person = make_person(district=district, account=citizen, name=citizen.full_name)
    for month in (1, 2, 3):
        ContributionMonth.objects.create(
            person=person, period=dt.date(2025, month, 1), base=Decimal("6000.00"),
            medical_personal=Decimal("120.00"), medical_employer=Decimal("480.00"), status="paid",
        )  # fmt: skip
    CareAuthorisation.objects.create(
        id_number=citizen.id_number, kind="referral", valid_from=today.replace(day=1), case_number="F-1"
    )
    # given a reimbursement file received at the district window today
    case = services.case_open(
        actor=clerk,
        item_code="YB-004",
        applicant=Applicant(id_number=citizen.id_number, name=citizen.full_name, district=district, account=citizen),
        channel="hall",
        form={
            "id_number": citizen.id_number,
            "name": citizen.full_name,
            "phone": "13800138000",
            "place": "广东省广州市",
            "hospital": "中山大学附属第一医院",
            "admission_date": today.replace(day=1).isoformat(),
            "discharge_date": today.replace(day=1).isoformat(),
            "amount": "8650.40",
            "bank_card": "6222021234567894",
        },
        materials=MATERIALS,
    )
    csp_errors: list[str] = []

    # when the district clerk accepts it on its case page
    with browser_page(chromium) as page:
        sign_in_staff(page, live_server.url, clerk.username, confirmed_device(clerk))
        watch_csp(page, csp_errors)
        page.goto(f"{live_server.url}/cases/{case.number}/")
        acted(page, "accept")
    assert Case.objects.get(pk=case.pk).current_step.phase.code == "centre_pay"

    # and the centre's reviewer assesses it: 8,000.00 in policy, working
    with browser_page(chromium) as page:
        sign_in_staff(page, live_server.url, reviewer.username, confirmed_device(reviewer))
        watch_csp(page, csp_errors)
        page.goto(f"{live_server.url}/medical/reimbursements/{case.number}/")
        page.select_option("#hospital_code", "H440100001")
        page.fill("#in_policy_cost", "8000.00")
        page.check('input[name="person_type"][value="working"]')
        page.click("#assess-submit")
        page.wait_for_selector("#reimbursement-amount")
        # then the amount is the hand computation: (8 000 − 800) × (86% − 10 referral) = 5 472.00
        assert page.inner_text("#reimbursement-amount") == "¥5472.00"
        assert "起付标准" in page.inner_text("#reimbursement-lines")
        screenshot(page, "medical-assessment.png")
        assert axe_serious(page) == []
        page.goto(f"{live_server.url}/cases/{case.number}/")
        acted(page, "review")

    # and its approver approves
    with browser_page(chromium) as page:
        sign_in_staff(page, live_server.url, approver.username, confirmed_device(approver))
        watch_csp(page, csp_errors)
        page.goto(f"{live_server.url}/cases/{case.number}/")
        acted(page, "approve")
    row = Reimbursement.objects.get(case_number=case.number)
    assert (row.status, str(row.amount), str(row.account_paid)) == ("decided", "5472.00", "360.00")
    # one payment: the fund's 5 472.00 and the account's 360.00 of the person's 2 528.00 share
    payment = ReimbursementPayment.objects.get(reimbursement=row)
    assert (payment.status, str(payment.amount)) == ("paid", "5832.00")

    # then the person signs in, sees the amount and opens the decision letter
    with browser_page(chromium, viewport=PHONE) as page:
        watch_csp(page, csp_errors)
        sign_in_citizen(page, live_server.url, citizen.id_number)
        page.goto(f"{live_server.url}/my/medical/")
        assert "5472.00" in page.inner_text("#my-reimbursements")
        screenshot(page, "medical-my-reimbursements.png")
        assert axe_serious(page) == []
        href = page.get_attribute("#my-reimbursements a.letter-link", "href")
        letter = page.context.request.get(f"{live_server.url}{href}")
        assert letter.status == 200 and letter.body().startswith(b"%PDF")
        assert letter.headers["content-type"] == "application/pdf"
        # the letter is in Chinese, names the case and carries the amount and its lines
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.body())).pages)
        assert "医疗费用零星报销核定通知书" in text and case.number in text
        assert "5,472.00" in text and "起付标准" in text
        # the account: 360.00 credited, 360.00 paid out with the reimbursement, nothing left
        assert page.inner_text("#account-balance") == "¥0.00"
        assert "零星报销个人账户支付" in page.inner_text("#account-entries")
        # and the settlement list of the month prints (the page's form, fetched as the browser would)
        day = today.replace(day=1).isoformat()
        page.fill("#settle-from", day)
        page.fill("#settle-to", today.isoformat())
        action = page.get_attribute("#settlements-form", "action")
        settlements = page.context.request.get(f"{live_server.url}{action}?from={day}&to={today.isoformat()}")
        assert settlements.status == 200 and settlements.headers["content-type"] == "application/pdf"
        listed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(settlements.body())).pages)
        # fund 5 472.00, account 360.00, the person bore 8 650.40 − 5 832.00 = 2 818.40
        assert "医疗费用结算清单" in listed and "5,472.00" in listed and "360.00" in listed
        assert "2,818.40" in listed
    assert csp_errors == []
