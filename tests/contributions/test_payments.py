"""Payments settle bills exactly once: exact amount, idempotency key, authorisation, and a
concurrent retry storm on PostgreSQL that leaves one payment."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine

from shebao.contributions.models import AccountEntry, Bill, ContributionMonth, Payment
from shebao.contributions.services import assessment_run, payment_record
from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from shebao.core.identifiers import credit_code_make
from shebao.core.models import Account, AuditEvent, Role
from shebao.registry.models import Unit
from tests.conftest import require_postgres
from tests.contributions.test_assessment import JAN, SHANGHAI, frozen, world  # noqa: F401 (fixtures)
from tests.factories import AccountFactory
from tests.web.support import make_person

D = Decimal


@pytest.fixture
def assessed(world, admin_user, frozen):  # noqa: F811
    assessment_run(period=JAN, actor=admin_user)
    return world


def unit_bill(data) -> Bill:
    return Bill.objects.get(unit=data.unit_a, period=JAN)


def test_an_online_payment_of_the_exact_total_settles_the_bill_and_its_months(assessed, unit_operator):
    # given unit A's January bill: 8976.92 + 3590.06 = 12566.98, due 15 February (today is the 10th)
    bill = unit_bill(assessed)
    # when
    payment = payment_record(actor=unit_operator, bill=bill, amount="12566.98", key="ONLINE-1", channel="online")
    # then
    bill.refresh_from_db()
    assert (payment.amount, payment.channel, payment.actor_id) == (D("12566.98"), "online", unit_operator.pk)
    assert (bill.status, bill.late_fee) == (Bill.Status.PAID, D("0.00"))
    assert bill.paid_at is not None
    assert set(bill.lines.values_list("status", flat=True)) == {ContributionMonth.Status.PAID}
    # the pension account is credited from each paid month: 640.00, 1799.04, 359.84
    credits = dict(AccountEntry.objects.filter(source_month__bill=bill).values_list("person_id", "amount"))
    assert credits == {assessed.p1.pk: D("640.00"), assessed.p2.pk: D("1799.04"), assessed.p3.pk: D("359.84")}
    assert AuditEvent.objects.filter(action="contributions.payment.record", subject_id=str(bill.pk)).count() == 1


def test_a_retried_payment_with_the_same_key_is_not_counted_twice(assessed, unit_operator):
    bill = unit_bill(assessed)
    first = payment_record(actor=unit_operator, bill=bill, amount="12566.98", key="RETRY-1", channel="online")
    # when the same request arrives again
    again = payment_record(actor=unit_operator, bill=bill, amount="12566.98", key="RETRY-1", channel="online")
    # then
    assert again.pk == first.pk
    assert Payment.objects.filter(bill=bill).count() == 1
    assert AccountEntry.objects.filter(source_month__bill=bill).count() == 3
    assert AuditEvent.objects.filter(action="contributions.payment.record").count() == 1


def test_a_key_used_for_another_bill_is_a_conflict(assessed, unit_operator):
    bill_a = unit_bill(assessed)
    payment_record(actor=unit_operator, bill=bill_a, amount="12566.98", key="K-1", channel="online")
    bill_f1 = Bill.objects.get(person=assessed.f1, period=JAN)
    with pytest.raises(Conflict) as caught:
        payment_record(actor=None, bill=bill_f1, amount="2248.80", key="K-1", channel="bank")
    assert caught.value.status == 409
    bill_f1.refresh_from_db()
    assert bill_f1.status == Bill.Status.OPEN


def test_a_paid_bill_cannot_be_paid_again_under_a_new_key(assessed, unit_operator):
    bill = unit_bill(assessed)
    payment_record(actor=unit_operator, bill=bill, amount="12566.98", key="A", channel="online")
    with pytest.raises(Conflict):
        payment_record(actor=unit_operator, bill=bill, amount="12566.98", key="B", channel="online")
    assert Payment.objects.filter(bill=bill).count() == 1


@pytest.mark.parametrize("amount", ["12566.97", "12566.99", "0", "-12566.98", "12566.980", "abc"])
def test_anything_but_the_exact_amount_is_a_clear_422(assessed, unit_operator, amount):
    bill = unit_bill(assessed)
    with pytest.raises(InvalidInput) as caught:
        payment_record(actor=unit_operator, bill=bill, amount=amount, key="X", channel="online")
    assert caught.value.status == 422 and caught.value.field == "amount"
    assert not Payment.objects.exists()
    bill.refresh_from_db()
    assert bill.status == Bill.Status.OPEN


def test_after_the_due_date_the_late_fee_is_part_of_the_amount(assessed, unit_operator):
    bill = unit_bill(assessed)
    # given five days past the due date (15 → 20 February)
    with time_machine.travel(dt.datetime(2026, 2, 20, 9, 0, tzinfo=SHANGHAI), tick=False):
        # the old total is refused, naming the amount due
        with pytest.raises(InvalidInput) as caught:
            payment_record(actor=unit_operator, bill=bill, amount="12566.98", key="LATE", channel="online")
        # 12566.98 × 0.0005 × 5 = 31.41745 → 31.42; 12566.98 + 31.42 = 12598.40
        assert caught.value.details["expected"] == "12598.40"
        payment_record(actor=unit_operator, bill=bill, amount="12598.40", key="LATE", channel="online")
    bill.refresh_from_db()
    assert (bill.status, bill.late_fee, bill.total) == (Bill.Status.PAID, D("31.42"), D("12598.40"))


def test_who_may_pay_which_bill(assessed, district, other_district_clerk, clerk, citizen, bank_agent):
    bill = unit_bill(assessed)
    other_unit_operator = AccountFactory(
        username="other:op",
        unit_code=credit_code_make(region_code="420102", serial=2),  # unit B's operator
        kind=Account.Kind.UNIT,
        role=Role.UNIT,
    )
    # another unit's operator, a clerk of another district and a citizen do not see the bill
    for actor, channel in ((other_unit_operator, "online"), (other_district_clerk, "hall"), (citizen, "online")):
        with pytest.raises(NotFound):
            payment_record(actor=actor, bill=bill, amount="12566.98", key=f"N-{actor.pk}", channel=channel)
    # a bank agent does card services only; a clerk collects at the counter, not "online"
    with pytest.raises(NotAllowed):
        payment_record(actor=bank_agent, bill=bill, amount="12566.98", key="BA", channel="bank")
    with pytest.raises(NotAllowed):
        payment_record(actor=clerk, bill=bill, amount="12566.98", key="CO", channel="online")
    # without an actor only the bank's settlement may pay
    with pytest.raises(NotAllowed):
        payment_record(actor=None, bill=bill, amount="12566.98", key="SYS", channel="online")
    assert not Payment.objects.exists()
    # the district's clerk collects at the hall window
    payment = payment_record(actor=clerk, bill=bill, amount="12566.98", key="HALL-1", channel="hall")
    assert payment.channel == "hall"


def test_a_flexible_worker_pays_their_own_bill_online_and_the_bank_pays_without_an_actor(assessed, district):
    # given f1 signed in as a citizen
    from tests.factories import citizen_account

    account = citizen_account(id_number=assessed.f1.id_number, name=assessed.f1.name)
    assessed.f1.account = account
    assessed.f1.save(update_fields=["account"])
    own = Bill.objects.get(person=assessed.f1, period=JAN)
    # when
    payment_record(actor=account, bill=own, amount="2248.80", key="APP-1", channel="app")
    bank = payment_record(
        actor=None,
        bill=Bill.objects.get(person=assessed.f2, period=JAN),
        amount="899.60",
        key="BANK-1",
        channel="bank",
        bank_ref="ICBC-9",
    )
    # then
    assert Bill.objects.get(pk=own.pk).status == Bill.Status.PAID
    assert (bank.bank_ref, bank.actor_id) == ("ICBC-9", None)
    # f1's account: 599.68 (flexible 8% of 7496)
    assert AccountEntry.objects.get(person=assessed.f1).amount == D("599.68")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_of_one_payment_write_exactly_one(city):
    """Eight clients each send the same payment three times at once: one Payment, one paid bill."""
    require_postgres()
    from django.db import connection

    district = Unit._meta.get_field("district").related_model.objects.create(
        code="429999", name="并发区", kind="district", parent=city
    )
    unit = Unit.objects.create(
        credit_code=credit_code_make(region_code="420102", serial=77), name="并发公司", district=district
    )
    person = make_person(district=district, name="并发")
    bill = Bill.objects.create(
        unit=unit,
        period=dt.date(2026, 1, 1),
        employer_total=D("1600.00"),
        personal_total=D("800.00"),
        due_date=dt.date(2999, 1, 15),
    )
    ContributionMonth.objects.create(
        person=person,
        unit=unit,
        period=dt.date(2026, 1, 1),
        base=D("10000.00"),
        pension_employer=D("1600.00"),
        pension_personal=D("800.00"),
        account_credit=D("800.00"),
        bill=bill,
    )
    barrier = threading.Barrier(8)
    results: list[int] = []
    errors: list[BaseException] = []

    def client() -> None:
        try:
            barrier.wait()
            for _ in range(3):
                results.append(
                    payment_record(actor=None, bill=bill, amount="2400.00", key="STORM-1", channel="bank").pk
                )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 24 and len(set(results)) == 1
    assert Payment.objects.filter(bill=bill).count() == 1
    assert Bill.objects.get(pk=bill.pk).status == Bill.Status.PAID
    assert AccountEntry.objects.filter(person=person).count() == 1


def test_a_bank_settlement_pays_as_of_its_debit_date(assessed, unit_operator):
    bill = unit_bill(assessed)
    with time_machine.travel(dt.datetime(2026, 2, 20, 9, 0, tzinfo=SHANGHAI), tick=False):
        # a clerk or the unit cannot back-date a payment, nor can anyone date it ahead
        with pytest.raises(InvalidInput, match="银行结算文件"):
            payment_record(
                actor=unit_operator,
                bill=bill,
                amount="12566.98",
                key="K1",
                channel="online",
                debited_on=dt.date(2026, 2, 14),
            )
        with pytest.raises(InvalidInput, match="扣款日期"):
            payment_record(
                actor=None, bill=bill, amount="12566.98", key="K1", channel="bank", debited_on=dt.date(2026, 2, 21)
            )
        # five days after the due date, the bank's file says it debited the unit on the 14th:
        # the total without a late fee, paid on that day
        payment = payment_record(
            actor=None, bill=bill, amount="12566.98", key="K1", channel="bank", debited_on=dt.date(2026, 2, 14)
        )
    bill.refresh_from_db()
    assert (bill.status, bill.late_fee) == (Bill.Status.PAID, D("0.00"))
    assert payment.paid_at.astimezone(SHANGHAI).date() == dt.date(2026, 2, 14)
