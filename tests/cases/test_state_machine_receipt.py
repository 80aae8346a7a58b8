"""When a case's clock starts and when it is overdue: an application sent online outside
office hours is received on the next working day, and a case past its due date is shown
overdue and escalated, never left "in progress"."""

from __future__ import annotations

import datetime as dt

from shebao.cases import selectors, services
from shebao.core.models import Notification
from tests.cases.conftest import online, verify_uploads
from tests.cases.test_api import staff_client

D = dt.date


def apply_online(citizen, applicant, code):
    """Applied online with the ID card uploaded, which the office's clerk verifies at once (issue
    13: the clock starts then, never before the day the receipt counts from)."""
    case = services.case_open(
        actor=citizen,
        item_code=code,
        applicant=applicant,
        channel="online",
        form={"address": "江岸区胜利街1号"},
        materials=online(citizen),
    )
    return verify_uploads(case)


def test_no_instant_case_is_overdue_on_the_monday_after_a_sunday_evening_application(engine, media, citizen, applicant):
    # given an instant item (T-L1) applied for online on Sunday 8 March at 20:00
    engine(2026, 3, 8, 20, 0)
    case = apply_online(citizen, applicant, "T-L1")
    # then it is received on Monday 9 March: due that day
    assert case.clock_start == D(2026, 3, 9) and case.due_date == D(2026, 3, 9)
    # when the deadline scan runs at 10:00 on Monday, it is not overdue and not escalated
    engine(2026, 3, 9, 10, 0)
    assert services.cases_sla_scan()["escalated"] == 0
    progress = selectors.case_progress(case=case)
    assert progress["overdue_days"] == 0 and progress["on_time"] is True


def test_an_application_sent_after_closing_counts_from_the_next_working_day(engine, media, citizen, applicant):
    # given T-L2 (5 working days) applied for online on Monday 9 March at 18:30, after the
    # district office closed at 17:00
    engine(2026, 3, 9, 18, 30)
    case = apply_online(citizen, applicant, "T-L2")
    # then it is received on Tuesday 10 and day 1 is Wednesday 11: due Tuesday 17 March
    assert case.clock_start == D(2026, 3, 10) and case.due_date == D(2026, 3, 17)
    # while one sent during office hours counts from that day
    engine(2026, 3, 9, 16, 30)
    assert apply_online(citizen, applicant, "T-L2").due_date == D(2026, 3, 16)


def test_a_case_referred_up_by_hand_is_still_escalated_when_it_runs_late(
    client, engine, clerk, reviewer, approver, applicant, citizen
):
    # given T-L2 (due Tue 24 Feb) that the clerk referred up by hand on the day it arrived
    case = services.case_open(
        actor=clerk,
        item_code="T-L2",
        applicant=applicant,
        channel="hall",
        form={"address": "x"},
        materials={"id_card": "received", "address_proof": "received"},
    )
    case = services.case_escalate(actor=clerk, case_id=case.pk, version=case.version, reason="金额较大")
    assert case.escalation_level == 1
    # when it is one working day overdue and the deadline scan runs
    engine(2026, 2, 25, 9, 0)
    assert services.cases_sla_scan()["escalated"] == 1
    # then it is escalated as overdue (the hand referral did not use up the overdue escalation)
    case.refresh_from_db()
    assert (case.overdue_level, case.escalation_level) == (1, 2)
    assert Notification.objects.filter(key__contains=f"case:{case.pk}:overdue-1").exists()
    # and its pages show it overdue, not "in progress"
    assert selectors.case_progress(case=case)["status_label"] == "已超期1个工作日 / Overdue by 1 working day"
    staff_client(client, reviewer)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "status-overdue" in page
    client.force_login(citizen)
    assert "已超期1个工作日" in client.get("/my/cases/").content.decode()
    assert "已超期1个工作日" in client.get("/").content.decode()  # the home page's list of cases
