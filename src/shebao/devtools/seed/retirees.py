"""Demo retirees (issue 11): people to sign in as whose retirement, determination, statement and
monthly payments can be seen, and a retiree-in-waiting a clerk can walk YL-001 through.

Made by the production code, not fixtures: each retiree's record (ledger months from 2014, the
first year with the demo's wage rows, each month's base the year's average; a personal account
credited 8 % a year; deemed months from their 参加工作时间 to 1995-12) is retired by
``pension_retire`` as the approver of their district would at the completion of YL-001, and
paid by the monthly job's service up to this month. Idempotent: a person already there is left
as they are. The waiting man's birth month is chosen so that his statutory month is next month,
whatever day the demo is built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from shebao.contributions.accounts import account_credit_rows, account_interest_credit
from shebao.contributions.models import ContributionMonth, InterestRate
from shebao.contributions.rulebook import rulebook_load
from shebao.core.identifiers import id_number_make
from shebao.core.models import Account, Area, Role
from shebao.core.months import month_add, month_start, months_between
from shebao.devtools.seed.rates import amounts
from shebao.pensions.models import PensionProfile
from shebao.pensions.rules.ages import retirement_age
from shebao.pensions.services import payments_issue_range, pension_retire
from shebao.registry.models import Person

LEDGER_FROM = dt.date(2014, 1, 1)


@dataclass(frozen=True)
class DemoRetiree:
    name: str
    sex: str
    birth: dt.date
    district: str
    job_type: str
    work_start: str
    sequence: int
    retire: bool = True


def _waiting_birth(today: dt.date) -> dt.date:
    """A man's birth month whose statutory retirement month is next month."""
    target = month_add(today, 1)
    for months in range(0, 120):
        birth = month_add(dt.date(1965, 1, 1), months)
        age = retirement_age(birth_year=birth.year, birth_month=birth.month, sex="M", base_age=60)
        if (age.retirement_year, age.retirement_month) == (target.year, target.month):
            return birth.replace(day=8)
    return dt.date(1966, 8, 8)


def plan(today: dt.date) -> tuple[DemoRetiree, ...]:
    return (
        DemoRetiree("周建国", "M", dt.date(1964, 6, 18), "420102", "worker", "1982-07", 401),
        DemoRetiree("陈秀兰", "F", dt.date(1975, 3, 9), "420102", "worker", "1991-07", 402),
        DemoRetiree("黄德明", "M", _waiting_birth(today), "420102", "worker", "1985-07", 403, retire=False),
    )


def _deemed(work_start: str) -> int:
    start = dt.date.fromisoformat(f"{work_start}-01")
    return len(months_between(start, dt.date(1995, 12, 1)))


def _record(person: Person, until: dt.date, *, retiring: bool) -> None:
    """Ledger months from 2014 to the month before ``until``, paid, at the year's average base,
    each credited to the personal account at the year's rule row by the production crediting (one entry a month)
    and every closed year's interest credited by the production interest service."""
    rulebook = rulebook_load(region="wuhan")
    rows = []
    for month in months_between(LEDGER_FROM, month_add(until, -1)):
        base = rulebook.base_limits(month).average
        # the individual share and the account's, as the year's rule rows say (no copied rate)
        _employer, personal, credit = amounts(
            base_total=base, category="employee", insurance="pension", year=month.year
        )
        rows.append(
            ContributionMonth(
                person=person,
                period=month,
                base=base,
                pension_personal=personal,
                account_credit=credit,
                status=ContributionMonth.Status.PAID,
                rules={"source": "annual_record"},  # the record of the system before, as the history job writes
            )
        )
    saved = ContributionMonth.objects.bulk_create(rows)
    account_credit_rows(rows=saved)
    rated = set(InterestRate.objects.values_list("year", flat=True))
    for year in sorted({row.period.year for row in saved} & rated):
        if year < until.year:
            account_interest_credit(person=person, year=year)
        elif retiring and until.month > 1:  # at retirement: credited up to the month before (劳办发〔1997〕116号)
            account_interest_credit(person=person, year=year, up_to_month=until.month - 1)


def _interest_after_retirement(person: Person, retired: dt.date, today: dt.date) -> None:
    """Every closed year after the retirement year gets its year-end interest, on the balance
    net of the pension's monthly payouts (the production service; the retirement year's was
    credited up to the retirement month)."""
    rated = set(InterestRate.objects.values_list("year", flat=True))
    for year in range(retired.year + 1, today.year):
        if year in rated:
            account_interest_credit(person=person, year=year)


def write_demo_retirees(*, today: dt.date | None = None) -> list[Account]:
    """Write the demo retirees once (idempotent); return their sign-in accounts."""
    today = today or timezone.localdate()
    password = None
    accounts = []
    approver = Account.objects.filter(username="approver", role=Role.APPROVER).first()
    for row in plan(today):
        number = id_number_make(region_code=row.district, birth_date=row.birth, sequence=row.sequence)
        account = Account.objects.filter(username=number, full_name=row.name).first()
        if account is not None:
            accounts.append(account)
            continue
        with transaction.atomic():
            from shebao.devtools.seed.demo import DEMO_PASSWORDS

            password = password or make_password(DEMO_PASSWORDS[Account.Kind.CITIZEN])
            account = Account.objects.create(
                username=number,
                password=password,
                kind=Account.Kind.CITIZEN,
                role=Role.CITIZEN,
                id_number=number,
                full_name=row.name,
            )
            person = Person.objects.create(
                id_number=number,
                name=row.name,
                sex=row.sex,
                birth_date=row.birth,
                category=Person.Category.EMPLOYEE,
                district=Area.objects.get(code=row.district),
                account=account,
                address="江岸区胜利街18号",
                phone=f"1380000{row.sequence:04d}",
            )
            base_age = 60 if row.sex == "M" else (55 if row.job_type == "cadre" else 50)
            age = retirement_age(
                birth_year=row.birth.year,
                birth_month=row.birth.month,
                sex="M" if row.sex == "M" else "F",
                base_age=base_age,  # type: ignore[arg-type]  # 60, 55 or 50 by construction
            )
            statutory = dt.date(age.retirement_year, age.retirement_month, 1)
            _record(person, statutory if row.retire else month_start(today), retiring=row.retire)
            if row.retire and approver is not None:
                pension_retire(
                    actor=approver,
                    person=person,
                    form={
                        "retire_type": "normal",
                        "retire_date": statutory.isoformat(),
                        "job_type": row.job_type,
                        "work_start": row.work_start,
                        "deemed_months": _deemed(row.work_start),
                        "deemed_source": f"演示数据：人事档案记载 {row.work_start} 参加工作，至1995-12视同缴费",
                        "hukou_local": True,
                        "bank_card": "6222021001116245702",
                    },
                    case_number="",
                    channel="hall",
                )
                profile = PensionProfile.objects.get(person=person)
                # paid to this month, each month's account part drawn from the account
                payments_issue_range(month=month_start(today), lo=profile.pk, hi=profile.pk)
                _interest_after_retirement(person, statutory, today)
        accounts.append(account)
    return accounts


def retiree_logins() -> list[tuple[str, Account]]:
    """(role label, account) of the demo retirees and the retiree-in-waiting, for the printed
    logins: the citizen accounts the plan makes (their sequence numbers), oldest first."""
    names = {row.name: row.sequence for row in plan(timezone.localdate())}
    found = Account.objects.filter(kind=Account.Kind.CITIZEN, full_name__in=names).select_related("person")
    logins = []
    for account in found.order_by("id"):
        if account.username[14:17] != f"{names[account.full_name]:03d}":
            continue
        person = getattr(account, "person", None)
        retired = person is not None and person.category == Person.Category.RETIREE
        logins.append(("参保人（退休人员）" if retired else "参保人（待退休，可办理YL-001）", account))
    return logins


def planned_persons(today: dt.date) -> set[tuple[str, str, str, dt.date, str, str]]:
    """(ID number, name, sex, birth date, category, district code) of the persons this module
    adds to the demo: what the demo's own plan does not hold."""
    return {
        (
            id_number_make(region_code=row.district, birth_date=row.birth, sequence=row.sequence),
            row.name,
            row.sex,
            row.birth,
            Person.Category.RETIREE if row.retire else Person.Category.EMPLOYEE,
            row.district,
        )
        for row in plan(today)
    }
