"""Review 7 of issue 14, the record's figures: in January no month of the year is due yet (the
status follows the previous December, and last year's interest not yet credited has its note);
a person whose years were transferred in shows the earliest work start known and a note for
the balance transferred in. The mailing run's bulk read stays equal to record_for."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from shebao.contributions.accounts import account_credit_paid, account_interest_credit, account_transfer_record
from shebao.contributions.models import ContributionMonth
from shebao.statements.mailing.bulk import records_for_persons
from shebao.statements.selectors import record_for
from tests.statements.conftest import SHANGHAI
from tests.statements.test_record import transfer_in_may  # noqa: F401 (pytest finds fixtures by name)
from tests.web.support import employ, make_person

D = Decimal
pytestmark = pytest.mark.django_db


def _paid(person, unit, first: dt.date, last: dt.date, base: str = "7000") -> None:
    month = first
    while month <= last:
        ContributionMonth.objects.create(
            person=person,
            unit=unit,
            period=month,
            base=D(base),
            status="paid",
            pension_personal=D(base) * D("0.08"),
            medical_personal=D(base) * D("0.02"),
            account_credit=D(base) * D("0.08"),
        )
        month = (month + dt.timedelta(days=32)).replace(day=1)


@pytest.fixture
def january(district, unit_a):
    """Monday 4 January 2027: 全年 worked at 甲 every month of 2025 and 2026 (all paid, 2025's
    interest credited, 2026's not yet); 停缴 worked there until October 2026."""
    with time_machine.travel(dt.datetime(2027, 1, 4, 10, 0, tzinfo=SHANGHAI), tick=False):
        steady = make_person(district=district, name="全年")
        employ(steady, unit_a, start=dt.date(2025, 1, 1))
        _paid(steady, unit_a, dt.date(2025, 1, 1), dt.date(2026, 12, 1))
        stopped = make_person(district=district, name="停缴")
        employ(stopped, unit_a, start=dt.date(2025, 1, 1), end=dt.date(2026, 10, 31))
        _paid(stopped, unit_a, dt.date(2025, 1, 1), dt.date(2026, 10, 1))
        for person in (steady, stopped):
            account_credit_paid(person=person)
            account_interest_credit(person=person, year=2025)
        yield steady, stopped


def _status(record, insurance: str) -> str:
    return {b.insurance: b.status for b in record.insurances}[insurance]


def test_in_january_the_status_follows_the_previous_december(january, clerk):
    steady, stopped = january
    record = record_for(actor=clerk, person=steady, year=2027)
    # no month of 2027 is due yet: December 2026 was paid, so the person pays normally
    assert _status(record, "pension") == _status(record, "medical") == "正常缴费"
    # someone who stopped in October is interrupted, as before
    assert _status(record_for(actor=clerk, person=stopped, year=2027), "pension") == "暂停缴费（中断）"


def test_in_january_last_years_interest_not_yet_credited_has_its_note(january, clerk):
    steady, _ = january
    last_year = record_for(actor=clerk, person=steady, year=2026)
    assert last_year.pension_account.interest == D("0.00") and last_year.pension_account.rate is None
    assert "本年利息尚未记账（于次年初记入），记入前本年利息为 0。" in last_year.notes
    # the year before, its interest credited, needs none
    credited = record_for(actor=clerk, person=steady, year=2025)
    assert credited.pension_account.rate is not None
    assert not any("利息尚未记账" in note or "利息于年末记账" in note for note in credited.notes)


@pytest.mark.parametrize("year", [2027, 2026, 2025])
def test_in_january_the_bulk_read_equals_record_for(january, clerk, year):
    persons = list(january)
    bulk = records_for_persons(actor=clerk, persons=persons, year=year)
    for person in persons:
        assert bulk[person.pk] == record_for(actor=clerk, person=person, year=year), (person.name, year)


@pytest.fixture
def moved_in(request):
    """The hand-built 2024 with a transfer from 宜昌 (its months from May 2024) whose balance,
    31008.00, was credited on completion; the person's only employments start in March 2024,
    and the ledger has a month of 2012 brought along."""
    person = request.getfixturevalue("transfer_in_may")  # tests.statements.test_record's fixture
    account_transfer_record(
        person=person,
        direction="in",
        amount=D("31008.00"),
        month=dt.date(2024, 12, 20),
        note="自宜昌市转入个人账户储存额（ZY-2025-0001）",
    )
    ContributionMonth.objects.create(
        person=person, period=dt.date(2012, 3, 1), base=D("2000"), status="transferred_in", pension_personal=D("160")
    )
    return person


def test_a_transferred_in_person_shows_the_earliest_work_start_and_a_note_for_the_balance(moved_in, clerk):
    record = record_for(actor=clerk, person=moved_in, year=2024)
    # the pension enrolment (2012-03) is no longer after the work start (the employment's 2024-03)
    assert {b.insurance: b.enrolled_on for b in record.insurances}["pension"] == dt.date(2012, 3, 1)
    assert record.person.work_start == dt.date(2012, 3, 1)
    # the principal includes the 31008.00 transferred in, and a note says so with where from
    assert "本年转入个人账户 31008.00 元（自宜昌市转入），已计入本年账户记入本金。" in record.notes
    # 2023's statement names its own transfer (10000.00, its entry without a place), not 2024's
    notes_2023 = [note for note in record_for(actor=clerk, person=moved_in, year=2023).notes if "本年转入" in note]
    assert notes_2023 == ["本年转入个人账户 10000.00 元，已计入本年账户记入本金。"]
    # the mailing run says the same
    assert records_for_persons(actor=clerk, persons=[moved_in], year=2024)[moved_in.pk] == record


def test_the_work_start_is_the_employment_when_it_is_earliest(history, unit_a, clerk):
    # the hand-built 2024: employed at 甲 from March, the ledger's first month January (○ from
    # another city): that month is the earliest known
    assert record_for(actor=clerk, person=history, year=2024).person.work_start == dt.date(2024, 1, 1)
    # an employment from 2010 on the registry is earlier still
    employ(history, unit_a, start=dt.date(2010, 9, 1), end=dt.date(2011, 8, 31))
    assert record_for(actor=clerk, person=history, year=2024).person.work_start == dt.date(2010, 9, 1)
