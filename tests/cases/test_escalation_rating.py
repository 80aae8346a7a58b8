"""SLA warnings and escalation (衔接响应机制), evaluation (好差评), one form (一表通),
public look-up, and where and when an item is offered."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.cases import selectors, services
from shebao.cases.models import Case, CaseRating
from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from shebao.core.models import Notification
from tests.cases.conftest import ALL, online, verify_uploads

D = dt.date


def open_case(actor, applicant, code="T-L2", **kw):
    return services.case_open(
        actor=actor,
        item_code=code,
        applicant=applicant,
        channel=kw.pop("channel", "hall"),
        form={"address": "x"},
        materials=kw.pop("materials", ALL),
        **kw,
    )


def test_a_case_due_tomorrow_warns_its_handlers_once(engine, clerk, reviewer, approver, applicant):
    case = open_case(clerk, applicant)  # due Tue 24 Feb
    engine(2026, 2, 13, 9, 0)  # Fri 13: next working day is Sat 14 (调休) — not yet
    assert services.cases_sla_scan()["warned"] == 0
    engine(2026, 2, 23, 18, 0)  # Mon 23 (holiday): next working day is the due date
    assert services.cases_sla_scan()["warned"] == 1
    assert services.cases_sla_scan()["warned"] == 0  # once
    warned = set(
        Notification.objects.filter(key__contains=f"case:{case.pk}:due-soon").values_list("recipient", flat=True)
    )
    assert warned == {clerk.username, reviewer.username, approver.username}  # all who may do the step


def test_an_overdue_case_escalates_one_level_per_working_day(engine, clerk, reviewer, approver, applicant):
    case = open_case(clerk, applicant)  # due Tue 24 Feb, step accept (level 1)
    engine(2026, 2, 25, 9, 0)  # 1 working day overdue
    assert services.cases_sla_scan()["escalated"] == 1
    case.refresh_from_db()
    assert case.escalation_level == 1
    told = set(
        Notification.objects.filter(key__contains=f"case:{case.pk}:overdue-1").values_list("recipient", flat=True)
    )
    assert told == {reviewer.username, approver.username}  # level 2 and above
    assert services.cases_sla_scan()["escalated"] == 0  # same day: nothing new
    engine(2026, 2, 26, 9, 0)
    assert services.cases_sla_scan()["escalated"] == 1
    told = set(
        Notification.objects.filter(key__contains=f"case:{case.pk}:overdue-2").values_list("recipient", flat=True)
    )
    assert told == {approver.username}


def test_a_step_beyond_the_handlers_authority_is_referred_up(engine, clerk, reviewer, applicant):
    case = open_case(clerk, applicant, "T-L1")
    with pytest.raises(InvalidInput, match="上报理由"):  # referring up says why
        services.case_escalate(actor=clerk, case_id=case.pk, version=case.version, reason="  ")
    case = services.case_escalate(actor=clerk, case_id=case.pk, version=case.version, reason="金额较大，需复核")
    assert case.required_authority == 2
    with pytest.raises(NotAllowed, match="2级权限"):
        services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    assert Notification.objects.filter(key__contains=f"case:{case.pk}:referred", recipient=reviewer.username).exists()
    case = services.case_act(actor=reviewer, case_id=case.pk, version=case.version, action="accept")
    assert case.status == Case.Status.COMPLETED


def test_the_applicant_rates_once_and_a_bad_rating_opens_a_follow_up(engine, clerk, citizen, applicant, office):
    case = open_case(clerk, applicant, "T-L1")
    with pytest.raises(Conflict, match="办结后"):
        services.case_rate(actor=citizen, case_id=case.pk, score=5)
    services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    rating = services.case_rate(actor=citizen, case_id=case.pk, score=1, comment="等了很久")
    follow = rating.follow_up
    assert follow is not None
    assert follow.item.code == "PJ-001"
    assert follow.office == office
    assert follow.form_data["rated_case"] == case.number
    assert follow.due_date == D(2026, 2, 24)  # 5 working days across the Spring Festival
    with pytest.raises(Conflict, match="已评价"):
        services.case_rate(actor=citizen, case_id=case.pk, score=5)
    assert CaseRating.objects.count() == 1


def test_a_good_rating_opens_nothing_and_others_cannot_rate(engine, clerk, citizen, other_citizen, applicant):
    case = open_case(clerk, applicant, "T-L1")
    case = services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    with pytest.raises(NotFound):
        services.case_rate(actor=other_citizen, case_id=case.pk, score=1)
    with pytest.raises(InvalidInput):
        services.case_rate(actor=citizen, case_id=case.pk, score=6)
    assert services.case_rate(actor=citizen, case_id=case.pk, score=4).follow_up is None
    assert Case.objects.filter(item__code="PJ-001").count() == 0


def test_one_form_opens_every_chosen_item_together_or_none(engine, clerk, applicant):
    cases = services.case_open_group(
        actor=clerk,
        group_code="flexible_enrol",
        item_codes=["T-G1", "T-G2"],
        applicant=applicant,
        channel="hall",
        form={"address": "x"},
        materials=ALL,
    )
    assert [c.item.code for c in cases] == ["T-G1", "T-G2"]
    assert len({c.group_ref for c in cases}) == 1 and cases[0].group_ref
    with pytest.raises(InvalidInput, match="不属于"):
        services.case_open_group(
            actor=clerk,
            group_code="flexible_enrol",
            item_codes=["T-G1", "T-L2"],
            applicant=applicant,
            channel="hall",
            form={"address": "x"},
            materials=ALL,
        )
    assert Case.objects.count() == 2


def test_anyone_can_follow_a_case_with_its_number_and_id_suffix(engine, clerk, applicant, citizen):
    case = open_case(clerk, applicant)
    progress = selectors.case_lookup_public(number=case.number, id_suffix=citizen.id_number[-6:])
    assert progress["status"] == "in_progress"
    assert progress["applicant"].startswith("4201") and "*" in progress["applicant"]
    assert "history" not in progress
    with pytest.raises(NotFound):
        selectors.case_lookup_public(number=case.number, id_suffix="000000")
    with pytest.raises(NotFound):
        selectors.case_lookup_public(number="000", id_suffix=citizen.id_number[-6:])
    with pytest.raises(InvalidInput):
        selectors.case_lookup_public(number=case.number, id_suffix="12")


def test_case_visibility_is_scoped_by_actor(
    engine, clerk, other_district_clerk, citizen, other_citizen, applicant, monitor
):
    case = open_case(clerk, applicant)
    assert selectors.case_get(actor=citizen, number=case.number) == case
    assert selectors.case_get(actor=clerk, number=case.number) == case
    assert selectors.case_get(actor=monitor, number=case.number) == case
    for outsider in (other_citizen, other_district_clerk):
        with pytest.raises(NotFound):
            selectors.case_get(actor=outsider, number=case.number)


def test_the_workbench_queue_holds_what_the_clerk_may_do_soonest_first(
    engine, clerk, reviewer, other_district_clerk, applicant
):
    later = open_case(clerk, applicant, "T-L3")  # due 2 Mar
    sooner = open_case(clerk, applicant, "T-L2")  # due 24 Feb
    assert list(selectors.workbench_queue(actor=clerk)) == [sooner, later]
    rows = selectors.workbench_queue_rows(actor=clerk)  # the API's plain rows: same cases, same order
    assert [(r["number"], r["item__code"], r["workdays_left"]) for r in rows] == [
        (sooner.number, "T-L2", 5),  # 11-14 Feb (the 14th a 调休 Saturday), then 24 Feb
        (later.number, "T-L3", 10),
    ]
    assert list(selectors.workbench_queue(actor=other_district_clerk)) == []
    services.case_act(actor=clerk, case_id=sooner.pk, version=sooner.version, action="accept")
    assert list(selectors.workbench_queue(actor=clerk)) == [later]  # the review is someone else's
    assert sooner in list(selectors.workbench_queue(actor=reviewer))


def test_the_queue_reads_in_a_fixed_number_of_queries(engine, clerk, applicant, django_assert_max_num_queries):
    for _ in range(15):
        open_case(clerk, applicant)
    # the item ids, the two halves (one UNION ALL on PostgreSQL) and the page: never per row
    with django_assert_max_num_queries(4):
        rows = [(c.number, c.item.name, c.current_step.name) for c in selectors.workbench_queue(actor=clerk)]
    assert len(rows) == 15


@pytest.mark.parametrize(
    ("when", "code", "fragment"),
    [
        ((2026, 3, 7, 10, 0), "T-L3", "周六延时服务"),  # Saturday: T-L3 is not in the Saturday set
        ((2026, 3, 7, 17, 0), "T-L2", "办公时间"),  # Saturday after 16:00
        ((2026, 3, 9, 8, 0), "T-L2", "办公时间"),  # Monday before 9:00
        ((2026, 2, 17, 10, 0), "T-L2", "办公时间"),  # Spring Festival holiday
    ],
)
def test_counter_items_only_where_and_when_they_are_offered(engine, clerk, applicant, when, code, fragment):
    engine(*when)
    with pytest.raises(NotAllowed, match=fragment):
        open_case(clerk, applicant, code)
    assert not Case.objects.exists()


def test_saturday_service_takes_the_saturday_set(engine, clerk, applicant):
    engine(2026, 3, 7, 10, 0)  # an ordinary Saturday
    case = open_case(clerk, applicant, "T-L2")
    assert case.status == Case.Status.IN_PROGRESS
    # received on a Saturday: day 1 is Monday 9 March
    assert case.due_date == D(2026, 3, 13)


def test_online_applications_are_taken_around_the_clock(engine, citizen, applicant, media):
    engine(2026, 2, 17, 23, 30)
    case = verify_uploads(open_case(citizen, applicant, channel="online", materials=online(citizen)))
    assert case.status == Case.Status.IN_PROGRESS


def test_the_embedded_beat_escalates_and_tells_without_celery(engine, clerk, reviewer, approver, applicant):
    # given an overdue case and the project's own schedule, run in process (make demo)
    from shebao.core.schedule import InProcessBeat

    case = open_case(clerk, applicant)  # due Tue 24 Feb
    engine(2026, 2, 25, 9, 0)  # 1 working day overdue
    outcomes = {o.name: o for o in InProcessBeat().tick()}
    # then the deadline scan escalated it, and the outbox task ran beside it
    assert outcomes["cases-sla-scan"].ok and outcomes["cases-sla-scan"].result["escalated"] == 1
    assert outcomes["notifications-deliver"].ok
    case.refresh_from_db()
    assert case.escalation_level == 1
    assert Notification.objects.filter(key__contains=f"case:{case.pk}:overdue-1").exists()


def test_a_monitor_watches_but_never_acts_on_a_case(engine, clerk, monitor, applicant):
    # given a case in progress, and the city monitor (authority level 3, every office in view)
    case = open_case(clerk, applicant)
    version, due = case.version, case.due_date
    # when the monitor tries each action that is not a step (the services, not only the pages)
    attempts = {
        "extend": lambda: services.case_extend(
            actor=monitor, case_id=case.pk, version=version, workdays_added=10, reason="x"
        ),
        "escalate": lambda: services.case_escalate(actor=monitor, case_id=case.pk, version=version, reason="x"),
        "withdraw": lambda: services.case_withdraw(actor=monitor, case_id=case.pk, version=version),
    }
    for name, attempt in attempts.items():
        with pytest.raises(NotAllowed, match="岗位不办理业务"):
            attempt()
        # then nothing moved
        case.refresh_from_db()
        assert (case.version, case.due_date, case.status, case.escalation_level) == (version, due, "in_progress", 0), (
            name
        )


def test_a_unit_account_without_a_unit_sees_no_case(engine, clerk, applicant):
    from tests.factories import AccountFactory

    case = open_case(clerk, applicant)
    nobody = AccountFactory(username="unit-without-code", kind="unit", role="unit", unit_code="")
    with pytest.raises(NotFound):
        selectors.case_get(actor=nobody, number=case.number)
    assert list(selectors.cases_of_applicant(actor=nobody)) == []


def test_guessing_the_id_suffix_is_stopped_after_ten_wrong_pairs(engine, clerk, applicant, citizen):
    from shebao.core.errors import TooManyAttempts

    case = open_case(clerk, applicant)
    right = citizen.id_number[-6:]
    for guess in range(selectors.LOOKUP_FAILURES_PER_NUMBER):
        with pytest.raises(NotFound):
            selectors.case_lookup_public(number=case.number, id_suffix=f"{guess:06d}", client=f"10.0.0.{guess}")
    # the number is now closed to look-ups for the hour, the right pair and other addresses included
    with pytest.raises(TooManyAttempts):
        selectors.case_lookup_public(number=case.number, id_suffix=right, client="10.9.9.9")
    # another case is not affected
    other = open_case(clerk, applicant)
    assert selectors.case_lookup_public(number=other.number, id_suffix=right, client="10.9.9.9")["status"]


def test_one_address_scanning_many_numbers_is_stopped(engine, clerk, applicant, citizen, client):
    case = open_case(clerk, applicant)
    for n in range(selectors.LOOKUP_FAILURES_PER_CLIENT):
        response = client.get("/api/v1/cases/lookup", {"number": f"2602{n:010d}", "id_suffix": "000000"})
        assert response.status_code == 404
    # the same address, now with a right pair: refused with 429 and the message in both languages
    response = client.get("/api/v1/cases/lookup", {"number": case.number, "id_suffix": citizen.id_number[-6:]})
    assert response.status_code == 429
    assert "请一小时后再试" in response.json()["message"] and "try again in an hour" in response.json()["message_en"]
