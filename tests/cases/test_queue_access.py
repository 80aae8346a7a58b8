"""Issue 10 §4: the clerk's queue answers alike as a page and through the API (one rule,
``authority.require_workbench``), and "my cases" for staff are their own cases, not their
jurisdiction's queue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shebao.cases import services
from shebao.core.models import AuditEvent
from tests.cases.conftest import ALL
from tests.web.support import sign_in


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("clerk", 200),
        ("reviewer", 200),
        ("approver", 200),
        ("bank_agent", 200),
        ("monitor", 403),  # watches the agency's work, has no queue
        ("admin_user", 403),
        ("citizen", 403),
        ("unit_operator", 403),
    ],
)
def test_the_queue_page_and_the_queue_api_answer_alike(client, engine, request, applicant, clerk, actor, status):
    # given a case in the office's queue, and the actor signed in (staff with the second factor)
    case = services.case_open(
        actor=clerk, item_code="T-L2", applicant=applicant, channel="hall", form={"address": "x"}, materials=ALL
    )
    sign_in(client, request.getfixturevalue(actor))
    events = AuditEvent.objects.count()
    # when the actor asks for the queue, as a page and through the API
    page = client.get(reverse("web:workbench"))
    api = client.get("/api/v1/workbench/queue")
    # then both give the same answer, and a refusal says why and shows no case
    assert (page.status_code, api.status_code) == (status, status), api.content
    if status == 403:
        assert api.json()["message"] == "仅限经办人员使用工作台"
        assert case.number not in page.content.decode()
    assert AuditEvent.objects.count() == events


def test_my_cases_for_staff_are_those_they_received_or_acted_on(client, engine, applicant, clerk, reviewer, approver):
    # given three cases of one office: the clerk received A and B and accepted A, the reviewer
    # reviewed A, the approver received C
    def receive(actor):
        return services.case_open(
            actor=actor, item_code="T-L2", applicant=applicant, channel="hall", form={"address": "x"}, materials=ALL
        )

    a, b, c = receive(clerk), receive(clerk), receive(approver)
    a = services.case_act(actor=clerk, case_id=a.pk, version=a.version, action="accept")
    services.case_act(actor=reviewer, case_id=a.pk, version=a.version, action="review")
    # when each asks for their own cases
    mine = {}
    for person in (clerk, reviewer, approver):
        sign_in(client, person)
        response = client.get("/api/v1/cases/mine")
        assert response.status_code == 200
        mine[person.username] = {row["number"] for row in response.json()}
    # then each has their own, not every case of the office
    assert mine == {
        "clerk": {a.number, b.number},
        "reviewer": {a.number},
        "approver": {c.number},
    }


def test_a_staff_members_own_cases_include_the_ones_they_paused(client, engine, applicant, clerk, reviewer):
    case = services.case_open(
        actor=clerk, item_code="T-L2", applicant=applicant, channel="hall", form={"address": "x"}, materials=ALL
    )
    services.case_suspend(actor=reviewer, case_id=case.pk, version=case.version, reason="待司法鉴定")
    sign_in(client, reviewer)
    assert [row["number"] for row in client.get("/api/v1/cases/mine").json()] == [case.number]
