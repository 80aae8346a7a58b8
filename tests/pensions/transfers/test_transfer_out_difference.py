"""A transfer out is refused while a base correction's difference (补差) is overdue (第七条): the
month stays paid (it counts as a paid month everywhere), but the difference bill open past its
due date is owed, both parts, beside the months in arrears — and the clerk is told which bill.

``leaving`` (tests/pensions/transfers/test_transfer_out.py) is 2 Mar 2026; March 2025 of their
months, through 江岸甲公司, was corrected 6333.33 → 7000.00: a difference bill of 256.00 employer
+ 103.00 personal = 359.00, due 15 Feb 2026 (overdue) or 15 Mar 2026 (not yet)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.contributions.models import ContributionMonth
from shebao.core.errors import Conflict, NotFound
from shebao.pensions.transfers import services
from shebao.pensions.transfers.models import PlatformMessage, Transfer
from tests.contributions.difference_support import difference_make
from tests.pensions.transfers.conftest import months
from tests.pensions.transfers.test_transfer_out import fresh, leaving, letter
from tests.web.support import make_unit, sign_in

__all__ = ["leaving"]
D = dt.date
M = Decimal


def corrected_march(person, district, *, due: dt.date):
    unit = make_unit(code="91420102MA4KXXXX1X", district=district, name="江岸甲公司")
    row = ContributionMonth.objects.get(person=person, period=D(2025, 3, 1))
    row.unit = row.unit or unit
    row.save(update_fields=["unit"])
    return difference_make(
        row, kind="due", employer="256.00", personal="103.00", base_after="7000.00", credit="53.33", due_date=due
    )


def test_an_overdue_difference_is_owed_before_the_transfer_out(client, leaving, district, reviewer, clerk):
    # given March 2025's difference bill, due 15 Feb 2026, unpaid on 2 Mar 2026; no month in arrears
    difference = corrected_march(leaving, district, due=D(2026, 2, 15))
    letter(leaving)
    transfer = Transfer.objects.get()
    case = transfer.case
    # then what is owed is the difference, both parts, named with its bill and case
    owed = services.transfer_out_owed(actor=reviewer, transfer=transfer)
    assert (owed.months, owed.total) == (M("0.00"), M("359.00"))
    assert services.transfer_out_arrears(actor=reviewer, transfer=transfer) == M("359.00")
    bill_number = difference.bill.number
    assert bill_number in owed.why_zh and difference.case_number in owed.why_zh and "2025年03月" in owed.why_zh
    # when the reviewer would go on: refused, naming the amount and the bill, nothing written
    with pytest.raises(Conflict) as refused:
        services.transfer_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    assert "359.00" in refused.value.message_zh and bill_number in refused.value.message_zh
    assert bill_number in refused.value.message_en
    assert fresh(case).current_step.kind == "review"
    # the clerk's page shows the figure and why
    sign_in(client, clerk)
    html = client.get(f"/transfers/{case.number}/").content.decode()
    assert "¥359.00" in html and bill_number in html
    # when refused for it: the reason the person and the new agency get names the bill
    t = services.transfer_refuse_arrears(actor=reviewer, case_id=case.pk, version=case.version)
    assert t.state == "refused" and "359.00" in t.refusal_reason and bill_number in t.refusal_reason
    refusal = PlatformMessage.objects.get(direction="out", kind="refusal")
    assert bill_number in refusal.payload["body"]["reason"]


def test_months_in_arrears_and_an_overdue_difference_add_up(leaving, district, reviewer):
    # given January 2026 in arrears (800.00 + 400.00) and March 2025's overdue difference (359.00)
    months(leaving, D(2026, 1, 1), 1, M("5000.00"), status=ContributionMonth.Status.ARREARS)
    corrected_march(leaving, district, due=D(2026, 2, 15))
    letter(leaving)
    owed = services.transfer_out_owed(actor=reviewer, transfer=Transfer.objects.get())
    assert (owed.months, owed.total) == (M("1200.00"), M("1559.00"))
    assert owed.why_zh.startswith("欠费月份 1200.00 元；2025年03月缴费基数更正补差 359.00 元")


def test_a_difference_not_yet_due_or_paid_is_not_owed(leaving, district, reviewer):
    # given the difference bill due 15 Mar 2026: on 2 Mar it is not in arrears, as a month not yet due
    difference = corrected_march(leaving, district, due=D(2026, 3, 15))
    letter(leaving)
    transfer = Transfer.objects.get()
    assert services.transfer_out_arrears(actor=reviewer, transfer=transfer) == M("0.00")
    # nor once paid, whatever its due date
    difference.bill.due_date = D(2026, 2, 15)
    difference.bill.status = "paid"
    difference.bill.save()
    assert services.transfer_out_arrears(actor=reviewer, transfer=transfer) == M("0.00")


def test_the_differences_are_read_with_the_actors_sight(leaving, district, other_district_clerk, reviewer):
    from shebao.contributions.selectors import differences_overdue_of_person

    corrected_march(leaving, district, due=D(2026, 2, 15))
    (owed,) = differences_overdue_of_person(actor=reviewer, person=leaving, as_of=D(2026, 3, 2))
    assert (owed.period, owed.total) == (D(2025, 3, 1), M("359.00"))
    with pytest.raises(NotFound):
        differences_overdue_of_person(actor=other_district_clerk, person=leaving, as_of=D(2026, 3, 2))
