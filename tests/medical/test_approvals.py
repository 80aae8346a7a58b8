"""YB-002 (hospital transfer, 2 working days) and YB-003 (non-designated emergency care, 3
working days from the complete application) decided by the city medical centre, across a
weekend and the 清明 holiday (2026: Sat 4 – Mon 6 April off); YB-001/YB-008 filings recorded
with their validity on completion (temporary at least 6 months; long-term changeable after 6);
an emergency filed afterwards (补办备案)."""

from __future__ import annotations

import datetime as dt

from shebao.cases import services
from shebao.medical.models import CareAuthorisation

D = dt.date
ID_CARD = {"id_card": "received"}


def _open(actor, applicant, citizen, code, form, materials):
    return services.case_open(
        actor=actor,
        item_code=code,
        applicant=applicant,
        channel="hall",
        form={"id_number": citizen.id_number, "name": citizen.full_name, "phone": "13800138000", **form},
        materials=materials,
    )


TRANSFER = {"from_hospital": "武汉市江岸区第二人民医院", "to_hospital": "武汉大学人民医院", "diagnosis": "急性心肌梗死"}
TRANSFER_MATERIALS = {**ID_CARD, "referral_form": "received", "medical_record": "received"}


def test_a_transfer_is_approved_within_2_working_days_across_a_weekend(
    engine, citizen, applicant, centre_staff, medical_centre
):
    centre_clerk, reviewer, _ = centre_staff
    # given a transfer request received Thu 5 March 2026 at the city medical centre
    engine(2026, 3, 5, 10, 0)
    case = _open(centre_clerk, applicant, citizen, "YB-002", TRANSFER, TRANSFER_MATERIALS)
    # then it is the centre's, due two working days later: Fri 6, (Sat 7, Sun 8 off) Mon 9
    assert case.office == medical_centre and case.due_date == D(2026, 3, 9)
    # when the centre accepts and approves (review) on Mon 9 March
    engine(2026, 3, 9, 11, 0)
    case = services.case_act(actor=centre_clerk, case_id=case.pk, version=case.version, action="accept")
    case = services.case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    # then the approval is recorded, valid six months from the day received
    assert case.status == "completed"
    row = CareAuthorisation.objects.get(case_number=case.number)
    assert (row.kind, row.valid_from, row.valid_to, row.hospital) == (
        "transfer",
        D(2026, 3, 5),
        D(2026, 9, 4),
        "武汉大学人民医院",
    )


def test_a_transfer_received_before_qingming_is_due_after_the_holiday(engine, citizen, applicant, centre_staff):
    centre_clerk, _, _ = centre_staff
    # received Thu 2 April: day 1 Fri 3; Sat 4 – Mon 6 清明 off; day 2 Tue 7
    engine(2026, 4, 2, 10, 0)
    case = _open(centre_clerk, applicant, citizen, "YB-002", TRANSFER, TRANSFER_MATERIALS)
    assert case.due_date == D(2026, 4, 7)


EMERGENCY = {"hospital": "上海某私立国际医院", "admission_date": "2026-03-28", "diagnosis": "急性阑尾炎"}


def test_a_non_designated_emergency_is_decided_within_3_working_days_of_the_complete_application(
    engine, citizen, applicant, centre_staff
):
    centre_clerk, reviewer, _ = centre_staff
    # given an application received Thu 2 April without the hospital's statement of the emergency
    engine(2026, 4, 2, 10, 0)
    case = _open(centre_clerk, applicant, citizen, "YB-003", EMERGENCY, {**ID_CARD, "emergency_record": "received"})
    assert case.status == "awaiting_materials" and case.due_date is None
    # when the statement is handed in on Tue 7 April (after 清明)
    engine(2026, 4, 7, 9, 30)
    case = services.case_supplement(
        actor=centre_clerk, case_id=case.pk, version=case.version, materials={"hospital_statement": "received"}
    )
    # then the 3 working days count from the complete file: Wed 8, Thu 9, Fri 10
    assert case.due_date == D(2026, 4, 10)
    engine(2026, 4, 10, 16, 0)
    case = services.case_act(actor=centre_clerk, case_id=case.pk, version=case.version, action="accept")
    case = services.case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    # and the approval covers that admission only
    row = CareAuthorisation.objects.get(case_number=case.number)
    assert (row.kind, row.valid_from, row.valid_to, row.retroactive) == (
        "non_designated",
        D(2026, 3, 28),
        D(2026, 3, 28),
        True,
    )


def test_a_3_day_decision_received_before_the_spring_festival_counts_the_make_up_saturday(
    engine, citizen, applicant, centre_staff
):
    centre_clerk, _, _ = centre_staff
    # received Fri 13 Feb complete: day 1 Sat 14 (a 调休 working Saturday), Sun 15 – Mon 23 春节
    # off, day 2 Tue 24, day 3 Wed 25
    engine(2026, 2, 13, 10, 0)
    materials = {**ID_CARD, "emergency_record": "received", "hospital_statement": "received"}
    case = _open(centre_clerk, applicant, citizen, "YB-003", {**EMERGENCY, "admission_date": "2026-02-10"}, materials)
    assert case.due_date == D(2026, 2, 25)


def test_an_emergency_filed_afterwards_is_a_temporary_filing_of_at_least_six_months(
    engine, citizen, applicant, centre_staff
):
    centre_clerk, _, _ = centre_staff
    # given an emergency in Guangzhou on 20 Jan, filed afterwards on Tue 10 Feb asking until 31 Jan
    form = {
        "filing_type": "emergency",
        "place": "广东省广州市",
        "hospital": "中山大学附属第一医院",
        "valid_from": "2026-01-20",
        "valid_to": "2026-01-31",
    }
    case = _open(centre_clerk, applicant, citizen, "YB-001", form, ID_CARD)
    assert case.promised_days == 0  # 即时办结: accepted and done at the window
    case = services.case_act(actor=centre_clerk, case_id=case.pk, version=case.version, action="accept")
    # then it is recorded at once, retroactive, valid six months: 20 Jan – 19 Jul
    assert case.status == "completed"
    row = CareAuthorisation.objects.get(case_number=case.number)
    assert (row.kind, row.retroactive, row.valid_from, row.valid_to) == (
        "emergency",
        True,
        D(2026, 1, 20),
        D(2026, 7, 19),
    )


def test_a_long_term_filing_has_no_end_and_is_changeable_after_six_months(engine, citizen, applicant, centre_staff):
    centre_clerk, _, _ = centre_staff
    form = {"filing_type": "retiree", "place": "海南省三亚市", "valid_from": "2026-02-10"}
    case = _open(centre_clerk, applicant, citizen, "YB-008", form, {**ID_CARD, "residence_proof": "commitment"})
    case = services.case_act(actor=centre_clerk, case_id=case.pk, version=case.version, action="accept")
    row = CareAuthorisation.objects.get(case_number=case.number)
    assert (row.kind, row.category, row.valid_to, row.changeable_from) == ("long_term", "retiree", None, D(2026, 8, 1))
