"""The demo's transfers out read what a person owes as the transfer out does (第七条): the months
in arrears and the overdue differences of base corrections (补差), so a person whose only debt
is an unpaid difference bill is the demo's refusal for arrears, never one of its clean transfers.

``leaving`` (tests/pensions/transfers/test_transfer_out.py) on Mon 2 Mar 2026, March 2025 corrected
6333.33 → 7000.00: a difference bill of 256.00 + 103.00 = 359.00 (test_transfer_out_difference.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from shebao.contributions.models import Bill, ContributionMonth
from shebao.core.models import Role, SkillGroup
from shebao.pensions.transfers import services
from shebao.pensions.transfers.demo import _owed, write_demo_transfers
from shebao.pensions.transfers.models import Transfer
from tests.conftest import _staff
from tests.contributions.difference_support import difference_make
from tests.factories import citizen_account
from tests.pensions.transfers.conftest import months, person_of
from tests.pensions.transfers.test_transfer_out import leaving, letter
from tests.pensions.transfers.test_transfer_out_difference import corrected_march
from tests.web.support import make_unit

__all__ = ["leaving"]
D = dt.date
M = Decimal
TODAY = D(2026, 3, 2)


def test_the_demo_owes_what_the_transfer_out_owes(leaving, district, reviewer):
    # given March 2025's difference bill due 15 Feb 2026, unpaid on 2 Mar; no month in arrears
    difference = corrected_march(leaving, district, due=D(2026, 2, 15))
    letter(leaving)
    transfer = Transfer.objects.get()
    # then the demo's figure is the service's: the overdue difference, both parts
    owed = services.transfer_out_owed(actor=reviewer, transfer=transfer)
    assert _owed(reviewer, leaving, TODAY) == owed.total == M("359.00")
    # a month in arrears beside it adds up alike (800.00 + 400.00 at 16 % and 8 % of 5000)
    months(leaving, D(2026, 1, 1), 1, M("5000.00"), status=ContributionMonth.Status.ARREARS)
    owed = services.transfer_out_owed(actor=reviewer, transfer=transfer)
    assert _owed(reviewer, leaving, TODAY) == owed.total == M("1559.00")
    # and its bill cancelled (a demand withdrawn: nothing overdue), neither counts the difference
    Bill.objects.filter(pk=difference.bill_id).update(status=Bill.Status.CANCELLED)
    owed = services.transfer_out_owed(actor=reviewer, transfer=transfer)
    assert _owed(reviewer, leaving, TODAY) == owed.total == M("1200.00")


def test_the_demo_refuses_the_person_whose_only_debt_is_an_overdue_difference(
    world, district, office, clerk, reviewer, approver
):
    second = _staff("reviewer_yl", Role.REVIEWER, office, 2)
    second.skill_groups.add(SkillGroup.objects.get(code="benefit"))
    for n in range(4):
        months(person_of(citizen_account(name=f"转入{n}"), district), D(2024, 1, 1), 6, M("6000.00"))
    person_of(citizen_account(name="老赵"), district, birth=D(1970, 1, 1), hukou="广东省深圳市")
    for n in range(3):
        months(person_of(citizen_account(name=f"转出{n}"), district), D(2024, 1, 1), 6, M("6000.00"))
    # the one who owes: every month paid, but March 2024's base correction's bill overdue since 15 Feb
    owing = person_of(citizen_account(name="补差"), district)
    months(owing, D(2024, 1, 1), 6, M("6000.00"))
    row = ContributionMonth.objects.get(person=owing, period=D(2024, 3, 1))
    row.unit = make_unit(code="91420102MA4KXXXX1X", district=district, name="江岸甲公司")
    row.save(update_fields=["unit"])
    difference = difference_make(
        row, kind="due", employer="160.00", personal="80.00", base_after="7000.00", due_date=D(2026, 2, 15)
    )
    # when the demo is written
    assert write_demo_transfers(today=TODAY) == 9
    # then the transfer out refused for arrears is theirs, naming the difference bill
    states = Counter(Transfer.objects.values_list("direction", "state"))
    assert states[("out", "refused")] == 1 and states[("out", "completed")] == 1
    refused = Transfer.objects.get(direction="out", state="refused")
    assert refused.id_number == owing.id_number
    assert "240.00" in refused.refusal_reason and difference.bill.number in refused.refusal_reason
