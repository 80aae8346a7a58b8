"""The promise measured whole: besides each phase's clock, the item's promised total runs
across its phases, so a late first phase cannot hide a broken promise; a case is on time only
when both hold. The out-of-area reimbursement (YB-004) gives the medical centre its full 15
working days from receiving the district's complete file."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.cases import selectors, services
from shebao.cases.models import CasePhase
from shebao.core.models import Office, Role, SkillGroup

D = dt.date

REIMBURSEMENT = {
    "id_card": "received",
    "invoices": "received",
    "itemised_bill": "received",
    "discharge_summary": "received",
    "bank_card": "received",
}


@pytest.fixture
def medical_centre(city) -> Office:
    return Office.objects.get_or_create(
        code="YB-CITY", defaults={"name": "武汉市医疗保障事务中心", "kind": Office.Kind.MEDICAL_CENTRE, "area": city}
    )[0]


@pytest.fixture
def centre_staff(engine, medical_centre, clerk):
    from tests.conftest import _staff

    medical = SkillGroup.objects.get(code="medical")
    clerk.skill_groups.add(medical)
    people = (
        _staff("yb_reviewer", Role.REVIEWER, medical_centre, 2, full_name="医保复核"),
        _staff("yb_approver", Role.APPROVER, medical_centre, 3, full_name="医保审批"),
    )
    for person in people:
        person.skill_groups.add(medical)
    return people


def reimbursement(clerk, applicant, citizen):
    return services.case_open(
        actor=clerk,
        item_code="YB-004",
        applicant=applicant,
        channel="hall",
        form={
            "id_number": citizen.id_number,
            "name": citizen.full_name,
            "phone": "13800138000",
            "place": "广东省广州市",
            "hospital": "中山大学附属第一医院",
            "admission_date": "2026-01-05",
            "discharge_date": "2026-01-12",
            "amount": "8650.40",
            "bank_card": "6222021234567894",
        },
        materials=REIMBURSEMENT,
    )


def test_the_medical_centre_has_its_full_15_working_days_from_the_districts_file(
    engine, clerk, citizen, applicant, centre_staff, medical_centre
):
    # given a reimbursement received at the district on Tue 10 Feb (2 working days there)
    case = reimbursement(clerk, applicant, citizen)
    assert case.due_date == D(2026, 2, 12)
    # when the district accepts it on Thu 12 Feb and passes the file to the centre
    engine(2026, 2, 12, 10, 0)
    case = services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    # then the centre's clock is 15 working days from the day after: 13, Sat 14, 24-27, Sat 28,
    # 2-6 and 9-11 March (13 would have ended on 9 March)
    centre = CasePhase.objects.get(case=case, phase__code="centre_pay")
    assert (centre.office, centre.limit_days, centre.due_date) == (medical_centre, 15, D(2026, 3, 11))
    # and the promise of 17 working days ends the same day
    progress = selectors.case_progress(case=case)
    assert progress["promise"]["days"] == 17 and progress["promise"]["due_date"] == D(2026, 3, 11)
    assert progress["on_time"] is True


def test_a_late_district_cannot_hide_a_broken_promise(
    client, engine, clerk, citizen, applicant, centre_staff, medical_centre
):
    reviewer, approver = centre_staff
    # given a reimbursement received Tue 10 Feb that the district accepts only on Tue 24 Feb,
    # five working days later (its clock gave it two)
    case = reimbursement(clerk, applicant, citizen)
    engine(2026, 2, 24, 10, 0)
    case = services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    # when the centre pays within its own 15 working days, on Fri 13 March (due 16 March)
    engine(2026, 3, 13, 10, 0)
    case = services.case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    case = services.case_act(actor=approver, case_id=case.pk, version=case.version, action="approve")
    # then the centre kept its clock, but the promise of 17 working days was broken (19 used)
    progress = selectors.case_progress(case=case)
    district, centre = progress["phases"]
    assert (district["on_time"], centre["on_time"]) == (False, True)
    assert progress["promise"] == {"days": 17, "used": 19, "left": -2, "due_date": None, "kept": False}
    assert progress["on_time"] is False
    # and the applicant's API progress and page say both
    client.force_login(citizen)
    body = client.get(f"/api/v1/cases/{case.number}").json()
    assert body["on_time"] is False and body["promise"]["kept"] is False
    assert [p["on_time"] for p in body["phases"]] == [False, True]
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="promise"' in page and 'id="on-time"' in page


def test_stops_are_not_the_agencys_time_and_an_open_case_shows_its_promise_date(engine, clerk, approver, applicant):
    # given T-L3 (promised 10 working days) suspended for a month after two days
    case = services.case_open(
        actor=clerk,
        item_code="T-L3",
        applicant=applicant,
        channel="hall",
        form={"address": "x"},
        materials={"id_card": "received", "address_proof": "received"},
    )
    engine(2026, 2, 12, 10, 0)
    case = services.case_suspend(actor=approver, case_id=case.pk, version=case.version, reason="等待鉴定")
    engine(2026, 3, 12, 10, 0)
    case = services.case_resume(actor=approver, case_id=case.pk, version=case.version)
    # then the promise has used two days and ends with the phase's clock
    progress = selectors.case_progress(case=case)
    assert progress["promise"]["used"] == 2 and progress["promise"]["kept"] is True
    assert progress["promise"]["due_date"] == case.due_date == D(2026, 3, 24)


def test_a_clock_stopped_at_receipt_is_remembered_and_a_case_never_stopped_reads_no_stops(
    engine, clerk, applicant, django_assert_num_queries
):
    # given T-L3 received on Tue 10 Feb without the ID card, supplied on Fri 13 Feb
    waiting = services.case_open(
        actor=clerk,
        item_code="T-L3",
        applicant=applicant,
        channel="hall",
        form={"address": "x"},
        materials={"address_proof": "received"},
    )
    assert waiting.has_stops is True
    engine(2026, 2, 13, 15, 0)
    waiting = services.case_supplement(
        actor=clerk, case_id=waiting.pk, version=waiting.version, materials={"id_card": "received"}
    )
    # then the promise counts from the supplement, as the phase's clock does: the days waiting
    # for the ID card are the applicant's, not the agency's
    assert selectors.case_progress(case=waiting)["promise"]["due_date"] == waiting.due_date
    # and a case received complete never stopped: its promise reads no stops at all
    whole = services.case_open(
        actor=clerk,
        item_code="T-L3",
        applicant=applicant,
        channel="hall",
        form={"address": "x"},
        materials={"id_card": "received", "address_proof": "received"},
    )
    assert whole.has_stops is False
    from shebao.cases import facts

    phases = list(whole.phases.select_related("phase"))
    with django_assert_num_queries(0):
        facts.case_promise(whole, phases=phases)
