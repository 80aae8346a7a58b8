"""Flexible workers' grades: 60%-300%, never from a past month, a mid-year change leaves the
earlier months on the old grade; the JF-001 case sets the grade when it completes."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from shebao.cases.applicants import applicant_for
from shebao.cases.models import Case
from shebao.cases.services import case_act, case_open
from shebao.contributions.grades import flexible_grade_on, flexible_grade_set
from shebao.contributions.models import FlexibleGrade, GradeRule
from shebao.contributions.rulebook import contribution_quote
from shebao.core.errors import InvalidInput
from shebao.core.models import AuditEvent, SkillGroup
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
    return make_person(district=district, name="灵活甲", category=Person.Category.FLEXIBLE)


def test_a_grade_is_set_from_the_current_month_and_audited(at, clerk, worker):
    at(2026, 2, 10, 10, 0)
    grade = flexible_grade_set(
        actor=clerk, person=worker, ratio="1.20", effective_month=dt.date(2026, 2, 17), case_number="C1"
    )
    assert (grade.ratio, grade.effective_month) == (D("1.20"), dt.date(2026, 2, 1))
    event = AuditEvent.objects.filter(action="grade.set").latest("id")
    assert event.subject_person == worker.id_number and event.after["ratio"] == "1.20"


@pytest.mark.parametrize("ratio", ["0.59", "3.01", "0.50", "abc"])
def test_a_grade_outside_the_range_is_refused_and_nothing_written(at, clerk, worker, ratio):
    at(2026, 2, 10, 10, 0)
    with pytest.raises(InvalidInput):
        flexible_grade_set(actor=clerk, person=worker, ratio=ratio, effective_month=dt.date(2026, 3, 1))
    assert not FlexibleGrade.objects.exists()


def test_a_grade_cannot_start_in_a_past_month(at, clerk, worker):
    at(2026, 2, 10, 10, 0)
    with pytest.raises(InvalidInput) as caught:
        flexible_grade_set(actor=clerk, person=worker, ratio="1.00", effective_month=dt.date(2026, 1, 1))
    assert caught.value.field == "effective_month"
    assert not FlexibleGrade.objects.exists()


def test_a_mid_year_change_leaves_the_months_before_on_the_old_grade(at, clerk, worker):
    # given 100% chosen in January 2025, changed in June to 200% from July
    at(2025, 1, 6, 10, 0)
    flexible_grade_set(actor=clerk, person=worker, ratio="1.00", effective_month=dt.date(2025, 1, 1))
    at(2025, 6, 16, 10, 0)
    flexible_grade_set(actor=clerk, person=worker, ratio="2.00", effective_month=dt.date(2025, 7, 1))
    # then each month of 2025 is priced at the grade in force that month
    amounts = {}
    for month in range(1, 13):
        period = dt.date(2025, month, 1)
        ratio = flexible_grade_on(person=worker, month=period).ratio
        amounts[month] = contribution_quote(person_type="flexible", month=period, grade=ratio).line("pension").personal
    # January-June: 7496 × 20% = 1499.20; July-December: 14992 × 20% = 2998.40
    assert {amounts[m] for m in range(1, 7)} == {D("1499.20")}
    assert {amounts[m] for m in range(7, 13)} == {D("2998.40")}
    assert flexible_grade_on(person=worker, month=dt.date(2024, 12, 1)) is None


@pytest.fixture
def contribution_staff(engine, clerk, reviewer):
    group = SkillGroup.objects.get(code="contribution")
    for person in (clerk, reviewer):
        person.skill_groups.add(group)


def _grade_case(clerk, worker, district, *, percent: str, start: str) -> Case:
    applicant = applicant_for(id_number=worker.id_number, name=worker.name, district_code=district.code)
    return case_open(
        actor=clerk,
        item_code="JF-001",
        applicant=applicant,
        channel="hall",
        form={
            "id_number": worker.id_number,
            "name": worker.name,
            "phone": "13800000002",
            "start_month": start,
            "grade_percent": percent,
        },
        materials={"id_card": "received"},
        phone="13800000002",
    )


def _complete(case, clerk, reviewer):
    case = case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    return case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")


def test_the_grade_case_sets_the_grade_on_completion_and_a_change_from_next_month(
    contribution_staff, clerk, reviewer, worker, district
):
    # given (Tue 10 Feb 2026) a first choice of 150% from February
    case = _complete(_grade_case(clerk, worker, district, percent="150", start="2026-02-01"), clerk, reviewer)
    assert case.status == Case.Status.COMPLETED
    assert case.result["effective_month"] == "2026-02-01"
    assert flexible_grade_on(person=worker, month=dt.date(2026, 2, 1)).ratio == D("1.50")
    # when a change to 80% is asked "from February" the same month
    change = _complete(_grade_case(clerk, worker, district, percent="80", start="2026-02-01"), clerk, reviewer)
    # then it runs from March (变更自次月起执行); February keeps 150%
    assert change.result == {"grade": "0.80", "effective_month": "2026-03-01"}
    assert flexible_grade_on(person=worker, month=dt.date(2026, 2, 1)).ratio == D("1.50")
    assert flexible_grade_on(person=worker, month=dt.date(2026, 3, 1)).ratio == D("0.80")
    assert FlexibleGrade.objects.get(effective_month=dt.date(2026, 3, 1)).case_number == change.number


@pytest.mark.parametrize("percent", ["59", "301", "72.5"])
def test_the_grade_case_refuses_a_grade_out_of_range_at_opening(contribution_staff, clerk, worker, district, percent):
    with pytest.raises(InvalidInput) as caught:
        _grade_case(clerk, worker, district, percent=percent, start="2026-02-01")
    assert caught.value.field == "grade_percent"
    assert not Case.objects.exists()


# --- one grade rule: the calculator and the forms accept and refuse the same values ---------------


def _calculator_accepts(client, ratio: str) -> bool:
    body = {"person_type": "flexible", "month": "2026-03", "grade": ratio}
    response = client.post("/api/v1/calculators/contribution", data=json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 422), response.content
    return response.status_code == 200


def _form_accepts(clerk, worker, district, ratio: str) -> bool:
    percent = str((D(ratio) * 100).normalize())
    try:
        _grade_case(clerk, worker, district, percent=percent, start="2026-03-01")
    except InvalidInput as refused:
        assert refused.field == "grade_percent"
        return False
    return True


RATIOS = ["0.50", "0.59", "0.60", "0.65", "0.70", "0.725", "1.00", "1.005", "2.50", "2.55", "3.00", "3.01"]


def test_the_calculator_and_the_grade_form_follow_the_same_rule_row(
    client, contribution_staff, clerk, worker, district
):
    # with the Wuhan row (60%-300% by 1%)
    accepted = {r for r in RATIOS if _calculator_accepts(client, r)}
    assert accepted == {"0.60", "0.65", "0.70", "1.00", "2.50", "2.55", "3.00"}
    assert {r for r in RATIOS if _form_accepts(clerk, worker, district, r)} == accepted
    # when an administrator changes the row to 70%-250% in steps of 10%
    GradeRule.objects.filter(region="wuhan").update(minimum=D("0.70"), maximum=D("2.50"), step=D("0.10"))
    # then both follow it, value for value
    accepted = {r for r in RATIOS if _calculator_accepts(client, r)}
    assert accepted == {"0.70", "1.00", "2.50"}
    assert {r for r in RATIOS if _form_accepts(clerk, worker, district, r)} == accepted
    # and so does the grade service
    with pytest.raises(InvalidInput):
        flexible_grade_set(actor=clerk, person=worker, ratio="0.65", effective_month=dt.date(2026, 3, 1))
    assert flexible_grade_set(actor=clerk, person=worker, ratio="0.80", effective_month=dt.date(2026, 3, 1)).ratio == D(
        "0.80"
    )


def test_the_back_payment_form_checks_the_grade_by_the_same_rule(contribution_staff, clerk, worker, district):
    GradeRule.objects.filter(region="wuhan").update(step=D("0.10"))
    form = {
        "id_number": worker.id_number,
        "name": worker.name,
        "period_from": "2025-10-01",
        "period_to": "2025-12-01",
    }
    applicant = applicant_for(id_number=worker.id_number, name=worker.name, district_code=district.code)

    def open_backpay(percent: str) -> Case:
        return case_open(
            actor=clerk,
            item_code="JF-002",
            applicant=applicant,
            channel="hall",
            form={**form, "grade_percent": percent},
            materials={"id_card": "received"},
        )

    with pytest.raises(InvalidInput) as caught:
        open_backpay("65")  # 60% + half a step of 10%
    assert caught.value.field == "grade_percent" and "10%" in caught.value.message_zh
    assert open_backpay("70").pk is not None and Case.objects.count() == 1
    # a period before the first grade row (2014) is refused at the window, naming the field
    form.update(period_from="2013-11-01", period_to="2014-02-01")
    with pytest.raises(InvalidInput) as caught:
        open_backpay("70")
    assert caught.value.field == "period_from" and Case.objects.count() == 1
