"""The working-day clock: materials (一次性告知) stop it, suspension and extension move it,
phases of an outside party sit outside our timers."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.cases import services
from shebao.cases.models import Case, CasePause
from shebao.core.errors import InvalidInput, NotAllowed
from shebao.core.models import Notification
from tests.cases.conftest import ALL

D = dt.date


def open_case(clerk, applicant, code="T-L2", materials=ALL):
    return services.case_open(
        actor=clerk, item_code=code, applicant=applicant, channel="hall", form={"address": "x"}, materials=materials
    )


def fresh(case):
    case.refresh_from_db()
    return case


def test_complete_materials_start_the_clock_the_next_working_day(engine, clerk, applicant):
    # Tue 10 Feb 2026 + 5 working days: 11, 12, 13, Sat 14 (调休), then the Spring Festival
    # break to the 23rd, Tue 24 Feb.
    case = open_case(clerk, applicant)
    assert case.due_date == D(2026, 2, 24)


def test_missing_materials_are_told_once_in_full_and_the_clock_waits(engine, clerk, applicant):
    case = open_case(clerk, applicant, materials={})
    assert case.status == Case.Status.AWAITING_MATERIALS
    assert case.due_date is None
    told = Notification.objects.get(key__startswith=f"case:{case.pk}:materials")
    assert "居民身份证" in told.body and "居住证明" in told.body  # every missing item in one message
    assert "照片" not in told.body  # optional material is not demanded
    # supplied on Fri 13 Feb: the clock restarts the day after
    engine(2026, 2, 13, 15, 0)
    case = services.case_supplement(
        actor=clerk,
        case_id=case.pk,
        version=fresh(case).version,
        materials={"id_card": "received", "address_proof": "commitment"},
    )
    assert case.status == Case.Status.IN_PROGRESS
    # 5 working days from Fri 13: Sat 14 (调休), Tue 24, 25, 26, 27
    assert case.due_date == D(2026, 2, 27)
    assert CasePause.objects.get(case=case).ended_on == D(2026, 2, 13)


def test_a_partial_supplement_keeps_the_clock_stopped(engine, clerk, applicant):
    case = open_case(clerk, applicant, materials={})
    case = services.case_supplement(
        actor=clerk, case_id=case.pk, version=case.version, materials={"id_card": "received"}
    )
    assert case.status == Case.Status.AWAITING_MATERIALS
    assert case.due_date is None


def test_a_commitment_only_where_the_item_allows_it(engine, clerk, applicant):
    with pytest.raises(InvalidInput, match="告知承诺"):
        open_case(clerk, applicant, materials={"id_card": "commitment", "address_proof": "received"})
    assert not Case.objects.exists()


def test_materials_requested_mid_way_keep_the_days_already_used(engine, clerk, reviewer, applicant):
    case = open_case(clerk, applicant)  # due Tue 24 Feb (5 wd)
    case = services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    engine(2026, 2, 12, 11, 0)  # Thu: 2 working days used (11, 12)
    case = services.case_request_materials(
        actor=reviewer, case_id=case.pk, version=case.version, missing=["address_proof"], note="地址不清"
    )
    assert case.status == Case.Status.AWAITING_MATERIALS and case.due_date is None
    engine(2026, 2, 25, 9, 30)  # supplied on Wed 25 Feb, after the break
    case = services.case_supplement(
        actor=clerk, case_id=case.pk, version=case.version, materials={"address_proof": "received"}
    )
    # 3 working days left, counted from the day after: 26, 27, Sat 28 (调休)
    assert case.due_date == D(2026, 2, 28)
    assert case.current_step.kind == "review"  # back at the step it left


def test_suspension_stops_and_resumption_restarts_the_clock(engine, clerk, approver, applicant):
    case = open_case(clerk, applicant, "T-L3")  # 10 wd from Tue 10 Feb: 11,12,13,14, 24..27 (8), Sat 28 (9), Mar 2 (10)
    assert case.due_date == D(2026, 3, 2)
    case = services.case_suspend(actor=approver, case_id=case.pk, version=case.version, reason="等待司法鉴定结论")
    assert case.status == Case.Status.SUSPENDED and case.due_date is None
    engine(2026, 3, 10, 10, 0)
    case = services.case_resume(actor=approver, case_id=case.pk, version=case.version)
    # no day was used before the suspension (same day): 10 full days from Tue 10 Mar
    assert case.due_date == D(2026, 3, 24)


def test_an_extension_needs_an_approver_and_a_reason_and_tells_the_applicant(
    engine, clerk, reviewer, approver, applicant
):
    case = open_case(clerk, applicant, "T-L3")
    before = case.due_date
    with pytest.raises(NotAllowed, match="审批权限"):
        services.case_extend(actor=reviewer, case_id=case.pk, version=case.version, workdays_added=5, reason="案情复杂")
    with pytest.raises(InvalidInput, match="理由"):
        services.case_extend(actor=approver, case_id=case.pk, version=case.version, workdays_added=5, reason="")
    case = services.case_extend(
        actor=approver, case_id=case.pk, version=case.version, workdays_added=5, reason="需外省协查"
    )
    assert before == D(2026, 3, 2)
    assert case.due_date == D(2026, 3, 9)
    assert Notification.objects.filter(key__startswith=f"case:{case.pk}:extended", body__contains="需外省协查").exists()


def test_three_phases_with_the_outside_party_outside_our_timers(
    engine, clerk, reviewer, reviewer2, approver, applicant
):
    case = open_case(clerk, applicant, "T-XFER")
    case = services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    case = services.case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    assert case.status == Case.Status.WAITING_OUTSIDE
    engine(2026, 4, 20, 10, 0)  # the other agency took two months: not our time
    case = services.case_outside_done(actor=None, case_id=case.pk, version=case.version, note="转出地已转移基金")
    assert case.status == Case.Status.IN_PROGRESS
    # phase 3: 15 working days from Mon 20 Apr: 21-24 (4), 27-30 (8), May 6-8 (11), Sat 9 May (调休, 12), 11-13 (15)
    assert case.due_date == D(2026, 5, 13)
    case = services.case_act(actor=reviewer2, case_id=case.pk, version=case.version, action="review")
    case = services.case_act(actor=approver, case_id=case.pk, version=case.version, action="approve")
    assert case.status == Case.Status.COMPLETED
    phases = list(case.phases.order_by("phase__order").values_list("due_date", "finished_on"))
    assert phases[0] == (D(2026, 3, 9), D(2026, 2, 10))  # phase 1 done on day one, its own 15 wd clock


def test_extensions_stop_at_the_items_cap(engine, clerk, approver, applicant):
    case = open_case(clerk, applicant, "T-L3")  # the item allows 10 working days in total
    case = services.case_extend(
        actor=approver, case_id=case.pk, version=case.version, workdays_added=8, reason="需外省协查"
    )
    due = case.due_date
    with pytest.raises(InvalidInput, match="最多延期10个工作日"):
        services.case_extend(actor=approver, case_id=case.pk, version=case.version, workdays_added=3, reason="再次延期")
    case.refresh_from_db()
    assert case.due_date == due
    assert CasePause.objects.filter(case=case, kind="extension").count() == 1
