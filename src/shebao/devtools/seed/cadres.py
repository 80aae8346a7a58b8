"""Demo 自主择业军转干部: twelve cadres across the demo districts, all still managed centrally by
the city, so that a demo user (``admin`` or ``monitor``) can run the move to district management
at /medical/cadres/move/ and see the count per district — three of them live in 黄陂区 and 江夏区,
new urban districts the CentralDistrictsRule row keeps central. They are not written into the
registry's persons (the demo's person counts are checked exactly by the seed's tests).

Made-up names and ID numbers (valid check digits, sequence numbers 9xx, apart from the demo's
people). Idempotent: a cadre is found by ID number and written once."""

from __future__ import annotations

import datetime as dt

from shebao.core.identifiers import id_number_make
from shebao.core.models import Area
from shebao.medical.models import Cadre

# (district code, name, sex, birth date): 江岸 3, 武昌 3, 江汉 2, 洪山 1, 黄陂 2 and 江夏 1 (kept central)
CADRES: tuple[tuple[str, str, str, dt.date], ...] = (
    ("420102", "杨振军", "M", dt.date(1972, 3, 8)),
    ("420102", "许卫国", "M", dt.date(1975, 8, 21)),
    ("420102", "邓建华", "F", dt.date(1978, 1, 30)),
    ("420106", "罗志坚", "M", dt.date(1970, 11, 2)),
    ("420106", "韩海峰", "M", dt.date(1974, 6, 17)),
    ("420106", "唐秀英", "F", dt.date(1979, 4, 9)),
    ("420103", "曹立新", "M", dt.date(1971, 9, 25)),
    ("420103", "彭向东", "M", dt.date(1976, 12, 12)),
    ("420111", "潘国强", "M", dt.date(1973, 2, 14)),
    ("420116", "田学军", "M", dt.date(1969, 7, 1)),
    ("420116", "董红", "F", dt.date(1977, 10, 5)),
    ("420115", "袁保国", "M", dt.date(1972, 5, 28)),
)


def write_demo_cadres() -> int:
    """Write the demo cadres that are not there yet (central, not moved); returns how many."""
    areas = {a.code: a for a in Area.objects.filter(code__in={row[0] for row in CADRES})}
    written = 0
    for n, (code, name, sex, birth) in enumerate(CADRES):  # sex: the sequence's parity
        area = areas.get(code)
        if area is None:
            continue  # a demo without that district
        id_number = id_number_make(region_code=code, birth_date=birth, sequence=901 + 2 * n + (sex == "F"))
        _, created = Cadre.objects.get_or_create(
            id_number=id_number, defaults={"name": name, "residence_district": area}
        )
        written += created
    return written
