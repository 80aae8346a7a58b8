"""自主择业军转干部: the move to district management reassigns every cadre to their district's
office (分户 and 续保 that day), keeps the new urban districts central (the rule row), reports
the count per district, moves nobody twice; a district clerk sees only the cadres their office
handles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from shebao.core.errors import NotAllowed, NotFound
from shebao.core.models import Area, AuditEvent, Office
from shebao.medical.cadres import cadre_get, cadres_move_start, cadres_move_to_districts, cadres_visible
from shebao.medical.models import Cadre
from tests.factories import new_id_number

DAY = dt.date(2026, 12, 1)


@pytest.fixture(name="huangpi")
def huangpi_fixture(city) -> Area:
    area = Area.objects.get_or_create(
        code="420116", defaults={"name": "黄陂区", "kind": Area.Kind.DISTRICT, "parent": city}
    )[0]
    area.district = area
    area.save()
    return area


@pytest.fixture(name="huangpi_office")
def huangpi_office_fixture(huangpi) -> Office:
    """黄陂 has its own district office: its cadres stay central all the same (the rule row)."""
    return Office.objects.get_or_create(
        code="SI-420116",
        defaults={"name": "黄陂区社会保险管理处", "kind": Office.Kind.DISTRICT_OFFICE, "area": huangpi},
    )[0]


@pytest.fixture
def medical_centre(city) -> Office:
    return Office.objects.get_or_create(
        code="YB-CITY", defaults={"name": "武汉市医疗保障事务中心", "kind": Office.Kind.MEDICAL_CENTRE, "area": city}
    )[0]


@pytest.fixture(name="cadres")
def cadres_fixture(district, other_district, huangpi, office, other_office, huangpi_office, medical_centre):
    """3 in 江岸 (420102), 1 in 武昌 (420106), 1 in 黄陂 (420116, a new urban district), all central."""
    rows = []
    for n, area in enumerate([district, district, district, other_district, huangpi]):
        rows.append(
            Cadre.objects.create(
                id_number=new_id_number(area.code, dt.date(1975, 1, 1 + n)), name=f"干部{n}", residence_district=area
            )
        )
    return rows


def test_the_move_reassigns_every_cadre_and_reports_the_count_per_district(
    cadres, office, other_office, medical_centre
):
    report = cadres_move_to_districts(actor=None, day=DAY)
    # 3 in 江岸, 1 in 武昌; 黄陂 is kept central by the rule row: its cadre gets the centre
    assert report.per_district == {"420102": 3, "420106": 1, "central": 1} and report.total == 5
    assert report.status == "done"
    jiangan = Cadre.objects.filter(residence_district__code="420102")
    assert {(c.management, c.managing_office_id, c.split_on, c.continued_on) for c in jiangan} == {
        ("district", office.pk, DAY, DAY)
    }
    kept = Cadre.objects.get(residence_district__code="420116")
    assert (kept.management, kept.managing_office_id, kept.split_on) == ("central", medical_centre.pk, None)
    assert kept.rule_ref.startswith("medical.CentralDistrictsRule#")
    assert AuditEvent.objects.filter(action="medical.cadres_move").count() == 1
    # run again: nobody is where the rule does not put them, so nobody is reassigned
    again = cadres_move_to_districts(actor=None, day=DAY + dt.timedelta(days=1))
    assert again.per_district == {} and again.total == 0
    assert Cadre.objects.get(pk=cadres[0].pk).split_on == DAY
    assert AuditEvent.objects.filter(action="medical.cadres_move").count() == 2  # one per run


def test_the_command_runs_the_move_as_a_job_and_prints_the_report(cadres, capsys):
    call_command("medical_cadres_move", "--day", "2026-12-01")
    out = capsys.readouterr().out
    assert "420102\t3" in out and "420106\t1" in out and "central\t1" in out and "done" in out


def test_only_the_citys_administrators_start_the_move(cadres, clerk, monitor, admin_user):
    with pytest.raises(NotAllowed):
        cadres_move_start(actor=clerk, day=DAY)
    assert cadres_move_start(actor=monitor, day=DAY).kind == "medical.cadres_move"
    assert cadres_move_start(actor=admin_user, day=DAY).total_chunks == 1


def test_a_district_clerk_sees_only_the_cadres_their_office_handles(cadres, clerk, other_district_clerk):
    mine, theirs = cadres[0], cadres[3]
    assert not cadres_visible(actor=clerk).exists()  # before the move the centre handles everyone
    cadres_move_to_districts(actor=None, day=DAY)
    assert set(cadres_visible(actor=clerk)) == set(cadres[:3])
    assert cadre_get(actor=clerk, cadre_id=mine.pk) == mine
    events = AuditEvent.objects.count()
    with pytest.raises(NotFound):
        cadre_get(actor=clerk, cadre_id=theirs.pk)
    assert AuditEvent.objects.count() == events  # a refused look records nothing
    assert set(cadres_visible(actor=other_district_clerk)) == {theirs}


def test_citizens_and_bank_agents_see_no_cadre(cadres, citizen, bank_agent):
    cadres_move_to_districts(actor=None, day=DAY)
    assert not cadres_visible(actor=citizen).exists()
    assert not cadres_visible(actor=bank_agent).exists()


def test_the_cadres_page_lists_only_the_clerks_district(client, cadres, clerk):
    from tests.web.support import sign_in

    cadres_move_to_districts(actor=None, day=DAY)
    sign_in(client, clerk)
    page = client.get("/medical/cadres/").content.decode()
    assert "干部0" in page and "干部2" in page and "干部3" not in page and "干部4" not in page
