"""The demo cadres: twelve, all central, idempotent; the move on them gives the count per district
a demo user sees (three kept central: 黄陂 and 江夏 are new urban districts in the rule row)."""

from __future__ import annotations

from shebao.core.models import Area, Office
from shebao.devtools.seed.cadres import CADRES, write_demo_cadres
from shebao.medical.cadres import cadres_move_to_districts
from shebao.medical.models import Cadre


def test_the_demo_cadres_are_written_once_and_the_move_reports_them_per_district(city):
    for code in sorted({row[0] for row in CADRES}):
        area = Area.objects.create(code=code, name=f"区{code}", kind=Area.Kind.DISTRICT, parent=city)
        area.district = area
        area.save()
        Office.objects.create(code=f"SI-{code}", name=f"{code}社保处", kind=Office.Kind.DISTRICT_OFFICE, area=area)
    Office.objects.create(code="MED-CITY", name="武汉市医疗保险中心", kind=Office.Kind.MEDICAL_CENTRE, area=city)
    assert write_demo_cadres() == 12 and write_demo_cadres() == 0
    assert Cadre.objects.filter(management=Cadre.Management.CENTRAL).count() == 12
    report = cadres_move_to_districts(actor=None)
    # by hand from CADRES: 江岸 3, 武昌 3, 江汉 2, 洪山 1; 黄陂 2 + 江夏 1 kept central
    assert report.per_district == {"420102": 3, "420103": 2, "420106": 3, "420111": 1, "central": 3}
