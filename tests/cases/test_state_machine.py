"""The case engine's commands keep the rules (``shebao.cases.rules``): one test for each bug a
plausible change would bring back, each through the services every channel calls."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.cases import selectors, services
from shebao.cases.models import Case, CasePhase, CaseStepRecord
from shebao.core.errors import Conflict, NotAllowed
from shebao.core.models import AuditEvent, Role, SkillGroup
from tests.cases.conftest import ALL

D = dt.date


def open_case(actor, applicant, code="T-L3", **kw):
    return services.case_open(
        actor=actor,
        item_code=code,
        applicant=applicant,
        channel=kw.pop("channel", "hall"),
        form={"address": "江岸区胜利街1号"},
        materials=kw.pop("materials", ALL),
        **kw,
    )


def fresh(case: Case) -> Case:
    case.refresh_from_db()
    return case


def phase_of(case: Case) -> CasePhase:
    return CasePhase.objects.get(case=case, status__in=["running", "paused"])


def test_resuming_a_suspended_case_keeps_the_extension_it_had(engine, clerk, approver, applicant):
    # given T-L3 (10 working days) opened Tue 10 Feb and extended by 5
    case = open_case(clerk, applicant)
    case = services.case_extend(actor=approver, case_id=case.pk, version=case.version, workdays_added=5, reason="协查")
    # when it is suspended the same day and resumed on Tue 10 Mar
    case = services.case_suspend(actor=approver, case_id=case.pk, version=case.version, reason="等待鉴定")
    engine(2026, 3, 10, 10, 0)
    case = services.case_resume(actor=approver, case_id=case.pk, version=case.version)
    # then the 15 days left run from the day after: 11-13, 16-20, 23-27, 30, 31 (not 24 Mar)
    assert case.due_date == D(2026, 3, 31)
    assert phase_of(case).extension_days == 5


def test_a_second_pause_keeps_the_working_days_used_before_the_first(engine, clerk, approver, applicant):
    # given T-L3 (10 working days) opened Tue 10 Feb
    case = open_case(clerk, applicant)
    # when it is suspended Thu 12 (11, 12 used), resumed Fri 13, suspended again Tue 24 (Sat 14
    # 调休 and Tue 24 used: the Spring Festival between is not) and resumed Wed 25
    engine(2026, 2, 12, 10, 0)
    case = services.case_suspend(actor=approver, case_id=case.pk, version=case.version, reason="一")
    engine(2026, 2, 13, 10, 0)
    case = services.case_resume(actor=approver, case_id=case.pk, version=case.version)
    engine(2026, 2, 24, 10, 0)
    case = services.case_suspend(actor=approver, case_id=case.pk, version=case.version, reason="二")
    assert phase_of(case).used_days == 4
    engine(2026, 2, 25, 10, 0)
    case = services.case_resume(actor=approver, case_id=case.pk, version=case.version)
    # then 6 days are left: 26, 27, Sat 28 (调休), 2, 3, 4 March
    assert case.due_date == D(2026, 3, 4)


def test_overdue_is_counted_in_working_days_not_calendar_days(engine, clerk, reviewer, approver, applicant):
    # given T-L2 (5 working days) received Mon 9 Feb: due Sat 14 Feb, the 调休 working Saturday
    engine(2026, 2, 9, 10, 0)
    case = open_case(clerk, applicant, "T-L2")
    assert case.due_date == D(2026, 2, 14)
    # when the deadline scan runs on Fri 20 Feb, six calendar days later inside the Spring Festival
    engine(2026, 2, 20, 10, 0)
    assert services.cases_sla_scan()["escalated"] == 0
    # then the case is not overdue: no working day has passed since its due date
    assert fresh(case).escalation_level == 0
    progress = selectors.case_progress(case=fresh(case))
    assert progress["overdue_days"] == 0 and progress["shown_status"] == "in_progress"
    # and on Tue 24 Feb, the first working day after it, it is overdue by one and escalated
    engine(2026, 2, 24, 10, 0)
    assert services.cases_sla_scan()["escalated"] == 1
    assert fresh(case).escalation_level == 1
    assert selectors.case_progress(case=fresh(case))["shown_status"] == "overdue"


def test_a_rejection_keeps_separation_of_duties(engine, clerk, approver, applicant):
    # given T-L3 accepted by the clerk and reviewed by the approver
    case = open_case(clerk, applicant)
    case = services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    case = services.case_act(actor=approver, case_id=case.pk, version=case.version, action="review")
    version = case.version
    # when the approver who reviewed it tries to refuse it at the approval
    with pytest.raises(NotAllowed, match="不同人员"):
        services.case_reject(actor=approver, case_id=case.pk, version=version, reasons=["不符合条件"])
    # then nothing changed
    case = fresh(case)
    assert (case.status, case.version, case.rejection_reasons) == (Case.Status.IN_PROGRESS, version, [])
    assert not CaseStepRecord.objects.filter(case=case, action="reject").exists()
    assert not AuditEvent.objects.filter(action="case.reject").exists()


def test_opening_a_case_needs_the_clerks_skill_group(engine, office, applicant):
    # given a clerk of the office without the register skill group (T-L3's)
    from tests.conftest import _staff

    stranger = _staff("clerk_card", Role.CLERK, office, 3, full_name="无技能")
    stranger.skill_groups.add(SkillGroup.objects.get(code="card"))
    # when they receive a T-L3 application at their window
    with pytest.raises(NotAllowed, match="技能组"):
        open_case(stranger, applicant)
    # then no case was opened
    assert not Case.objects.exists()


def test_an_extension_needs_the_items_skill_group_too(engine, clerk, office, applicant):
    # given an approver of the office whose skill groups do not include T-L3's
    from tests.conftest import _staff

    outsider = _staff("approver_card", Role.APPROVER, office, 3, full_name="卡审批")
    outsider.skill_groups.add(SkillGroup.objects.get(code="card"))
    case = open_case(clerk, applicant)
    # when they extend it, then they are refused and the due date stands
    with pytest.raises(NotAllowed, match="技能组"):
        services.case_extend(actor=outsider, case_id=case.pk, version=case.version, workdays_added=5, reason="协查")
    assert fresh(case).due_date == D(2026, 3, 2) and fresh(case).version == case.version


def test_a_case_paused_while_overdue_is_still_overdue_when_it_resumes(engine, clerk, approver, applicant):
    # given T-L2 (5 working days, due Tue 24 Feb) suspended on Thu 26 Feb, two working days late
    case = open_case(clerk, applicant, "T-L2")
    engine(2026, 2, 26, 10, 0)
    case = services.case_suspend(actor=approver, case_id=case.pk, version=case.version, reason="等待")
    # when it resumes a week later
    engine(2026, 3, 5, 10, 0)
    case = services.case_resume(actor=approver, case_id=case.pk, version=case.version)
    # then it is still two working days overdue, not due afresh
    assert selectors.case_progress(case=case)["overdue_days"] == 2
    assert case.due_date == D(2026, 3, 3)


def test_the_state_machine_refuses_an_action_the_state_does_not_allow(engine, clerk, approver, applicant):
    case = open_case(clerk, applicant)
    with pytest.raises(Conflict, match="未中止"):
        services.case_resume(actor=approver, case_id=case.pk, version=case.version)
    assert fresh(case).version == case.version


def test_the_api_and_the_page_offer_what_the_rules_allow(client, engine, clerk, reviewer, citizen, applicant):
    from tests.cases.test_api import staff_client

    case = open_case(clerk, applicant, "T-L2")
    case = services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    staff_client(client, clerk)
    offers = {o["action"]: o for o in client.get(f"/api/v1/cases/{case.number}/actions").json()}
    assert offers["review"]["allowed"] is False and "2级权限" in offers["review"]["reason"]
    assert 'data-action="review"' not in client.get(f"/cases/{case.number}/").content.decode()
    staff_client(client, reviewer)
    offers = {o["action"]: o for o in client.get(f"/api/v1/cases/{case.number}/actions").json()}
    assert offers["review"]["allowed"] is True and "accept" not in offers and "resume" not in offers
    assert 'data-action="review"' in client.get(f"/cases/{case.number}/").content.decode()
    client.force_login(citizen)
    assert client.get(f"/api/v1/cases/{case.number}/actions").status_code == 403
