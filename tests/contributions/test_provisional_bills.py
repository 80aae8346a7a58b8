"""Bills of the monthly assessment computed from a row carried forward past its period are
provisional and name the row (both paths: the ORM, and the bulk SQL path on PostgreSQL); a
month with its own published row is not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.contributions.models import Bill, ContributionMonth, WageBase
from shebao.contributions.services import assessment_run
from tests.contributions.test_assessment import JAN, PATHS, frozen, world  # noqa: F401 (fixtures)

D = Decimal


@pytest.mark.parametrize("path", PATHS)
def test_a_month_after_the_last_published_limits_gives_provisional_bills_naming_the_row(
    world,  # noqa: F811
    admin_user,
    frozen,  # noqa: F811
    path,
):
    # given no 2026 base-limit row: January 2026 is assessed by the 2025 row, carried forward
    row_2025 = WageBase.objects.get(region="wuhan", year=2025)
    assessment_run(period=JAN, actor=admin_user, path=path)
    bills = list(Bill.objects.filter(period=JAN))
    # then every bill (units and flexible workers) is provisional and names the 2025 row
    assert len(bills) == 5
    for bill in bills:
        assert bill.provisional
        assert {(x["table"], x["id"], x["key"]) for x in bill.carried_forward} == {
            ("WageBase", row_2025.pk, "2025/average"),
            ("WageBase", row_2025.pk, "2025/floor"),
            ("WageBase", row_2025.pk, "2025/cap"),
        }
        assert all(x["provisional"] for x in bill.carried_forward)
    # and each ledger row names them for replay
    keys = {tuple(row.rules["carried_forward"]) for row in ContributionMonth.objects.filter(period=JAN)}
    assert keys == {("WageBase:2025/average", "WageBase:2025/floor", "WageBase:2025/cap")}


@pytest.mark.parametrize("path", PATHS)
def test_a_month_with_its_own_published_row_gives_final_bills(world, admin_user, frozen, path):  # noqa: F811
    # given the 2026 row entered by an administrator
    WageBase.objects.create(
        region="wuhan",
        year=2026,
        average=D("7496"),
        floor=D("4498"),
        cap=D("22488"),
        effective_from=dt.date(2026, 1, 1),
        effective_to=dt.date(2026, 12, 31),
        source="test",
        confidence="L",
    )
    assessment_run(period=JAN, actor=admin_user, path=path)
    # then no bill is provisional, and no ledger row names a carried row
    bills = list(Bill.objects.filter(period=JAN))
    assert len(bills) == 5 and [bill.carried_forward for bill in bills] == [[]] * 5
    assert not ContributionMonth.objects.filter(period=JAN, rules__has_key="carried_forward").exists()
