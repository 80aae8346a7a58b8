"""The clerk's pages: the 一岗通 queue, receiving (one item and the 一表通), the case page and
its actions, with each page's authorisation matrix and the side effects a denial must not have."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from shebao.cases import services
from shebao.cases.models import Case, CaseRating, CaseStepRecord
from shebao.catalog.definitions import Applicant
from shebao.core.errors import NotAllowed
from shebao.core.models import AuditEvent, Role
from tests.cases.conftest import ALL
from tests.factories import AccountFactory
from tests.web.support import sign_in

FORM = {"address": "江岸区胜利街1号"}


def body(response) -> str:
    return response.content.decode()


def open_case(actor, applicant, code="T-L2", materials=ALL, **kw):
    return services.case_open(
        actor=actor,
        item_code=code,
        applicant=applicant,
        channel=kw.pop("channel", "hall"),
        form=FORM,
        materials=materials,
        **kw,
    )


def act(actor, case, action):
    case.refresh_from_db()
    return services.case_act(actor=actor, case_id=case.pk, version=case.version, action=action)


def queue_numbers(html: str) -> list[str]:
    return re.findall(r'<tr class="queue-row[^"]*">\s*<td><a class="mono" href="/cases/(\d+)/">', html)


def receive_data(citizen, district, **overrides):
    data = {
        "applicant_id_number": citizen.id_number,
        "applicant_name": "张三",
        "district_code": district.code,
        "phone": "13800000000",
        "f_address": "江岸区胜利街1号",
        "m_id_card": "received",
        "m_address_proof": "received",
        "submission": f"form-{uuid.uuid4().hex}",  # drawn with the form: one per page
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- the queue ---------------------------------------------------------------------------------


def test_the_queue_lists_only_actionable_cases_soonest_first_with_the_countdown(
    client, engine, clerk, reviewer, other_district_clerk, applicant, other_citizen, other_district
):
    # given cases the clerk may act on, due on different days …
    later = open_case(clerk, applicant, "T-L3")  # 10 working days
    instant = open_case(clerk, applicant, "T-L1")  # due the day of receipt
    soon = open_case(clerk, applicant, "T-G1")  # 3 working days: Fri 13 Feb
    # … and cases they may not: one they accepted (the review is someone else's), one waiting
    # for materials, one of another district
    accepted = act(clerk, open_case(clerk, applicant, "T-L2"), "accept")
    waiting = open_case(clerk, applicant, "T-L2", materials={"id_card": "received"})
    elsewhere = open_case(
        other_district_clerk,
        Applicant(id_number=other_citizen.id_number, name="李四", district=other_district),
        "T-L2",
    )
    engine(2026, 2, 12, 10, 0)  # Thursday: the instant case is two working days overdue
    sign_in(client, clerk)
    # when the clerk opens the workbench
    html = body(client.get(reverse("web:workbench")))
    # then only the actionable cases, soonest due first
    assert queue_numbers(html) == [instant.number, soon.number, later.number]
    for other in (accepted, waiting, elsewhere):
        assert other.number not in html
    # and the countdown in working days: overdue in red, due the next working day in amber
    rows = {
        number: urgency
        for urgency, number in re.findall(
            r'<tr class="queue-row ?(\w*)">\s*<td><a class="mono" href="/cases/(\d+)/">', html
        )
    }
    assert rows == {instant.number: "overdue", soon.number: "soon", later.number: ""}
    assert "已超期 2 个工作日" in html
    assert "下一个工作日到期" in html
    assert "4201" in html and applicant.id_number not in html  # masked


def test_an_escalated_case_shows_its_badge_in_the_reviewers_queue(client, engine, clerk, reviewer, applicant):
    case = open_case(clerk, applicant, "T-L1")
    services.case_escalate(actor=clerk, case_id=case.pk, version=case.version, reason="金额较大")
    sign_in(client, reviewer)
    html = body(client.get(reverse("web:workbench")))
    assert queue_numbers(html) == [case.number]
    assert "已上报 ×1" in html


def test_the_queue_is_paginated(client, engine, clerk, applicant):
    numbers = [open_case(clerk, applicant, "T-G1").number for _ in range(22)]
    sign_in(client, clerk)
    first = body(client.get(reverse("web:workbench")))
    second = body(client.get(reverse("web:workbench") + "?offset=20"))
    assert queue_numbers(first) == numbers[:20]
    assert queue_numbers(second) == numbers[20:]
    assert '?offset=20" rel="next"' in first and 'rel="prev"' in second


@pytest.mark.parametrize("cases", [1, 20])
def test_the_queue_query_budget_does_not_grow_with_the_rows(
    client, engine, clerk, applicant, django_assert_max_num_queries, cases
):
    for _ in range(cases):
        open_case(clerk, applicant, "T-G1")
    sign_in(client, clerk)
    client.get(reverse("web:workbench"))  # the working-day calendar is cached after this
    # session, account, OTP device, skill ids, office, the queue, skills, the catalogue (2)
    with django_assert_max_num_queries(11):  # the queue is 3-4 fixed queries (selectors.workbench_queue)
        response = client.get(reverse("web:workbench"))
    assert len(queue_numbers(body(response))) == cases


def test_the_receive_area_offers_the_items_of_the_clerks_skill_groups_and_the_one_forms(client, engine, clerk):
    sign_in(client, clerk)
    html = body(client.get(reverse("web:workbench")))
    assert reverse("web:receive", args=["T-L2"]) in html
    assert reverse("web:one_form", args=["flexible_enrol"]) in html
    assert reverse("web:receive", args=["T-CARD"]) not in html  # card skill group: not the clerk's
    html = body(client.get(reverse("web:workbench") + "?q=T-L3"))
    assert reverse("web:receive", args=["T-L3"]) in html
    assert reverse("web:receive", args=["T-L2"]) not in html


def test_a_bank_agent_is_offered_card_items_only(client, engine, bank_agent):
    sign_in(client, bank_agent)
    html = body(client.get(reverse("web:workbench")))
    assert reverse("web:receive", args=["T-CARD"]) in html
    assert reverse("web:receive", args=["T-L2"]) not in html
    assert client.get(reverse("web:receive", args=["T-L2"])).status_code == 403


@pytest.mark.parametrize("who", ["citizen", "unit_operator", "monitor"])
def test_the_workbench_is_for_case_handling_staff(client, engine, request, who):
    sign_in(client, request.getfixturevalue(who))
    for url in (
        reverse("web:workbench"),
        reverse("web:receive", args=["T-L1"]),
        reverse("web:one_form", args=["flexible_enrol"]),
    ):
        assert client.get(url).status_code == 403


def test_anonymous_and_unverified_staff_are_sent_to_sign_in(client, engine, clerk):
    response = client.get(reverse("web:workbench"))
    assert response.status_code == 302 and "next=/workbench/" in response["Location"]
    client.force_login(clerk, backend="shebao.core.backends.AccountBackend")  # no second factor
    response = client.get(reverse("web:receive", args=["T-L1"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


def test_the_nav_offers_the_workbench_to_handling_staff(client, engine, clerk, citizen):
    sign_in(client, clerk)
    html = body(client.get(reverse("web:home")))
    assert f'href="{reverse("web:workbench")}"' in html and f'href="{reverse("web:guide")}"' in html
    assert 'id="my-queue"' in html
    client.logout()
    sign_in(client, citizen)
    html = body(client.get(reverse("web:home")))
    assert f'href="{reverse("web:workbench")}"' not in html
    assert f'href="{reverse("web:my_cases")}"' in html


# --- receiving one item ------------------------------------------------------------------------


def test_the_receive_form_is_built_from_the_items_schema(client, engine, clerk):
    sign_in(client, clerk)
    html = body(client.get(reverse("web:receive", args=["T-L2"])))
    assert 'name="f_address"' in html and 'type="date" name="f_start"' in html
    assert 'name="applicant_id_number"' in html and '<select name="district_code"' in html
    assert 'name="m_address_proof" value="commitment"' in html  # a commitment may replace it
    assert 'name="m_id_card" value="commitment"' not in html
    assert 'value="accept"' not in html  # "receive and accept" is for level-1 items
    assert 'value="accept"' in body(client.get(reverse("web:receive", args=["T-L1"])))


def test_receiving_opens_the_case_at_the_clerks_office_on_the_hall_channel(
    client, engine, clerk, citizen, district, office
):
    sign_in(client, clerk)
    response = client.post(reverse("web:receive", args=["T-L2"]), receive_data(citizen, district, f_start="2026-03-01"))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:case", args=[case.number])
    assert (case.channel, case.receiving_office, case.office, case.received_by) == ("hall", office, office, clerk)
    assert case.status == Case.Status.IN_PROGRESS and case.current_step.kind == "accept"
    assert case.form_data == {"address": "江岸区胜利街1号", "start": "2026-03-01"}
    assert case.applicant_phone == "13800000000"
    assert AuditEvent.objects.filter(action="case.open", channel="hall").count() == 1


def test_a_bank_agent_receives_and_accepts_a_card_item_on_the_bank_channel(
    client, engine, bank_agent, citizen, district, bank_outlet
):
    sign_in(client, bank_agent)
    data = receive_data(citizen, district, then="accept")
    response = client.post(reverse("web:receive", args=["T-CARD"]), data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.channel, case.receiving_office, case.status) == ("bank", bank_outlet, Case.Status.COMPLETED)


def test_receive_and_accept_completes_an_instant_level_1_item(client, engine, clerk, citizen, district):
    sign_in(client, clerk)
    response = client.post(reverse("web:receive", args=["T-L1"]), receive_data(citizen, district, then="accept"))
    case = Case.objects.get()
    assert case.status == Case.Status.COMPLETED
    assert list(CaseStepRecord.objects.values_list("action", "actor")) == [("accept", clerk.pk)]
    assert "已受理并办结" in body(client.get(response["Location"]))


def test_missing_materials_are_told_once_and_the_clock_waits(client, engine, clerk, citizen, district):
    sign_in(client, clerk)
    data = receive_data(citizen, district, m_address_proof="missing", then="accept")
    response = client.post(reverse("web:receive", args=["T-L1"]), data)
    case = Case.objects.get()
    assert case.status == Case.Status.AWAITING_MATERIALS and case.due_date is None
    assert not CaseStepRecord.objects.exists()  # nothing to accept while materials are missing
    html = body(client.get(response["Location"]))
    assert "一次性" in html and "居住证明" in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"applicant_id_number": "420102198503140010"}, "校验"),
        ({"f_address": ""}, "必填"),
        ({"phone": "12345"}, "11"),
        ({"m_address_proof": "nonsense"}, "nonsense"),
    ],
)
def test_bad_input_shows_the_form_again_and_opens_nothing(client, engine, clerk, citizen, district, overrides, message):
    sign_in(client, clerk)
    response = client.post(reverse("web:receive", args=["T-L2"]), receive_data(citizen, district, **overrides))
    assert response.status_code == 422
    assert message in body(response) and 'name="applicant_id_number"' in body(response)
    assert not Case.objects.exists()


def test_an_unregistered_applicant_without_a_name_is_asked_for_it(client, engine, clerk, citizen, district):
    sign_in(client, clerk)
    response = client.post(reverse("web:receive", args=["T-L2"]), receive_data(citizen, district, applicant_name=""))
    assert response.status_code == 422
    assert "请填写申请人姓名" in body(response)
    assert not Case.objects.exists()


def test_receiving_when_the_office_is_closed_is_refused(client, engine, clerk, citizen, district):
    engine(2026, 2, 10, 20, 0)
    sign_in(client, clerk)
    page = body(client.get(reverse("web:receive", args=["T-L2"])))
    assert "当前不在办公时间" in page  # warned before typing
    response = client.post(reverse("web:receive", args=["T-L2"]), receive_data(citizen, district))
    assert response.status_code == 403 and "当前不在办公时间" in body(response)
    assert not Case.objects.exists()
    # the one-form of two items closed for the same hours says so once
    page = body(client.get(reverse("web:one_form", args=["flexible_enrol"])))
    assert page.count("当前不在办公时间") == 1


def test_receive_and_accept_is_all_or_nothing(client, engine, clerk, citizen, district, monkeypatch):
    def refuse(**kwargs):
        raise NotAllowed("测试：拒绝受理", "test: refused")

    monkeypatch.setattr(services, "case_act", refuse)
    sign_in(client, clerk)
    response = client.post(reverse("web:receive", args=["T-L1"]), receive_data(citizen, district, then="accept"))
    assert response.status_code == 403 and "测试：拒绝受理" in body(response)
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(action="case.open").exists()


def submission_of(html: str) -> str:
    """The token a receiving form was drawn with."""
    token = re.search(r'name="submission" value="([^"]+)"', html)
    assert token, "the form carries its submission token"
    return token.group(1)


def test_a_double_submitted_receive_form_opens_one_case(client, engine, clerk, citizen, district):
    # given the receiving form, drawn with its token
    sign_in(client, clerk)
    url = reverse("web:receive", args=["T-L1"])
    token = submission_of(body(client.get(url)))
    assert token != submission_of(body(client.get(url)))  # a token per drawn form
    data = receive_data(citizen, district, submission=token, then="accept")
    # when it is sent twice (a double click, or the browser's back and submit again)
    first = client.post(url, data)
    again = client.post(url, data)
    # then one case was opened (and accepted once), and both answers lead to it
    case = Case.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == reverse("web:case", args=[case.number])
    assert AuditEvent.objects.filter(action="case.open").count() == 1
    assert CaseStepRecord.objects.filter(case=case, action="accept").count() == 1


def test_the_same_form_sent_again_for_someone_else_is_refused(client, engine, clerk, citizen, other_citizen, district):
    # given a form received once
    sign_in(client, clerk)
    url = reverse("web:receive", args=["T-L2"])
    token = submission_of(body(client.get(url)))
    assert client.post(url, receive_data(citizen, district, submission=token)).status_code == 302
    # when the clerk goes back, types another applicant into the same page and submits it
    other = receive_data(other_citizen, district, submission=token, applicant_name="李四")
    response = client.post(url, other)
    # then nothing more is opened, and the page says to open a new form
    assert response.status_code == 409 and "重新打开表单" in body(response)
    assert Case.objects.count() == 1
    # a page without its token (drawn before it existed) is refused, not opened twice
    stale = client.post(url, receive_data(citizen, district, submission=None))
    assert stale.status_code == 422 and Case.objects.count() == 1


def test_a_double_submitted_one_form_opens_its_cases_once(client, engine, clerk, citizen, district):
    sign_in(client, clerk)
    url = reverse("web:one_form", args=["flexible_enrol"])
    token = submission_of(body(client.get(url)))
    data = receive_data(citizen, district, submission=token, items=["T-G1", "T-G2"])
    first, again = client.post(url, data), client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Case.objects.count() == 2


def test_an_item_outside_the_clerks_skill_groups_cannot_be_received(client, engine, clerk, citizen, district):
    sign_in(client, clerk)
    assert client.get(reverse("web:receive", args=["T-CARD"])).status_code == 403
    response = client.post(reverse("web:receive", args=["T-CARD"]), receive_data(citizen, district))
    assert response.status_code == 403
    assert not Case.objects.exists()
    assert client.get(reverse("web:receive", args=["NOPE"])).status_code == 404


# --- 一表通 ---------------------------------------------------------------------------------------


def test_the_one_form_opens_both_items_with_one_group_ref(client, engine, clerk, citizen, district):
    sign_in(client, clerk)
    page = body(client.get(reverse("web:one_form", args=["flexible_enrol"])))
    assert page.count('name="f_address"') == 1  # the union of the fields, each once
    assert 'value="T-G1"' in page and 'value="T-G2"' in page
    response = client.post(
        reverse("web:one_form", args=["flexible_enrol"]), receive_data(citizen, district, items=["T-G1", "T-G2"])
    )
    cases = list(Case.objects.order_by("item__code"))
    assert [c.item.code for c in cases] == ["T-G1", "T-G2"]
    assert cases[0].group_ref and cases[0].group_ref == cases[1].group_ref
    # the result page shows both cases together, each with its accept button
    html = body(client.get(response["Location"]))
    for case in cases:
        assert f'id="case-{case.number}"' in html
    assert html.count('data-action="accept"') == 2


def test_the_one_form_is_all_or_nothing(client, engine, clerk, citizen, district):
    sign_in(client, clerk)
    url = reverse("web:one_form", args=["flexible_enrol"])
    response = client.post(url, receive_data(citizen, district, f_address="", items=["T-G1", "T-G2"]))
    assert response.status_code == 422 and "必填" in body(response)
    response = client.post(url, receive_data(citizen, district))  # no item ticked
    assert response.status_code == 422
    assert not Case.objects.exists()
    assert client.get(reverse("web:one_form", args=["nope"])).status_code == 404


# --- the case page and its actions ------------------------------------------------------------------


def post_action(client, case, action, *, version=None, htmx=False, **fields):
    case.refresh_from_db()
    data = {"action": action, "version": case.version if version is None else version, **fields}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("web:case_act", args=[case.number]), data, **headers)


def test_the_case_page_shows_the_file_the_clocks_the_history_and_the_next_action(
    client, engine, clerk, reviewer, applicant
):
    case = act(clerk, open_case(clerk, applicant, "T-L2"), "accept")
    sign_in(client, reviewer)
    html = body(client.get(reverse("web:case", args=[case.number])))
    assert "居住地址" in html and "江岸区胜利街1号" in html  # labels from the item's schema
    assert "居民身份证" in html and "已核验原件" in html  # received at the window: the original seen
    assert "2026-02-24" in html  # the due date (5 working days over the Spring Festival)
    assert "王窗口" in html  # who accepted
    assert 'data-action="review"' in html and f'name="version" value="{case.version}"' in html


def test_an_action_through_the_page_moves_the_case(client, engine, clerk, reviewer, applicant):
    case = act(clerk, open_case(clerk, applicant, "T-L2"), "accept")
    sign_in(client, reviewer)
    response = post_action(client, case, "review", note="材料齐全")
    assert response.status_code == 302 and response["Location"] == reverse("web:case", args=[case.number])
    case.refresh_from_db()
    assert case.status == Case.Status.COMPLETED
    assert CaseStepRecord.objects.filter(case=case, actor=reviewer, action="review", note="材料齐全").exists()


def test_with_htmx_the_action_returns_the_fresh_panel(client, engine, clerk, applicant):
    case = open_case(clerk, applicant, "T-L2")
    sign_in(client, clerk)
    response = post_action(client, case, "accept", htmx=True)
    assert response.status_code == 200
    html = body(response)
    assert html.startswith('<div id="case-panel" class="case-swap">') and "<html" not in html
    assert "复核" in html  # the case now waits for the review
    assert Case.objects.get(pk=case.pk).current_step.kind == "review"


def test_a_stale_version_shows_the_conflict_and_the_fresh_case(client, engine, clerk, approver, applicant):
    case = open_case(clerk, applicant, "T-L2")
    stale = case.version
    act(approver, case, "accept")  # someone else acted first
    sign_in(client, clerk)
    response = post_action(client, case, "accept", version=stale)
    assert response.status_code == 409
    html = body(response)
    assert "有人先处理了该办件" in html
    case.refresh_from_db()
    assert f'name="version" value="{case.version}"' in html  # the fresh page carries the new version
    assert list(CaseStepRecord.objects.values_list("actor", flat=True)) == [approver.pk]
    # with htmx the panel is swapped in place, carrying the same message
    response = post_action(client, case, "accept", version=stale, htmx=True)
    assert response.status_code == 409 and "<html" not in body(response)
    assert "有人先处理了该办件" in body(response)


def test_a_refused_action_shows_the_reason_and_changes_nothing(client, engine, clerk, applicant):
    case = act(clerk, open_case(clerk, applicant, "T-L2"), "accept")
    version, events = case.version, AuditEvent.objects.count()
    sign_in(client, clerk)
    response = post_action(client, case, "review")
    assert response.status_code == 403
    assert "2级权限" in body(response)
    case.refresh_from_db()
    assert (case.version, case.current_step.kind) == (version, "review")
    assert AuditEvent.objects.count() == events


def test_reject_request_materials_supplement_suspend_resume_through_the_page(
    client, engine, clerk, reviewer, applicant
):
    sign_in(client, clerk)
    case = open_case(clerk, applicant, "T-L2")
    assert post_action(client, case, "request_materials", missing=["address_proof"], note="请补交").status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_MATERIALS
    html = body(client.get(reverse("web:case", args=[case.number])))
    assert 'name="m_address_proof" value="commitment"' in html
    assert post_action(client, case, "supplement", m_address_proof="commitment").status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert post_action(client, case, "suspend", note="等待户籍核查").status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.SUSPENDED and case.due_date is None
    assert post_action(client, case, "resume").status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and case.due_date is not None
    assert post_action(client, case, "reject", reasons="").status_code == 422  # reasons are required
    assert post_action(client, case, "reject", reasons="不符合参保条件\n已在外地参保").status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.REJECTED
    assert case.rejection_reasons == ["不符合参保条件", "已在外地参保"]


def test_only_an_approver_extends_and_anyone_in_the_office_escalates(client, engine, clerk, approver, applicant):
    case = open_case(clerk, applicant, "T-L2")
    due = case.due_date
    sign_in(client, clerk)
    assert 'value="extend"' not in body(client.get(reverse("web:case", args=[case.number])))
    assert post_action(client, case, "extend", workdays="3", note="需外调").status_code == 403
    assert Case.objects.get(pk=case.pk).due_date == due
    assert post_action(client, case, "escalate", note="").status_code == 422
    assert post_action(client, case, "escalate", note="情况复杂").status_code == 302
    assert Case.objects.get(pk=case.pk).required_authority == 2
    client.logout()
    sign_in(client, approver)
    assert post_action(client, case, "extend", workdays="3", note="需外调").status_code == 302
    assert Case.objects.get(pk=case.pk).due_date > due


def test_an_outside_partys_phase_is_recorded_from_the_page(client, engine, clerk, reviewer, applicant):
    case = act(reviewer, act(clerk, open_case(clerk, applicant, "T-XFER"), "accept"), "review")
    assert case.status == Case.Status.WAITING_OUTSIDE
    sign_in(client, clerk)
    assert post_action(client, case, "outside_done", note="转出地已转移基金").status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and case.current_step.phase.code == "p3"


@pytest.mark.parametrize("who", ["other_district_clerk", "bank_agent", "other_citizen", "unit_operator"])
def test_a_case_outside_ones_scope_is_not_found_and_cannot_be_acted_on(client, engine, clerk, applicant, request, who):
    case = open_case(clerk, applicant, "T-L1")
    version = case.version
    sign_in(client, request.getfixturevalue(who))
    assert client.get(reverse("web:case", args=[case.number])).status_code == 404
    assert post_action(client, case, "accept").status_code == 404
    case.refresh_from_db()
    assert (case.version, case.status) == (version, Case.Status.IN_PROGRESS)
    assert not CaseStepRecord.objects.exists()


def test_the_applicant_cannot_act_as_staff_on_their_own_case(client, engine, clerk, citizen, applicant):
    case = open_case(clerk, applicant, "T-L1")
    sign_in(client, citizen)
    assert post_action(client, case, "accept").status_code == 403
    assert Case.objects.get(pk=case.pk).status == Case.Status.IN_PROGRESS


def test_a_bank_agent_sees_the_card_cases_of_the_outlet(client, engine, bank_agent, applicant):
    case = open_case(bank_agent, applicant, "T-CARD", channel="bank")
    sign_in(client, bank_agent)
    assert client.get(reverse("web:case", args=[case.number])).status_code == 200
    assert post_action(client, case, "accept").status_code == 302
    assert Case.objects.get(pk=case.pk).status == Case.Status.COMPLETED


def test_anonymous_visitors_are_sent_to_sign_in_for_a_case(client, engine, clerk, applicant):
    case = open_case(clerk, applicant, "T-L1")
    assert client.get(reverse("web:case", args=[case.number])).status_code == 302
    assert post_action(client, case, "accept").status_code == 302
    assert Case.objects.get(pk=case.pk).status == Case.Status.IN_PROGRESS


def test_a_rating_and_its_follow_up_show_on_the_staff_page(client, engine, clerk, citizen, applicant):
    case = act(clerk, open_case(clerk, applicant, "T-L1"), "accept")
    rating = services.case_rate(actor=citizen, case_id=case.pk, score=CaseRating.Score.DISSATISFIED, comment="慢")
    sign_in(client, clerk)
    html = body(client.get(reverse("web:case", args=[case.number])))
    assert "不满意" in html and rating.follow_up.number in html


def test_a_supervisor_without_skills_sees_no_action(client, engine, clerk, applicant, office):
    supervisor = AccountFactory(username="sup", role=Role.SUPERVISOR, office=office, authority_level=2)
    case = open_case(clerk, applicant, "T-L1")
    sign_in(client, supervisor)
    html = body(client.get(reverse("web:case", args=[case.number])))
    assert "技能组" in html and 'data-action="accept"' not in html


def test_the_receive_area_is_kept_a_minute_per_clerk_and_not_shared(
    client, engine, clerk, bank_agent, django_assert_max_num_queries
):
    # The items a clerk may receive are the same all day: the section is cached per clerk,
    # so the second page reads neither the catalogue nor the skill groups...
    sign_in(client, clerk)
    first = body(client.get(reverse("web:workbench")))
    with django_assert_max_num_queries(7):  # session, account, device, skill ids, the queue (2), 待核验材料 (1)
        again = body(client.get(reverse("web:workbench")))
    assert reverse("web:receive", args=["T-L2"]) in first and reverse("web:receive", args=["T-L2"]) in again
    # ...and another staff member never gets it: a bank agent still sees card items only.
    client.logout()
    sign_in(client, bank_agent)
    html = body(client.get(reverse("web:workbench")))
    assert reverse("web:receive", args=["T-CARD"]) in html
    assert reverse("web:receive", args=["T-L2"]) not in html


def test_the_case_page_masks_id_numbers_and_phones_in_the_form():
    from shebao.web.workbench.case import form_rows

    schema = [
        {"name": "id_number", "type": "id_number"},
        {"name": "phone", "type": "phone"},
        {"name": "new_value", "type": "text"},
        {"name": "change_item", "type": "choice", "choices": [["phone", "联系电话"], ["address", "居住地址"]]},
    ]
    rows = dict(
        form_rows(
            schema,
            {
                "id_number": "420106197601181745",
                "phone": "13900000000",
                "new_value": "江汉路1号",
                "change_item": "address",
            },
            {"id_number": "公民身份号码", "phone": "联系电话", "change_item": "变更事项"},
        )
    )
    assert rows["公民身份号码"] != "420106197601181745" and rows["公民身份号码"].endswith("1745")
    assert rows["联系电话"] != "13900000000" and "*" in rows["联系电话"]
    assert rows["new_value"] == "江汉路1号"  # what the change is about stays readable for the reviewer
    assert rows["变更事项"] == "居住地址"  # a choice by its label, not its code
    # and so in an English browser too (the labels are Chinese: a clerk reads the code nowhere)
    from django.utils import translation

    with translation.override("en"):
        english = dict(form_rows(schema, {"change_item": "address"}, {"change_item": "变更事项"}))
    assert english["变更事项"] == "居住地址"


def test_an_htmx_action_after_the_session_expired_takes_the_page_to_sign_in_and_back(client, engine, clerk, applicant):
    # given a case page left open while the session expired (the client is not signed in)
    case = open_case(clerk, applicant, "T-L2")
    page = f"http://testserver/cases/{case.number}/"
    # when an action is posted through htmx
    response = client.post(
        reverse("web:case_act", args=[case.number]),
        {"action": "accept", "version": case.version},
        headers={"HX-Request": "true", "HX-Current-URL": page},
    )
    # then htmx is told to take the whole page to the staff sign-in, coming back to the case page
    # (not to the action's URL, which takes POST only), and nothing is swapped or done
    assert response.status_code == 401 and not response.content
    assert response["HX-Redirect"] == f"/login/?next=/cases/{case.number}/"
    assert Case.objects.get(pk=case.pk).version == case.version
    # a page address from another site is not followed back
    response = client.post(
        reverse("web:case_act", args=[case.number]),
        {"action": "accept", "version": case.version},
        headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/x"},
    )
    assert response["HX-Redirect"] == "/login/?next=/"


def test_a_rule_refusal_is_not_reported_as_someone_acting_first(client, engine, clerk, applicant, monkeypatch):
    from shebao.core.errors import Conflict

    case = open_case(clerk, applicant, "T-L2")
    sign_in(client, clerk)

    def refuse(*args, **kwargs):
        raise Conflict("该人员已在用人单位就业", "The person is employed")

    monkeypatch.setattr(services, "case_act", refuse)
    html = body(post_action(client, case, "accept", htmx=True))
    assert "该人员已在用人单位就业" in html and "有人先处理了该办件" not in html


def test_english_pages_show_the_catalogues_english_names(client, engine, clerk, reviewer, applicant):
    from django.conf import settings

    case = act(clerk, open_case(clerk, applicant, "T-L2"), "accept")
    sign_in(client, reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    queue = body(client.get(reverse("web:workbench")))
    page = body(client.get(reverse("web:case", args=[case.number])))
    for html in (queue, page):
        assert "Test item T-L2" in html and "测试事项T-L2" not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "测试事项T-L2" in body(client.get(reverse("web:case", args=[case.number])))
