"""Re-routing (12333 complaints, RX-002): a phase's office changes after opening — dispatched by
rule or by hand, a wrong dispatch returned with its reason within 2 working days, a transfer
between offices — each an audited step with its own clock rule, while the promise of 5 working
days keeps counting."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.cases import selectors, services
from shebao.cases.models import Case, CasePhase
from shebao.catalog.models import ServiceItem
from shebao.catalog.services import catalog_sync
from shebao.core.errors import Conflict, NotAllowed
from shebao.core.models import AuditEvent, OpeningHours, Role, SkillGroup
from tests.cases.test_api import staff_client

D = dt.date


@pytest.fixture
def hotline_staff(engine, city_office, office, other_office, reviewer):
    """A clerk of the city centre who registers and dispatches complaints, and a reviewer at
    each district office who replies to them (the consultation skill group)."""
    from tests.conftest import _staff

    for wd in range(5):
        OpeningHours.objects.get_or_create(office=city_office, weekday=wd, opens=dt.time(9), closes=dt.time(17))
    consult = SkillGroup.objects.get(code="consult")
    dispatcher = _staff("city_clerk", Role.CLERK, city_office, 1, full_name="市中心派单")
    wuchang = _staff("wc_reviewer", Role.REVIEWER, other_office, 2, full_name="武昌复核")
    for person in (dispatcher, reviewer, wuchang):
        person.skill_groups.add(consult)
    return dispatcher, reviewer, wuchang


def complaint(dispatcher, applicant):
    return services.case_open(
        actor=dispatcher,
        item_code="RX-002",
        applicant=applicant,
        channel="hall",
        form={
            "name": "张三",
            "phone": "13800138000",
            "topic": "service",
            "content": "窗口工作人员态度恶劣",
            "reply_by": "phone",
        },
    )


def reply_phase(case: Case) -> CasePhase:
    return CasePhase.objects.select_related("office").get(case=case, phase__code="reply")


def test_a_wrong_dispatch_is_returned_with_its_reason_and_dispatched_again_by_hand(
    client, engine, hotline_staff, applicant, office, other_office, city_office
):
    dispatcher, jiangan, wuchang = hotline_staff
    # given a complaint registered at the city centre on Tue 10 Feb and dispatched by rule to
    # the applicant's district (江岸)
    case = complaint(dispatcher, applicant)
    case = services.case_act(actor=dispatcher, case_id=case.pk, version=case.version, action="accept")
    assert (case.office, reply_phase(case).routed_on, case.due_date) == (office, D(2026, 2, 10), D(2026, 2, 14))
    staff_client(client, jiangan)
    assert 'data-action="return"' in client.get(f"/cases/{case.number}/").content.decode()
    # when 江岸 returns it on Thu 12 Feb, the second working day, saying whose it is
    engine(2026, 2, 12, 10, 0)
    case = services.case_return(actor=jiangan, case_id=case.pk, version=case.version, reason="属武昌区管辖")
    # then it is back at the city centre's dispatch step, whose clock reopened with its day left,
    # and the wrong office's clock is void
    assert (case.office, case.current_step.kind, case.due_date) == (city_office, "accept", D(2026, 2, 13))
    assert (reply_phase(case).status, reply_phase(case).office, reply_phase(case).due_date) == ("pending", None, None)
    # and the dispatcher (the same person: it is the same step again) sends it to 武昌 by hand
    staff_client(client, dispatcher)
    assert 'name="dispatch_to"' in client.get(f"/cases/{case.number}/").content.decode()
    case = services.case_act(
        actor=dispatcher, case_id=case.pk, version=case.version, action="accept", dispatch_to=other_office.code
    )
    # whose reply clock is its own, 4 working days from the day after: 13, Sat 14, 24, 25
    assert (case.office, case.due_date, reply_phase(case).routed_on) == (other_office, D(2026, 2, 25), D(2026, 2, 12))
    # while the promise of 5 working days from the complaint kept counting: it ends on the 24th
    promise = selectors.case_progress(case=case)["promise"]
    assert (promise["days"], promise["used"], promise["due_date"]) == (5, 2, D(2026, 2, 24))
    trail = list(
        AuditEvent.objects.filter(subject_type="case", subject_id=str(case.pk))
        .filter(action__in=["case.dispatch", "case.return"])
        .values_list("action", "after__by")
    )
    assert trail == [("case.dispatch", "rule"), ("case.return", None), ("case.dispatch", "hand")]
    # and 武昌 may not return it after its two working days (13, 14, 24 by the 24th)
    engine(2026, 2, 24, 10, 0)
    version = case.version
    with pytest.raises(Conflict, match="2个工作日"):
        services.case_return(actor=wuchang, case_id=case.pk, version=version, reason="也不属本区")
    case.refresh_from_db()
    assert (case.version, case.office) == (version, other_office)


@pytest.mark.parametrize("who", ["other_district_clerk", "monitor", "dispatcher"])
def test_only_the_office_that_received_a_dispatch_may_return_it(request, engine, hotline_staff, applicant, who):
    dispatcher = hotline_staff[0]
    case = complaint(dispatcher, applicant)
    case = services.case_act(actor=dispatcher, case_id=case.pk, version=case.version, action="accept")
    actor = dispatcher if who == "dispatcher" else request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        services.case_return(actor=actor, case_id=case.pk, version=case.version, reason="不是我们的")
    case.refresh_from_db()
    assert case.current_step.kind == "reply" and not AuditEvent.objects.filter(action="case.return").exists()


def test_a_transfer_moves_the_phase_and_its_running_clock_to_another_office(
    engine, hotline_staff, applicant, clerk, other_office
):
    dispatcher, jiangan, _wuchang = hotline_staff
    case = complaint(dispatcher, applicant)
    case = services.case_act(actor=dispatcher, case_id=case.pk, version=case.version, action="accept")
    due = case.due_date
    # a clerk (authority 1) may not transfer; nothing changes
    clerk.skill_groups.add(SkillGroup.objects.get(code="consult"))
    with pytest.raises(NotAllowed, match="2级"):
        services.case_transfer(
            actor=clerk, case_id=case.pk, version=case.version, office_code=other_office.code, reason="迁居"
        )
    # a reviewer of the office may: the phase and the case move, the clock runs on
    engine(2026, 2, 11, 10, 0)
    case.refresh_from_db()
    case = services.case_transfer(
        actor=jiangan, case_id=case.pk, version=case.version, office_code=other_office.code, reason="投诉人已迁居武昌"
    )
    assert (case.office, case.due_date, reply_phase(case).office) == (other_office, due, other_office)
    event = AuditEvent.objects.get(action="case.transfer")
    assert event.before["office"] == "SI-420102" and event.after["office"] == other_office.code
    # a transfer is not a dispatch: the receiving office cannot "return" it
    assert reply_phase(case).routed_on is None


@pytest.mark.parametrize(("return_days", "returned"), [(2, False), (3, True)])
def test_the_return_window_is_the_items_as_the_administrator_sets_it(
    client, engine, hotline_staff, applicant, city_office, office, return_days, returned
):
    dispatcher, jiangan, _wuchang = hotline_staff
    # given complaints whose return window the administrator set to 2 (the default) or 3 working days
    ServiceItem.objects.filter(code="RX-002").update(return_days=return_days)
    case = complaint(dispatcher, applicant)
    case = services.case_act(actor=dispatcher, case_id=case.pk, version=case.version, action="accept")
    assert reply_phase(case).routed_on == D(2026, 2, 10)
    # when 江岸 returns it on Fri 13 Feb, the third working day after the dispatch
    engine(2026, 2, 13, 10, 0)
    staff_client(client, jiangan)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert ('data-action="return"' in page) is returned
    if returned:
        # then with a window of 3 the return is taken, and the page said so
        assert f"within {return_days} working days" in page or f"{return_days}个工作日" in page
        case = services.case_return(actor=jiangan, case_id=case.pk, version=case.version, reason="属武昌区管辖")
        assert case.office == city_office
        return
    # and with the default window of 2 it is refused, naming the window, and nothing changes
    version = case.version
    with pytest.raises(Conflict, match="2个工作日"):
        services.case_return(actor=jiangan, case_id=case.pk, version=version, reason="属武昌区管辖")
    case.refresh_from_db()
    assert (case.version, case.office) == (version, office)


def test_the_transfer_authority_is_the_items_as_the_administrator_sets_it(
    engine, hotline_staff, applicant, clerk, other_office
):
    dispatcher = hotline_staff[0]
    clerk.skill_groups.add(SkillGroup.objects.get(code="consult"))
    case = complaint(dispatcher, applicant)
    case = services.case_act(actor=dispatcher, case_id=case.pk, version=case.version, action="accept")
    # given complaints that the administrator lets a clerk (authority 1) transfer
    ServiceItem.objects.filter(code="RX-002").update(transfer_authority=1)
    # when the district's clerk transfers one to 武昌
    case = services.case_transfer(
        actor=clerk, case_id=case.pk, version=case.version, office_code=other_office.code, reason="投诉人已迁居武昌"
    )
    # then it moves, audited
    assert case.office == other_office
    assert AuditEvent.objects.filter(action="case.transfer", subject_id=str(case.pk)).exists()


def test_the_catalogue_sync_keeps_the_administrators_return_window_and_transfer_authority(engine):
    # given an administrator who set RX-002's return window and transfer authority
    ServiceItem.objects.filter(code="RX-002").update(return_days=4, transfer_authority=3)
    # when the catalogue is synced from the definitions, the settings stay
    catalog_sync()
    assert ServiceItem.objects.filter(code="RX-002").values_list("return_days", "transfer_authority").get() == (4, 3)
    # and a reset takes the definition's (2 working days; a reviewer)
    catalog_sync(reset=True)
    assert ServiceItem.objects.filter(code="RX-002").values_list("return_days", "transfer_authority").get() == (2, 2)
