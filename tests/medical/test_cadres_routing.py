"""The cadres' cases route by the cadre: to their district office once moved, to the city
medical-insurance centre while central or when the rule row keeps their district central (and
an administrator's change of that row changes the routing, no code); a district clerk can
neither open, nor see, nor act on another district's cadre."""

from __future__ import annotations

import pytest

from shebao.cases import selectors, services
from shebao.cases.models import Case
from shebao.catalog.definitions import Applicant
from shebao.core.errors import NotAllowed, NotFound
from shebao.core.models import SkillGroup
from shebao.medical.cadres import cadres_move_to_districts, cadres_visible
from shebao.medical.models import Cadre, CentralDistrictsRule
from tests.medical.test_cadres import (  # noqa: F401  (the fixtures "cadres", "huangpi", "huangpi_office")
    cadres_fixture,
    huangpi_fixture,
    huangpi_office_fixture,
)
from tests.web.support import sign_in

SPLIT = "YB-012"  # 分户: ID number, name, phone; the ID card


@pytest.fixture
def medical_staff(engine, centre_staff, other_district_clerk):
    """The district clerks (江岸's, 武昌's) and the centre's clerk, each with the medical skill."""
    other_district_clerk.skill_groups.add(SkillGroup.objects.get(code="medical"))
    return centre_staff[0]


def _applicant(cadre: Cadre) -> Applicant:
    return Applicant(id_number=cadre.id_number, name=cadre.name, district=cadre.residence_district, account=None)


def _open(actor, cadre: Cadre) -> Case:
    return services.case_open(
        actor=actor,
        item_code=SPLIT,
        applicant=_applicant(cadre),
        channel="hall",
        form={"id_number": cadre.id_number, "name": cadre.name, "phone": "13800138000"},
        materials={"id_card": "received"},
    )


def test_a_moved_cadres_case_goes_to_their_district_and_a_kept_ones_to_the_centre(
    medical_staff,
    cadres,
    clerk,
    office,
    medical_centre,
):
    jiangan, huangpi_cadre = cadres[0], cadres[4]
    # before the move the centre manages everyone: a cadre's case goes there
    assert _open(medical_staff, jiangan).office == medical_centre
    cadres_move_to_districts(actor=None)
    assert _open(clerk, jiangan).office == office
    # 黄陂 (420116) has a district office, but the rule row keeps its cadres central
    assert _open(medical_staff, huangpi_cadre).office == medical_centre


def test_changing_the_rule_row_changes_the_routing_without_code(
    medical_staff,
    cadres,
    clerk,
    office,
    medical_centre,
    monitor,
):
    jiangan = cadres[0]
    cadres_move_to_districts(actor=None)
    assert _open(clerk, jiangan).office == office
    # an administrator adds 江岸 (420102) to the districts kept central, in the rule row
    row = CentralDistrictsRule.objects.get(region="wuhan")
    row.district_codes = [*row.district_codes, "420102"]
    row.save()
    assert _open(medical_staff, jiangan).office == medical_centre
    with pytest.raises(NotAllowed, match="武汉市医疗保障事务中心"):  # nor may 江岸 receive it any more
        _open(clerk, jiangan)
    assert not cadres_visible(actor=clerk).exists()
    # the move brings the records in line: the three 江岸 cadres go back to the centre
    assert cadres_move_to_districts(actor=monitor).per_district == {"central": 3}
    # and taken out again, the next move splits them to 江岸 once more
    row.district_codes = [c for c in row.district_codes if c != "420102"]
    row.save()
    assert cadres_move_to_districts(actor=monitor).per_district == {"420102": 3}
    assert _open(clerk, jiangan).office == office


def test_a_person_who_is_not_a_cadre_follows_the_items_rule(medical_staff, clerk, office, applicant):
    case = services.case_open(
        actor=clerk,
        item_code=SPLIT,
        applicant=applicant,
        channel="hall",
        form={"id_number": applicant.id_number, "name": applicant.name, "phone": "13800138000"},
        materials={"id_card": "received"},
    )
    assert case.office == office


def test_a_district_clerk_cannot_open_see_or_act_on_another_districts_cadre(
    client,
    medical_staff,
    cadres,
    clerk,
    other_district_clerk,
    office,
):
    jiangan, wuchang = cadres[0], cadres[3]
    cadres_move_to_districts(actor=None)
    before = Case.objects.count()
    with pytest.raises(NotAllowed, match="武昌区社会保险管理处"):
        _open(clerk, wuchang)  # 江岸's clerk, 武昌's cadre
    assert Case.objects.count() == before
    with pytest.raises(NotAllowed, match="武汉市医疗保障事务中心"):
        _open(clerk, cadres[4])  # 黄陂's cadre: the centre's
    case = _open(clerk, jiangan)
    # 武昌's clerk: the case is not theirs to see or to act on, in the service and on the page
    with pytest.raises(NotFound):
        selectors.case_get(actor=other_district_clerk, number=case.number)
    with pytest.raises(NotAllowed):
        services.case_act(actor=other_district_clerk, case_id=case.pk, version=case.version, action="accept")
    case.refresh_from_db()
    assert (case.status, case.current_step.kind) == (Case.Status.IN_PROGRESS, "accept")  # untouched
    sign_in(client, other_district_clerk)
    assert client.get(f"/cases/{case.number}/").status_code == 404
    page = client.get("/medical/cadres/").content.decode()
    assert wuchang.name in page and jiangan.name not in page


def test_the_centre_clerk_handles_the_kept_cadres(medical_staff, cadres, medical_centre):
    kept = cadres[4]
    cadres_move_to_districts(actor=None)
    case = _open(medical_staff, kept)
    assert case.office == medical_centre
    done = services.case_act(actor=medical_staff, case_id=case.pk, version=case.version, action="accept")
    assert done.current_step.kind == "review" and done.office == medical_centre  # on to the centre's reviewer
