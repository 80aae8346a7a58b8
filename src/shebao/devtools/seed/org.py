"""The demo organisation: 武汉市 → 13 districts and 5 development zones → streets → 1,196
communities, its offices with opening hours, and the skill groups.

``plan_org`` is pure and deterministic; ``write_org`` stores a plan and returns the ids by code.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from shebao.core.models import Area, Office, OpeningException, OpeningHours, SkillGroup
from shebao.devtools.seed.data import (
    CITY_CENTRE_LATLNG,
    CITY_CODE,
    CITY_NAME,
    COMMUNITY_FIRST,
    COMMUNITY_SUFFIX,
    DISTRICTS,
    DistrictInfo,
)

COMMUNITY_COUNT = 1196  # the agency's community count (one community window network)
# The codes are the ones the service items name (catalog ItemSpec.skill_group); the names are
# what the catalogue sync would otherwise leave as the bare code.
SKILL_GROUPS: tuple[tuple[str, str], ...] = (
    ("register", "参保登记"),
    ("contribution", "缴费"),
    ("benefit", "待遇"),
    ("medical", "医疗"),
    ("unemployment", "失业"),
    ("card", "社保卡"),
    ("consult", "咨询投诉"),
)
# Offices that staff and tests refer to by code.
CITY_CENTRE = "SI-CITY"
MEDICAL_CENTRE = "MED-CITY"
CARD_CENTRE = "CARD-CITY"
HOTLINE = "HOTLINE-12333"
KIOSK_HOSTS = (CITY_CENTRE, "SI-420102", "SI-420103", "SI-420106", "SI-420111", "SI-4201Z1")

_T = dt.time
OFFICE_DAY = ((_T(9), _T(12)), (_T(13, 30), _T(17)))  # Mon-Fri, with the lunch break
# 周六延时服务 at the district offices, the community centres and the two city centres that
# run a Saturday set (catalog.definitions.SATURDAY_SETS)
SATURDAY_SERVICE = ((_T(9), _T(16)),)
SATURDAY_CENTRES = (MEDICAL_CENTRE, CARD_CENTRE)
BANK_WEEKDAY = ((_T(9), _T(17)),)
BANK_WEEKEND = ((_T(9, 30), _T(16, 30)),)
KIOSK_DAY = ((_T(8), _T(20)),)
HOTLINE_WEEKDAY = ((_T(8, 30), _T(17, 30)),)
HOTLINE_WEEKEND = ((_T(9), _T(17)),)


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    kind: str
    parent: str | None  # codes, resolved to ids on writing
    district: str | None


@dataclass(frozen=True)
class OfficeRow:
    code: str
    name: str
    kind: str
    area: str
    parent: str | None
    address: str
    phone: str
    latitude: Decimal
    longitude: Decimal


@dataclass(frozen=True)
class HoursRow:
    office: str
    weekday: int
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class ExceptionRow:
    office: str
    date: dt.date
    closed: bool
    opens: dt.time | None
    closes: dt.time | None
    note: str


@dataclass
class OrgPlan:
    areas: list[AreaRow] = field(default_factory=list)
    offices: list[OfficeRow] = field(default_factory=list)
    hours: list[HoursRow] = field(default_factory=list)
    exceptions: list[ExceptionRow] = field(default_factory=list)


def street_code(district: DistrictInfo, index: int) -> str:
    return f"{district.code}{index + 1:03d}"


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into whole shares proportional to ``weights`` (largest remainder), each ≥ 1."""
    if total < len(weights):
        raise ValueError("fewer items than buckets")
    spare = total - len(weights)
    scale = spare / sum(weights)
    exact = [w * scale for w in weights]
    shares = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (exact[i] - shares[i], -i), reverse=True)
    for i in by_remainder[: spare - sum(shares)]:
        shares[i] += 1
    return [s + 1 for s in shares]


def _point(rng: random.Random, lat: float, lng: float, spread: float) -> tuple[Decimal, Decimal]:
    return (
        Decimal(f"{lat + rng.uniform(-spread, spread):.6f}"),
        Decimal(f"{lng + rng.uniform(-spread, spread):.6f}"),
    )


def _address(rng: random.Random, district: DistrictInfo, street: str = "") -> str:
    return f"{CITY_NAME}{district.name}{street}{rng.choice(district.roads)}{rng.randint(1, 888)}号"


def _phone(rng: random.Random) -> str:
    return f"027-{rng.randint(5, 8)}{rng.randint(0, 9_999_999):07d}"


def _community_names(rng: random.Random) -> list[str]:
    names = [f"{first}{suffix}社区" for first in COMMUNITY_FIRST for suffix in COMMUNITY_SUFFIX]
    rng.shuffle(names)
    return names[:COMMUNITY_COUNT]


def _plan_areas(rng: random.Random, plan: OrgPlan) -> None:
    plan.areas.append(AreaRow(CITY_CODE, CITY_NAME, Area.Kind.CITY, None, None))
    streets: list[tuple[DistrictInfo, str, str]] = []
    for district in DISTRICTS:
        plan.areas.append(AreaRow(district.code, district.name, district.kind, CITY_CODE, district.code))
        for i, name in enumerate(district.streets):
            code = street_code(district, i)
            plan.areas.append(AreaRow(code, name, Area.Kind.STREET, district.code, district.code))
            streets.append((district, code, name))
    weights = [district.density * rng.uniform(0.6, 1.4) for district, _, _ in streets]
    names = iter(_community_names(rng))
    for (district, code, _), count in zip(streets, apportion(COMMUNITY_COUNT, weights), strict=True):
        for j in range(count):
            plan.areas.append(AreaRow(f"{code}{j + 1:03d}", next(names), Area.Kind.COMMUNITY, code, district.code))


def _hours(
    plan: OrgPlan, office: str, weekdays: range | tuple[int, ...], slots: tuple[tuple[dt.time, dt.time], ...]
) -> None:
    plan.hours.extend(HoursRow(office, day, opens, closes) for day in weekdays for opens, closes in slots)


def _plan_offices(rng: random.Random, plan: OrgPlan) -> None:
    by_code = {d.code: d for d in DISTRICTS}
    jianghan = by_code["420103"]
    lat, lng = CITY_CENTRE_LATLNG

    def city_office(code: str, name: str, kind: str, parent: str | None, phone: str) -> None:
        plan.offices.append(
            OfficeRow(code, name, kind, CITY_CODE, parent, _address(rng, jianghan), phone, *_point(rng, lat, lng, 0.01))
        )
        if kind == Office.Kind.HOTLINE:
            _hours(plan, code, range(5), HOTLINE_WEEKDAY)
            _hours(plan, code, (5, 6), HOTLINE_WEEKEND)
        else:
            _hours(plan, code, range(5), OFFICE_DAY)
        if code in SATURDAY_CENTRES:
            _hours(plan, code, (5,), SATURDAY_SERVICE)

    city_office(CITY_CENTRE, "武汉市社会保险中心", Office.Kind.CITY_CENTRE, None, "027-85734567")
    city_office(MEDICAL_CENTRE, "武汉市医疗保险中心", Office.Kind.MEDICAL_CENTRE, CITY_CENTRE, "027-85734600")
    city_office(CARD_CENTRE, "武汉市社会保障卡中心", Office.Kind.CARD_CENTRE, CITY_CENTRE, "027-85734700")
    city_office(HOTLINE, "武汉市12333服务热线", Office.Kind.HOTLINE, CITY_CENTRE, "12333")

    for district in DISTRICTS:
        code = f"SI-{district.code}"
        plan.offices.append(
            OfficeRow(
                code,
                f"{district.name}社会保险管理处",
                Office.Kind.DISTRICT_OFFICE,
                district.code,
                CITY_CENTRE,
                _address(rng, district),
                _phone(rng),
                *_point(rng, district.lat, district.lng, 0.01),
            )
        )
        _hours(plan, code, range(5), OFFICE_DAY)
        _hours(plan, code, (5,), SATURDAY_SERVICE)
        # one community service centre per street: the community windows of its communities
        for i, street in enumerate(district.streets):
            centre = f"CC-{street_code(district, i)}"
            plan.offices.append(
                OfficeRow(
                    centre,
                    f"{street}社区服务中心",
                    Office.Kind.COMMUNITY_CENTRE,
                    street_code(district, i),
                    code,
                    _address(rng, district, street),
                    _phone(rng),
                    *_point(rng, district.lat, district.lng, 0.04),
                )
            )
            _hours(plan, centre, range(5), OFFICE_DAY)
            _hours(plan, centre, (5,), SATURDAY_SERVICE)

    # 18 汉口银行 outlets doing card services, one in each district and zone
    for n, district in enumerate(DISTRICTS, start=1):
        code = f"BANK-{n:02d}"
        plan.offices.append(
            OfficeRow(
                code,
                f"汉口银行{district.bank_branch}支行社保卡服务网点",
                Office.Kind.BANK_OUTLET,
                district.code,
                CARD_CENTRE,
                _address(rng, district),
                "96558",
                *_point(rng, district.lat, district.lng, 0.02),
            )
        )
        _hours(plan, code, range(5), BANK_WEEKDAY)
        _hours(plan, code, (5, 6), BANK_WEEKEND)

    offices = {o.code: o for o in plan.offices}
    for n, host_code in enumerate(KIOSK_HOSTS, start=1):
        host = offices[host_code]
        code = f"KIOSK-{n:02d}"
        plan.offices.append(
            OfficeRow(
                code,
                f"{host.name}自助服务终端",
                Office.Kind.KIOSK,
                host.area,
                host_code,
                host.address + "（大厅）",
                "",
                host.latitude,
                host.longitude,
            )
        )
        _hours(plan, code, range(7), KIOSK_DAY)

    first_centre = f"CC-{street_code(DISTRICTS[0], 0)}"
    plan.exceptions += [
        ExceptionRow(
            "SI-420102", dt.date(2026, 6, 30), True, None, None, "系统升级，暂停办理 / Closed for a system upgrade"
        ),
        ExceptionRow(first_centre, dt.date(2026, 5, 16), False, _T(9), _T(12), "社区活动，半天服务 / Half day"),
        ExceptionRow("BANK-05", dt.date(2026, 7, 18), True, None, None, "网点装修 / Closed for renovation"),
    ]


def plan_org(*, seed: int) -> OrgPlan:
    rng = random.Random(f"{seed}:org")
    plan = OrgPlan()
    _plan_areas(rng, plan)
    _plan_offices(rng, plan)
    return plan


@dataclass(frozen=True)
class OrgIds:
    areas: dict[str, int]
    offices: dict[str, int]
    skill_groups: dict[str, int]


def write_org(plan: OrgPlan) -> OrgIds:
    """Store the plan (parents first). Runs inside the caller's transaction."""
    area_ids: dict[str, int] = {}
    for kinds in ((Area.Kind.CITY,), (Area.Kind.DISTRICT, Area.Kind.ZONE), (Area.Kind.STREET,), (Area.Kind.COMMUNITY,)):
        rows = [a for a in plan.areas if a.kind in kinds]
        objs = [
            Area(
                code=a.code,
                name=a.name,
                kind=a.kind,
                parent_id=area_ids.get(a.parent) if a.parent else None,
                # a district is its own district: set once its id is known, below
                district_id=area_ids.get(a.district) if a.district and a.district != a.code else None,
            )
            for a in rows
        ]
        for obj in Area.objects.bulk_create(objs, batch_size=1000):
            area_ids[obj.code] = obj.pk
    for area in Area.objects.filter(kind__in=[Area.Kind.DISTRICT, Area.Kind.ZONE]):
        area.district_id = area.pk
        area.save(update_fields=["district"])

    office_ids: dict[str, int] = {}
    pending = list(plan.offices)
    while pending:  # each pass stores the offices whose parent is stored
        ready = [o for o in pending if o.parent is None or o.parent in office_ids]
        if not ready:
            raise ValueError(f"offices with an unknown parent: {[o.code for o in pending]}")
        offices = [
            Office(
                code=o.code,
                name=o.name,
                kind=o.kind,
                area_id=area_ids[o.area],
                parent_id=office_ids.get(o.parent) if o.parent else None,
                address=o.address,
                phone=o.phone,
                latitude=o.latitude,
                longitude=o.longitude,
            )
            for o in ready
        ]
        for office in Office.objects.bulk_create(offices, batch_size=1000):
            office_ids[office.code] = office.pk
        pending = [o for o in pending if o.code not in office_ids]

    OpeningHours.objects.bulk_create(
        [
            OpeningHours(office_id=office_ids[h.office], weekday=h.weekday, opens=h.opens, closes=h.closes)
            for h in plan.hours
        ],
        batch_size=2000,
    )
    OpeningException.objects.bulk_create(
        [
            OpeningException(
                office_id=office_ids[e.office],
                date=e.date,
                closed=e.closed,
                opens=e.opens,
                closes=e.closes,
                note=e.note,
            )
            for e in plan.exceptions
        ]
    )
    # a catalogue sync before the seed may have made them, named by their code: name them
    groups = [SkillGroup.objects.update_or_create(code=code, defaults={"name": name})[0] for code, name in SKILL_GROUPS]
    return OrgIds(areas=area_ids, offices=office_ids, skill_groups={g.code: g.pk for g in groups})
