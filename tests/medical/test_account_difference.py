"""The medical personal account credits a month whose base was corrected upward (QY-001) at what
was paid while the difference bill (补差) is unpaid — as the pension account does — and at its
corrected base once the bill is paid; a downward correction (退差) at the corrected base at once.
The single read (the page, the record) and the mailing's bulk read agree. By hand.

``worker`` (tests/medical/test_account.py): 张三, months paid through 江汉物流 at base 6 000,
medical personal 120.00, employer 480.00: 2022-11, 2022-12 (before the outpatient reform: 100 %
of the personal part + 0.8 % of the base), 2023-01, 2023-02 (after it: 100 % of the personal part
only). December 2022 corrected to 7 000 (personal 140.00, employer 560.00) on 10 Jan 2023.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.contributions.models import BaseDifference, Bill, ContributionMonth
from shebao.contributions.selectors import medical_paid_months
from shebao.medical import selectors
from shebao.statements.mailing.bulk import records_for_persons
from shebao.statements.selectors import record_for
from tests.contributions.difference_support import difference_make
from tests.medical import test_account

D = Decimal
pytestmark = pytest.mark.django_db
AS_OF = dt.date(2023, 3, 15)
DECEMBER = dt.date(2022, 12, 1)
worker = test_account.worker


def _correct_december(person) -> BaseDifference:
    row = ContributionMonth.objects.get(person=person, period=DECEMBER)
    return difference_make(
        row,
        kind="due",
        employer="80.00",
        personal="20.00",
        base_after="7000.00",
        due_date=dt.date(2023, 2, 15),
        lines={"medical_personal": ("120.00", "140.00"), "medical_employer": ("480.00", "560.00")},
    )


def _pay(difference: BaseDifference) -> None:
    """What ``differences.difference_settle`` leaves once the bill is paid."""
    Bill.objects.filter(pk=difference.bill_id).update(status=Bill.Status.PAID)
    ContributionMonth.objects.filter(pk=difference.month_id).update(difference_bill=None)
    BaseDifference.objects.filter(pk=difference.pk).update(status=BaseDifference.Status.SETTLED)


def _credits(person, actor) -> list[tuple[dt.date, Decimal]]:
    return [(e.day, e.amount) for e in selectors.medical_account_for(person=person, actor=actor, as_of=AS_OF).entries]


def test_a_month_with_its_difference_unpaid_is_credited_at_what_was_paid(worker, citizen):
    difference = _correct_december(worker)
    # the ledger month holds the corrected figures; the account's read puts back what was paid
    assert ContributionMonth.objects.get(pk=difference.month_id).medical_personal == D("140.00")
    december = next(m for m in medical_paid_months(person_id=worker.pk) if m.period == DECEMBER)
    assert (december.base, december.medical_personal, december.medical_employer) == (
        D("6000.00"),
        D("120.00"),
        D("480.00"),
    )
    # December while the difference is unpaid: 120.00 × 100 % + 6 000 × 0.8 % = 168.00 (not
    # 140.00 + 7 000 × 0.8 % = 196.00); 168 + 168 + 120 + 120 = 576.00, as before the correction
    assert _credits(worker, citizen) == [
        (dt.date(2022, 11, 1), D("168.00")),
        (DECEMBER, D("168.00")),
        (dt.date(2023, 1, 1), D("120.00")),
        (dt.date(2023, 2, 1), D("120.00")),
    ]
    assert selectors.medical_account_for(person=worker, actor=citizen, as_of=AS_OF).balance == D("576.00")
    # once the employer pays the difference bill: December at 7 000, 196.00; 576 + 28 = 604.00
    _pay(difference)
    assert _credits(worker, citizen)[1] == (DECEMBER, D("196.00"))
    assert selectors.medical_account_for(person=worker, actor=citizen, as_of=AS_OF).balance == D("604.00")


def test_a_downward_correction_is_credited_at_the_corrected_base_at_once(worker, citizen):
    # January 2023 corrected 6 000 → 5 000 (personal 100.00): a refund owed, nothing to wait for
    row = ContributionMonth.objects.get(person=worker, period=dt.date(2023, 1, 1))
    difference_make(
        row,
        kind="refund",
        employer="80.00",
        personal="20.00",
        base_after="5000.00",
        lines={"medical_personal": ("120.00", "100.00"), "medical_employer": ("480.00", "400.00")},
    )
    # January after the reform: 100.00 × 100 % = 100.00; 168 + 168 + 100 + 120 = 556.00
    assert _credits(worker, citizen)[2] == (dt.date(2023, 1, 1), D("100.00"))
    assert selectors.medical_account_for(person=worker, actor=citizen, as_of=AS_OF).balance == D("556.00")


def test_the_mailings_bulk_read_agrees_with_the_record(worker, clerk):
    difference = _correct_december(worker)
    # 2022's medical year while the difference is unpaid: 168.00 + 168.00 = 336.00 credited
    record = record_for(actor=clerk, person=worker, year=2022)
    assert record.medical_account is not None
    assert (record.medical_account.principal, record.medical_account.closing_balance) == (D("336.00"), D("336.00"))
    assert records_for_persons(actor=clerk, persons=[worker], year=2022)[worker.pk] == record
    # and once paid: 168.00 + 196.00 = 364.00, both reads alike
    _pay(difference)
    record = record_for(actor=clerk, person=worker, year=2022)
    assert record.medical_account is not None and record.medical_account.principal == D("364.00")
    assert records_for_persons(actor=clerk, persons=[worker], year=2022)[worker.pk] == record
