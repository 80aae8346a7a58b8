"""A case moved off the office that received it (改派 reroute, 移交 transfer) is out of that
office's sight as well as its say: before, the old window still saw the case, listed it in its
queue (page and API) under "received here" and was offered an accept button that ended in a 403.
The case facts decide it in one place (facts.receiving_office_kept): the old office now gets what
any other office gets (the case page's bilingual 404, no queue row, no action), the new office
sees and acts on it, and the monitors still watch it."""

from __future__ import annotations

import dataclasses

import pytest
from django.urls import reverse

from shebao.cases import facts, selectors, services
from shebao.cases.models import Case
from shebao.cases.services.routing import case_reroute
from shebao.core.models import Role
from tests.cases.conftest import ALL
from tests.web.support import sign_in

ITEM = "T-L2"  # a district item: the district office that received it holds it until moved


def _open(clerk, applicant) -> Case:
    return services.case_open(
        actor=clerk,
        item_code=ITEM,
        applicant=applicant,
        channel="hall",
        form={"address": "江岸区胜利街1号"},
        materials=ALL,
    )


def _rerouted(clerk, applicant, other_office) -> Case:
    case = _open(clerk, applicant)
    return case_reroute(actor=None, case_id=case.pk, version=case.version, office=other_office, reason="属地化管理")


def _queue(client) -> tuple[str, list[str]]:
    page = client.get(reverse("web:workbench"))
    api = client.get("/api/v1/workbench/queue")
    assert page.status_code == 200 and api.status_code == 200, api.content
    return page.content.decode(), [row["number"] for row in api.json()]


def test_the_old_office_no_longer_sees_a_rerouted_case_in_its_queue_or_on_its_page(
    client, engine, clerk, other_district_clerk, applicant, other_office
):
    # given a case received at the clerk's window, listed in the clerk's queue
    case = _open(clerk, applicant)
    sign_in(client, clerk)
    page, api = _queue(client)
    assert case.number in page and api == [case.number]
    # when it is rerouted to another district's office
    case = case_reroute(actor=None, case_id=case.pk, version=case.version, office=other_office, reason="属地化管理")
    # then the old window's queue (page and API) no longer lists it
    page, api = _queue(client)
    assert case.number not in page and api == []
    # and its page, its API progress and its actions answer as for any other office: not found,
    # in both languages, with no accept button
    shown = client.get(reverse("web:case", args=[case.number]))
    assert shown.status_code == 404
    text = shown.content.decode()
    assert "办件不存在或无权查看" in text and "Case not found" in text
    assert reverse("web:case_act", args=[case.number]) not in text
    assert client.get(f"/api/v1/cases/{case.number}").status_code == 404
    assert client.get(f"/api/v1/cases/{case.number}/actions").status_code == 404
    acted = client.post(
        f"/api/v1/cases/{case.number}/actions",
        {"action": "accept", "version": case.version},
        content_type="application/json",
    )
    assert acted.status_code == 404 and Case.objects.get(pk=case.pk).version == case.version
    # nor among the cases the clerk received (我的办件)
    assert case.number not in [c.number for c in selectors.cases_mine(actor=clerk)]
    # while the new office's clerk has it in the queue, with the accept button
    client.logout()
    sign_in(client, other_district_clerk)
    page, api = _queue(client)
    assert case.number in page and api == [case.number]
    shown = client.get(reverse("web:case", args=[case.number]))
    assert shown.status_code == 200
    assert reverse("web:case_act", args=[case.number]) in shown.content.decode()
    offers = {o["action"]: o["allowed"] for o in client.get(f"/api/v1/cases/{case.number}/actions").json()}
    assert offers["accept"] is True


def test_a_transferred_case_leaves_the_old_office_alike(
    client, engine, clerk, reviewer, other_district_clerk, applicant, office, other_office
):
    # given a case the clerk received and accepted, transferred by the reviewer to another office
    case = _open(clerk, applicant)
    case = services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    case = services.case_transfer(
        actor=reviewer, case_id=case.pk, version=case.version, office_code=other_office.code, reason="属地"
    )
    assert case.receiving_office_id == office.pk and case.office_id == other_office.pk
    # then no one of the old office sees it, while the new office does
    for old in (clerk, reviewer):
        assert not Case.objects.filter(selectors._visible(old), pk=case.pk).exists()
    assert selectors.case_get(actor=other_district_clerk, number=case.number) == case
    # and the facts the rules (and the buttons) read name no receiving office any more
    assert facts.case_facts(Case.objects.get(pk=case.pk)).receiving_office is None


def test_the_monitors_still_see_a_moved_case(engine, clerk, applicant, office, other_office, monitor):
    from tests.conftest import _staff

    case = _rerouted(clerk, applicant, other_office)
    district_monitor = _staff("monitor_ja", Role.MONITOR_DISTRICT, office, 3, full_name="江岸监控")
    for watcher in (monitor, district_monitor):
        assert selectors.case_get(actor=watcher, number=case.number) == case


def test_a_case_received_elsewhere_and_never_moved_is_still_the_receiving_windows(engine, clerk, applicant):
    # the receiving office is kept when nothing moved the case (the rules' receiving_may)
    case = _open(clerk, applicant)
    assert facts.case_facts(case).receiving_office == clerk.office_id
    assert selectors.case_get(actor=clerk, number=case.number) == case


@pytest.mark.parametrize("htmx", [False, True])
def test_the_old_offices_case_page_is_the_same_not_found_as_any_other_offices(
    client, engine, clerk, applicant, other_district, other_office, other_district_clerk, htmx
):
    # a case of the other office that was never the clerk's, and one moved away from the clerk
    foreign = _open(other_district_clerk, dataclasses.replace(applicant, district=other_district))
    assert foreign.office_id == foreign.receiving_office_id == other_office.pk
    moved = _rerouted(clerk, applicant, other_office)
    sign_in(client, clerk)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    answers = [client.get(reverse("web:case", args=[c.number]), **headers) for c in (foreign, moved)]
    assert [a.status_code for a in answers] == [404, 404]
    for case, answer in zip((foreign, moved), answers, strict=True):
        text = answer.content.decode()
        assert "办件不存在或无权查看" in text and "Case not found" in text
        assert text.index("办件不存在或无权查看") < text.index("Case not found")  # Chinese first
        assert reverse("web:case_act", args=[case.number]) not in text
