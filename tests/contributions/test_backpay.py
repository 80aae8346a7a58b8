"""中断期补缴: each month at its own base and rates, the charge its row says from its own due
date; the bill asks for exactly that, once, and keeps it when paid; the JF-002 case writes the
months and one back-payment bill, or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.cases.applicants import applicant_for
from shebao.cases.models import Case
from shebao.cases.services import case_act, case_open
from shebao.contributions.backpay import backpay_create, backpay_quote
from shebao.contributions.models import BackpayCharge, Bill, ContributionMonth, Payment, WageBase
from shebao.contributions.services import payment_record
from shebao.core.errors import InvalidInput
from shebao.core.identifiers import credit_code_make
from shebao.core.models import SkillGroup
from shebao.registry.models import Person
from tests.cases import conftest as engine_fixtures
from tests.web.support import employ, make_person, make_unit

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


def test_a_back_payment_across_may_2019_uses_each_months_own_rate(district):
    # given an employee's interruption of April and May 2019, paid on the 2019 floor: none is
    # published, so 60% of 7361 = 4416.60, rounded up to 4417 (migration 0008, L)
    person = make_person(district=district, name="职工乙")
    quote = backpay_quote(
        person=person,
        start_month=dt.date(2019, 4, 1),
        end_month=dt.date(2019, 5, 1),
        as_of=dt.date(2026, 2, 10),
        person_type="employee",
    )
    april, may = quote.months
    assert (april.calc.base, may.calc.base) == (D("4417"), D("4417"))
    # April: employer 19% × 4417 = 839.23, individual 8% = 353.36, total 1192.59
    assert (april.calc.line("pension").employer, april.calc.line("pension").personal) == (D("839.23"), D("353.36"))
    # May: employer 16% × 4417 = 706.72 (国办发〔2019〕13号 from 1 May), individual 353.36, total 1060.08
    assert (may.calc.line("pension").employer, may.calc.line("pension").personal) == (D("706.72"), D("353.36"))
    # due dates: the 15th of the following month (month end + 15 grace days)
    assert (april.due, may.due) == (dt.date(2019, 5, 15), dt.date(2019, 6, 15))
    # an employer's back-payment carries the 滞纳金 of 社会保险法 Art. 86, to 10 Feb 2026:
    #   1192.59 × 0.0005 × 2463 days = 1468.674585 → 1468.67
    #   1060.08 × 0.0005 × 2432 days = 1289.05728 → 1289.06
    assert (april.late.charge, april.late.days, april.late.fee) == ("late_fee", 2463, D("1468.67"))
    assert (may.late.days, may.late.fee) == (2432, D("1289.06"))
    assert (quote.employer_total, quote.personal_total, quote.late_fee_total) == (
        D("1545.95"),
        D("706.72"),
        D("2757.73"),
    )
    assert quote.total == D("5010.40")
    assert not quote.provisional
    # each month's derivation names the charge row and the late-fee row it used
    assert {r.table for r in april.late.rules} == {"BackpayCharge", "LateFeeRule"}


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
        (dt.date(2010, 1, 1), dt.date(2010, 2, 1), "month"),  # no rule rows that year (they start in 2014)
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


# --- the bill asks for what the rules say, once -------------------------------------------------------


@pytest.fixture
def employer(district):
    unit = make_unit(code=credit_code_make(region_code="420102", serial=7), district=district, name="补缴单位")
    return unit


def test_an_employers_back_payment_bill_asks_for_its_late_fee_once_and_keeps_it_when_paid(
    engine, clerk, district, employer
):
    # given (Tue 10 Feb 2026) an employee's interruption October-December 2025 at that unit
    person = make_person(district=district, name="补缴职工")
    employ(person, employer, start=dt.date(2025, 1, 1))
    today = dt.date(2026, 2, 10)
    quote = backpay_quote(
        person=person,
        start_month=dt.date(2025, 10, 1),
        end_month=dt.date(2025, 12, 1),
        as_of=today,
        person_type="employee",
        risk_class=employer.injury_risk_class,
    )
    assert quote.late_fee_total > 0
    # when the back-payment is written
    bill = backpay_create(
        actor=clerk, person=person, start_month=dt.date(2025, 10, 1), end_month=dt.date(2025, 12, 1), unit=employer
    )
    # then the bill asks for the quote: contributions and the late fee to today, once
    assert (bill.employer_total, bill.personal_total, bill.late_fee) == (
        quote.employer_total,
        quote.personal_total,
        quote.late_fee_total,
    )
    assert bill.total == quote.total
    # when the bank pays exactly that on time (the bill is due on 28 February)
    payment = payment_record(actor=None, bill=bill, amount=str(bill.total), key="BP-1", channel="bank")
    # then the payment is the computed bill with its fee, and the stored fee survives payment
    bill.refresh_from_db()
    assert payment.amount == quote.total
    assert (bill.status, bill.late_fee, bill.total) == (Bill.Status.PAID, quote.late_fee_total, quote.total)


def test_the_contributions_alone_do_not_settle_a_back_payment(engine, clerk, district, employer):
    person = make_person(district=district, name="补缴职工")
    employ(person, employer, start=dt.date(2025, 1, 1))
    bill = backpay_create(
        actor=clerk, person=person, start_month=dt.date(2025, 11, 1), end_month=dt.date(2025, 11, 1), unit=employer
    )
    principal = bill.employer_total + bill.personal_total
    with pytest.raises(InvalidInput) as caught:
        payment_record(actor=None, bill=bill, amount=str(principal), key="BP-2", channel="bank")
    assert caught.value.details["expected"] == str(bill.total)
    bill.refresh_from_db()
    assert (bill.status, Payment.objects.count()) == (Bill.Status.OPEN, 0)


def test_a_back_payment_paid_after_its_own_due_date_adds_the_late_fee_from_that_date(
    engine, at, clerk, district, employer
):
    person = make_person(district=district, name="补缴职工")
    employ(person, employer, start=dt.date(2025, 1, 1))
    bill = backpay_create(
        actor=clerk, person=person, start_month=dt.date(2025, 11, 1), end_month=dt.date(2025, 11, 1), unit=employer
    )
    assessed, principal = bill.late_fee, bill.employer_total + bill.personal_total
    # when paid on 5 March, five days after the bill's due date (28 February)
    at(2026, 3, 5, 10, 0)
    expected = principal + assessed + (principal * D("0.0005") * 5).quantize(D("0.01"))
    payment_record(actor=None, bill=bill, amount=str(expected), key="BP-3", channel="bank")
    bill.refresh_from_db()
    # then the fee kept is the one assessed at issue plus the five days, nothing counted twice
    assert bill.late_fee == expected - principal
    assert bill.total == expected


@pytest.mark.parametrize(
    ("charge", "annual_rate", "fees"),
    [
        # nothing: the law's late fee names employers only
        ("none", None, [D("0.00"), D("0.00"), D("0.00")]),
        # interest at 3% a year, simple: 1499.20 × 0.03 × 135 / 365 = 16.6347… → 16.63; 107 days → 13.18;
        # 76 days → 9.36
        ("interest", D("0.03"), [D("16.63"), D("13.18"), D("9.36")]),
        # the employer's 0.05 % a day by analogy (the demo's assumption, migration 0008)
        ("late_fee", None, [D("101.20"), D("80.21"), D("56.97")]),
    ],
)
def test_a_flexible_workers_back_payment_carries_what_its_rule_row_says(worker, charge, annual_rate, fees):
    # given the flexible workers' charge row set by an administrator
    BackpayCharge.objects.filter(region="wuhan", person_type="flexible").update(charge=charge, annual_rate=annual_rate)
    # when January-March 2025 are back-paid at grade 1.00 (1499.20 a month) on 30 June 2025
    quote = backpay_quote(
        person=worker,
        start_month=dt.date(2025, 1, 1),
        end_month=dt.date(2025, 3, 1),
        as_of=dt.date(2025, 6, 30),
        ratio=D("1.00"),
    )
    # then each month carries the row's charge from its own due date (135, 107 and 76 days)
    assert [(m.late.charge, m.late.days, m.late.fee) for m in quote.months] == [
        (charge, 135, fees[0]),
        (charge, 107, fees[1]),
        (charge, 76, fees[2]),
    ]
    assert quote.late_fee_total == sum(fees)
    assert quote.months[0].late.rules[0].table == "BackpayCharge"


def test_a_back_payment_into_a_month_without_published_limits_is_provisional(engine, clerk, worker):
    # given (10 Feb 2026) December 2025 and January 2026 back-paid: 2026 has no base-limit row yet
    bill = backpay_create(
        actor=clerk, person=worker, start_month=dt.date(2025, 12, 1), end_month=dt.date(2026, 1, 1), ratio=D("1.00")
    )
    row_2025 = WageBase.objects.get(region="wuhan", year=2025)
    # then the bill is provisional and names the row carried forward; December's own row is not
    assert bill.provisional
    assert {(x["table"], x["id"]) for x in bill.carried_forward} == {("WageBase", row_2025.pk)}
    months = {m.period.month: m for m in ContributionMonth.objects.filter(bill=bill)}
    assert "carried_forward" in months[1].rules and "carried_forward" not in months[12].rules


def test_a_back_payment_entirely_within_published_years_is_not_provisional(engine, clerk, worker):
    bill = backpay_create(
        actor=clerk, person=worker, start_month=dt.date(2025, 10, 1), end_month=dt.date(2025, 11, 1), ratio=D("1.00")
    )
    assert (bill.provisional, bill.carried_forward) == (False, [])
