"""The personal account: credits from paid months (once), interest once a year by the
monthly-product method, the same figures as the calculator, the statement and who may read it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from shebao.contributions.accounts import (
    account_credit_month,
    account_credit_paid,
    account_interest_credit,
    account_statement,
)
from shebao.contributions.models import AccountEntry, Bill, ContributionMonth
from shebao.core.errors import Conflict, InvalidInput, NotFound
from shebao.core.jobs import LocalExecutor, job_create, job_run
from shebao.core.models import AuditEvent
from shebao.registry.models import Person
from tests.web.support import make_person

D = Decimal
pytestmark = pytest.mark.django_db
CREDIT = D("599.68")  # 8% of a 7496 base


def paid_months(person, year, *, credit=CREDIT, months=range(1, 13), status=ContributionMonth.Status.PAID, bill=None):
    return [
        ContributionMonth.objects.create(
            person=person,
            period=dt.date(year, m, 1),
            base=D("7496"),
            pension_personal=D("1499.20"),
            account_credit=credit,
            status=status,
            bill=bill,
        )
        for m in months
    ]


def opening_entry(person, year, amount):
    return AccountEntry.objects.create(
        person=person,
        kind=AccountEntry.Kind.TRANSFER_IN,
        year=year,
        credited_month=dt.date(year, 12, 1),
        amount=amount,
    )


@pytest.fixture
def insured(citizen, district):
    return make_person(district=district, name="张三", account=citizen, category=Person.Category.FLEXIBLE)


def test_year_end_interest_matches_the_hand_computation_and_the_calculator(client, insured):
    # given 10000 in the account at the end of 2023 and 599.68 credited every month of 2024
    opening_entry(insured, 2023, D("10000"))
    paid_months(insured, 2024)
    # when the year-end interest is credited (2024: 2.62%)
    entry = account_interest_credit(person=insured, year=2024)
    # then: 10000 × 0.0262 = 262.00
    #       599.68 × 78 × 0.0262 / 12 = 46775.04 × 0.0262 / 12 = 102.1255… → 102.13
    #       interest 364.13; closing 10000 + 7196.16 + 364.13 = 17560.29
    assert (entry.amount, entry.rate, entry.credited_month) == (D("364.13"), D("0.0262"), dt.date(2024, 12, 1))
    assert AccountEntry.objects.filter(person=insured, kind="contribution", year=2024).count() == 12
    # and the public calculator gives the same figures for the same inputs
    body = client.post(
        "/api/v1/calculators/account-interest",
        data=json.dumps({"opening_balance": "10000", "year": 2024, "monthly_credit": str(CREDIT)}),
        content_type="application/json",
    ).json()
    assert D(body["interest"]) == entry.amount
    statement = account_statement(actor=insured.account, person=insured, year=2024)
    assert statement.closing_balance == D(body["closing_balance"]) == D("17560.29")


def test_interest_is_credited_once_per_year(insured):
    paid_months(insured, 2024)
    account_interest_credit(person=insured, year=2024)
    with pytest.raises(Conflict):
        account_interest_credit(person=insured, year=2024)
    assert AccountEntry.objects.filter(person=insured, kind="interest").count() == 1


def test_part_year_interest_at_retirement_counts_months_up_to_k(insured):
    # given 10000 opening and 500 a month in 2024, retiring in June (k = 6)
    opening_entry(insured, 2023, D("10000"))
    paid_months(insured, 2024, credit=D("500"), months=range(1, 7))
    entry = account_interest_credit(person=insured, year=2024, up_to_month=6)
    # 10000 × 0.0262 × 6/12 = 131.00; 500 × 21 × 0.0262 / 12 = 22.925 → 22.93
    assert entry.amount == D("153.93")
    assert entry.credited_month == dt.date(2024, 6, 1)


def test_a_paid_month_is_credited_once_and_an_unpaid_month_not_at_all(insured):
    paid, due = paid_months(insured, 2025, months=[1]) + paid_months(
        insured, 2025, months=[2], status=ContributionMonth.Status.DUE
    )
    first = account_credit_month(contribution_month=paid)
    again = account_credit_month(contribution_month=paid)
    assert first.pk == again.pk
    assert AccountEntry.objects.filter(source_month=paid).count() == 1
    with pytest.raises(InvalidInput):
        account_credit_month(contribution_month=due)
    assert not AccountEntry.objects.filter(source_month=due).exists()
    assert account_credit_paid(person=insured) == 0  # nothing left to credit


def test_a_back_payment_is_credited_in_the_month_it_was_paid(insured):
    paid_at = dt.datetime(2025, 11, 20, 10, 0, tzinfo=dt.UTC)
    bill = Bill.objects.create(
        person=insured,
        period=dt.date(2023, 3, 1),
        kind=Bill.Kind.BACK_PAYMENT,
        employer_total=0,
        personal_total=D("1499.20"),
        due_date=dt.date(2025, 11, 30),
        status=Bill.Status.PAID,
        paid_at=paid_at,
    )
    (row,) = paid_months(insured, 2023, months=[3], bill=bill)
    entry = account_credit_month(contribution_month=row)
    assert (entry.credited_month, entry.year) == (dt.date(2025, 11, 1), 2025)


def test_a_full_year_without_a_published_rate_is_refused(insured):
    paid_months(insured, 2026, months=[1])
    with pytest.raises(InvalidInput) as caught:
        account_interest_credit(person=insured, year=2026)
    assert "2026" in caught.value.message_zh
    assert not AccountEntry.objects.filter(kind="interest").exists()


def test_statement_lists_every_line_with_the_interest_derivation(insured):
    opening_entry(insured, 2023, D("10000"))
    paid_months(insured, 2024)
    account_interest_credit(person=insured, year=2024)
    statement = account_statement(actor=insured.account, person=insured, year=2024)
    assert statement.opening_balance == D("10000")
    assert [line.month.month for line in statement.lines] == [*range(1, 13), 12]
    assert statement.lines[-1].kind == "interest" and statement.lines[-1].rate == D("0.0262")
    assert statement.interest.interest_on_opening == D("262.00")
    assert statement.interest.interest_on_credits == D("102.13")


@pytest.mark.parametrize(
    ("actor_name", "allowed"),
    [
        ("citizen", True),
        ("other_citizen", False),
        ("clerk", True),
        ("other_district_clerk", False),
        ("monitor", True),
        ("bank_agent", False),
        ("unit_operator", False),
    ],
)
def test_statement_is_scoped_by_the_actor(request, insured, actor_name, allowed):
    actor = request.getfixturevalue(actor_name)
    before = AuditEvent.objects.filter(action="account.view").count()
    if allowed:
        assert account_statement(actor=actor, person=insured, year=2024).person == insured
        assert AuditEvent.objects.filter(action="account.view").count() == before + 1
    else:
        with pytest.raises(NotFound):
            account_statement(actor=actor, person=insured, year=2024)
        assert AuditEvent.objects.filter(action="account.view").count() == before


def test_the_interest_job_credits_each_person_once_even_when_run_again(insured, district):
    other = make_person(district=district, name="李五")
    for person in (insured, other):
        paid_months(person, 2024, months=[1, 2])
    job = job_run(
        job_id=job_create(kind="contributions.account_interest", params={"year": 2024}).pk,
        executor=LocalExecutor(processes=1),
    )
    assert job.status == "done"
    # 599.68 × (12 + 11) × 0.0262 / 12 = 30.113… → 30.11 each
    assert sorted(AccountEntry.objects.filter(kind="interest").values_list("amount", flat=True)) == [D("30.11")] * 2
    # a second job for the same year finds nobody left
    again = job_run(
        job_id=job_create(kind="contributions.account_interest", params={"year": 2024}).pk,
        executor=LocalExecutor(processes=1),
    )
    assert again.status == "done"
    assert AccountEntry.objects.filter(kind="interest").count() == 2
