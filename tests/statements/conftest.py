"""A person with a hand-built 2024: a transfer-in, a job change, an interruption, a back-payment
and an open December; today is Mon 10 Feb 2025 in Wuhan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from shebao.contributions.accounts import account_credit_paid, account_interest_credit
from shebao.contributions.models import AccountEntry, Bill, ContributionMonth
from shebao.core.identifiers import credit_code_make
from shebao.registry.models import Person
from tests.web.support import employ, make_person, make_unit

D = Decimal
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
YEAR = 2024


@pytest.fixture
def today():
    with time_machine.travel(dt.datetime(2025, 2, 10, 10, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


@pytest.fixture
def unit_a(district, unit_operator):
    # the unit operator fixture's own unit (credit code serial 1)
    return make_unit(code=unit_operator.unit_code, district=district, name="江岸甲公司")


@pytest.fixture
def unit_b(district):
    return make_unit(code=credit_code_make(region_code="420102", serial=2), district=district, name="江岸乙公司")


def _month(person, month, *, base, unit=None, status="paid", bill=None, insurances=("pension",), credit=None):
    base = D(base)
    row = ContributionMonth(
        person=person,
        unit=unit,
        period=dt.date(YEAR, month, 1),
        base=base,
        status=status,
        bill=bill,
        account_credit=credit if credit is not None else (base * D("0.08")).quantize(D("0.01")),
    )
    for name in insurances:
        setattr(row, f"{name}_personal" if name != "injury" else "injury_employer", base * D("0.01"))
    row.save()
    return row


ALL = ("pension", "medical", "unemployment", "injury")


@pytest.fixture
def history(today, citizen, district, unit_a, unit_b):
    """2024 of 张三:

    Jan-Feb  transferred in from another city, base 5000, pension only, 400 to the account each
    Mar-Apr  employed at 甲 (paid), base 6000, four insurances, 480 each
    May      interruption: nothing
    Jun      back-paid through 乙 (bill paid 20 Nov 2024), base 8000, pension only, 640
    Jul-Nov  employed at 乙 (paid), base 8000, four insurances, 640 each
    Dec      乙's bill open, due 15 Jan 2025: in arrears on 10 Feb 2025
    End of 2023: 10000 in the account, interest for 2023 credited.
    """
    person = make_person(district=district, account=citizen, name="张三", address="武汉市江岸区沿江大道1号")
    Person.objects.filter(pk=person.pk).update(postcode="430014")
    person.refresh_from_db()
    employ(person, unit_a, start=dt.date(2024, 3, 1), end=dt.date(2024, 4, 30))
    employ(person, unit_b, start=dt.date(2024, 6, 1))
    AccountEntry.objects.create(
        person=person, kind="interest", year=2023, credited_month=dt.date(2023, 12, 1), amount=0, rate=D("0.0397")
    )
    AccountEntry.objects.create(
        person=person, kind="transfer_in", year=2023, credited_month=dt.date(2023, 12, 1), amount=D("10000.00")
    )
    for month in (1, 2):
        _month(person, month, base="5000", status="transferred_in")
    for month in (3, 4):
        _month(person, month, base="6000", unit=unit_a, insurances=ALL)
    backpay = Bill.objects.create(
        unit=unit_b,
        period=dt.date(2024, 6, 1),
        kind=Bill.Kind.BACK_PAYMENT,
        employer_total=0,
        personal_total=D("640.00"),
        due_date=dt.date(2024, 11, 30),
        status=Bill.Status.PAID,
        paid_at=dt.datetime(2024, 11, 20, 10, 0, tzinfo=SHANGHAI),
    )
    _month(person, 6, base="8000", unit=unit_b, bill=backpay)
    for month in range(7, 12):
        _month(person, month, base="8000", unit=unit_b, insurances=ALL)
    december = Bill.objects.create(
        unit=unit_b,
        period=dt.date(2024, 12, 1),
        employer_total=D("2000.00"),
        personal_total=D("800.00"),
        due_date=dt.date(2025, 1, 15),
        status=Bill.Status.OPEN,
    )
    _month(person, 12, base="8000", unit=unit_b, status="due", bill=december, insurances=ALL)
    account_credit_paid(person=person)
    account_interest_credit(person=person, year=YEAR)
    return person
