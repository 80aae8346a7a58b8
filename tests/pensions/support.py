"""People for the pension tests: a man a month before retirement with twelve years in the ledger
(each month's base equal to that year's average wage, so Z̄ = 1.0000) and five deemed years.

Hand-computed for a retirement in 2026-02 at 60y3m (born 1965-11, delay 3 months), C̄ = 9112
(the 2025 row carried forward, provisional), k = 1.2 %, Z同 = Z̄:
  months   = 145 actual (2014-01 … 2026-01) + 60 deemed = 205
  基础养老金 = (9112 + 9112 × 1) ÷ 2 × 205/12 × 1%  = 1556.63
  计发月数   = 139 + (132 − 139) × 3/12 = 137.25 → 137.3
  个人账户养老金 = 80000.00 ÷ 137.3                  = 582.67
  (the balance at retirement: 79900.12 credited in 2026-01 + January's interest at 2025's
  1.50 % carried forward, provisional: 79900.12 × 1.5 % × 1/12 = 99.87515 → 99.88; = 80000.00)
  过渡性养老金 = 9112 × 1 × 60/12 × 1.2%            = 546.72
  total                                             = 2686.02
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shebao.contributions.models import AccountEntry, ContributionMonth
from shebao.contributions.rulebook import rulebook_load
from shebao.core.months import months_between
from shebao.registry.models import Person
from tests.factories import new_id_number
from tests.web.support import make_person

BIRTH = dt.date(1965, 11, 20)
TOTAL = Decimal("2686.02")
BASIC, ACCOUNT, TRANSITION = Decimal("1556.63"), Decimal("582.67"), Decimal("546.72")
CARD = "6222021001116245702"
OTHER_CARD = "6228480402564890018"


def retiree_in_waiting(*, district, account=None, name="刘退休", first=dt.date(2014, 1, 1), last=dt.date(2026, 1, 1)):
    number = account.id_number if account is not None else new_id_number(district.code, BIRTH)
    if account is not None and number[6:14] != BIRTH.strftime("%Y%m%d"):
        raise ValueError("the account's ID number must carry the birth date 1965-11-20")
    person = make_person(
        district=district, name=name, account=account, id_number=number, birth_date=BIRTH, sex=Person.Sex.MALE
    )
    rulebook = rulebook_load(region="wuhan")
    ContributionMonth.objects.bulk_create(
        ContributionMonth(
            person=person,
            period=month,
            base=rulebook.base_limits(month).average,
            pension_personal=Decimal("1.00"),
            status=ContributionMonth.Status.PAID,
        )
        for month in months_between(first, last)
    )
    AccountEntry.objects.create(
        person=person, kind="contribution", year=2026, credited_month=dt.date(2026, 1, 1), amount=Decimal("79900.12")
    )
    return person


RETIRE_FORM = {
    "name": "刘退休",
    "phone": "13800000011",
    "retire_type": "normal",
    "retire_date": "2026-02-01",
    "job_type": "worker",
    "work_start": "1986-07",
    "deemed_months": "60",
    "deemed_source": "人事档案：1986-07至1995-12 国营武汉第二棉纺织厂（其中认定视同缴费60个月）",
    "hukou_local": "on",
    "bank_card": CARD,
}


def retiree(*, district, approver, account=None, name="刘退休"):
    """The man above, retired by the approver's completion of YL-001 (the service the handler
    calls), paid February 2026 by the monthly job."""
    from shebao.pensions.models import PensionProfile
    from shebao.pensions.services import payments_issue_range, pension_retire

    person = retiree_in_waiting(district=district, account=account, name=name)
    pension_retire(actor=approver, person=person, form={**RETIRE_FORM, "id_number": person.id_number})
    profile = PensionProfile.objects.get(person=person)
    payments_issue_range(month=dt.date(2026, 2, 1), lo=profile.pk, hi=profile.pk)
    return person


def retiree_account(district):
    from tests.factories import citizen_account

    return citizen_account(name="刘退休", id_number=new_id_number(district.code, BIRTH))
