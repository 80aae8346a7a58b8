"""YL-001 at the window and at completion: the checks' exact reasons, and what the approver's
completion writes (retiree status, certificate, approved determination) — or nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.cases.applicants import applicant_for
from shebao.cases.models import Case
from shebao.cases.services import case_act, case_open
from shebao.core.errors import InvalidInput
from shebao.core.models import AuditEvent
from shebao.pensions.models import BenefitEvent, PensionDetermination, PensionProfile, RetirementCertificate
from shebao.pensions.services import certificate_number_make, certificate_number_valid
from shebao.registry.models import Employment, InsuredStatus, Person
from tests.pensions.support import ACCOUNT, BASIC, CARD, RETIRE_FORM, TOTAL, TRANSITION, retiree_in_waiting
from tests.web.support import make_unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine", "benefit_staff")]

MATERIALS = {"id_card": "received", "personnel_file": "received"}


def _open(clerk, person, **changes):
    form = {**RETIRE_FORM, "id_number": person.id_number, **changes}
    return case_open(
        actor=clerk,
        item_code="YL-001",
        applicant=applicant_for(id_number=person.id_number),
        channel="hall",
        form=form,
        materials=MATERIALS,
    )


def _walk(case, clerk, reviewer, approver):
    for actor, action in ((clerk, "accept"), (reviewer, "review"), (approver, "approve")):
        case = case_act(actor=actor, case_id=case.pk, version=case.version, action=action)
    return case


def test_the_approver_completes_the_retirement_and_the_determination_together(clerk, reviewer, approver, district):
    # given a man born 1965-11 (statutory month 2026-02 at 60y3m), 145 months paid and 60 deemed
    person = retiree_in_waiting(district=district)
    unit = make_unit(code="91420102MA4K000015", district=district)
    Employment.objects.create(person=person, unit=unit, start=dt.date(2014, 1, 1))
    InsuredStatus.objects.create(
        person=person, insurance="pension", status="active", since=dt.date(2014, 1, 1), unit=unit
    )
    # when the clerk receives, the reviewer reviews and the approver approves YL-001
    case = _walk(_open(clerk, person), clerk, reviewer, approver)
    # then the case is completed and the person is a retiree from February
    assert case.status == Case.Status.COMPLETED
    person.refresh_from_db()
    assert person.category == Person.Category.RETIREE
    assert InsuredStatus.objects.get(person=person, insurance="pension").status == "terminated"
    assert Employment.objects.get(person=person).end == dt.date(2026, 1, 31)
    # a certificate with a valid new-style number of the district and year
    certificate = RetirementCertificate.objects.get(person=person)
    assert certificate.number.startswith("TX4201022026000001")
    assert certificate_number_valid(certificate.number)
    assert (certificate.age_years, certificate.age_months) == (60, 3)
    # and the approved determination, as computed by hand in tests/pensions/support.py
    determination = PensionDetermination.objects.get(person=person)
    assert determination.status == "approved" and determination.approved_by == approver
    assert (determination.basic_pension, determination.account_pension, determination.transition_pension) == (
        BASIC,
        ACCOUNT,
        TRANSITION,
    )
    assert determination.total == TOTAL
    assert determination.provisional is True  # 2026's 计发基数 is not published: 2025's carried forward
    assert str(determination.months_divisor) == "137.3"
    profile = PensionProfile.objects.get(person=person)
    assert (profile.status, profile.benefit_start, profile.bank_card, profile.deemed_months) == (
        "paying",
        dt.date(2026, 2, 1),
        CARD,
        60,
    )
    assert case.result["certificate"] == certificate.number
    assert BenefitEvent.objects.filter(person=person, kind="retire").exists()
    assert AuditEvent.objects.filter(action="pension.retire", subject_person=person.id_number).count() == 1


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            {"retire_date": "2026-03-01"},
            "法定退休月份为 2026-02（60周岁3个月），申请的 2026-03 不符；提前或推迟退休请选择弹性退休",
        ),
        (
            {"retire_type": "flexible_early", "retire_date": "2025-10-01"},
            "弹性提前退休的月份应在 2025-11 至 2026-01 之间（人社部发〔2024〕94号），申请的是 2025-10",
        ),
        (
            {"retire_type": "flexible_late", "retire_date": "2029-03-01"},
            "弹性延迟退休的月份应在 2026-03 至 2029-02 之间（人社部发〔2024〕94号），申请的是 2029-03",
        ),
        (
            {"deemed_months": "30", "deemed_source": "档案"},
            "累计缴费（含视同缴费）175个月，不足2026-02退休所需的最低缴费180个月（15年0个月），不能按月领取基本养老金",
        ),
    ],
)
def test_the_window_refuses_what_the_approver_could_only_refuse(clerk, district, changes, reason):
    # given the man a month before his statutory month
    person = retiree_in_waiting(district=district)
    # when the clerk receives a form outside the rule, then it is refused at receipt with the reason
    with pytest.raises(InvalidInput) as refused:
        _open(clerk, person, **changes)
    assert refused.value.message_zh == reason
    assert refused.value.field == "retire_date"
    # and nothing was opened or written
    assert not Case.objects.exists()
    assert not PensionProfile.objects.exists() and not RetirementCertificate.objects.exists()


def test_deemed_months_need_their_source(clerk, district):
    person = retiree_in_waiting(district=district)
    with pytest.raises(InvalidInput) as refused:
        _open(clerk, person, deemed_source="")
    assert refused.value.field == "deemed_source"


def test_a_flexible_early_retirement_inside_the_window_is_received(clerk, district):
    person = retiree_in_waiting(district=district)
    case = _open(clerk, person, retire_type="flexible_early", retire_date="2026-01-01")
    assert case.status != Case.Status.COMPLETED and case.number


def test_certificate_numbers_carry_a_check_character():
    # 420102 2026 000001: Σ dᵢ·2^(16−i) mod 11 → check computed as for a resident ID number
    number = certificate_number_make(district_code="420102", year=2026, serial=1)
    assert number[:18] == "TX4201022026000001" and len(number) == 19
    assert certificate_number_valid(number)
    # one digit changed, or two neighbours swapped, no longer validates
    assert not certificate_number_valid(number[:10] + "7" + number[11:])
    assert not certificate_number_valid("TX4201022026000010" + number[18])
    assert not certificate_number_valid("TX42010220260000")
