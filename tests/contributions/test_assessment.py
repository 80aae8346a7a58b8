"""The monthly assessment (月度核定) on the real Wuhan rule rows (data migrations 0004 and 0008).

Figures in force on 2026-01-01 (DOMAIN.md §2.3-2.4): base limits of the 2025 row (average
7496, floor 4498, cap 22488, kept until the 2026 table is entered); employee pension 16% + 8%
(8% to the account), medical 8.7% (maternity's 0.7% merged in since 2019) + 2%, unemployment
0.7% + 0.3%, work injury by class (class 2: 0.4%), no separate maternity row since 2019; flexible pension 20% (8% to the account), flexible
medical 10%. Late-fee rule: grace 15 days, so January's bills are due on 15 February.

The same expectations are checked on SQLite (ORM path) and on PostgreSQL (the bulk SQL path,
and the ORM path on the same data).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine

from shebao.contributions.models import Bill, ContributionMonth, DeclaredBase, FlexibleGrade, WageBase
from shebao.contributions.services import assessment_run
from shebao.core.errors import InvalidInput, NotAllowed
from shebao.core.identifiers import credit_code_make
from shebao.core.models import Job
from shebao.registry.models import InsuredStatus, Person, Unit, UnitInsurance
from tests.web.support import employ, make_person

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FIVE = ("pension", "medical", "unemployment", "injury", "maternity")
JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)
D = Decimal


@pytest.fixture
def frozen():
    """Tuesday 10 February 2026, 10:00 in Wuhan."""
    with time_machine.travel(dt.datetime(2026, 2, 10, 10, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


def insure(person: Person, *insurances: str, since=dt.date(2020, 1, 1), status=InsuredStatus.Status.ACTIVE, unit=None):
    for insurance in insurances:
        InsuredStatus.objects.create(person=person, insurance=insurance, status=status, since=since, unit=unit)


def register(unit: Unit, *insurances: str, since=dt.date(2019, 1, 1)) -> None:
    for insurance in insurances:
        UnitInsurance.objects.create(unit=unit, insurance=insurance, since=since)


@dataclass
class World:
    unit_a: Unit
    unit_b: Unit
    p1: Person
    p2: Person
    p3: Person
    p4: Person
    p5: Person
    p6: Person
    p7: Person
    f1: Person
    f2: Person
    f3: Person
    f4: Person


def make_world(district) -> World:
    """Two units and their staff, and four flexible workers (see each line's comment)."""
    unit_a = Unit.objects.create(
        credit_code=credit_code_make(region_code="420102", serial=1),
        name="甲公司",
        district=district,
        injury_risk_class=2,
    )
    unit_b = Unit.objects.create(
        credit_code=credit_code_make(region_code="420102", serial=2),
        name="乙公司",
        district=district,
        injury_risk_class=1,
    )
    register(unit_a, *FIVE)
    register(unit_b, "pension", "medical")
    people = {}
    for name in ("p1", "p2", "p3", "p4", "p5", "p6", "p7"):
        people[name] = make_person(district=district, name=f"职工{name}")
    # p1: declared 8000 for 2026, insured in all five
    employ(people["p1"], unit_a)
    insure(people["p1"], *FIVE, unit=unit_a)
    DeclaredBase.objects.create(unit=unit_a, person=people["p1"], year=2026, wage=D("8000.00"))
    # p2: only last year's declaration, above the cap
    employ(people["p2"], unit_a)
    insure(people["p2"], *FIVE, unit=unit_a)
    DeclaredBase.objects.create(unit=unit_a, person=people["p2"], year=2025, wage=D("30000.00"))
    # p3: no declaration (floor), insured in pension and medical only
    employ(people["p3"], unit_a)
    insure(people["p3"], "pension", "medical", unit=unit_a)
    # p4: at unit B (pension and medical only), declared below the floor
    employ(people["p4"], unit_b)
    insure(people["p4"], *FIVE, unit=unit_b)
    DeclaredBase.objects.create(unit=unit_b, person=people["p4"], year=2026, wage=D("3000.00"))
    # p5: left unit A at the end of 2025
    employ(people["p5"], unit_a, end=dt.date(2025, 12, 31))
    insure(people["p5"], *FIVE, unit=unit_a)
    # p6: at A since 2020 and at B since June 2025, both open: assessed once, through B
    employ(people["p6"], unit_a)
    employ(people["p6"], unit_b, start=dt.date(2025, 6, 1))
    insure(people["p6"], *FIVE, unit=unit_b)
    DeclaredBase.objects.create(unit=unit_b, person=people["p6"], year=2026, wage=D("10000.00"))
    DeclaredBase.objects.create(unit=unit_a, person=people["p6"], year=2026, wage=D("99999.00"))
    # p7: every insurance suspended
    employ(people["p7"], unit_a)
    insure(people["p7"], *FIVE, status=InsuredStatus.Status.SUSPENDED, unit=unit_a)
    flex = {}
    for name in ("f1", "f2", "f3", "f4"):
        flex[name] = make_person(district=district, name=f"灵活{name}", category=Person.Category.FLEXIBLE)
    # f1: grade 1.00, pension and medical
    insure(flex["f1"], "pension", "medical")
    FlexibleGrade.objects.create(person=flex["f1"], ratio=D("1.00"), effective_month=dt.date(2025, 1, 1))
    # f2: grade 0.60 (below the rounded floor), pension only
    insure(flex["f2"], "pension")
    FlexibleGrade.objects.create(person=flex["f2"], ratio=D("0.60"), effective_month=dt.date(2025, 1, 1))
    # f3: grade 1.00, changed to 2.00 from February 2026
    insure(flex["f3"], "pension")
    FlexibleGrade.objects.create(person=flex["f3"], ratio=D("1.00"), effective_month=dt.date(2025, 1, 1))
    FlexibleGrade.objects.create(person=flex["f3"], ratio=D("2.00"), effective_month=FEB)
    # f4: enrolled, no grade chosen: nothing to assess
    insure(flex["f4"], "pension")
    return World(unit_a=unit_a, unit_b=unit_b, **people, **flex)


@pytest.fixture
def world(db, district) -> World:
    return make_world(district)


def amounts(row: ContributionMonth) -> dict[str, Decimal | None]:
    return {
        "base": row.base,
        "pension": (row.pension_employer, row.pension_personal),
        "medical": (row.medical_employer, row.medical_personal),
        "unemployment": (row.unemployment_employer, row.unemployment_personal),
        "injury": row.injury_employer,
        "maternity": row.maternity_employer,
        "account": row.account_credit,
    }


def month_of(person: Person, period=JAN) -> ContributionMonth:
    return ContributionMonth.objects.select_related("bill").get(person=person, period=period)


PATHS = ["auto", "orm"]  # on PostgreSQL "auto" is the bulk SQL path


@pytest.mark.parametrize("path", PATHS)
def test_employees_are_assessed_with_bases_clamped_at_both_limits(world, admin_user, frozen, path):
    # when
    job = assessment_run(period=JAN, actor=admin_user, path=path, chunk_size=1)
    # then
    assert job.status == Job.Status.DONE
    # p1: 8000 within the limits; 8000×16%=1280, ×8%=640, ×8.7%=696, ×2%=160, ×0.7%=56, ×0.3%=24,
    # injury class 2: 8000×0.4%=32; no maternity row in 2026
    assert amounts(month_of(world.p1)) == {
        "base": D("8000.00"),
        "pension": (D("1280.00"), D("640.00")),
        "medical": (D("696.00"), D("160.00")),
        "unemployment": (D("56.00"), D("24.00")),
        "injury": D("32.00"),
        "maternity": None,
        "account": D("640.00"),
    }
    # p2: 2025's 30000 clamped to the cap 22488; ×8.7%=1956.456→1956.46, ×0.7%=157.416→157.42,
    # ×0.3%=67.464→67.46, ×0.4%=89.952→89.95
    assert amounts(month_of(world.p2)) == {
        "base": D("22488.00"),
        "pension": (D("3598.08"), D("1799.04")),
        "medical": (D("1956.46"), D("449.76")),
        "unemployment": (D("157.42"), D("67.46")),
        "injury": D("89.95"),
        "maternity": None,
        "account": D("1799.04"),
    }
    # p3: no declaration → the floor 4498, pension and medical only
    assert amounts(month_of(world.p3)) == {
        "base": D("4498.00"),
        "pension": (D("719.68"), D("359.84")),
        "medical": (D("391.33"), D("89.96")),
        "unemployment": (None, None),
        "injury": None,
        "maternity": None,
        "account": D("359.84"),
    }
    # p4: 3000 raised to the floor; unit B registered pension and medical only
    p4 = amounts(month_of(world.p4))
    assert p4["base"] == D("4498.00")
    assert p4["pension"] == (D("719.68"), D("359.84"))
    assert p4["unemployment"] == (None, None) and p4["injury"] is None
    # p6 through unit B (the later employment): 10000, not unit A's 99999
    p6 = month_of(world.p6)
    assert (p6.unit_id, p6.base, p6.pension_employer) == (world.unit_b.pk, D("10000.00"), D("1600.00"))
    # p5 (left) and p7 (suspended) are not assessed
    assert not ContributionMonth.objects.filter(person__in=[world.p5, world.p7]).exists()
    # the row records the rule rows it used
    rules = month_of(world.p1).rules
    assert rules["wage_base"] == WageBase.objects.get(region="wuhan", year=2025).pk
    assert {"pension.employer", "pension.individual", "pension.account", "injury", "declared_base"} <= set(rules)
    assert "maternity.employer" not in rules


@pytest.mark.parametrize("path", PATHS)
def test_one_bill_per_unit_sums_its_rows_and_is_due_on_the_15th(world, admin_user, frozen, path):
    # when
    assessment_run(period=JAN, actor=admin_user, path=path, chunk_size=1)
    # then: unit A = p1 + p2 + p3
    # employer 2064.00 + 5801.91 + 1111.01 = 8976.92; personal 824.00 + 2316.26 + 449.80 = 3590.06
    bill_a = Bill.objects.get(unit=world.unit_a, period=JAN)
    assert (bill_a.employer_total, bill_a.personal_total) == (D("8976.92"), D("3590.06"))
    assert bill_a.due_date == dt.date(2026, 2, 15)
    assert bill_a.status == Bill.Status.OPEN and bill_a.kind == Bill.Kind.MONTHLY
    assert set(bill_a.lines.values_list("person_id", flat=True)) == {world.p1.pk, world.p2.pk, world.p3.pk}
    # unit B = p4 (719.68+391.33 | 359.84+89.96) + p6 (1600+870 | 800+200)
    bill_b = Bill.objects.get(unit=world.unit_b, period=JAN)
    assert (bill_b.employer_total, bill_b.personal_total) == (D("3581.01"), D("1449.80"))
    assert set(ContributionMonth.objects.filter(period=JAN).values_list("status", flat=True)) == {"due"}


@pytest.mark.parametrize("path", PATHS)
def test_flexible_workers_pay_20_percent_of_their_grade_with_8_to_the_account(world, admin_user, frozen, path):
    # when
    assessment_run(period=JAN, actor=admin_user, path=path, chunk_size=1)
    # then f1: 1.00 × 7496 = 7496; pension 20% = 1499.20, account 8% = 599.68, medical 10% = 749.60
    assert amounts(month_of(world.f1)) == {
        "base": D("7496.00"),
        "pension": (None, D("1499.20")),
        "medical": (None, D("749.60")),
        "unemployment": (None, None),
        "injury": None,
        "maternity": None,
        "account": D("599.68"),
    }
    bill = Bill.objects.get(person=world.f1, period=JAN)
    assert (bill.employer_total, bill.personal_total, bill.unit_id) == (D("0.00"), D("2248.80"), None)
    # f2: 0.60 × 7496 = 4497.60 is below the published floor 4498 → 4498 × 20% = 899.60
    f2 = month_of(world.f2)
    assert (f2.base, f2.pension_personal, f2.medical_personal, f2.account_credit) == (
        D("4498.00"),
        D("899.60"),
        None,
        D("359.84"),
    )
    assert month_of(world.f2).rules["grade"] == FlexibleGrade.objects.get(person=world.f2).pk
    # f4 has no grade
    assert not ContributionMonth.objects.filter(person=world.f4).exists()


@pytest.mark.parametrize("path", PATHS)
def test_a_grade_change_applies_from_its_month(world, admin_user, frozen, path):
    # when January and February are assessed
    assessment_run(period=JAN, actor=admin_user, path=path, chunk_size=1)
    assessment_run(period=FEB, actor=admin_user, path=path, chunk_size=1)
    # then f3 pays on 1.00 × 7496 in January and 2.00 × 7496 = 14992 from February (×20% = 2998.40)
    assert (month_of(world.f3, JAN).base, month_of(world.f3, JAN).pension_personal) == (D("7496.00"), D("1499.20"))
    assert (month_of(world.f3, FEB).base, month_of(world.f3, FEB).pension_personal) == (D("14992.00"), D("2998.40"))


@pytest.mark.parametrize("path", PATHS)
def test_rerunning_a_month_changes_nothing(world, admin_user, frozen, path):
    # given
    assessment_run(period=JAN, actor=admin_user, path=path, chunk_size=2)
    before = list(ContributionMonth.objects.order_by("id").values())
    bills = list(Bill.objects.order_by("id").values())
    # when
    again = assessment_run(period=JAN, actor=admin_user, path=path)
    # then
    assert again.status == Job.Status.DONE
    assert list(ContributionMonth.objects.order_by("id").values()) == before
    assert list(Bill.objects.order_by("id").values()) == bills
    assert len(bills) == 2 + 3  # two units, three flexible workers with a grade


@pytest.mark.parametrize("path", PATHS)
def test_a_unit_added_later_is_assessed_by_a_rerun_without_touching_the_others(
    world, admin_user, frozen, district, path
):
    # given January assessed
    assessment_run(period=JAN, actor=admin_user, path=path)
    first_bill = Bill.objects.get(unit=world.unit_a, period=JAN)
    # when a new unit and its employee appear and the month is run again
    late = Unit.objects.create(
        credit_code=credit_code_make(region_code="420102", serial=9), name="丙公司", district=district
    )
    register(late, "pension")
    person = make_person(district=district, name="迟到")
    employ(person, late)
    insure(person, "pension", unit=late)
    assessment_run(period=JAN, actor=admin_user, path=path)
    # then the new unit has its bill on the floor (4498 × 16% = 719.68), unit A's is unchanged
    assert Bill.objects.get(unit=late, period=JAN).employer_total == D("719.68")
    assert Bill.objects.get(unit=world.unit_a, period=JAN).employer_total == first_bill.employer_total


@pytest.mark.parametrize("path", PATHS)
def test_the_pension_rate_changes_on_its_date(db, district, admin_user, frozen, path):
    # given the 2019 base row (migration 0008: floor 4417, cap 22083) and an employee declared at 5000
    unit = Unit.objects.create(
        credit_code=credit_code_make(region_code="420102", serial=5), name="丁公司", district=district
    )
    register(unit, "pension", since=dt.date(2018, 1, 1))
    person = make_person(district=district, name="费改")
    employ(person, unit, start=dt.date(2018, 1, 1))
    insure(person, "pension", since=dt.date(2018, 1, 1), unit=unit)
    DeclaredBase.objects.create(unit=unit, person=person, year=2019, wage=D("5000.00"))
    # when April and May 2019 are assessed
    assessment_run(period=dt.date(2019, 4, 1), actor=admin_user, path=path)
    assessment_run(period=dt.date(2019, 5, 1), actor=admin_user, path=path)
    # then the employer pays 19% in April (950.00) and 16% from 1 May (800.00); the person 8% both
    april = month_of(person, dt.date(2019, 4, 1))
    may = month_of(person, dt.date(2019, 5, 1))
    assert (april.pension_employer, april.pension_personal) == (D("950.00"), D("400.00"))
    assert (may.pension_employer, may.pension_personal) == (D("800.00"), D("400.00"))
    assert april.rules["pension.employer"] != may.rules["pension.employer"]


def test_only_an_administrator_or_the_system_runs_the_assessment(world, clerk, unit_operator, frozen):
    for actor in (clerk, unit_operator):
        with pytest.raises(NotAllowed):
            assessment_run(period=JAN, actor=actor)
    assert not Bill.objects.exists()
    # the scheduler runs it without an actor
    assert assessment_run(period=JAN, actor=None).status == Job.Status.DONE


def test_a_future_month_or_a_month_without_base_limits_is_refused(world, admin_user, frozen):
    with pytest.raises(InvalidInput) as future:
        assessment_run(period=dt.date(2026, 3, 1), actor=admin_user)
    assert future.value.field == "period"
    with pytest.raises(InvalidInput):
        assessment_run(period=dt.date(2010, 1, 1), actor=admin_user)
    assert not Bill.objects.exists() and not Job.objects.filter(kind="contributions.assessment").exists()


def test_the_bulk_sql_path_needs_postgresql(world, admin_user, frozen):
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("on PostgreSQL the SQL path is the default and tested above")
    with pytest.raises(InvalidInput):
        assessment_run(period=JAN, actor=admin_user, path="sql")


@pytest.mark.parametrize("target", ["person", "unit", "bill"])
def test_postgresql_refuses_to_delete_what_the_ledger_refers_to(world, admin_user, frozen, target):
    # The ledger keeps its references without per-row foreign-key triggers; a delete trigger
    # protects them instead, below Django's PROTECT (a raw DELETE is refused too).
    from django.db import IntegrityError, connection, transaction

    from tests.conftest import require_postgres

    require_postgres()
    assessment_run(period=JAN, actor=admin_user, path="auto")
    row = month_of(world.p1)
    table, pk = {
        "person": ("registry_person", row.person_id),
        "unit": ("registry_unit", row.unit_id),
        "bill": ("contributions_bill", row.bill_id),
    }[target]
    with (
        pytest.raises(IntegrityError, match="缴费明细引用了该记录"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])
    assert ContributionMonth.objects.filter(pk=row.pk, person_id=row.person_id, bill_id=row.bill_id).exists()
