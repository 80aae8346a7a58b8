"""Three-level risk control: each level's chain, separation of duties, jurisdiction."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.cases import services
from shebao.cases.models import Case, CaseStepRecord
from shebao.core.errors import Conflict, NotAllowed
from shebao.core.models import AuditEvent
from tests.cases.conftest import ALL, online


def open_case(clerk, applicant, code="T-L2", materials=ALL, channel="hall"):
    return services.case_open(
        actor=clerk,
        item_code=code,
        applicant=applicant,
        channel=channel,
        form={"address": "江岸区胜利街1号"},
        materials=materials,
    )


def act(actor, case, action):
    case.refresh_from_db()
    return services.case_act(actor=actor, case_id=case.pk, version=case.version, action=action)


def test_level_1_a_clerk_accepts_and_completes_at_once(engine, clerk, applicant):
    case = open_case(clerk, applicant, "T-L1")
    assert case.status == Case.Status.IN_PROGRESS
    assert case.due_date == dt.date(2026, 2, 10)  # instant: due the day of receipt
    case = act(clerk, case, "accept")
    assert case.status == Case.Status.COMPLETED
    assert case.closed_at is not None


def test_level_2_needs_a_second_person_with_reviewer_authority(engine, clerk, reviewer, approver, applicant):
    case = open_case(clerk, applicant, "T-L2")
    case = act(clerk, case, "accept")
    assert case.status == Case.Status.IN_PROGRESS
    assert case.current_step.kind == "review"
    with pytest.raises(NotAllowed, match="2级权限"):
        act(clerk, case, "review")
    case = act(reviewer, case, "review")
    assert case.status == Case.Status.COMPLETED
    assert list(CaseStepRecord.objects.filter(case=case).values_list("action", flat=True)) == ["accept", "review"]


def test_whoever_accepted_cannot_also_review(engine, clerk, reviewer, approver, applicant):
    case = act(reviewer, open_case(clerk, applicant, "T-L2"), "accept")
    with pytest.raises(NotAllowed, match="不同人员"):
        act(reviewer, case, "review")
    assert act(approver, case, "review").status == Case.Status.COMPLETED


def test_level_3_review_then_approval_by_an_approver(engine, clerk, reviewer, approver, applicant):
    case = open_case(clerk, applicant, "T-L3")
    case = act(clerk, case, "accept")
    with pytest.raises(NotAllowed, match="2级权限"):
        act(clerk, case, "review")
    case = act(reviewer, case, "review")
    assert case.current_step.kind == "approve"
    with pytest.raises(NotAllowed, match="3级权限"):
        act(reviewer, case, "approve")
    case = act(approver, case, "approve")
    assert case.status == Case.Status.COMPLETED
    actions = list(
        AuditEvent.objects.filter(subject_type="case", subject_id=str(case.pk)).values_list("action", flat=True)
    )
    assert actions == ["case.open", "case.accept", "case.review", "case.approve"]


def test_an_approver_who_reviewed_cannot_also_approve(engine, clerk, approver, applicant):
    case = open_case(clerk, applicant, "T-L3")
    case = act(clerk, case, "accept")
    case = act(approver, case, "review")  # level 3 may do a level 2 step
    with pytest.raises(NotAllowed, match="不同人员"):
        act(approver, case, "approve")
    assert Case.objects.get(pk=case.pk).current_step.kind == "approve"


def test_nobody_handles_their_own_case(engine, clerk, reviewer, applicant, citizen):
    reviewer.id_number = citizen.id_number  # the reviewer is the applicant
    reviewer.save()
    case = act(clerk, open_case(clerk, applicant, "T-L2"), "accept")
    with pytest.raises(NotAllowed, match="本人"):
        act(reviewer, case, "review")


def test_a_clerk_cannot_receive_their_own_application(engine, clerk, applicant, citizen):
    clerk.id_number = citizen.id_number
    clerk.save()
    with pytest.raises(NotAllowed, match="本人"):
        open_case(clerk, applicant, "T-L2")
    assert not Case.objects.exists()


def test_another_district_cannot_act_on_the_case(engine, clerk, other_district_clerk, applicant):
    case = open_case(clerk, applicant, "T-L1")
    with pytest.raises(NotAllowed, match="管辖"):
        act(other_district_clerk, case, "accept")
    assert Case.objects.get(pk=case.pk).status == Case.Status.IN_PROGRESS
    assert not CaseStepRecord.objects.exists()


def test_a_step_needs_the_items_skill_group(engine, clerk, applicant):
    case = open_case(clerk, applicant, "T-L1")
    clerk.skill_groups.clear()
    with pytest.raises(NotAllowed, match="技能组"):
        act(clerk, case, "accept")


def test_a_stale_page_cannot_do_the_wrong_step(engine, clerk, reviewer, applicant):
    case = act(clerk, open_case(clerk, applicant, "T-L2"), "accept")
    with pytest.raises(Conflict, match="当前环节"):
        services.case_act(actor=reviewer, case_id=case.pk, version=case.version, action="approve")


def test_an_old_version_is_a_conflict_not_a_lost_update(engine, clerk, reviewer, applicant):
    case = open_case(clerk, applicant, "T-L2")
    seen = case.version
    services.case_act(actor=clerk, case_id=case.pk, version=seen, action="accept")
    with pytest.raises(Conflict, match="刷新"):
        services.case_act(actor=reviewer, case_id=case.pk, version=seen, action="review")


def test_a_rejection_needs_reasons_and_tells_the_applicant(engine, clerk, applicant):
    from shebao.core.models import Notification

    case = open_case(clerk, applicant, "T-L2")
    with pytest.raises(Exception, match="理由"):
        services.case_reject(actor=clerk, case_id=case.pk, version=case.version, reasons=[" "])
    case = services.case_reject(actor=clerk, case_id=case.pk, version=case.version, reasons=["不符合参保条件"])
    assert case.status == Case.Status.REJECTED
    assert Notification.objects.filter(body__contains="不符合参保条件").exists()


def test_a_bank_agent_handles_card_items_only(engine, bank_agent, bank_outlet, clerk, applicant):
    card = services.case_open(
        actor=bank_agent, item_code="T-CARD", applicant=applicant, channel="bank", form={"address": "x"}, materials=ALL
    )
    card = services.case_act(actor=bank_agent, case_id=card.pk, version=card.version, action="accept")
    assert card.status == Case.Status.COMPLETED
    with pytest.raises(NotAllowed, match="银行代理点"):  # the item is not offered at bank outlets
        services.case_open(
            actor=bank_agent,
            item_code="T-L1",
            applicant=applicant,
            channel="bank",
            form={"address": "x"},
            materials=ALL,
        )
    hall_case = open_case(clerk, applicant, "T-L1")
    with pytest.raises(NotAllowed):
        act(bank_agent, hall_case, "accept")
    assert Case.objects.get(pk=hall_case.pk).status == Case.Status.IN_PROGRESS


def test_a_citizen_applies_online_for_themselves_only(engine, citizen, other_citizen, applicant, district, media):
    from shebao.catalog.definitions import Applicant

    case = services.case_open(
        actor=citizen,
        item_code="T-L2",
        applicant=applicant,
        channel="online",
        form={"address": "x"},
        materials=online(citizen),
    )
    assert case.channel == "online"
    assert case.receiving_office is None
    other = Applicant(id_number=other_citizen.id_number, name="李四", district=district)
    with pytest.raises(NotAllowed, match="本人"):
        services.case_open(
            actor=citizen, item_code="T-L2", applicant=other, channel="online", form={"address": "x"}, materials=ALL
        )
    with pytest.raises(NotAllowed):
        services.case_open(
            actor=citizen, item_code="T-L2", applicant=applicant, channel="hall", form={"address": "x"}, materials=ALL
        )


def test_bad_form_input_is_refused_whole(engine, clerk, applicant):
    from shebao.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="居住地址"):
        services.case_open(actor=clerk, item_code="T-L2", applicant=applicant, channel="hall", form={}, materials=ALL)
    with pytest.raises(InvalidInput, match="日期"):
        services.case_open(
            actor=clerk,
            item_code="T-L2",
            applicant=applicant,
            channel="hall",
            form={"address": "x", "start": "2026-13-01"},
            materials=ALL,
        )
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(action="case.open").exists()


def test_the_receiving_window_accepts_and_the_office_of_jurisdiction_does_the_rest(engine, bank_agent, city, applicant):
    from shebao.core.models import Office, Role, SkillGroup
    from tests.conftest import _staff

    centre = Office.objects.create(code="CARD-CENTRE", name="社会保障卡中心", kind=Office.Kind.CARD_CENTRE, area=city)
    card_reviewer = _staff("card_reviewer", Role.REVIEWER, centre, 2)
    card_reviewer.skill_groups.add(SkillGroup.objects.get(code="card"))
    case = services.case_open(
        actor=bank_agent, item_code="T-CARD2", applicant=applicant, channel="bank", form={"address": "x"}, materials=ALL
    )
    assert case.office == centre and case.receiving_office == bank_agent.office
    from shebao.cases import selectors

    assert case in list(selectors.workbench_queue(actor=bank_agent))
    case = act(bank_agent, case, "accept")
    assert case not in list(selectors.workbench_queue(actor=bank_agent))  # the review is the centre's
    with pytest.raises(NotAllowed):
        act(bank_agent, case, "review")
    assert act(card_reviewer, case, "review").status == Case.Status.COMPLETED


def test_a_community_window_works_for_its_district_office_but_a_district_not_for_the_city(
    engine, clerk, office, city_office, applicant, district
):
    from shebao.core.models import Office, Role, SkillGroup
    from tests.conftest import _staff

    community = Office.objects.create(
        code="CC-1", name="大智街道社区服务中心", kind=Office.Kind.COMMUNITY_CENTRE, area=district, parent=office
    )
    window = _staff("window", Role.CLERK, community, 1)
    window.skill_groups.add(SkillGroup.objects.get(code="register"))
    office.parent = city_office  # the district office reports to the city centre
    office.save()
    case = open_case(clerk, applicant, "T-L1")
    assert act(window, case, "accept").status == Case.Status.COMPLETED
    city_case = open_case(clerk, applicant, "T-L1")
    Case.objects.filter(pk=city_case.pk).update(office=city_office, receiving_office=None)
    with pytest.raises(NotAllowed, match="管辖"):  # the district does not act for its parent
        act(clerk, city_case, "accept")
    from shebao.cases import selectors

    assert city_case not in list(selectors.workbench_queue(actor=clerk))
