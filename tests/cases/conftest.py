"""Test items and a working office for the engine tests.

Test items (codes "T-…") are registered once per session beside the real catalogue."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from shebao.cases.handlers import items_register
from shebao.catalog.definitions import (
    Applicant,
    FieldSpec,
    ItemSpec,
    MaterialSpec,
    PhaseSpec,
    StepSpec,
    registered_specs,
)
from shebao.catalog.services import catalog_sync
from shebao.core.models import OpeningHours, SkillGroup

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

_FIELDS = (
    FieldSpec("address", "居住地址", "Address", "text"),
    FieldSpec("start", "开始日期", "Start date", "date", required=False),
)
_MATERIALS = (
    MaterialSpec("id_card", "居民身份证", "ID card"),
    MaterialSpec("address_proof", "居住证明", "Proof of address", commitment_allowed=True),
    MaterialSpec("photo", "照片", "Photo", required=False),
)


def _item(code: str, level: int, **kw) -> ItemSpec:
    defaults = dict(
        code=code,
        name=f"测试事项{code}",
        name_en=f"Test item {code}",
        insurance="pension",
        policy_basis="《中华人民共和国社会保险法》",
        skill_group="register",
        risk_level=level,
        jurisdiction="applicant_district",
        channels=("hall", "community", "online", "app"),
        office_kinds=("district_office", "community_centre"),
        promised_days=5,
        saturday=True,
        fields=_FIELDS,
        materials=_MATERIALS,
    )
    defaults.update(kw)
    return ItemSpec(**defaults)


TEST_ITEMS = (
    _item(
        "T-CARD2",
        2,
        insurance="card",
        skill_group="card",
        channels=("bank", "hotline"),
        office_kinds=("bank_outlet", "hotline"),
        jurisdiction="card_centre",
        promised_days=3,
    ),
    _item("T-L1", 1, promised_days=0),
    _item("T-L2", 2),
    _item("T-L3", 3, promised_days=10, saturday=False, max_extension_days=10),
    _item("T-G1", 1, form_group="flexible_enrol", promised_days=3),
    _item("T-G2", 2, form_group="flexible_enrol", promised_days=5),
    _item(
        "T-XFER",
        3,
        promised_days=None,
        phases=(
            PhaseSpec(
                "p1",
                "转入地审核",
                "New agency check",
                (StepSpec("accept", "受理", "Accept", 1), StepSpec("review", "复核", "Review", 2)),
                promised_days=15,
            ),
            PhaseSpec(
                "p2",
                "转出地办理",
                "Original agency",
                (StepSpec("outside", "转出地办理", "Outside", 1),),
                party="outside",
                promised_days=15,
            ),
            PhaseSpec(
                "p3",
                "转入办结",
                "Transfer in",
                (StepSpec("review", "复核", "Review", 2), StepSpec("approve", "审批", "Approve", 3)),
                promised_days=15,
            ),
        ),
    ),
    # filed by an employer for its staff (it names the unit), or by the person, or at a window
    _item(
        "T-UNIT",
        2,
        fields=(FieldSpec("unit_code", "统一社会信用代码", "Unit code", "text", required=False), *_FIELDS),
    ),
    _item(
        "T-CARD",
        1,
        insurance="card",
        skill_group="card",
        channels=("bank", "hall"),
        office_kinds=("bank_outlet", "district_office"),
        jurisdiction="receiving_office",
        promised_days=0,
    ),
)


@pytest.fixture(scope="session", autouse=True)
def _register_test_items():
    if "T-L1" not in registered_specs():
        items_register(*TEST_ITEMS)


@pytest.fixture
def catalogue(db):
    catalog_sync()


@pytest.fixture
def working_hours(office, other_office, bank_outlet):
    for o in (office, other_office, bank_outlet):
        for wd in range(5):
            OpeningHours.objects.get_or_create(office=o, weekday=wd, opens=dt.time(9), closes=dt.time(17))
        OpeningHours.objects.get_or_create(office=o, weekday=5, opens=dt.time(9), closes=dt.time(16))


@pytest.fixture
def skills(catalogue, clerk, reviewer, approver, other_district_clerk, bank_agent):
    register_group = SkillGroup.objects.get(code="register")
    for person in (clerk, reviewer, approver, other_district_clerk):
        person.skill_groups.add(register_group)
    bank_agent.skill_groups.add(SkillGroup.objects.get(code="card"))


@pytest.fixture
def at():
    """Freeze the clock at a given Asia/Shanghai wall time; returns a traveller."""
    travellers = []

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
def applicant(citizen, district):
    return Applicant(id_number=citizen.id_number, name=citizen.full_name, district=district, account=citizen)


@pytest.fixture
def engine(skills, working_hours, at):
    """Everything a case needs: the catalogue, staff with skills, open offices, Tue 10 Feb 2026 10:00."""
    at(2026, 2, 10, 10, 0)
    return at


ALL = {"id_card": "received", "address_proof": "received"}  # handed in at a window (staff only)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded materials land in a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def uploaded(actor, content: bytes = PDF, name: str = "scan.pdf") -> dict[str, str]:
    """A material as an applicant supplies it online: a file they uploaded."""
    from shebao.cases.materials import upload_store

    return {"state": "uploaded", "file": upload_store(actor=actor, name=name, content=content, channel="online").ref}


def online(actor) -> dict:
    """Complete materials of the test items from an applicant online: the ID card uploaded, the
    proof of address replaced by a commitment (the catalogue allows one)."""
    return {"id_card": uploaded(actor), "address_proof": "commitment"}


def verify_uploads(case):
    """The office's clerk verifies every file of ``case`` still waiting (issue 13: an upload
    counts, and the clock starts, only then); returns the case as it now is."""
    from shebao.cases.models import Case
    from shebao.cases.services.materials import case_material_verify
    from shebao.core.models import Account

    clerk = Account.objects.get(username="clerk")
    for code in list(case.materials.filter(verification="pending").values_list("material__code", flat=True)):
        fresh = Case.objects.get(pk=case.pk)
        case_material_verify(actor=clerk, case_id=fresh.pk, version=fresh.version, code=code, decision="verified")
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def reviewer2(skills, office):
    from shebao.core.models import Role
    from tests.conftest import _staff

    person = _staff("reviewer2", Role.REVIEWER, office, 2, full_name="陈复核")
    person.skill_groups.add(SkillGroup.objects.get(code="register"))
    return person


@pytest.fixture
def open_body(citizen, district, media):
    """A citizen's online application of T-L2, as the API takes it, with complete materials."""
    return {
        "item_code": "T-L2",
        "applicant_id_number": citizen.id_number,
        "applicant_name": "张三",
        "district_code": district.code,
        "channel": "online",
        "form": {"address": "江岸区胜利街1号"},
        "materials": online(citizen),
    }


@pytest.fixture
def firm(unit_operator, district):
    """The operator's unit, with a current employee (who has an account) and a former one."""
    from tests.factories import citizen_account
    from tests.web.support import employ, make_person, make_unit

    unit = make_unit(code=unit_operator.unit_code, district=district)
    employee = citizen_account(name="王五")
    employ(make_person(district=district, name="王五", account=employee), unit)
    former = citizen_account(name="赵六")
    employ(make_person(district=district, name="赵六", account=former), unit, end=dt.date(2025, 12, 31))
    return {"unit": unit, "employee": employee, "former": former}
