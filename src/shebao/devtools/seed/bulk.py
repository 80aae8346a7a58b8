"""``shebao seed --persons N``: bulk synthetic data for benchmarks.

N persons (employees and flexible workers of working age, in every district and zone), one
employer unit per ~50 persons, an open employment for each employee, and ``years`` annual
pension records per person ending with the last full year.

How it is fast: rows are plain tuples made with integer arithmetic (amounts in whole fen: a
whole-yuan base × a whole-percent rate is exact, so no rounding is needed, and the result equals
``round_fen(base × rate)``); ID numbers come from a permutation of the person id with the check
character summed from precomputed parts; PostgreSQL receives them through COPY (psycopg 3
``write_row``), one transaction per batch of persons. SQLite falls back to ``executemany``.
Indexes and foreign keys stay in place (measured: the whole run, with the deferred foreign-key
checks at each commit, stays well inside the ten-minute budget for a million persons; see
bench/README.md), so nothing has to be dropped and rebuilt around a live database.

Ids continue from the table's maximum (the table is locked for the batch on PostgreSQL and the
sequence moved past the batch), so a run never collides with existing rows; the ID number is a
function of the person id, hence unique across runs too. The demo's ID numbers use sequence
codes below 500 and these use 500-999, so the two never meet.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from shebao.contributions.models import ContributionYear
from shebao.core import audit
from shebao.core.errors import InvalidInput
from shebao.core.identifiers import credit_code_make
from shebao.core.models import Area
from shebao.devtools.seed import rates
from shebao.devtools.seed.data import (
    CITY_CODE,
    DISTRICTS,
    GIVEN_ANY,
    GIVEN_FEMALE,
    GIVEN_MALE,
    INDUSTRIES,
    MOBILE_PREFIXES,
    SURNAME_WEIGHTS,
    SURNAMES,
    UNIT_BRANDS,
)
from shebao.devtools.seed.demo import seed_demo
from shebao.registry.models import Employment, Person, Unit

BULK_ACTION = "seed.bulk"
SEQUENCE_BASE = 500  # bulk ID numbers use sequence codes 500-999 (the demo's stay below 500)
SEQUENCES = 500
BIRTH_FIRST = dt.date(1976, 1, 1)  # of working age through all ten years for men and women
BIRTH_LAST = dt.date(1998, 12, 31)
UNIT_SERIAL_BASE = 5 * 10**7  # demo unit serials stay below this
PERSONS_PER_UNIT = 50
EMPLOYEE_SHARE = 0.75
METHODS = ("copy", "executemany", "orm")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643 check-character weights
_CHECK = "10X98765432"
_MULTIPLIER = 2_654_435_761  # prime: scatters consecutive ids over the whole (region, date, sequence) space

PERSON_COLUMNS = (
    "id",
    "id_number",
    "name",
    "sex",
    "birth_date",
    "category",
    "hukou_place",
    "address",
    "phone",
    "district_id",
    "account_id",
    "created_at",
)
UNIT_COLUMNS = ("id", "credit_code", "name", "district_id", "industry", "injury_risk_class", "vip", "created_at")
EMPLOYMENT_COLUMNS = ("person_id", "unit_id", "start", "end")
CONTRIBUTION_COLUMNS = (
    "person_id",
    "unit_id",
    "insurance",
    "year",
    "months",
    "base_total",
    "employer_amount",
    "personal_amount",
    "account_credit",
)


class IdNumberSpace:
    """A bijection person id → ID number over (13 district codes × birth dates × sequences
    500-999), with the check character summed from precomputed partial sums."""

    def __init__(self, regions: Sequence[str]) -> None:
        self.regions = list(regions)
        days = (BIRTH_LAST - BIRTH_FIRST).days + 1
        self.dates = [BIRTH_FIRST + dt.timedelta(days=i) for i in range(days)]
        self.date_text = [d.strftime("%Y%m%d") for d in self.dates]
        self.date_iso = [d.isoformat() for d in self.dates]
        self.seq_text = [f"{SEQUENCE_BASE + s:03d}" for s in range(SEQUENCES)]

        def weighted(text: str, offset: int) -> int:
            return sum(int(c) * _WEIGHTS[offset + i] for i, c in enumerate(text))

        self.region_sum = [weighted(r, 0) for r in self.regions]
        self.date_sum = [weighted(t, 6) for t in self.date_text]
        self.seq_sum = [weighted(t, 14) for t in self.seq_text]
        self.size = len(self.regions) * days * SEQUENCES
        if math.gcd(_MULTIPLIER, self.size) != 1:
            raise ValueError("the multiplier must be coprime with the space")

    def make(self, key: int) -> tuple[str, int, int, str]:
        """(ID number, region index, date index, sex) of ``key`` (0 ≤ key < size)."""
        if not 0 <= key < self.size:
            raise InvalidInput(
                f"合成身份证号码空间已用尽（{self.size}）", f"The synthetic ID number space ({self.size}) is exhausted"
            )
        x = key * _MULTIPLIER % self.size
        region, x = x % len(self.regions), x // len(self.regions)
        seq, day = x % SEQUENCES, x // SEQUENCES
        check = _CHECK[(self.region_sum[region] + self.date_sum[day] + self.seq_sum[seq]) % 11]
        number = self.regions[region] + self.date_text[day] + self.seq_text[seq] + check
        return number, region, day, "M" if seq % 2 else "F"  # SEQUENCE_BASE is even: parity of seq


@dataclass(frozen=True)
class BulkResult:
    method: str
    persons: int
    units: int
    employments: int
    contributions: int
    skipped: int
    years: tuple[int, int]
    seconds: float

    @property
    def rows(self) -> int:
        return self.persons + self.units + self.employments + self.contributions


class _Writer:
    """Inserts tuples into a table by COPY, executemany or one ORM ``create`` per row."""

    def __init__(self, method: str) -> None:
        self.method = method
        self.qn = connection.ops.quote_name

    def write(self, model: type[Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        table, cols = self.qn(model._meta.db_table), ", ".join(self.qn(c) for c in columns)
        if self.method == "orm":
            for row in rows:
                model._default_manager.create(**dict(zip(columns, row, strict=True)))
            return
        with connection.cursor() as cursor:
            if self.method == "copy":
                with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # noqa: S608 - quoted names from model meta
                cursor.executemany(sql, list(rows))

    def reserve_ids(self, model: type[Model], count: int) -> int:
        """First id of ``count`` ids nobody holds or will be given: on PostgreSQL the table is
        locked until the batch commits and its sequence moved past the range."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {self.qn(table)} IN SHARE ROW EXCLUSIVE MODE")
                last = "COALESCE(pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')::regclass), 0)"
                query = f"SELECT GREATEST(COALESCE(MAX(id), 0), {last}) FROM {self.qn(table)}"  # noqa: S608
                cursor.execute(query, [table])
                first = cursor.fetchone()[0] + 1
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first + count - 1])
                return first
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.qn(table)}")  # noqa: S608 - quoted name
            return cursor.fetchone()[0] + 1


def _existing_id_numbers(numbers: list[str]) -> set[str]:
    """Which of these ID numbers are already registered (one indexed look-up per number)."""
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT id_number FROM {table} WHERE id_number = ANY(%s)", [numbers])  # noqa: S608
            return {row[0] for row in cursor.fetchall()}
    found: set[str] = set()
    for i in range(0, len(numbers), 500):  # SQLite limits the number of parameters
        found.update(Person.objects.filter(id_number__in=numbers[i : i + 500]).values_list("id_number", flat=True))
    return found


def _fen(amount: int) -> str:
    return f"{amount // 100}.{amount % 100:02d}"


class _Generator:
    """Makes the rows of one run. Each batch draws from its own ``random.Random`` seeded with
    the batch's first person id, so the rows are a function of the ids."""

    def __init__(self, *, districts: dict[str, Area], years: range) -> None:
        self.years = years
        by_region: dict[str, list[int]] = {}
        self.prefix: dict[int, str] = {}
        self.roads: dict[int, tuple[str, ...]] = {}
        for info in DISTRICTS:
            area = districts[info.code]
            # persons of a district code live in that district, or in a zone hosted by it
            by_region.setdefault(info.id_region, []).append(area.pk)
            self.prefix[area.pk] = f"武汉市{info.name}"
            self.roads[area.pk] = info.roads
        self.regions = sorted(by_region)
        self.region_areas = [by_region[r] for r in self.regions]
        names = {info.id_region: info.name for info in DISTRICTS if info.kind == "district"}
        self.hukou = [f"湖北省武汉市{names[r]}" for r in self.regions]
        self.space = IdNumberSpace(self.regions)
        self.surnames = [s for s, w in zip(SURNAMES, SURNAME_WEIGHTS, strict=True) for _ in range(w)]
        self.limits = {y: rates.base_limits(y) for y in years}
        # wages ~3% lower for each year back from the last; each year's limits clamp the base
        self.averages = {y: float(rates.average_wage(y)) * 1.03 ** (y - years[-1]) for y in years}
        employee = rates.rates_for(category="employee", insurance="pension", year=years[-1])
        flexible = rates.rates_for(category="flexible", insurance="pension", year=years[-1])
        self.points = {
            "employee": tuple(rates.percent_points(r) for r in employee),
            "flexible": tuple(rates.percent_points(r) for r in flexible),
        }
        self.created_at = connection.ops.adapt_datetimefield_value(timezone.now())

    def units(self, first_id: int, count: int, districts: list[int], regions: dict[int, str]) -> list[tuple]:
        rng = random.Random(first_id)
        rows = []
        for uid in range(first_id, first_id + count):
            industry, suffix, risk = rng.choice(INDUSTRIES)
            district = rng.choice(districts)
            code = credit_code_make(region_code=regions[district], serial=UNIT_SERIAL_BASE + uid)
            name = f"武汉{rng.choice(UNIT_BRANDS)}{suffix}有限公司第{uid}分公司"
            rows.append((uid, code, name, district, industry, risk, False, self.created_at))
        return rows

    def persons(self, first_id: int, count: int) -> list[tuple]:
        rng = random.Random(first_id)
        rnd, surnames = rng.random, self.surnames
        rows = []
        for pid in range(first_id, first_id + count):
            number, region, day, sex = self.space.make(pid)
            areas = self.region_areas[region]
            district = areas[0] if len(areas) == 1 or rnd() < 0.75 else areas[1 + int(rnd() * (len(areas) - 1))]
            own = GIVEN_MALE if sex == "M" else GIVEN_FEMALE
            given = own[int(rnd() * len(own))]
            if rnd() < 0.7:
                given = GIVEN_ANY[int(rnd() * len(GIVEN_ANY))] + given
            roads = self.roads[district]
            address = f"{self.prefix[district]}{roads[int(rnd() * len(roads))]}{int(rnd() * 600) + 1}号"
            phone = f"{MOBILE_PREFIXES[int(rnd() * len(MOBILE_PREFIXES))]}{int(rnd() * 100_000_000):08d}"
            category = "employee" if rnd() < EMPLOYEE_SHARE else "flexible"
            rows.append(
                (
                    pid,
                    number,
                    surnames[int(rnd() * len(surnames))] + given,
                    sex,
                    self.space.date_iso[day],
                    category,
                    self.hukou[region],
                    address,
                    phone,
                    district,
                    None,
                    self.created_at,
                )
            )
        return rows

    def history(self, persons: list[tuple], unit_ids: list[int]) -> tuple[list[tuple], list[tuple]]:
        """(employment rows, contribution rows) for the persons of one batch."""
        rng = random.Random(persons[0][0] if persons else 0)
        rnd, lognorm = rng.random, rng.lognormvariate
        first_year = self.years[0]
        employments, contributions = [], []
        for row in persons:
            pid, category = row[0], row[5]
            if category == "employee":
                unit = unit_ids[int(rnd() * len(unit_ids))]
                start = f"{first_year - int(rnd() * 8)}-{int(rnd() * 12) + 1:02d}-01"
                employments.append((pid, unit, start, None))
                share = lognorm(0, 0.45)
            else:
                unit = None
                share = (0.6, 0.6, 0.6, 0.8, 1.0, 1.5, 2.0, 3.0)[int(rnd() * 8)]
            employer_pts, personal_pts, account_pts = self.points[category]
            for year in self.years:
                months = 12 if rnd() < 0.9 else int(rnd() * 11) + 1
                floor, cap = self.limits[year]
                base = max(floor, min(cap, round(self.averages[year] * share)))
                total = base * months  # whole yuan; × whole percent = whole fen
                contributions.append(
                    (
                        pid,
                        unit,
                        "pension",
                        year,
                        months,
                        f"{total}.00",
                        _fen(total * employer_pts),
                        _fen(total * personal_pts),
                        _fen(total * account_pts),
                    )
                )
        return employments, contributions


def default_method() -> str:
    return "copy" if connection.vendor == "postgresql" else "executemany"


def seed_bulk(
    *,
    persons: int,
    years: int = 10,
    batch: int = 50_000,
    method: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> BulkResult:
    """Add ``persons`` synthetic persons with their units, employment and ``years`` annual
    pension records, in batches of ``batch`` persons, each batch one transaction. Seeds the
    demo first when the database has no organisation yet."""
    method = method or default_method()
    if method not in METHODS or (method == "copy" and connection.vendor != "postgresql"):
        raise InvalidInput(f"不支持的写入方式：{method}", f"Unsupported method {method} on {connection.vendor}")
    if persons < 1 or batch < 1 or not 1 <= years <= 50:
        raise InvalidInput("人数、批量须为正数，年数为 1-50", "persons and batch must be positive, years 1-50")
    if not Area.objects.filter(code=CITY_CODE).exists():
        seed_demo()
    districts = {a.code: a for a in Area.objects.filter(code__in=[d.code for d in DISTRICTS])}
    if len(districts) != len(DISTRICTS):
        raise InvalidInput(
            "数据库中的区划不完整：批量数据需要演示数据的全部区和功能区（先运行 shebao seed --demo）",
            "The database lacks some districts or zones of the demo organisation (run shebao seed --demo first)",
        )
    started = time.perf_counter()
    last_year = timezone.localdate().year - 1
    span = range(last_year - years + 1, last_year + 1)
    gen = _Generator(districts=districts, years=span)
    writer = _Writer(method)

    unit_count = math.ceil(persons / PERSONS_PER_UNIT)
    with transaction.atomic():
        first_unit = writer.reserve_ids(Unit, unit_count)
        unit_regions = {districts[d.code].pk: d.id_region for d in DISTRICTS}
        writer.write(Unit, UNIT_COLUMNS, gen.units(first_unit, unit_count, list(unit_regions), unit_regions))
    unit_ids = list(range(first_unit, first_unit + unit_count))

    done = skipped = employments = contributions = 0
    while done < persons:
        size = min(batch, persons - done)
        with transaction.atomic():
            first = writer.reserve_ids(Person, size)
            rows = gen.persons(first, size)
            taken = _existing_id_numbers([r[1] for r in rows])
            if taken:  # a number registered by other means: leave that person out
                rows = [r for r in rows if r[1] not in taken]
                skipped += len(taken)
            jobs, years_rows = gen.history(rows, unit_ids)
            writer.write(Person, PERSON_COLUMNS, rows)
            writer.write(Employment, EMPLOYMENT_COLUMNS, jobs)
            writer.write(ContributionYear, CONTRIBUTION_COLUMNS, years_rows)
        done += size
        employments += len(jobs)
        contributions += len(years_rows)
        if on_progress:
            on_progress(size)

    if connection.vendor == "postgresql" and method != "orm":
        with connection.cursor() as cursor:  # fresh statistics for the benchmarks that follow
            for model in (Person, Unit, Employment, ContributionYear):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    result = BulkResult(
        method=method,
        persons=persons - skipped,
        units=unit_count,
        employments=employments,
        contributions=contributions,
        skipped=skipped,
        years=(span[0], span[-1]),
        seconds=time.perf_counter() - started,
    )
    with transaction.atomic():
        audit.record(
            actor=None,
            action=BULK_ACTION,
            subject_type="seed",
            subject_id="bulk",
            after={k: v for k, v in result.__dict__.items() if k != "seconds"},
        )
    return result
