"""YB-004 end to end through the services: the district accepts, the centre assesses, reviews
and approves; the amount is the hand computation from the rule rows; the payment goes once to
the person's card; the decision letter is a PDF with a verification code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError

from shebao.cases import services
from shebao.core.audit import verify  # noqa: F401  (the chain stays verifiable)
from shebao.core.documents import document_code, document_verify
from shebao.core.errors import NotAllowed
from shebao.core.models import AuditEvent
from shebao.medical import services as medical
from shebao.medical.documents import LETTER_KIND, decision_letter_pdf
from shebao.medical.models import CareAuthorisation, Reimbursement, ReimbursementPayment

D = Decimal
MATERIALS = {
    "id_card": "received",
    "invoices": "received",
    "itemised_bill": "received",
    "discharge_summary": "received",
    "bank_card": "received",
}


def claim(clerk, applicant, citizen, *, hospital="中山大学附属第一医院", admitted="2026-01-05", amount="8650.40"):
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
            "hospital": hospital,
            "admission_date": admitted,
            "discharge_date": admitted,
            "amount": amount,
            "bank_card": "6222021234567894",
        },
        materials=MATERIALS,
    )


def through_the_centre(case, clerk, reviewer, approver, *, assess=None, capture=None):
    case = services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    if assess:
        medical.reimbursement_assess(actor=reviewer, case_number=case.number, **assess)
    case = services.case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    with capture(execute=True):
        case = services.case_act(actor=approver, case_id=case.pk, version=case.version, action="approve")
    return case


def referral_filing(citizen):
    CareAuthorisation.objects.create(
        id_number=citizen.id_number,
        name=citizen.full_name,
        kind="referral",
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 6, 30),
        case_number="F-1",
    )


def test_a_filed_referral_assessed_by_the_centre_is_paid_once_with_a_verifiable_letter(
    engine, clerk, citizen, applicant, centre_staff, bank, django_capture_on_commit_callbacks
):
    _, reviewer, approver = centre_staff
    referral_filing(citizen)
    case = claim(clerk, applicant, citizen)
    # when the centre finds 8,000.00 of the 8,650.40 in policy and approves
    case = through_the_centre(
        case,
        clerk,
        reviewer,
        approver,
        assess={"hospital_code": "H440100001", "in_policy_cost": "8000.00", "person_type": "working"},
        capture=django_capture_on_commit_callbacks,
    )
    # then level 3, working, first admission, filed referral: (8 000 − 800) × (86% − 10) = 5 472.00
    row = Reimbursement.objects.get(case_number=case.number)
    assert case.status == "completed"
    assert (row.status, row.filing_type, row.admission_number, row.amount) == ("decided", "referral", 1, D("5472.00"))
    assert row.derivation["lines"][-1]["value"] == "5,472.00"
    # and the payment went to the card once, with the bank's reference
    payment = ReimbursementPayment.objects.get(reimbursement=row)
    assert (payment.status, payment.amount, payment.idempotency_key) == ("paid", D("5472.00"), f"YB-004-{case.number}")
    assert bank.transfers == 1 and payment.bank_reference.startswith("BK")
    # a retry sends the same key: the bank answers the first receipt, no money moves again
    payment.status = "failed"
    payment.save()
    medical.payment_send(payment_id=payment.pk)
    assert bank.transfers == 1
    # and a second payment order for the same reimbursement cannot exist
    with pytest.raises(IntegrityError):
        ReimbursementPayment.objects.create(
            reimbursement=row, idempotency_key="other", bank_card=row.bank_card, amount=row.amount
        )


def test_the_decision_letter_is_a_pdf_with_its_verification_code(
    engine, clerk, citizen, applicant, centre_staff, django_capture_on_commit_callbacks
):
    _, reviewer, approver = centre_staff
    case = through_the_centre(
        claim(clerk, applicant, citizen), clerk, reviewer, approver, capture=django_capture_on_commit_callbacks
    )
    row = Reimbursement.objects.select_related("payment").get(case_number=case.number)
    pdf = decision_letter_pdf(row=row)
    assert pdf.startswith(b"%PDF")
    code = document_code(kind=LETTER_KIND, ref=row.letter_ref)
    assert document_verify(kind=LETTER_KIND, ref=row.letter_ref, code=code)


def test_unfiled_care_elsewhere_taken_as_claimed_and_a_later_admission_halves_the_deductible(
    engine, clerk, citizen, applicant, centre_staff, django_capture_on_commit_callbacks
):
    _, reviewer, approver = centre_staff
    # no filing, no assessment: all 8 650.40 in policy, level 3, working, unfiled:
    # (8 650.40 − 800) × (86% − 20) = 7 850.40 × 66% = 5 181.264 → 5 181.26
    first = through_the_centre(
        claim(clerk, applicant, citizen), clerk, reviewer, approver, capture=django_capture_on_commit_callbacks
    )
    assert Reimbursement.objects.get(case_number=first.number).amount == D("5181.26")
    # a second admission on 8 Jan at 宜昌市中心人民医院 (level 3, in Hubei outside Wuhan, no
    # filing): deductible halved to 400; (5 000 − 400) × (86% − 20) = 4 600 × 66% = 3 036.00
    second = through_the_centre(
        claim(clerk, applicant, citizen, hospital="宜昌市中心人民医院", admitted="2026-01-08", amount="5000"),
        clerk,
        reviewer,
        approver,
        assess={"hospital_code": "H420500001", "in_policy_cost": "5000", "person_type": "working"},
        capture=django_capture_on_commit_callbacks,
    )
    row = Reimbursement.objects.get(case_number=second.number)
    assert (row.admission_number, row.hospital_level, row.amount) == (2, "3", D("3036.00"))


def test_a_non_designated_hospital_without_an_emergency_approval_is_not_paid(
    engine, clerk, citizen, applicant, centre_staff, bank, django_capture_on_commit_callbacks
):
    _, reviewer, approver = centre_staff
    case = through_the_centre(
        claim(clerk, applicant, citizen, hospital="上海某私立国际医院"),
        clerk,
        reviewer,
        approver,
        capture=django_capture_on_commit_callbacks,
    )
    row = Reimbursement.objects.get(case_number=case.number)
    assert row.amount == D("0.00") and "非定点" in row.derivation["lines"][0]["label_zh"]
    assert not ReimbursementPayment.objects.exists() and bank.transfers == 0


def test_a_retiree_with_a_non_designated_emergency_approval_gets_the_emergency_rate(
    engine, clerk, citizen, applicant, centre_staff, django_capture_on_commit_callbacks
):
    _, reviewer, approver = centre_staff
    CareAuthorisation.objects.create(
        id_number=citizen.id_number,
        kind="non_designated",
        valid_from=dt.date(2026, 1, 5),
        valid_to=dt.date(2026, 1, 5),
        case_number="F-2",
    )
    case = claim(clerk, applicant, citizen, hospital="上海某私立国际医院", amount="20000")
    case = through_the_centre(
        case,
        clerk,
        reviewer,
        approver,
        assess={"hospital_code": "H310000001", "in_policy_cost": "20000", "person_type": "retired"},
        capture=django_capture_on_commit_callbacks,
    )
    # level 2, retired 92% − 10 emergency = 82%; (20 000 − 600) × 82% = 15 908.00
    row = Reimbursement.objects.get(case_number=case.number)
    assert (row.filing_type, row.amount) == ("emergency", D("15908.00"))


def test_only_the_medical_centre_assesses_and_a_refusal_writes_nothing(engine, clerk, citizen, applicant, centre_staff):
    case = claim(clerk, applicant, citizen)
    case = services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    events = AuditEvent.objects.count()
    with pytest.raises(NotAllowed):
        medical.reimbursement_assess(
            actor=clerk, case_number=case.number, hospital_code="H440100001", in_policy_cost="1", person_type="working"
        )
    assert not Reimbursement.objects.exists() and AuditEvent.objects.count() == events
