"""Arrears: open bills past their due date with the late fee to date, real time, scoped by the
actor; the stored month status brought in line by ``arrears_mark``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from shebao.contributions.models import Bill, ContributionMonth
from shebao.contributions.selectors import arrears_for, months_of_person
from shebao.contributions.services import arrears_mark, assessment_run, payment_record
from tests.contributions.test_assessment import JAN, SHANGHAI, frozen, world  # noqa: F401 (fixtures)

D = Decimal


@pytest.fixture
def assessed(world, admin_user, frozen):  # noqa: F811
    assessment_run(period=JAN, actor=admin_user)
    return world


def test_nothing_is_in_arrears_until_the_due_date_has_passed(assessed, clerk):
    # due 15 February: on the 15th itself the bill is still on time
    for day in (dt.date(2026, 2, 10), dt.date(2026, 2, 15)):
        assert arrears_for(actor=clerk, unit=assessed.unit_a, as_of=day).lines == []


def test_a_units_arrears_carry_the_late_fee_to_date(assessed, clerk):
    # when the clerk looks on 20 February (5 days late) and on 17 March (30 days late)
    five = arrears_for(actor=clerk, unit=assessed.unit_a, as_of=dt.date(2026, 2, 20))
    thirty = arrears_for(actor=clerk, unit=assessed.unit_a, as_of=dt.date(2026, 3, 17))
    # then 12566.98 × 0.0005 × 5 = 31.41745 → 31.42; × 30 = 188.5047 → 188.50
    (line,) = five.lines
    assert (line.days, line.late_fee, line.amount_due) == (5, D("31.42"), D("12598.40"))
    assert (five.principal, five.late_fees, five.total) == (D("12566.98"), D("31.42"), D("12598.40"))
    assert (thirty.lines[0].days, thirty.lines[0].late_fee) == (30, D("188.50"))


def test_a_flexible_workers_own_arrears(assessed, clerk):
    arrears = arrears_for(actor=clerk, person=assessed.f1, as_of=dt.date(2026, 2, 25))
    # 2248.80 × 0.0005 × 10 = 11.244 → 11.24
    assert [(x.bill.person_id, x.late_fee, x.amount_due) for x in arrears.lines] == [
        (assessed.f1.pk, D("11.24"), D("2260.04"))
    ]


def test_arrears_are_seen_only_within_the_actors_sight(assessed, other_district_clerk, unit_operator, bank_agent):
    day = dt.date(2026, 2, 20)
    assert arrears_for(actor=other_district_clerk, unit=assessed.unit_a, as_of=day).lines == []
    assert arrears_for(actor=bank_agent, unit=assessed.unit_a, as_of=day).lines == []
    # the unit's own operator sees its arrears, not another unit's
    assert len(arrears_for(actor=unit_operator, unit=assessed.unit_a, as_of=day).lines) == 1
    assert arrears_for(actor=unit_operator, unit=assessed.unit_b, as_of=day).lines == []


def test_paying_the_arrears_clears_them(assessed, clerk):
    with time_machine.travel(dt.datetime(2026, 2, 20, 9, 0, tzinfo=SHANGHAI), tick=False):
        (line,) = arrears_for(actor=clerk, unit=assessed.unit_a, as_of=dt.date(2026, 2, 20)).lines
        payment_record(actor=clerk, bill=line.bill, amount=line.amount_due, key="W-1", channel="hall")
        assert arrears_for(actor=clerk, unit=assessed.unit_a, as_of=dt.date(2026, 2, 20)).lines == []


def test_arrears_mark_sets_the_stored_status_of_overdue_months_only(assessed, unit_operator):
    # given unit B's bill paid on time, unit A's not
    bill_b = Bill.objects.get(unit=assessed.unit_b, period=JAN)
    operator_b = unit_operator
    operator_b.unit_code = assessed.unit_b.credit_code
    operator_b.save(update_fields=["unit_code"])
    payment_record(actor=operator_b, bill=bill_b, amount=bill_b.total, key="B-1", channel="online")
    # when marked on the 15th (nothing yet) and on the 16th
    assert arrears_mark(as_of=dt.date(2026, 2, 15)) == 0
    marked = arrears_mark(as_of=dt.date(2026, 2, 16))
    # then unit A's three months and the three flexible bills' months are in arrears
    assert marked == 3 + 3
    assert set(ContributionMonth.objects.filter(bill__unit=assessed.unit_a).values_list("status", flat=True)) == {
        "arrears"
    }
    assert set(bill_b.lines.values_list("status", flat=True)) == {"paid"}
    assert arrears_mark(as_of=dt.date(2026, 2, 16)) == 0  # idempotent


def test_the_person_sees_each_month_paid_or_in_arrears(assessed, clerk, other_district_clerk):
    from shebao.core.errors import NotFound

    # given p1's January unpaid past its due date
    rows = months_of_person(actor=clerk, person=assessed.p1, as_of=dt.date(2026, 2, 20))
    assert [(v.row.period, v.shown_status, v.personal, v.employer) for v in rows] == [
        # personal 640 + 160 + 24 = 824.00; employer 1280 + 696 (medical 8.7%) + 56 + 32 = 2064.00
        (JAN, "arrears", D("824.00"), D("2064.00"))
    ]
    assert months_of_person(actor=clerk, person=assessed.p1, as_of=dt.date(2026, 2, 10))[0].shown_status == "due"
    with pytest.raises(NotFound):
        months_of_person(actor=other_district_clerk, person=assessed.p1, as_of=dt.date(2026, 2, 10))
