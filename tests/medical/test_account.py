"""YB-005, the medical personal account: credits from the paid months at the rule rows' share
(working) or the fixed monthly amount (retired), a debit where a decided reimbursement was paid
from the account, the same figures on the page, the API and the window; a person sees their own,
a district's staff their district's people only. Every figure is a hand computation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pypdf import PdfReader

from shebao.contributions.models import ContributionMonth
from shebao.core.errors import NotFound
from shebao.medical import selectors
from shebao.medical.models import AccountCreditRule, Reimbursement, ReimbursementPayment
from shebao.registry.models import Person
from tests.medical.test_reimbursement import claim, referral_filing, through_the_centre
from tests.web.support import make_person, make_unit, sign_in

D = Decimal
AS_OF = dt.date(2023, 3, 15)


def month(person, year, mon, *, base="6000.00", personal="120.00", employer="480.00", status="paid", unit=True):
    """A month paid through the person's employer (``unit=False``: by the person, flexible)."""
    return ContributionMonth.objects.create(
        person=person,
        unit=_employer(person.district) if unit else None,
        period=dt.date(year, mon, 1),
        base=D(base),
        medical_personal=D(personal) if personal is not None else None,
        medical_employer=D(employer) if employer is not None else None,
        status=status,
    )


def _employer(district):
    from shebao.core.identifiers import credit_code_make
    from shebao.registry.models import Unit

    code = credit_code_make(region_code="420102", serial=9)
    return Unit.objects.filter(credit_code=code).first() or make_unit(
        code=code, district=district, name="江汉物流有限公司"
    )


@pytest.fixture
def worker(citizen, district):
    """张三, working: 2000-12 (before any rule row), 2022-11 and 2022-12 (before the reform),
    2023-01 and 2023-02 (after it) paid, 2023-03 still due."""
    person = make_person(district=district, account=citizen, name="张三")
    month(person, 2000, 12)
    for year, mon in ((2022, 11), (2022, 12), (2023, 1), (2023, 2)):
        month(person, year, mon)
    month(person, 2023, 3, status="due")
    return person


def test_a_working_persons_credits_follow_the_rule_row_of_each_month(worker, citizen):
    account = selectors.medical_account_for(person=worker, actor=citizen, as_of=AS_OF)
    # before the reform: 120.00 × 100% + 6 000 × 0.8% = 168.00; after: 120.00 × 100% = 120.00
    assert [(e.day, e.amount) for e in account.entries] == [
        (dt.date(2022, 11, 1), D("168.00")),
        (dt.date(2022, 12, 1), D("168.00")),
        (dt.date(2023, 1, 1), D("120.00")),
        (dt.date(2023, 2, 1), D("120.00")),
    ]
    # 168 + 168 + 120 + 120 = 576.00; the due month is not credited; 2000-12 has no rule row: named
    assert (account.balance, account.credited, account.spent) == (D("576.00"), D("576.00"), D("0.00"))
    assert account.missing == ["2000-12"]
    assert account.entries[-1].balance == D("576.00")
    assert account.entries[0].ref.startswith("medical.AccountCreditRule#")


def test_an_administrator_correcting_the_rule_row_changes_the_credits(worker, citizen):
    AccountCreditRule.objects.filter(person_type="working", effective_from=dt.date(2023, 1, 1)).update(
        personal_share=D("0.5")
    )
    account = selectors.medical_account_for(person=worker, actor=citizen, as_of=AS_OF)
    # 168 + 168 + 120 × 50% + 120 × 50% = 456.00
    assert account.balance == D("456.00")


def test_a_retiree_gets_the_fixed_monthly_amount_from_the_month_after_the_last_contribution(citizen, district):
    person = make_person(district=district, account=citizen, name="张三", category=Person.Category.RETIREE)
    month(person, 2022, 10, base="5000.00", personal="100.00")
    account = selectors.medical_account_for(person=person, actor=citizen, as_of=AS_OF)
    # 2022-10 working: 100 + 5 000 × 0.8% = 140.00; 2022-11, 2022-12 at 100.00 (the pre-reform
    # retired row); 2023-01 … 2023-03 at 70.00: 140 + 200 + 210 = 550.00
    assert [e.amount for e in account.entries] == [D("140.00"), D("100.00"), D("100.00")] + [D("70.00")] * 3
    assert account.balance == D("550.00") and account.person_type == "retired"


def test_a_person_sees_their_own_and_a_district_clerk_only_their_districts(
    worker, citizen, other_citizen, clerk, other_district_clerk, bank_agent
):
    assert selectors.medical_account_for(person=worker, actor=clerk, as_of=AS_OF).balance == D("576.00")
    for outsider in (other_citizen, other_district_clerk, bank_agent):
        with pytest.raises(NotFound):
            selectors.medical_account_for(person=worker, actor=outsider, as_of=AS_OF)


def test_the_page_the_api_and_the_window_show_the_same_balance(
    client, at, worker, citizen, clerk, other_district_clerk
):
    at(2023, 3, 15, 10, 0)
    client.force_login(citizen)
    page = client.get("/my/medical/").content.decode()
    assert 'id="account-balance">¥576.00' in page and "2000-12" in page
    body = client.get("/api/v1/medical/account").json()
    assert (body["balance"], body["credited"], body["missing_months"]) == ("576.00", "576.00", ["2000-12"])
    assert [e["amount"] for e in body["entries"]] == ["120.00", "120.00", "168.00", "168.00"]  # newest first
    sign_in(client, clerk)
    window = client.get("/medical/account/", {"id_number": worker.id_number})
    assert window.status_code == 200 and "¥576.00" in window.content.decode()
    api = client.get(f"/api/v1/medical/accounts/{worker.id_number}").json()
    assert api["balance"] == "576.00"
    sign_in(client, other_district_clerk)
    assert client.get(f"/api/v1/medical/accounts/{worker.id_number}").status_code == 404
    refused = client.get("/medical/account/", {"id_number": worker.id_number})
    assert refused.status_code == 404 and "576.00" not in refused.content.decode()
    assert "未找到该参保人" in refused.content.decode()
    client.force_login(citizen)
    assert client.get("/medical/account/", {"id_number": worker.id_number}).status_code == 403


def test_a_decided_reimbursement_pays_the_persons_share_from_the_account_once(
    client, engine, clerk, citizen, applicant, district, centre_staff, bank, django_capture_on_commit_callbacks
):
    person = make_person(district=district, account=citizen, name=citizen.full_name)
    for mon in range(1, 7):  # 2025-01 … 2025-06, after the reform: 6 × 120.00 = 720.00
        month(person, 2025, mon)
    _, reviewer, approver = centre_staff
    referral_filing(citizen)
    case = through_the_centre(
        claim(clerk, applicant, citizen),
        clerk,
        reviewer,
        approver,
        assess={"hospital_code": "H440100001", "in_policy_cost": "8000.00", "person_type": "working"},
        capture=django_capture_on_commit_callbacks,
    )
    row = Reimbursement.objects.get(case_number=case.number)
    # the fund pays (8 000 − 800) × 76% = 5 472.00; the person's in-policy share is 2 528.00, of
    # which the account pays its whole balance 720.00; one payment of 5 472 + 720 = 6 192.00
    assert (row.amount, row.account_paid) == (D("5472.00"), D("720.00"))
    payment = ReimbursementPayment.objects.get(reimbursement=row)
    assert (payment.amount, payment.status, bank.transfers) == (D("6192.00"), "paid", 1)
    account = selectors.medical_account_mine(actor=citizen)
    assert (account.balance, account.spent) == (D("0.00"), D("720.00"))
    assert (account.entries[-1].kind, account.entries[-1].ref) == ("debit", case.number)
    # the settlement list: fund 5 472.00, account 720.00, the person bore 8 650.40 − 6 192.00 = 2 458.40
    client.force_login(citizen)
    pdf = client.get("/my/medical/settlements.pdf", {"from": "2026-01-01", "to": "2026-01-31"})
    text = "".join(page.extract_text() for page in PdfReader(__import__("io").BytesIO(pdf.content)).pages)
    assert "5,472.00" in text and "720.00" in text and "2,458.40" in text


def test_a_flexible_workers_own_month_credits_the_rows_share_of_the_base(citizen, district):
    person = make_person(district=district, account=citizen, name="张三", category=Person.Category.FLEXIBLE)
    # paid by the person (no unit): the whole 10% medical rate, 449.80 on a base of 4 498.00
    month(person, 2023, 1, base="4498.00", personal="449.80", employer=None, unit=False)
    account = selectors.medical_account_for(person=person, actor=citizen, as_of=AS_OF)
    # not the whole 449.80: 4 498.00 × 2% = 89.96
    assert account.balance == D("89.96")


def test_a_retiree_is_credited_from_the_month_the_registry_ended_their_pension_insurance(citizen, district):
    from shebao.registry.models import InsuredStatus

    person = make_person(district=district, account=citizen, name="张三", category=Person.Category.RETIREE)
    # pension-only months in the ledger (no medical ones), the pension insurance ended 2022-12-15
    InsuredStatus.objects.create(person=person, insurance="pension", status="terminated", since=dt.date(2022, 12, 15))
    account = selectors.medical_account_for(person=person, actor=citizen, as_of=AS_OF)
    # 2022-12 at 100.00, 2023-01 … 2023-03 at 70.00: 100 + 210 = 310.00
    assert account.entries[0].day == dt.date(2022, 12, 1)
    assert account.balance == D("310.00")
