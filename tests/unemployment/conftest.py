"""A claimant as the records know them: a Wuhan employee of 汉口纺织有限公司 whose employment
ended on 31 January 2026, with months of unemployment contributions in the ledger; the case
engine ready (catalogue, staff with the unemployment skill, open offices, Tue 10 Feb 2026)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.catalog.definitions import Applicant
from shebao.contributions.models import ContributionMonth
from shebao.core.identifiers import credit_code_make
from shebao.core.models import SkillGroup
from shebao.core.months import month_add
from tests.cases.conftest import at, catalogue, engine, skills, working_hours  # noqa: F401  (fixtures)
from tests.web.support import employ, make_person, make_unit

ENDED = dt.date(2026, 1, 31)
CARD = "6222021234567894"


def contribute(person, *, months: int, last: dt.date = dt.date(2026, 1, 1)) -> None:
    """``months`` paid months with an unemployment contribution, the last one ``last``."""
    ContributionMonth.objects.bulk_create(
        ContributionMonth(
            person=person,
            period=month_add(last, -i),
            base=Decimal("5000.00"),
            unemployment_employer=Decimal("35.00"),
            unemployment_personal=Decimal("15.00"),
            status=ContributionMonth.Status.PAID,
        )
        for i in range(months)
    )


@pytest.fixture
def applicant(citizen, district):
    return Applicant(id_number=citizen.id_number, name=citizen.full_name, district=district, account=citizen)


@pytest.fixture
def person(engine, citizen, district, clerk, other_district_clerk):  # noqa: F811  (the imported fixture)
    group = SkillGroup.objects.get(code="unemployment")
    clerk.skill_groups.add(group)
    other_district_clerk.skill_groups.add(group)
    return make_person(district=district, name=citizen.full_name, account=citizen)


@pytest.fixture
def employer(person, district):
    return make_unit(code=credit_code_make(region_code="420102", serial=7), district=district, name="汉口纺织有限公司")


@pytest.fixture
def separated(person, employer):
    """Employed from 2021-01-01 to 2026-01-31, 60 months contributed (2021-02 … 2026-01)."""
    employ(person, employer, start=dt.date(2021, 1, 1), end=ENDED)
    contribute(person, months=60)
    return person


def claim_form(citizen, **changes):
    return {
        "id_number": citizen.id_number,
        "name": citizen.full_name,
        "phone": "13800138000",
        "terminated_on": ENDED.isoformat(),
        "end_reason": "contract_ended",
        "bank_card": CARD,
    } | changes
