"""The case engine's fixtures (catalogue, staff, open offices, a frozen clock) plus the city
medical centre with its staff, and a fresh fake bank per test."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.core.models import Office, OpeningHours, Role, SkillGroup
from shebao.medical.bank import FakeBank, bank_adapter, bank_adapter_set
from tests.cases.conftest import (  # noqa: F401  (the engine's fixtures, used by name)
    _register_test_items,
    applicant,
    at,
    catalogue,
    engine,
    media,
    skills,
    working_hours,
)


@pytest.fixture
def medical_centre(city) -> Office:
    centre = Office.objects.get_or_create(
        code="YB-CITY", defaults={"name": "武汉市医疗保障事务中心", "kind": Office.Kind.MEDICAL_CENTRE, "area": city}
    )[0]
    for weekday in range(6):
        OpeningHours.objects.get_or_create(
            office=centre, weekday=weekday, opens=dt.time(9), closes=dt.time(17 if weekday < 5 else 16)
        )
    return centre


@pytest.fixture
def centre_staff(engine, medical_centre, clerk):  # noqa: F811
    """(centre clerk, centre reviewer, centre approver); the district clerk gets the medical skill."""
    from tests.conftest import _staff

    medical = SkillGroup.objects.get(code="medical")
    clerk.skill_groups.add(medical)
    people = (
        _staff("yb_clerk", Role.CLERK, medical_centre, 1, full_name="医保受理"),
        _staff("yb_reviewer", Role.REVIEWER, medical_centre, 2, full_name="医保复核"),
        _staff("yb_approver", Role.APPROVER, medical_centre, 3, full_name="医保审批"),
    )
    for person in people:
        person.skill_groups.add(medical)
    return people


@pytest.fixture(autouse=True)
def bank():
    previous = bank_adapter()
    fake = FakeBank()
    bank_adapter_set(fake)
    yield fake
    bank_adapter_set(previous)
