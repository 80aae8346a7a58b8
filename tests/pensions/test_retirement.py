"""YL-001 at the window and at completion: the checks' exact reasons, and what the approver's
completion writes (retiree status, certificate, approved determination) — or nothing."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from shebao.cases.applicants import applicant_for
from shebao.cases.eligibility import Eligibility
from shebao.cases.models import Case
from shebao.cases.services import case_act, case_open
from shebao.core.errors import InvalidInput
from shebao.core.models import AuditEvent
from shebao.pensions.items import retirement_eligible
from shebao.pensions.models import BenefitEvent, PensionDetermination, PensionProfile, RetirementCertificate
from shebao.pensions.rules.ages import (
    EARLY_RETIREMENT_AGES,
    YearMonth,
    deemed_months_check,
    early_retirement_check,
)
from shebao.pensions.services import certificate_number_make, certificate_number_valid, pension_retire
from shebao.pensions.services.retirement import retirement_plan
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


# --- issue #11: deemed months, the special early retirements, unknown kinds -------------------

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _nothing_written():
    assert not Case.objects.exists()
    assert not PensionProfile.objects.exists() and not RetirementCertificate.objects.exists()
    assert not PensionDetermination.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        (  # the reviewer's case: 1990-01..1995-12 is 6 × 12 = 72 months, 400 entered
            {"work_start": "1990-01", "deemed_months": "400"},
            "deemed_months",
            "视同缴费月数400超过参加工作时间 1990-01 至 1995-12 的72个月",
        ),
        (  # 1986-07..1995-12: 9 × 12 + 6 = 114 months; one more is refused
            {"deemed_months": "115"},
            "deemed_months",
            "视同缴费月数115超过参加工作时间 1986-07 至 1995-12 的114个月",
        ),
        (  # born 1965-11: 16 in 1981-11
            {"work_start": "1981-10"},
            "work_start",
            "参加工作时间 1981-10 早于年满16周岁的月份 1981-11，请核对人事档案",
        ),
        (
            {"work_start": "1996-01", "deemed_months": "12"},
            "deemed_months",
            "参加工作时间 1996-01 不早于个人账户建立时间 1996-01，没有视同缴费年限，视同缴费月数应为0，填写的是12",
        ),
        ({"work_start": ""}, "work_start", "填写视同缴费月数时须填写参加工作时间（YYYY-MM）"),
    ],
)
def test_the_window_refuses_deemed_months_beyond_the_work_before_the_accounts(clerk, district, changes, field, reason):
    # given the man born 1965-11 (the transition rule's accounts started 1996-01)
    person = retiree_in_waiting(district=district)
    # when the clerk receives deemed months his working time before 1996 cannot hold
    with pytest.raises(InvalidInput) as refused:
        _open(clerk, person, **changes)
    # then it is refused at receipt with the exact reason naming the field, and nothing written
    assert refused.value.message_zh == reason
    assert refused.value.field == field
    _nothing_written()


def test_the_most_deemed_months_the_work_allows_are_received(clerk, district):
    person = retiree_in_waiting(district=district)
    case = _open(clerk, person, deemed_months="114")
    assert case.number and case.form_data["deemed_months"] == 114


def test_the_acceptance_check_and_the_approver_refuse_the_reviewers_400_deemed_months(district, approver):
    # given a form that passed no window (a case written before the fix)
    person = retiree_in_waiting(district=district)
    form = {**RETIRE_FORM, "id_number": person.id_number, "work_start": "1990-01", "deemed_months": 400}
    # when it is accepted, then the eligibility check refuses it
    with pytest.raises(InvalidInput) as at_acceptance:
        retirement_eligible(
            Eligibility(
                item_code="YL-001", form=form, applicant_id_number=person.id_number, stage="acceptance", person=None
            )
        )
    assert at_acceptance.value.field == "deemed_months"
    assert "72个月" in at_acceptance.value.message_zh
    # and the approver's completion refuses it too, writing nothing
    with pytest.raises(InvalidInput):
        pension_retire(actor=approver, person=person, form=form)
    _nothing_written()
    assert not AuditEvent.objects.filter(action="pension.retire").exists()


def test_deemed_months_rules_by_hand():
    birth, accounts = YearMonth(1972, 3), YearMonth(1996, 1)
    # 16 in 1988-03; 1988-03..1995-12 is 7 × 12 + 10 = 94
    assert (
        deemed_months_check(birth=birth, work_start=YearMonth(1988, 3), account_start=accounts, deemed_months=94) == 94
    )
    assert deemed_months_check(birth=birth, work_start=None, account_start=accounts, deemed_months=0) == 0
    with pytest.raises(InvalidInput):
        deemed_months_check(birth=birth, work_start=YearMonth(1988, 3), account_start=accounts, deemed_months=95)
    with pytest.raises(InvalidInput) as early:
        deemed_months_check(birth=birth, work_start=YearMonth(1988, 2), account_start=accounts, deemed_months=0)
    assert early.value.field == "work_start"


def test_the_early_retirement_ages_are_sourced_rows():
    ages = {(row.kind, row.sex): row.age_years for row in EARLY_RETIREMENT_AGES}
    assert ages == {
        ("special_work", "M"): 55,
        ("special_work", "F"): 45,
        ("disability", "M"): 50,
        ("disability", "F"): 45,
    }
    for row in EARLY_RETIREMENT_AGES:
        assert "国发〔1978〕104号" in row.source and row.confidence == "M" and "2024" in row.note
    # a woman born 1981-05 is 45 in 2026-05: 2026-04 refused, 2026-05 allowed
    with pytest.raises(InvalidInput) as refused:
        early_retirement_check(kind="disability", sex="F", birth=YearMonth(1981, 5), retirement=YearMonth(2026, 4))
    assert refused.value.field == "retire_date"
    assert "最早为 2026-05，申请的是 2026-04" in refused.value.message_zh
    early_retirement_check(kind="disability", sex="F", birth=YearMonth(1981, 5), retirement=YearMonth(2026, 5))


@time_machine.travel(dt.datetime(2026, 1, 12, 10, 0, tzinfo=SHANGHAI), tick=False)
@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (  # born 1965-11: 55 in 2020-11
            {"retire_type": "special_work", "retire_date": "2020-10-01"},
            "特殊工种提前退休：男职工须年满55周岁（国发〔1978〕104号《国务院关于工人退休、退职的暂行办法》第一条），"
            "最早为 2020-11，申请的是 2020-10",
        ),
        (  # 50 in 2015-11
            {"retire_type": "disability", "retire_date": "2015-10-01"},
            "因病或非因工致残完全丧失劳动能力退休：男职工须年满50周岁（国发〔1978〕104号《国务院关于工人退休、退职的暂行办法》第一条），"
            "最早为 2015-11，申请的是 2015-10",
        ),
        (  # old enough, but a month before the month of application (2026-01)
            {"retire_type": "disability", "retire_date": "2025-12-01"},
            "提前退休的月份不能早于申请当月 2026-01，申请的是 2025-12",
        ),
    ],
)
def test_the_special_early_retirements_are_checked_against_their_age_and_the_month(clerk, district, changes, reason):
    person = retiree_in_waiting(district=district)
    with pytest.raises(InvalidInput) as refused:
        _open(clerk, person, **changes)
    assert refused.value.message_zh == reason
    assert refused.value.field == "retire_date"
    _nothing_written()


@time_machine.travel(dt.datetime(2026, 1, 12, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_a_special_work_retirement_of_the_current_month_at_60_is_received(clerk, district):
    person = retiree_in_waiting(district=district)
    case = _open(clerk, person, retire_type="special_work", retire_date="2026-01-01")
    assert case.number and case.form_data["retire_type"] == "special_work"


def test_an_unknown_kind_of_retirement_is_refused_by_the_plan(district):
    person = retiree_in_waiting(district=district)
    with pytest.raises(InvalidInput) as refused:
        retirement_plan(person=person, form={**RETIRE_FORM, "retire_type": "whenever"})
    assert refused.value.field == "retire_type"
    assert refused.value.message_zh == "未知的退休类别：whenever"


@time_machine.travel(dt.datetime(2026, 1, 12, 10, 0, tzinfo=SHANGHAI), tick=False)
@pytest.mark.parametrize("kind", ["special_work", "disability"])
def test_a_special_retirement_is_not_approved_without_its_proof(clerk, reviewer, approver, district, kind):
    # given a special retirement received without the special proof
    person = retiree_in_waiting(district=district)
    case = _open(clerk, person, retire_type=kind, retire_date="2026-01-01")
    # when the approver approves, then completion refuses naming the proof, and nothing is written
    with pytest.raises(InvalidInput) as refused:
        _walk(case, clerk, reviewer, approver)
    assert refused.value.field == "special_proof"
    assert Case.objects.get(pk=case.pk).status != Case.Status.COMPLETED
    assert not RetirementCertificate.objects.exists() and not PensionDetermination.objects.exists()
    person.refresh_from_db()
    assert person.category != Person.Category.RETIREE


@time_machine.travel(dt.datetime(2026, 1, 12, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_a_special_work_retirement_with_its_proof_received_completes(clerk, reviewer, approver, district):
    person = retiree_in_waiting(district=district)
    case = case_open(
        actor=clerk,
        item_code="YL-001",
        applicant=applicant_for(id_number=person.id_number),
        channel="hall",
        form={**RETIRE_FORM, "id_number": person.id_number, "retire_type": "special_work", "retire_date": "2026-01-01"},
        materials={**MATERIALS, "special_proof": "received"},
    )
    case = _walk(case, clerk, reviewer, approver)
    assert case.status == Case.Status.COMPLETED
    assert RetirementCertificate.objects.get(person=person).retire_type == "special_work"


@time_machine.travel(dt.datetime(2026, 1, 12, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_an_uploaded_special_proof_counts_only_once_the_office_verified_it(
    clerk, reviewer, approver, district, settings, tmp_path
):
    # issue 13: an upload counts for nothing until a clerk of the office checked it
    from shebao.cases.materials import upload_store
    from shebao.cases.services.materials import case_material_verify

    settings.MEDIA_ROOT = str(tmp_path)
    person = retiree_in_waiting(district=district)
    ref = upload_store(actor=clerk, name="proof.pdf", content=b"%PDF-1.4\n%%EOF\n", channel="hall").ref
    case = case_open(
        actor=clerk,
        item_code="YL-001",
        applicant=applicant_for(id_number=person.id_number),
        channel="hall",
        form={**RETIRE_FORM, "id_number": person.id_number, "retire_type": "special_work", "retire_date": "2026-01-01"},
        materials={**MATERIALS, "special_proof": {"state": "uploaded", "file": ref}},
    )
    assert case.materials.get(material__code="special_proof").verification == "pending"
    # the file still waiting: the approval is refused naming the proof, nothing written
    with pytest.raises(InvalidInput) as refused:
        _walk(case, clerk, reviewer, approver)
    assert refused.value.field == "special_proof"
    assert not RetirementCertificate.objects.exists()
    # once the approver (the authority the case needs) verified it, the same approval completes
    case = Case.objects.get(pk=case.pk)
    case = case_material_verify(
        actor=approver, case_id=case.pk, version=case.version, code="special_proof", decision="verified"
    )
    case = case_act(actor=approver, case_id=case.pk, version=case.version, action="approve")
    assert case.status == Case.Status.COMPLETED
    assert RetirementCertificate.objects.get(person=person).retire_type == "special_work"
