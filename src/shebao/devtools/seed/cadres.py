"""Demo 自主择业军转干部: twelve cadres across the demo districts, all still managed centrally by
the city, so that a demo user (``admin`` or ``monitor``) can run the move to district management
at /medical/cadres/move/ and see the count per district — three of them live in 黄陂区 and 江夏区,
new urban districts the CentralDistrictsRule row keeps central.

Each cadre is an insured person in the registry too (参保人, flexible category: they work on their
own account), registered by the registry's own service as the demo's administrator would at a
window, so a clerk can look them up and open 接续/分户/续保 (YB-010/YB-012/YB-013) for them: the
district's clerk after the move, the centre's before it and for the districts kept central.

Made-up names and ID numbers (valid check digits; sequence codes 411-434, below the demo's limit of
500 like the demo's other people and apart from the bulk data's 500-999). Idempotent: a cadre is
found by ID number and written once, a person already registered is left as they are; a cadre an
earlier version of this module wrote under a 9xx sequence code is renumbered (the number is the
person's, and 9xx is the bulk data's range)."""

from __future__ import annotations

import datetime as dt

from shebao.core.channels import Channel
from shebao.core.errors import Conflict
from shebao.core.identifiers import id_number_make
from shebao.core.models import Account, Area, Role
from shebao.medical.models import Cadre
from shebao.registry.models import Person
from shebao.registry.services.persons import person_register

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
FIRST_SEQUENCE = 411  # the n-th cadre's sequence code: 411 + 2n, + 1 for a woman (the parity is the sex)
OLD_FIRST_SEQUENCE = 901  # the 9xx codes the first version used


def _number(code: str, n: int, sex: str, birth: dt.date, *, first: int = FIRST_SEQUENCE) -> str:
    return id_number_make(region_code=code, birth_date=birth, sequence=first + 2 * n + (sex == "F"))


def _phone(number: str) -> str:
    return f"1370000{number[14:17]}0"


def _registrar() -> Account | None:
    """The demo's administrator registers the cadres (the registry's writers are staff)."""
    return Account.objects.filter(kind=Account.Kind.STAFF, role=Role.ADMIN, is_active=True).order_by("id").first()


def write_demo_cadres() -> int:
    """Write the demo cadres that are not there yet (central, not moved) and register each as a
    person (when the demo has its administrator); returns how many cadres were written."""
    areas = {a.code: a for a in Area.objects.filter(code__in={row[0] for row in CADRES})}
    registrar = _registrar()
    written = 0
    for n, (code, name, sex, birth) in enumerate(CADRES):
        area = areas.get(code)
        if area is None:
            continue  # a demo without that district
        id_number = _number(code, n, sex, birth)
        old = _number(code, n, sex, birth, first=OLD_FIRST_SEQUENCE)
        if not Cadre.objects.filter(id_number=id_number).exists():
            Cadre.objects.filter(id_number=old, name=name).update(id_number=id_number)
        _, created = Cadre.objects.get_or_create(
            id_number=id_number, defaults={"name": name, "residence_district": area}
        )
        written += created
        if registrar is not None:
            try:
                person_register(
                    actor=registrar,
                    id_number=id_number,
                    name=name,
                    district=area,
                    category=Person.Category.FLEXIBLE,
                    sex=sex,
                    birth_date=birth,
                    address=f"武汉市{area.name}（演示地址 / demo address）",
                    phone=_phone(id_number),
                    channel=Channel.SYSTEM,
                )
            except Conflict:
                if not Person.objects.filter(id_number=id_number, name=name).exists():
                    raise  # the number is someone else's: the demo plan is wrong, say so
                # registered already: left as it is
    return written


def planned_cadre_persons() -> set[tuple[str, str, str, dt.date, str, str]]:
    """(ID number, name, sex, birth date, category, district code) of the persons this module adds
    to the demo."""
    return {
        (_number(code, n, sex, birth), name, sex, birth, Person.Category.FLEXIBLE, code)
        for n, (code, name, sex, birth) in enumerate(CADRES)
    }
