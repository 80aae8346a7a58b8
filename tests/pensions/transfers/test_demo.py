"""The demo's transfers: a few in each state in both directions, made once."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from shebao.core.models import Role, SkillGroup
from shebao.pensions.transfers.demo import write_demo_transfers
from shebao.pensions.transfers.models import Transfer
from tests.conftest import _staff
from tests.factories import citizen_account
from tests.pensions.transfers.conftest import months, person_of


def test_the_demo_has_transfers_in_each_state_once(world, district, office, clerk, reviewer, approver):
    # the demo's second reviewer of 江岸区 (devtools.seed.staff): a transfer in takes four people
    second = _staff("reviewer_yl", Role.REVIEWER, office, 2)
    second.skill_groups.add(SkillGroup.objects.get(code="benefit"))
    for n in range(8):
        person = person_of(citizen_account(name=f"演示{n}"), district)
        months(person, dt.date(2024, 1, 1), 6, Decimal("6000.00"))
    assert write_demo_transfers(today=dt.date(2026, 3, 2)) == 8
    states = Counter(Transfer.objects.values_list("direction", "state"))
    assert states == {
        ("in", "completed"): 1,
        ("in", "letter_sent"): 1,
        ("in", "funds_received"): 1,
        ("in", "applied"): 1,
        ("in", "refused"): 1,
        ("out", "letter_received"): 1,
        ("out", "sent"): 1,
        ("out", "completed"): 1,
    }
    assert write_demo_transfers(today=dt.date(2026, 3, 2)) == 0
