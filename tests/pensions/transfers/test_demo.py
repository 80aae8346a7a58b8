"""The demo's transfers: a few in each state in both directions, made once; the Art. 5 and
Art. 7 refusals when the demo has someone they apply to."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from shebao.contributions.models import ContributionMonth
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
    # four applicants with Wuhan hukou, a man of 56 from Shenzhen (第五条), three leaving, one in arrears
    for n in range(4):
        months(person_of(citizen_account(name=f"转入{n}"), district), dt.date(2024, 1, 1), 6, Decimal("6000.00"))
    person_of(citizen_account(name="老赵"), district, birth=dt.date(1970, 1, 1), hukou="广东省深圳市")
    for n in range(3):
        months(person_of(citizen_account(name=f"转出{n}"), district), dt.date(2024, 1, 1), 6, Decimal("6000.00"))
    owing = person_of(citizen_account(name="欠费"), district)
    months(owing, dt.date(2026, 1, 1), 1, Decimal("5000.00"), status=ContributionMonth.Status.ARREARS)
    # when the demo is written
    assert write_demo_transfers(today=dt.date(2026, 3, 2)) == 9
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
        ("out", "refused"): 1,
    }
    assert "第五条" in Transfer.objects.get(direction="in", state="refused").refusal_reason
    assert "1200.00" in Transfer.objects.get(direction="out", state="refused").refusal_reason
    assert write_demo_transfers(today=dt.date(2026, 3, 2)) == 0
