"""Pension tests run on the engine's office and clock (Tue 10 Feb 2026 10:00) with the benefit
skill group given to the district's staff: ``usefixtures("engine", "benefit_staff")``."""

from __future__ import annotations

import pytest

from shebao.core.models import SkillGroup
from tests.cases.conftest import (  # noqa: F401 (pytest finds fixtures by name)
    _register_test_items,
    at,
    catalogue,
    engine,
    skills,
    working_hours,
)


@pytest.fixture
def benefit_staff(request, clerk, reviewer, approver, other_district_clerk):
    request.getfixturevalue("skills")  # the catalogue synced and the register skills given
    group = SkillGroup.objects.get(code="benefit")
    for person in (clerk, reviewer, approver, other_district_clerk):
        person.skill_groups.add(group)
