"""A refused case shows as refused, with its reasons and the step it was refused at, on every
page and in the API: never as "3 of 3 steps done"."""

from __future__ import annotations

import pytest

from shebao.cases import selectors, services
from tests.cases.test_api import staff_client

REASONS = ["缴费年限不足15年", "未提供原单位证明"]


@pytest.fixture
def refused(engine, clerk, reviewer, approver, applicant):
    """T-L3 accepted, reviewed, then refused at the approval."""
    case = services.case_open(
        actor=clerk,
        item_code="T-L3",
        applicant=applicant,
        channel="hall",
        form={"address": "x"},
        materials={"id_card": "received", "address_proof": "received"},
    )
    case = services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    case = services.case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    return services.case_reject(actor=approver, case_id=case.pk, version=case.version, reasons=REASONS)


def test_the_progress_marks_the_refused_step_not_done(refused):
    progress = selectors.case_progress(case=refused)
    steps = [(s["kind"], s["done"], s["rejected"]) for p in progress["phases"] for s in p["steps"]]
    assert steps == [("accept", True, False), ("review", True, False), ("approve", False, True)]
    assert progress["status"] == "rejected" and progress["rejection_reasons"] == REASONS
    assert progress["on_time"] is None


def test_the_applicant_page_and_the_api_say_refused_with_the_reasons(client, refused, citizen):
    client.force_login(citizen)
    page = client.get(f"/cases/{refused.number}/").content.decode()
    assert 'id="refused"' in page and all(reason in page for reason in REASONS)
    assert "3 / 3" not in page and "3 of 3" not in page
    body = client.get(f"/api/v1/cases/{refused.number}").json()
    assert body["status"] == "rejected" and body["rejection_reasons"] == REASONS
    assert [s["rejected"] for s in body["phases"][0]["steps"]] == [False, False, True]


def test_the_tracking_page_says_refused_with_the_reasons(client, refused, citizen):
    page = client.post("/track/", {"number": refused.number, "id_suffix": citizen.id_number[-6:]})
    text = page.content.decode()
    assert page.status_code == 200 and 'id="refused"' in text and REASONS[0] in text
    assert "3 / 3" not in text and "3 of 3" not in text


def test_the_staff_page_shows_the_step_it_was_refused_at(client, refused, reviewer):
    staff_client(client, reviewer)
    page = client.get(f"/cases/{refused.number}/").content.decode()
    assert 'class="step rejected"' in page and REASONS[1] in page
