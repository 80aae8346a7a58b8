"""中断期补缴: each month at its own base and rates, the late fee from its own due date; the
JF-002 case writes the months and one back-payment bill, or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.cases.applicants import applicant_for
from shebao.cases.models import Case
from shebao.cases.services import case_act, case_open
from shebao.contributions.backpay import backpay_quote
from shebao.contributions.models import Bill, ContributionMonth, WageBase
from shebao.core.errors import InvalidInput
from shebao.core.models import SkillGroup
from shebao.registry.models import Person
from tests.cases import conftest as engine_fixtures
from tests.web.support import make_person

D = Decimal
pytestmark = pytest.mark.django_db

# the case engine's fixtures (catalogue synced, skills, opening hours, frozen clock)
_register_test_items = engine_fixtures._register_test_items
at = engine_fixtures.at
catalogue = engine_fixtures.catalogue
engine = engine_fixtures.engine
skills = engine_fixtures.skills
working_hours = engine_fixtures.working_hours


@pytest.fixture
def worker(district):
    return make_person(district=district, name="补缴甲", category=Person.Category.FLEXIBLE)


@pytest.fixture
def limits_2019(db):
    """Test data, not the real 2019 table (which the migration does not carry): average 6000."""
    return WageBase.objects.create(
        region="wuhan",
        year=2019,
        average=D("6000"),
        floor=D("3600"),
        cap=D("18000"),
        effective_from=dt.date(2019, 1, 1),
        effective_to=dt.date(2019, 12, 31),
        source="test",
        confidence="L",
    )


def test_a_back_payment_across_may_2019_uses_each_months_own_rate(limits_2019, district):
    # given an employee's interruption of April and May 2019, paid on the floor 3600
    person = make_person(district=district, name="职工乙")
    quote = backpay_quote(
        person=person,
        start_month=dt.date(2019, 4, 1),
        end_month=dt.date(2019, 5, 1),
        as_of=dt.date(2026, 2, 10),
        person_type="employee",
    )
    april, may = quote.months
    # April: employer 19% × 3600 = 684.00, individual 8% = 288.00, total 972.00
    assert (april.calc.line("pension").employer, april.calc.line("pension").personal) == (D("684.00"), D("288.00"))
    # May: employer 16% × 3600 = 576.00 (国办发〔2019〕13号 from 1 May), individual 288.00, total 864.00
    assert (may.calc.line("pension").employer, may.calc.line("pension").personal) == (D("576.00"), D("288.00"))
    # due dates: the 15th of the following month (month end + 15 grace days)
    assert (april.due, may.due) == (dt.date(2019, 5, 15), dt.date(2019, 6, 15))
    # late fee to 10 Feb 2026: 972 × 0.0005 × 2463 days = 1197.018 → 1197.02
    #                          864 × 0.0005 × 2432 days = 1050.624 → 1050.62
    assert (april.late.days, april.late.fee) == (2463, D("1197.02"))
    assert (may.late.days, may.late.fee) == (2432, D("1050.62"))
    assert (quote.employer_total, quote.personal_total, quote.late_fee_total) == (
        D("1260.00"),
        D("576.00"),
        D("2247.64"),
    )
    assert quote.total == D("4083.64")


def test_a_flexible_workers_back_payment_at_a_grade(worker):
    # given grade 1.00 in 2025 (7496): 20% = 1499.20 a month, 8% = 599.68 to the account
    quote = backpay_quote(
        person=worker,
        start_month=dt.date(2025, 1, 1),
        end_month=dt.date(2025, 3, 1),
        as_of=dt.date(2025, 6, 30),
        ratio=D("1.00"),
    )
    assert [m.calc.total for m in quote.months] == [D("1499.20")] * 3
    # days overdue from 15 Feb, 15 Mar, 15 Apr to 30 Jun: 135, 107, 76
    # 1499.20 × 0.0005 = 0.7496 a day: 101.196 → 101.20, 80.2072 → 80.21, 56.9696 → 56.97
    assert [(m.late.days, m.late.fee) for m in quote.months] == [
        (135, D("101.20")),
        (107, D("80.21")),
        (76, D("56.97")),
    ]
    assert (quote.personal_total, quote.late_fee_total, quote.account_credit_total) == (
        D("4497.60"),
        D("238.38"),
        D("1799.04"),
    )


def test_without_a_grade_each_month_is_on_its_own_years_floor(worker):
    # December 2024: floor 4494 × 20% = 898.80; January 2025: floor 4498 × 20% = 899.60
    quote = backpay_quote(
        person=worker, start_month=dt.date(2024, 12, 1), end_month=dt.date(2025, 1, 1), as_of=dt.date(2025, 1, 20)
    )
    assert [(m.calc.base, m.calc.total) for m in quote.months] == [
        (D("4494"), D("898.80")),
        (D("4498"), D("899.60")),
    ]
    # not yet overdue on 20 January: December is due 15 January (5 days), January on 15 February
    assert [m.late.days for m in quote.months] == [5, 0]


def test_months_already_on_record_are_not_an_interruption(worker):
    ContributionMonth.objects.create(person=worker, period=dt.date(2025, 2, 1), base=D("7496"), status="paid")
    with pytest.raises(InvalidInput) as caught:
        backpay_quote(
            person=worker, start_month=dt.date(2025, 1, 1), end_month=dt.date(2025, 3, 1), as_of=dt.date(2025, 6, 1)
        )
    assert "2025-02" in caught.value.message_zh


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (dt.date(2025, 3, 1), dt.date(2025, 1, 1), "period_to"),  # reversed
        (dt.date(2025, 5, 1), dt.date(2025, 7, 1), "period_to"),  # in the future
        (dt.date(2010, 1, 1), dt.date(2010, 2, 1), "month"),  # no base limits that year
    ],
)
def test_a_bad_period_is_refused(worker, start, end, field):
    with pytest.raises(InvalidInput) as caught:
        backpay_quote(person=worker, start_month=start, end_month=end, as_of=dt.date(2025, 6, 1))
    assert caught.value.field == field


# --- the JF-002 case ---------------------------------------------------------------------------


@pytest.fixture
def contribution_staff(engine, clerk, reviewer):
    group = SkillGroup.objects.get(code="contribution")
    for person in (clerk, reviewer):
        person.skill_groups.add(group)


def _backpay_case(clerk, worker, district, *, start: str, end: str, percent: str = "100") -> Case:
    return case_open(
        actor=clerk,
        item_code="JF-002",
        applicant=applicant_for(id_number=worker.id_number, name=worker.name, district_code=district.code),
        channel="hall",
        form={
            "id_number": worker.id_number,
            "name": worker.name,
            "period_from": start,
            "period_to": end,
            "grade_percent": percent,
        },
        materials={"id_card": "received"},
    )


def _complete(case, clerk, reviewer):
    case = case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    return case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")


def test_the_back_payment_case_writes_the_months_and_one_bill(contribution_staff, clerk, reviewer, worker, district):
    # given (Tue 10 Feb 2026) an interruption October-December 2025, back-paid at 100%
    case = _complete(_backpay_case(clerk, worker, district, start="2025-10-01", end="2025-12-01"), clerk, reviewer)
    assert case.status == Case.Status.COMPLETED
    bill = Bill.objects.get(person=worker, kind=Bill.Kind.BACK_PAYMENT)
    # 3 × 1499.20 = 4497.60; late fee to 10 Feb 2026 from 15 Nov, 15 Dec, 15 Jan: 87, 57, 26 days
    # 0.7496 × 87 = 65.2152 → 65.22; × 57 = 42.7272 → 42.73; × 26 = 19.4896 → 19.49: 127.44
    assert (bill.period, bill.personal_total, bill.employer_total, bill.late_fee) == (
        dt.date(2025, 10, 1),
        D("4497.60"),
        D("0.00"),
        D("127.44"),
    )
    assert bill.total == D("4625.04")
    assert bill.due_date == dt.date(2026, 2, 28)
    rows = list(ContributionMonth.objects.filter(bill=bill).order_by("period"))
    assert [r.period.month for r in rows] == [10, 11, 12]
    assert {(r.status, r.pension_personal, r.pension_employer, r.account_credit) for r in rows} == {
        ("due", D("1499.20"), None, D("599.68"))
    }
    assert rows[0].rules["ContributionRate:flexible/pension/individual"] is not None
    assert case.result["bill"] == bill.pk


def test_a_back_payment_over_months_on_record_completes_nothing(contribution_staff, clerk, reviewer, worker, district):
    ContributionMonth.objects.create(person=worker, period=dt.date(2025, 11, 1), base=D("7496"), status="paid")
    case = _backpay_case(clerk, worker, district, start="2025-10-01", end="2025-12-01")
    case = case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    with pytest.raises(InvalidInput):
        case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    assert not Bill.objects.exists()
    assert ContributionMonth.objects.count() == 1
    assert Case.objects.get(pk=case.pk).status == Case.Status.IN_PROGRESS
