"""SY-002 completed on the spot (即时办结) with complete materials, and refused at the window
with the exact reason when a condition fails — nothing written on refusal; SY-001's filing read
by the claim; the window period (异动期)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.cases import services
from shebao.cases.models import Case
from shebao.core.errors import Conflict
from shebao.core.models import AuditEvent, SkillGroup
from shebao.unemployment.models import Claim, Separation
from shebao.unemployment.selectors import medical_paid_by_fund
from shebao.unemployment.services import claim_stop, unused_months
from tests.unemployment.conftest import CARD, ENDED, claim_form, contribute
from tests.web.support import employ

MATERIALS = {"id_card": "received", "termination_proof": "received"}


def open_claim(clerk, applicant, citizen, **changes):
    return services.case_open(
        actor=clerk,
        item_code="SY-002",
        applicant=applicant,
        channel="hall",
        form=claim_form(citizen, **changes),
        materials=MATERIALS,
    )


def accept(clerk, case):
    return services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")


def test_a_claim_with_complete_materials_completes_at_acceptance_with_its_months_and_amount(
    separated, clerk, applicant, citizen
):
    # given 60 months contributed, the contract ended on 31 January, claimed on 10 February
    case = open_claim(clerk, applicant, citizen)
    # when the clerk accepts it
    case = accept(clerk, case)
    # then the case is completed at once and the claim is there
    assert case.status == Case.Status.COMPLETED
    claim = Claim.objects.get(person=separated)
    assert claim.case_number == case.number
    assert claim.max_months == 18  # 60 months → 18
    assert claim.monthly_benefit == Decimal("1809.00")  # 2010 × 90%
    assert claim.start_month == dt.date(2026, 3, 1)  # from the month after the claim
    assert claim.contribution_months == 60 and claim.bank_card == CARD and claim.provisional
    assert any(ref.startswith("unemployment.Parameter#") for ref in claim.rules)
    assert case.result["max_months"] == 18
    assert AuditEvent.objects.filter(action="unemployment.claim.create", subject_id=str(claim.pk)).exists()
    # and the fund pays their medical insurance in the claim's months, not after
    assert medical_paid_by_fund(person_id=separated.pk, month=dt.date(2026, 3, 1))
    assert medical_paid_by_fund(person_id=separated.pk, month=dt.date(2027, 8, 1))  # the 18th month
    assert not medical_paid_by_fund(person_id=separated.pk, month=dt.date(2027, 9, 1))


def refused(clerk, applicant, citizen, says, **changes):
    with pytest.raises(Conflict) as error:
        open_claim(clerk, applicant, citizen, **changes)
    assert error.value.message_zh == says
    assert not Case.objects.filter(item__code="SY-002").exists() and not Claim.objects.exists()
    return error.value


def test_a_resignation_is_refused_at_receipt_with_the_reason(separated, clerk, applicant, citizen):
    error = refused(
        clerk,
        applicant,
        citizen,
        "离职原因为“本人主动辞职”，属本人意愿中断就业，不符合领取条件（《失业保险条例》（国务院令第258号）第十四条第（二）项）",
        end_reason="resigned",
    )
    assert error.field == "end_reason"


def test_the_employers_filing_of_a_resignation_refuses_a_claim_that_says_otherwise(
    separated, employer, clerk, applicant, citizen
):
    # given the employer filed the separation as a resignation (SY-001, completed at once)
    filing = services.case_open(
        actor=clerk,
        item_code="SY-001",
        applicant=applicant,
        channel="hall",
        form={
            "unit_code": employer.credit_code,
            "id_number": citizen.id_number,
            "name": citizen.full_name,
            "terminated_on": ENDED.isoformat(),
            "end_reason": "resigned",
        },
        materials={"termination_proof": "received"},
    )
    assert accept(clerk, filing).status == Case.Status.COMPLETED
    assert Separation.objects.get(person=separated).reason == "resigned"
    # when the person claims, saying the contract ended, it is refused with the filing's reason
    with pytest.raises(Conflict, match="本人主动辞职"):
        open_claim(clerk, applicant, citizen)
    assert not Claim.objects.exists()


def test_under_12_months_of_contributions_is_refused(person, employer, clerk, applicant, citizen):
    employ(person, employer, start=dt.date(2025, 2, 1), end=ENDED)
    contribute(person, months=11)
    refused(clerk, applicant, citizen, "累计缴纳失业保险费11个月，不满12个月（《失业保险条例》第十四条）")


def test_a_claim_after_the_60_days_is_refused(person, employer, clerk, applicant, citizen):
    # employment ended on 1 December 2025: 71 days before 10 February 2026
    employ(person, employer, start=dt.date(2020, 1, 1), end=dt.date(2025, 12, 1))
    contribute(person, months=70, last=dt.date(2025, 12, 1))
    error = refused(
        clerk,
        applicant,
        citizen,
        "终止劳动关系之日（2025-12-01）起已71天，超过60天申领期限",
        terminated_on="2025-12-01",
    )
    assert error.field == "terminated_on"


def test_an_open_employment_is_refused_with_the_employer_named(separated, employer, clerk, applicant, citizen):
    employ(separated, employer, start=dt.date(2026, 2, 9))
    with pytest.raises(Conflict, match="汉口纺织有限公司的劳动关系尚未终止"):
        open_claim(clerk, applicant, citizen)
    assert not Case.objects.filter(item__code="SY-002").exists()


def test_outside_the_window_period_the_claim_is_refused_with_the_next_windows_dates(
    separated, engine, clerk, applicant, citizen
):
    engine(2026, 2, 24, 10, 0)  # a Tuesday after the 20th
    refused(clerk, applicant, citizen, "今天不在失业保险业务异动期内，请于2026年03月01日至2026年03月20日办理")


def test_the_checks_run_again_at_acceptance(separated, employer, clerk, applicant, citizen):
    case = open_claim(clerk, applicant, citizen)
    employ(separated, employer, start=dt.date(2026, 2, 9))  # re-employed between receipt and acceptance
    with pytest.raises(Conflict, match="尚未终止"):
        accept(clerk, case)
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and not Claim.objects.exists()


def test_a_second_claim_carries_the_unused_months_capped_at_24(separated, employer, clerk, applicant, citizen, engine):
    first = Claim.objects.get(pk=accept(clerk, open_claim(clerk, applicant, citizen)).result["claim"])
    # stopped before any month was paid: 18 months unused
    claim_stop(actor=clerk, person=separated, reason="reemployed", from_month=dt.date(2026, 3, 1))
    # re-employed from March 2026 to January 2028 (22 months more): 82 months → 18, + 18 carried → 24
    employ(separated, employer, start=dt.date(2026, 3, 1), end=dt.date(2028, 1, 31))
    contribute(separated, months=22, last=dt.date(2027, 12, 1))
    engine(2028, 2, 10, 10, 0)
    second = accept(clerk, open_claim(clerk, applicant, citizen, terminated_on="2028-01-31"))
    claim = Claim.objects.get(pk=second.result["claim"])
    assert first.pk != claim.pk
    assert claim.contribution_months == 82 and claim.carried_months == 18 and claim.max_months == 24


def test_sy_003_stops_the_claim_through_the_case_and_keeps_the_months_left(
    separated, clerk, reviewer, applicant, citizen
):
    reviewer.skill_groups.add(SkillGroup.objects.get(code="unemployment"))
    accept(clerk, open_claim(clerk, applicant, citizen))
    # when the clerk files the stop (enlisted from March) and each step is done by its officer
    case = services.case_open(
        actor=clerk,
        item_code="SY-003",
        applicant=applicant,
        channel="hall",
        form={
            "id_number": citizen.id_number,
            "name": citizen.full_name,
            "stop_reason": "military",
            "stop_from": "2026-02-09",
        },
        materials={"reason_proof": "received"},
    )
    officers = {"accept": clerk, "review": reviewer}
    while case.status != Case.Status.COMPLETED:
        kind = case.current_step.kind
        case = services.case_act(actor=officers[kind], case_id=case.pk, version=case.version, action=kind)
    # then the claim is stopped from February, nothing paid, its 18 months kept for a later claim
    claim = Claim.objects.get(person=separated)
    assert (claim.status, claim.stop_reason, claim.stopped_from) == ("stopped", "military", dt.date(2026, 2, 1))
    assert unused_months(person_id=separated.pk) == 18


def test_the_window_period_binds_only_receipt_at_the_window_or_online(separated, engine, clerk, applicant, citizen):
    # received at the window on Friday 20 March, the window's last day …
    engine(2026, 3, 20, 10, 0)
    case = open_claim(clerk, applicant, citizen)
    # … and accepted on Monday 23 March, after it: the file is not refused, the claim is made
    engine(2026, 3, 23, 10, 0)
    assert accept(clerk, case).status == Case.Status.COMPLETED
    assert Claim.objects.filter(person=separated).count() == 1


def test_outside_the_window_period_a_claim_in_the_app_is_received_and_online_is_refused(
    separated, engine, applicant, citizen
):
    engine(2026, 2, 24, 10, 0)  # after the 20th
    form = claim_form(citizen)
    with pytest.raises(Conflict, match="异动期"):
        services.case_open(
            actor=citizen, item_code="SY-002", applicant=applicant, channel="online", form=form, materials=MATERIALS
        )
    # in the app (materials brought later): received, not held to the window period
    case = services.case_open(actor=citizen, item_code="SY-002", applicant=applicant, channel="app", form=form)
    assert case.channel == "app" and case.status != Case.Status.REJECTED
