"""The demo's retirees: retired by the production services, paid up to this month, idempotent;
the retiree-in-waiting's statutory month is next month, so a clerk can receive YL-001."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.cases.applicants import applicant_for
from shebao.cases.services import case_open
from shebao.devtools.seed.retirees import retiree_logins, write_demo_retirees
from shebao.pensions.models import PensionDetermination, PensionPayment, PensionProfile
from shebao.registry.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine", "benefit_staff")]  # 2026-02-10


def test_demo_retirees_are_retired_paid_and_written_once(approver, clerk, district):
    accounts = write_demo_retirees(today=dt.date(2026, 2, 10))
    assert len(accounts) == 3
    zhou, chen, huang = (Person.objects.get(account=a) for a in accounts)
    # 周建国 born 1964-06 retired 2024-06 at 60; 陈秀兰 born 1975-03, a worker, at 50y2m in 2025-05
    assert PensionProfile.objects.get(person=zhou).benefit_start == dt.date(2024, 6, 1)
    assert PensionProfile.objects.get(person=chen).benefit_start == dt.date(2025, 5, 1)
    assert PensionDetermination.objects.filter(status="approved").count() == 2
    # paid every month to February 2026: 21 and 10 months
    assert PensionPayment.objects.filter(person=zhou).count() == 21
    assert PensionPayment.objects.filter(person=chen).count() == 10
    # 黄德明 waits: not retired, and his statutory month is March 2026
    assert huang.category == Person.Category.EMPLOYEE and not PensionProfile.objects.filter(person=huang).exists()
    assert (huang.birth_date.year, huang.birth_date.month) == (1965, 12)
    # a second run writes nothing more
    assert [a.pk for a in write_demo_retirees(today=dt.date(2026, 2, 10))] == [a.pk for a in accounts]
    assert PensionPayment.objects.count() == 31
    assert [role for role, _ in retiree_logins()] == ["参保人（退休人员）"] * 2 + ["参保人（待退休，可办理YL-001）"]
    # and the clerk can receive his retirement for March
    case = case_open(
        actor=clerk,
        item_code="YL-001",
        applicant=applicant_for(id_number=huang.id_number),
        channel="hall",
        form={
            "id_number": huang.id_number,
            "name": huang.name,
            "phone": "13800000013",
            "retire_type": "normal",
            "retire_date": "2026-03-01",
            "job_type": "worker",
            "work_start": "1985-07",  # the demo's 参加工作时间: 1985-07..1995-12 holds the 126 deemed months
            "deemed_months": "126",
            "deemed_source": "人事档案",
            "bank_card": "6222021001116245702",
        },
        materials={"id_card": "received", "personnel_file": "received"},
    )
    assert case.number


def test_the_demo_retirees_ledger_takes_the_account_share_from_the_rule_row(approver, clerk, district):
    """The seed keeps no copy of a rate: with the account row changed, the demo retirees'
    months are credited at the changed row (0.07 × base, not a constant 8 %)."""
    from decimal import Decimal

    from shebao.contributions.models import ContributionMonth, ContributionRate
    from shebao.devtools.seed.rates import figures_forget

    ContributionRate.objects.filter(insurance="pension", person_type="employee", payer="account").update(
        rate=Decimal("0.07")
    )
    figures_forget()
    try:
        accounts = write_demo_retirees(today=dt.date(2026, 2, 10))
    finally:
        figures_forget()
    month = ContributionMonth.objects.filter(person__account=accounts[0]).order_by("period").first()
    assert month.account_credit == (month.base * Decimal("0.07")).quantize(Decimal("0.01"))
    assert month.pension_personal == (month.base * Decimal("0.08")).quantize(Decimal("0.01"))
