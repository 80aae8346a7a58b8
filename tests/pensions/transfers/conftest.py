"""A world for the transfers: the catalogue, benefit staff with a second reviewer, open offices,
a person registered in the clerk's district (the citizen), and the simulated platform."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from shebao.catalog.services import catalog_sync
from shebao.contributions.models import ContributionMonth
from shebao.core.models import OpeningHours, Role, SkillGroup
from shebao.registry.models import InsuredStatus, Person
from tests.conftest import _staff

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def at():
    """Freeze the clock at an Asia/Shanghai wall time; call again to move it."""
    travellers: list = []

    def _at(*args):
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(dt.datetime(*args, tzinfo=SHANGHAI), tick=False)
        traveller.start()
        travellers.append(traveller)

    yield _at
    for t in travellers:
        t.stop()


@pytest.fixture
def reviewer2(office):
    return _staff("reviewer2", Role.REVIEWER, office, 2, full_name="周复核")


@pytest.fixture
def world(db, settings, at, office, other_office, clerk, reviewer, reviewer2, approver, other_district_clerk):
    settings.PENSION_TRANSFER_PLATFORM = "simulated"
    settings.PENSION_TRANSFER_SIMULATED_DAYS = 5
    catalog_sync()
    benefit = SkillGroup.objects.get(code="benefit")
    for staff in (clerk, reviewer, reviewer2, approver, other_district_clerk):
        staff.skill_groups.add(benefit)
    for o in (office, other_office):
        for wd in range(5):
            OpeningHours.objects.get_or_create(office=o, weekday=wd, opens=dt.time(9), closes=dt.time(17))
    at(2026, 3, 2, 10, 0)  # Monday 2 March 2026
    return office


def person_of(
    account, district, *, sex="M", birth=dt.date(1985, 3, 14), hukou="湖北省武汉市江岸区", phone="13800138000"
):
    return Person.objects.create(
        id_number=account.id_number,
        name=account.full_name,
        sex=sex,
        birth_date=birth,
        category=Person.Category.EMPLOYEE,
        hukou_place=hukou,
        district=district,
        account=account,
        phone=phone,
    )


def months(person, first: dt.date, count: int, base: Decimal, status=ContributionMonth.Status.PAID):
    """``count`` ledger months from ``first`` at ``base``: 16 % employer, 8 % personal to the account."""
    rows = []
    period = first
    for _ in range(count):
        rows.append(
            ContributionMonth(
                person=person,
                period=period,
                base=base,
                pension_employer=(base * Decimal("0.16")).quantize(Decimal("0.01")),
                pension_personal=(base * Decimal("0.08")).quantize(Decimal("0.01")),
                account_credit=(base * Decimal("0.08")).quantize(Decimal("0.01")),
                status=status,
            )
        )
        period = (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    ContributionMonth.objects.bulk_create(rows)
    InsuredStatus.objects.get_or_create(
        person=person, insurance="pension", defaults={"status": "active", "since": first}
    )
    return rows
