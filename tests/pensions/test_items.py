"""Each pension item's completion writes its effect in the completing transaction: the monthly
job, suspension and resumption with back pay, the payment card, certification, the survivors'
grant and pension, the account balance, the redetermination; and a determination replays."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.cases.applicants import applicant_for
from shebao.cases.models import Case
from shebao.cases.services import case_act, case_open
from shebao.core.errors import InvalidInput
from shebao.core.jobs import job_create, job_run
from shebao.core.models import AuditEvent
from shebao.pensions.models import BenefitEvent, PensionBase, PensionDetermination, PensionPayment, PensionProfile
from shebao.pensions.services import PAYMENTS_JOB, pension_replay
from tests.factories import new_id_number
from tests.pensions.support import CARD, OTHER_CARD, TOTAL, retiree

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine", "benefit_staff")]

FEB, MAR, APR, MAY, JUN = (dt.date(2026, m, 1) for m in (2, 3, 4, 5, 6))


@pytest.fixture
def staff(clerk, reviewer, approver):
    return {1: [(clerk, "accept")], 2: [(clerk, "accept"), (reviewer, "review")]} | {
        3: [(clerk, "accept"), (reviewer, "review"), (approver, "approve")]
    }


@pytest.fixture
def person(district, approver):
    return retiree(district=district, approver=approver)


def _complete(staff, code, applicant_id, form, materials):
    case = case_open(
        actor=staff[1][0][0],
        item_code=code,
        applicant=applicant_for(id_number=applicant_id, name="申请人", district_code="420102"),
        channel="hall",
        form={"id_number": applicant_id, "name": "申请人", "phone": "13800000012", **form},
        materials=materials,
    )
    for actor, action in staff[case.item.risk_level]:
        case = case_act(actor=actor, case_id=case.pk, version=case.version, action=action)
    assert case.status == Case.Status.COMPLETED
    return case


def _months(person, kind=None):
    rows = PensionPayment.objects.filter(person=person).order_by("month", "id")
    if kind:
        rows = rows.filter(kind=kind)
    return [(p.month, p.kind, p.amount) for p in rows]


def _pay(month):
    job = job_create(kind=PAYMENTS_JOB, params={"month": month.isoformat()})
    job_run(job_id=job.pk)


def test_the_monthly_job_pays_each_month_once(person, at):
    # given February paid at retirement; when the job runs for April, twice
    at(2026, 4, 10, 10, 0)
    _pay(APR)
    _pay(APR)
    # then March and April are paid once each, at the approved amount, to the card
    assert _months(person) == [(FEB, "monthly", TOTAL), (MAR, "monthly", TOTAL), (APR, "monthly", TOTAL)]
    assert set(PensionPayment.objects.values_list("bank_card", flat=True)) == {CARD}


def test_suspension_then_resumption_back_pays_the_suspended_months(person, staff, at):
    # given February paid; when YL-008 suspends from February (no certification)
    _complete(
        staff,
        "YL-008",
        person.id_number,
        {"suspend_reason": "no_certification", "suspend_from": "2026-02-01"},
        {"reason_proof": "received"},
    )
    profile = PensionProfile.objects.get(person=person)
    assert (profile.status, profile.suspended_from) == ("suspended", FEB)
    assert BenefitEvent.objects.get(person=person, kind="suspend").detail["overpaid"] == ["2026-02-01"]
    # then the job pays nothing while suspended
    at(2026, 5, 12, 10, 0)
    _pay(MAY)
    assert _months(person) == [(FEB, "monthly", TOTAL)]
    # when YL-009 resumes in May after certification
    case = _complete(
        staff,
        "YL-009",
        person.id_number,
        {"resume_reason": "certified", "resume_from": "2026-05-01", "bank_card": CARD},
        {"id_card": "received", "reason_proof": "received"},
    )
    # then March and April are back paid, May paid as usual: 2 × 2686.02 = 5372.04 back pay
    assert _months(person) == [
        (FEB, "monthly", TOTAL),
        (MAR, "back_pay", TOTAL),
        (APR, "back_pay", TOTAL),
        (MAY, "monthly", TOTAL),
    ]
    assert case.result["back_pay_total"] == "5372.04"
    assert PensionProfile.objects.get(person=person).status == "paying"
    # and the job goes on from June
    at(2026, 6, 10, 10, 0)
    _pay(JUN)
    assert _months(person)[-1] == (JUN, "monthly", TOTAL)


def test_after_a_prison_term_the_suspended_months_are_not_back_paid(person, staff, at):
    _complete(
        staff,
        "YL-008",
        person.id_number,
        {"suspend_reason": "prison", "suspend_from": "2026-02-01"},
        {"reason_proof": "received"},
    )
    at(2026, 5, 12, 10, 0)
    case = _complete(
        staff,
        "YL-009",
        person.id_number,
        {"resume_reason": "released", "resume_from": "2026-05-01", "bank_card": CARD},
        {"id_card": "received", "reason_proof": "received"},
    )
    # March and April recorded as not paid (0.00), May paid
    assert _months(person)[1:] == [
        (MAR, "monthly", Decimal("0.00")),
        (APR, "monthly", Decimal("0.00")),
        (MAY, "monthly", TOTAL),
    ]
    assert case.result["not_paid"] == ["2026-03-01", "2026-04-01"]


def test_a_new_card_receives_the_next_months(person, staff, at):
    _complete(
        staff, "YL-012", person.id_number, {"bank_card": OTHER_CARD}, {"id_card": "received", "bank_card": "received"}
    )
    profile = PensionProfile.objects.get(person=person)
    assert (profile.bank_card, profile.bank_card_since) == (OTHER_CARD, MAR)
    at(2026, 3, 10, 10, 0)
    _pay(MAR)
    assert PensionPayment.objects.get(person=person, month=MAR).bank_card == OTHER_CARD
    assert PensionPayment.objects.get(person=person, month=FEB).bank_card == CARD


def test_certification_is_recorded(person, staff):
    _complete(staff, "YL-010", person.id_number, {"method": "face"}, {"id_card": "received"})
    assert PensionProfile.objects.get(person=person).certified_on == dt.date(2026, 2, 10)
    assert BenefitEvent.objects.get(person=person, kind="certify").detail == {"method": "face"}


def test_survivors_are_paid_once_and_the_pension_stops(person, staff, at):
    # given the retiree paid February to May; he died on 15 April
    at(2026, 5, 12, 10, 0)
    _pay(MAY)
    spouse = new_id_number("420102", dt.date(1968, 5, 1))
    form = {
        "deceased_id_number": person.id_number,
        "deceased_name": person.name,
        "death_date": "2026-04-15",
        "relation": "spouse",
        "bank_card": OTHER_CARD,
    }
    materials = {
        "claimant_id": "received",
        "death_proof": "received",
        "kinship_proof": "received",
        "bank_card": "received",
    }
    case = _complete(staff, "YL-006", spouse, form, materials)
    # then the grant (2 months) and the survivors' pension (10 months) of 2686.02 are paid to the spouse
    assert case.result["paid"] == {"funeral_grant": "5372.04", "survivor_pension": "26860.20"}
    assert set(
        PensionPayment.objects.filter(kind__in=["funeral_grant", "survivor_pension"]).values_list(
            "bank_card", flat=True
        )
    ) == {OTHER_CARD}
    # the pension stops after April; May, paid already, is named as overpaid
    profile = PensionProfile.objects.get(person=person)
    assert (profile.status, profile.stopped_after) == ("stopped", APR)
    assert case.result["overpaid"] == ["2026-05-01"]
    at(2026, 6, 10, 10, 0)
    _pay(JUN)
    assert not PensionPayment.objects.filter(person=person, month=JUN).exists()
    # and the account balance goes to the heir: 80000.00 − 582.67 × 3 months (Feb–Apr) = 78251.99
    case = _complete(staff, "YL-007", spouse, form, {**materials, "inheritance_proof": "received"})
    assert case.result["paid"] == "78251.99"
    assert AuditEvent.objects.filter(action="pension.inheritance", subject_person=person.id_number).count() == 1


def test_a_determination_replays_to_the_same_figures_and_knows_when_a_rule_changed(person):
    determination = PensionDetermination.objects.get(person=person)
    replay = pension_replay(determination=determination)
    assert replay.same and replay.result.total == TOTAL and not replay.rules_changed
    # when 2026's 计发基数 is published, the stored figures still replay, and the change is seen
    PensionBase.objects.create(
        region="wuhan", year=2026, amount=Decimal("9300.00"), effective_from=dt.date(2026, 1, 1), source="test"
    )
    replay = pension_replay(determination=determination)
    assert replay.same and replay.result.total == TOTAL and replay.rules_changed


def test_redetermination_supersedes_and_pays_from_the_next_month(person, staff, at):
    # given 2026's 计发基数 published at 9300: basic 9300 × 205/1200 = 1588.75, transition
    # 9300 × 5 × 1.2% = 558.00, account 582.67 → 2729.42, no longer provisional
    PensionBase.objects.create(
        region="wuhan", year=2026, amount=Decimal("9300.00"), effective_from=dt.date(2026, 1, 1), source="test"
    )
    _complete(
        staff,
        "YL-002",
        person.id_number,
        {"retire_date": "2026-02-01", "bank_card": CARD},
        {"id_card": "received", "bank_card": "received"},
    )
    new = PensionDetermination.objects.get(person=person, status="approved")
    assert (new.total, new.provisional, new.effective_from, new.kind) == (
        Decimal("2729.42"),
        False,
        MAR,
        "redetermination",
    )
    assert PensionDetermination.objects.get(person=person, status="superseded").total == TOTAL
    at(2026, 3, 10, 10, 0)
    _pay(MAR)
    assert _months(person) == [(FEB, "monthly", TOTAL), (MAR, "monthly", Decimal("2729.42"))]


def test_items_for_retirees_are_refused_at_the_window_for_anyone_else(staff, district):
    from tests.pensions.support import retiree_in_waiting

    waiting = retiree_in_waiting(district=district)
    with pytest.raises(InvalidInput) as refused:
        _complete(
            staff,
            "YL-012",
            waiting.id_number,
            {"bank_card": OTHER_CARD},
            {"id_card": "received", "bank_card": "received"},
        )
    assert refused.value.message_zh == "该人员尚未办理退休，不能办理养老待遇业务"
    assert not Case.objects.exists() and not PensionProfile.objects.exists()
