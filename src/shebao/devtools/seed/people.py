"""The demo's insured persons, employer units, employment histories and three years of annual
contribution records. ``plan_people`` is pure and deterministic; ``write_people`` stores it.

ID numbers of the demo use sequence codes 001-499 only; the bulk generator uses 500-999, so the
two never collide (see ``bulk.py``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import zlib
from dataclasses import dataclass, field
from decimal import Decimal

from shebao.contributions.models import ContributionYear
from shebao.core.identifiers import credit_code_make, id_number_make
from shebao.core.models import Account, Role
from shebao.core.months import month_add
from shebao.devtools.seed import rates
from shebao.devtools.seed.data import (
    DISTRICTS,
    GIVEN_ANY,
    GIVEN_FEMALE,
    GIVEN_MALE,
    INDUSTRIES,
    MOBILE_PREFIXES,
    SURNAME_WEIGHTS,
    SURNAMES,
    UNIT_BRANDS,
    DistrictInfo,
)
from shebao.registry.models import Employment, InsuredStatus, Person, Unit, UnitInsurance

DEMO_YEARS = (2023, 2024, 2025)  # the last three full years, the years the average-wage table covers
DEMO_SEQUENCE_LIMIT = 500  # demo ID numbers use sequence codes below this
UNIT_COUNT = 100
VIP_UNITS = 5
DEMO_UNIT_SERIALS = (10**7, 5 * 10**7)  # bulk units use serials from 5·10⁷ on
_REGION_NAMES = {d.id_region: d.name for d in DISTRICTS if d.kind == "district"}
_OTHER_HUKOU = (
    "湖北省孝感市",
    "湖北省黄冈市",
    "湖北省荆州市",
    "湖北省襄阳市",
    "湖北省咸宁市",
    "湖南省岳阳市",
    "河南省信阳市",
)
# (category, sex) → birth-date range: working ages for the three demo years, retirement
# reached before 2023 for retirees (men 60, women workers 50: DOMAIN.md §1.4, before any delay)
BIRTH_RANGES: dict[tuple[str, str], tuple[dt.date, dt.date]] = {
    ("employee", "M"): (dt.date(1967, 1, 1), dt.date(2002, 12, 31)),
    ("employee", "F"): (dt.date(1976, 1, 1), dt.date(2002, 12, 31)),
    ("flexible", "M"): (dt.date(1967, 1, 1), dt.date(2000, 12, 31)),
    ("flexible", "F"): (dt.date(1976, 1, 1), dt.date(2000, 12, 31)),
    ("retiree", "M"): (dt.date(1938, 1, 1), dt.date(1962, 12, 31)),
    ("retiree", "F"): (dt.date(1945, 1, 1), dt.date(1972, 12, 31)),
}
CATEGORY_WEIGHTS = (("employee", 65), ("flexible", 20), ("retiree", 15))
FLEXIBLE_GRADES = (0.6, 0.6, 0.6, 0.6, 0.6, 0.8, 1.0, 1.0, 1.5, 2.0, 3.0)  # share of the average wage
# (name, category, district code, sex) of the persons printed as demo citizens
DEMO_CITIZENS = (("刘晓明", "employee", "420102", "M"), ("王丽", "flexible", "420106", "F"))


@dataclass(frozen=True)
class PersonRow:
    id_number: str
    name: str
    sex: str
    birth_date: dt.date
    category: str
    district: str  # Area code
    hukou_place: str
    address: str
    phone: str
    has_account: bool
    postcode: str = ""
    delivery_route: str = ""


@dataclass(frozen=True)
class UnitRow:
    credit_code: str
    name: str
    district: str
    industry: str
    risk_class: int
    vip: bool


@dataclass(frozen=True)
class EmploymentRow:
    id_number: str
    credit_code: str
    start: dt.date
    end: dt.date | None


@dataclass(frozen=True)
class ContributionRow:
    id_number: str
    credit_code: str | None
    insurance: str
    year: int
    months: int
    base_total: Decimal
    employer_amount: Decimal
    personal_amount: Decimal
    account_credit: Decimal


@dataclass
class PeoplePlan:
    persons: list[PersonRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    employments: list[EmploymentRow] = field(default_factory=list)
    contributions: list[ContributionRow] = field(default_factory=list)


class IdNumberPool:
    """Hands out distinct demo ID numbers: the sequence code's parity follows the sex
    (odd for men), and stays below ``DEMO_SEQUENCE_LIMIT``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def new(self, *, region: str, birth_date: dt.date, sex: str) -> str:
        while True:
            half = self.rng.randrange(DEMO_SEQUENCE_LIMIT // 2)
            sequence = 2 * half + 1 if sex == "M" else 2 * (half or 1)
            number = id_number_make(region_code=region, birth_date=birth_date, sequence=sequence)
            if number not in self.used:
                self.used.add(number)
                return number


def random_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def random_name(rng: random.Random, sex: str) -> str:
    surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
    own = GIVEN_MALE if sex == "M" else GIVEN_FEMALE
    if rng.random() < 0.3:
        return surname + rng.choice(own)
    return surname + rng.choice(GIVEN_ANY + own) + rng.choice(own)


def random_mobile(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 99_999_999):08d}"


def home_address(rng: random.Random, district: DistrictInfo) -> str:
    street = rng.choice(district.streets)
    road = rng.choice(district.roads)
    return (
        f"武汉市{district.name}{street}{road}{rng.randint(1, 600)}号"
        f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(1, 33)}{rng.randint(1, 8):02d}室"
    )


# Postcodes of each district's delivery offices (430000-430400, as the postal service assigns
# them in Wuhan); a street takes one of its district's codes.
POSTCODES: dict[str, tuple[str, ...]] = {
    "420102": ("430010", "430012", "430014", "430017"),
    "420103": ("430015", "430021", "430022", "430023"),
    "420104": ("430030", "430032", "430033", "430035"),
    "420105": ("430050", "430051", "430052"),
    "420106": ("430060", "430061", "430062", "430064"),
    "420107": ("430080", "430081", "430082", "430085"),
    "420111": ("430070", "430071", "430073", "430079"),
    "420112": ("430040", "430042", "430043"),
    "420113": ("430090",),
    "420114": ("430100", "430101"),
    "420115": ("430200", "430205", "430207"),
    "420116": ("430300", "430301", "430302"),
    "420117": ("430400", "430401"),
    "4201Z1": ("430074", "430075", "430078"),
    "4201Z2": ("430056", "430058"),
    "4201Z3": ("430077",),
    "4201Z4": ("430040", "430049"),
    "4201Z5": ("430300", "430311"),
}


def mailing_code(district: DistrictInfo, address: str) -> tuple[str, str]:
    """The postcode and delivery route (投递道段) of a demo address, derived from the address
    itself (no draw from the plan's random stream, so the rest of the plan is unchanged)."""
    codes = POSTCODES.get(district.code, ("430000",))
    street = next((i for i, name in enumerate(district.streets) if name in address), 0)
    postcode = codes[street % len(codes)]
    return postcode, f"{postcode[-3:]}-{zlib.crc32(address.encode()) % 40 + 1:02d}"


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(index: int) -> dt.date:
    return _month_start(index + 1) - dt.timedelta(days=1)


def _months_in_year(start: int, end: int | None, year: int) -> int:
    """Months of [start, end] (month indexes, end open = still running) inside ``year``."""
    last = end if end is not None else _month_index(dt.date(DEMO_YEARS[-1], 12, 1))
    return max(0, min(last, year * 12 + 11) - max(start, year * 12) + 1)


def _plan_units(rng: random.Random) -> tuple[list[UnitRow], list[float]]:
    units: list[UnitRow] = []
    sizes: list[float] = []
    names: set[str] = set()
    serials: set[int] = set()
    district_weights = [len(d.streets) * d.density for d in DISTRICTS]
    for i in range(UNIT_COUNT):
        industry, suffix, risk = rng.choice(INDUSTRIES)
        district = rng.choices(DISTRICTS, weights=district_weights)[0]
        name = f"武汉{rng.choice(UNIT_BRANDS)}{suffix}有限公司"
        while name in names:
            name = f"武汉{rng.choice(UNIT_BRANDS)}{rng.choice(UNIT_BRANDS)}{suffix}有限公司"
        names.add(name)
        serial = rng.randrange(*DEMO_UNIT_SERIALS)
        while serial in serials:
            serial = rng.randrange(*DEMO_UNIT_SERIALS)
        serials.add(serial)
        code = credit_code_make(region_code=district.id_region, serial=serial)
        units.append(UnitRow(code, name, district.code, industry, risk, vip=i < VIP_UNITS))
        sizes.append(6.0 if i == 0 else rng.lognormvariate(0, 1))  # the first (VIP) unit is the demo employer
    return units, sizes


def _employee_history(
    rng: random.Random, person: PersonRow, units: list[UnitRow], sizes: list[float], plan: PeoplePlan
) -> list[tuple[UnitRow, int, int | None]]:
    """Employment spells as (unit, first month, last month or None); some changed employers."""
    first_possible = max(_month_index(person.birth_date) + 18 * 12, _month_index(dt.date(2005, 1, 1)))
    last_possible = _month_index(dt.date(2025, 6, 1))
    if rng.random() < 0.7:
        start = rng.randint(first_possible, max(first_possible, _month_index(dt.date(2022, 12, 1))))
    else:
        start = rng.randint(max(first_possible, _month_index(dt.date(2023, 1, 1))), last_possible)
    unit = rng.choices(units, weights=sizes)[0]
    spells: list[tuple[UnitRow, int, int | None]] = []
    if start >= _month_index(dt.date(2023, 1, 1)) and start - first_possible > 24 and rng.random() < 0.6:
        # changed employers: the previous job ended a few months (0-3) before this one began
        prev_end = start - 1 - rng.randint(0, 3)
        prev_start = rng.randint(first_possible, prev_end - 12)
        previous = rng.choices(units, weights=sizes)[0]
        while previous == unit:
            previous = rng.choice(units)
        spells.append((previous, prev_start, prev_end))
    spells.append((unit, start, None))
    for spell_unit, first, last in spells:
        plan.employments.append(
            EmploymentRow(
                person.id_number,
                spell_unit.credit_code,
                _month_start(first),
                _month_end(last) if last is not None else None,
            )
        )
    return spells


def _contribution_rows(
    person: PersonRow,
    category: str,
    year: int,
    months: int,
    base: int,
    unit: UnitRow | None,
    insurances: tuple[str, ...],
) -> list[ContributionRow]:
    base_total = Decimal(base * months)
    rows = []
    for insurance in insurances:
        employer, personal, account = rates.amounts(
            base_total=base_total,
            category=category,
            insurance=insurance,
            year=year,
            risk_class=unit.risk_class if unit else None,
        )
        rows.append(
            ContributionRow(
                person.id_number,
                unit.credit_code if unit else None,
                insurance,
                year,
                months,
                base_total,
                employer,
                personal,
                account,
            )
        )
    return rows


def _plan_employee(
    rng: random.Random, person: PersonRow, units: list[UnitRow], sizes: list[float], plan: PeoplePlan
) -> None:
    spells = _employee_history(rng, person, units, sizes, plan)
    wage_share = rng.lognormvariate(0, 0.45)
    for year in DEMO_YEARS:
        covered = [(unit, _months_in_year(first, last, year)) for unit, first, last in spells]
        months = sum(m for _, m in covered)
        if months and rng.random() < 0.06:  # an interruption: months the employer did not pay
            months = max(0, months - rng.randint(1, 6))
        if not months:
            continue
        unit = max(reversed(covered), key=lambda c: c[1])[0]  # the year's main employer (later one on a tie)
        wage = float(rates.average_wage(year)) * wage_share * (1.03 ** (year - DEMO_YEARS[0]))
        base = rates.clamp_base(wage, year)
        plan.contributions += _contribution_rows(
            person, "employee", year, months, base, unit, rates.insurances_charged(category="employee", year=year)
        )


def _plan_flexible(rng: random.Random, person: PersonRow, plan: PeoplePlan) -> None:
    start = _month_index(dt.date(2023, 1, 1)) - 36 if rng.random() < 0.75 else rng.randint(2023 * 12, 2025 * 12 + 5)
    stop = rng.randint(2024 * 12, 2025 * 12 + 10) if rng.random() < 0.1 else None
    grade = rng.choice(FLEXIBLE_GRADES)
    insurances = ("pension", "medical") if rng.random() < 0.7 else ("pension",)
    for year in DEMO_YEARS:
        months = _months_in_year(start, stop, year)
        if months and rng.random() < 0.15:  # flexible workers interrupt more often
            months = max(0, months - rng.randint(1, 8))
        if not months:
            continue
        base = rates.clamp_base(float(rates.average_wage(year)) * grade, year)
        plan.contributions += _contribution_rows(person, "flexible", year, months, base, None, insurances)


def plan_people(*, seed: int, persons: int, ids: IdNumberPool) -> PeoplePlan:
    rng = random.Random(f"{seed}:people")
    plan = PeoplePlan()
    plan.units, sizes = _plan_units(rng)
    by_code = {d.code: d for d in DISTRICTS}
    district_weights = [len(d.streets) * d.density for d in DISTRICTS]
    categories = [category for category, _ in CATEGORY_WEIGHTS]
    category_weights = [weight for _, weight in CATEGORY_WEIGHTS]
    for i in range(persons):
        if i < len(DEMO_CITIZENS):
            name, category, district_code, sex = DEMO_CITIZENS[i]
            district = by_code[district_code]
        else:
            category = rng.choices(categories, weights=category_weights)[0]
            sex = rng.choice("MF")
            district = rng.choices(DISTRICTS, weights=district_weights)[0]
            name = random_name(rng, sex)
        birth = random_date(rng, *BIRTH_RANGES[(category, sex)])
        hukou = f"湖北省武汉市{_REGION_NAMES[district.id_region]}" if rng.random() < 0.8 else rng.choice(_OTHER_HUKOU)
        person = PersonRow(
            id_number=ids.new(region=district.id_region, birth_date=birth, sex=sex),
            name=name,
            sex=sex,
            birth_date=birth,
            category=category,
            district=district.code,
            hukou_place=hukou,
            address=home_address(rng, district),
            phone=random_mobile(rng),
            has_account=i < len(DEMO_CITIZENS) or i % 10 == 0,
        )
        postcode, route = mailing_code(district, person.address)
        person = dataclasses.replace(person, postcode=postcode, delivery_route=route)
        plan.persons.append(person)
        if category == "employee":
            _plan_employee(rng, person, plan.units, sizes, plan)
        elif category == "flexible":
            _plan_flexible(rng, person, plan)
    return plan


def write_people(plan: PeoplePlan, *, area_ids: dict[str, int], citizen_password: str, unit_password: str) -> None:
    """Store the plan: units, unit operators (one per VIP unit), citizen accounts, persons,
    employment and contribution records, in bulk. Runs inside the caller's transaction."""
    units = Unit.objects.bulk_create(
        [
            Unit(
                credit_code=u.credit_code,
                name=u.name,
                district_id=area_ids[u.district],
                industry=u.industry,
                injury_risk_class=u.risk_class,
                vip=u.vip,
            )
            for u in plan.units
        ]
    )
    unit_ids = {u.credit_code: u.pk for u in units}
    Account.objects.bulk_create(
        [
            Account(
                username=f"{u.credit_code}:op1",
                password=unit_password,
                kind=Account.Kind.UNIT,
                role=Role.UNIT,
                unit_code=u.credit_code,
                full_name=f"{u.name}经办人",
            )
            for u in plan.units
            if u.vip
        ]
    )
    accounts = Account.objects.bulk_create(
        [
            Account(
                username=p.id_number,
                password=citizen_password,
                kind=Account.Kind.CITIZEN,
                role=Role.CITIZEN,
                id_number=p.id_number,
                full_name=p.name,
                phone=p.phone,
            )
            for p in plan.persons
            if p.has_account
        ],
        batch_size=1000,
    )
    account_ids = {a.username: a.pk for a in accounts}
    persons = Person.objects.bulk_create(
        [
            Person(
                id_number=p.id_number,
                name=p.name,
                sex=p.sex,
                birth_date=p.birth_date,
                category=p.category,
                hukou_place=p.hukou_place,
                address=p.address,
                postcode=p.postcode,
                delivery_route=p.delivery_route,
                phone=p.phone,
                district_id=area_ids[p.district],
                account_id=account_ids.get(p.id_number),
            )
            for p in plan.persons
        ],
        batch_size=1000,
    )
    person_ids = {p.id_number: p.pk for p in persons}
    Employment.objects.bulk_create(
        [
            Employment(person_id=person_ids[e.id_number], unit_id=unit_ids[e.credit_code], start=e.start, end=e.end)
            for e in plan.employments
        ],
        batch_size=2000,
    )
    _write_insurance(plan, person_ids=person_ids, unit_ids=unit_ids)
    ContributionYear.objects.bulk_create(
        [
            ContributionYear(
                person_id=person_ids[c.id_number],
                unit_id=unit_ids[c.credit_code] if c.credit_code else None,
                insurance=c.insurance,
                year=c.year,
                months=c.months,
                base_total=c.base_total,
                employer_amount=c.employer_amount,
                personal_amount=c.personal_amount,
                account_credit=c.account_credit,
            )
            for c in plan.contributions
        ],
        batch_size=2000,
    )


RETIREMENT_AGE = {"M": 60, "F": 50}  # DOMAIN.md §1.4, before any delay


def _write_insurance(plan: PeoplePlan, *, person_ids: dict[str, int], unit_ids: dict[str, int]) -> None:
    """参保状态 for the demo: units registered for the five insurances from their first hire;
    employees insured through their current unit (suspended after their last job ended);
    flexible workers in pension and medical; retirees' pension contributions terminated."""
    first_hire: dict[str, dt.date] = {}
    current: dict[str, EmploymentRow] = {}
    last: dict[str, EmploymentRow] = {}
    for e in plan.employments:
        first_hire[e.credit_code] = min(first_hire.get(e.credit_code, e.start), e.start)
        if e.end is None:
            current.setdefault(e.id_number, e)
        elif e.id_number not in last or e.end > (last[e.id_number].end or e.end):
            last[e.id_number] = e
    UnitInsurance.objects.bulk_create(
        [
            UnitInsurance(
                unit_id=unit_ids[u.credit_code],
                insurance=insurance,
                since=first_hire.get(u.credit_code, dt.date(2020, 1, 1)).replace(day=1),
            )
            for u in plan.units
            for insurance in rates.EMPLOYEE_INSURANCES
        ],
        batch_size=2000,
    )
    flexible_since: dict[str, int] = {}
    for c in plan.contributions:
        if c.credit_code is None:
            flexible_since[c.id_number] = min(flexible_since.get(c.id_number, c.year), c.year)
    rows = []
    for p in plan.persons:
        pid = person_ids[p.id_number]
        if p.category == "employee" and p.id_number in current:
            e = current[p.id_number]
            since, unit = e.start.replace(day=1), unit_ids[e.credit_code]
            rows += [
                InsuredStatus(person_id=pid, insurance=i, status="active", since=since, unit_id=unit)
                for i in rates.EMPLOYEE_INSURANCES
            ]
        elif p.category == "employee" and p.id_number in last:
            e = last[p.id_number]
            assert e.end is not None
            since = month_add(e.end, 1)
            rows += [
                InsuredStatus(
                    person_id=pid, insurance=i, status="suspended", since=since, unit_id=unit_ids[e.credit_code]
                )
                for i in rates.EMPLOYEE_INSURANCES
            ]
        elif p.category == "flexible":
            since = dt.date(flexible_since.get(p.id_number, DEMO_YEARS[0]), 1, 1)
            rows += [
                InsuredStatus(person_id=pid, insurance=i, status="active", since=since) for i in ("pension", "medical")
            ]
        elif p.category == "retiree":
            retired = dt.date(p.birth_date.year + RETIREMENT_AGE[p.sex], p.birth_date.month, 1)
            rows.append(InsuredStatus(person_id=pid, insurance="pension", status="terminated", since=retired))
    InsuredStatus.objects.bulk_create(rows, batch_size=2000)
