"""A retiree's personal account is drawn down by the monthly pension: one payout a month (a
database constraint), never below zero, and the year-end interest is on the balance net of
the payouts month by month (月积数法 with the payouts' products subtracted)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from shebao.contributions.accounts import (
    PayoutDue,
    account_interest_credit,
    account_interest_range,
    account_payout_months,
    account_statement,
    account_summary,
)
from shebao.contributions.models import AccountEntry
from shebao.core.errors import InvalidInput
from shebao.core.models import AuditEvent
from shebao.registry.models import Person
from tests.cases.conftest import (  # noqa: F401 (pytest finds fixtures by name)
    _register_test_items,
    at,
    catalogue,
    engine,
    skills,
    working_hours,
)
from tests.pensions.conftest import benefit_staff  # noqa: F401
from tests.web.support import make_person

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def retired(citizen, district):
    """12000.00 in the account at the end of 2023, that year's interest credited."""
    person = make_person(district=district, name="王退休", account=citizen, category=Person.Category.RETIREE)
    AccountEntry.objects.create(
        person=person, kind="interest", year=2023, credited_month=dt.date(2023, 12, 1), amount=D("0")
    )
    AccountEntry.objects.create(
        person=person, kind="transfer_in", year=2023, credited_month=dt.date(2023, 12, 1), amount=D("12000.00")
    )
    return person


def dues(person, months, amount="100.00", year=2024):
    return [PayoutDue(person.pk, dt.date(year, m, 1), D(amount)) for m in months]


def test_each_month_paid_draws_the_account_once(retired, citizen):
    # when January to March are paid out, then the run is repeated with April added
    assert account_payout_months(payouts=dues(retired, range(1, 4))) == 3
    assert account_payout_months(payouts=dues(retired, range(1, 5))) == 1
    # then four payouts of −100.00, one a month, and the balance is 12000 − 400
    rows = AccountEntry.objects.filter(person=retired, kind="payout").order_by("credited_month")
    assert [(r.credited_month.month, r.amount) for r in rows] == [(m, D("-100.00")) for m in range(1, 5)]
    assert account_summary(actor=citizen, person=retired).balance == D("11600.00")
    # and the database itself refuses a second payout for a month
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountEntry.objects.create(
            person=retired, kind="payout", year=2024, credited_month=dt.date(2024, 1, 1), amount=D("-1.00")
        )
    # one audit event per call that wrote something, with the count and the total
    events = AuditEvent.objects.filter(action="account.payout").order_by("id")
    assert [(e.after["months"], e.after["amount"]) for e in events] == [(3, "300.00"), (1, "100.00")]


def test_the_last_payout_takes_what_is_left_and_the_pool_pays_the_rest(retired, citizen):
    # given 12000.00, a payout of 5000.00 a month
    account_payout_months(payouts=dues(retired, range(1, 5), amount="5000.00"))
    # then 5000, 5000, the 2000 left, and nothing after: never below zero
    amounts = list(
        AccountEntry.objects.filter(person=retired, kind="payout")
        .order_by("credited_month")
        .values_list("amount", flat=True)
    )
    assert amounts == [D("-5000.00"), D("-5000.00"), D("-2000.00")]
    assert account_summary(actor=citizen, person=retired).balance == D("0.00")


def test_a_negative_account_pension_is_refused_and_nothing_is_written(retired):
    with pytest.raises(InvalidInput):
        account_payout_months(payouts=[*dues(retired, [1]), PayoutDue(retired.pk, dt.date(2024, 2, 1), D("-5"))])
    assert not AccountEntry.objects.filter(kind="payout").exists()


def test_year_end_interest_is_on_the_balance_net_of_the_payouts(retired, citizen):
    # given 12000.00 at the end of 2023 and 100.00 paid out every month of 2024
    account_payout_months(payouts=dues(retired, range(1, 13)))
    # when the year-end interest is credited (2024: 2.62%)
    entry = account_interest_credit(person=retired, year=2024)
    # then: 12000 × 0.0262 = 314.40 on the opening balance
    #       100 × (12 + 11 + … + 1) = 7800 paid out, × 0.0262 / 12 = 17.03 not earned
    #       interest 314.40 − 17.03 = 297.37; closing 12000 − 1200 + 297.37 = 11097.37
    assert entry.amount == D("297.37")
    statement = account_statement(actor=citizen, person=retired, year=2024)
    assert statement.closing_balance == D("11097.37")
    assert statement.interest is not None and statement.interest.interest == D("297.37")


def test_the_year_end_job_gives_the_same_interest_net_of_payouts(retired):
    account_payout_months(payouts=dues(retired, range(1, 13)))
    account_interest_range(lo=retired.pk, hi=retired.pk, through_year=2024)
    assert AccountEntry.objects.get(person=retired, kind="interest", year=2024).amount == D("297.37")


@pytest.mark.usefixtures("engine", "benefit_staff")
def test_the_monthly_pension_payment_draws_its_account_part(district, approver):
    from shebao.pensions.models import PensionDetermination, PensionProfile
    from shebao.pensions.services import payments_issue_range
    from tests.pensions.support import retiree

    # given a man retired in February 2026 and paid for February (79900.12 in his account)
    person = retiree(district=district, approver=approver)
    part = PensionDetermination.objects.get(person=person, status="approved").account_pension
    assert part > 0
    # when March is paid, and the job runs again for March
    profile = PensionProfile.objects.get(person=person)
    payments_issue_range(month=dt.date(2026, 3, 1), lo=profile.pk, hi=profile.pk)
    payments_issue_range(month=dt.date(2026, 3, 1), lo=profile.pk, hi=profile.pk)
    # then February and March each drew the account pension once
    rows = AccountEntry.objects.filter(person=person, kind="payout").order_by("credited_month")
    assert [(r.credited_month, r.amount) for r in rows] == [
        (dt.date(2026, 2, 1), -part),
        (dt.date(2026, 3, 1), -part),
    ]
    assert account_summary(actor=approver, person=person).balance == D("79900.12") - 2 * part


@pytest.mark.usefixtures("engine", "benefit_staff")
def test_a_resumption_draws_the_account_for_the_months_it_pays_back(request, district, approver):
    from shebao.pensions.models import PensionDetermination
    from shebao.pensions.services import pension_resume, pension_suspend
    from tests.pensions.support import retiree

    # given a man paid for February 2026, suspended from March
    person = retiree(district=district, approver=approver)
    part = PensionDetermination.objects.get(person=person, status="approved").account_pension
    pension_suspend(actor=approver, person=person, from_month=dt.date(2026, 3, 1), reason="未按时认证")
    # when he is resumed in May: March and April paid back, May paid as usual
    request.getfixturevalue("at")(2026, 5, 12, 10, 0)
    pension_resume(actor=approver, person=person, resume_from=dt.date(2026, 5, 1), reason="已认证")
    # then each of those months drew the account pension once, as February did
    months = list(
        AccountEntry.objects.filter(person=person, kind="payout")
        .order_by("credited_month")
        .values_list("credited_month", "amount")
    )
    assert months == [(dt.date(2026, m, 1), -part) for m in (2, 3, 4, 5)]
