"""The transfer pages: who sees a transfer and its dashboard, acting from the page, and the
refusal on the page leaves nothing written for those who may not act."""

from __future__ import annotations

import pytest

from shebao.cases.models import Case
from shebao.core.models import AuditEvent
from shebao.pensions.transfers import services
from shebao.pensions.transfers.models import PlatformMessage, Transfer
from tests.pensions.transfers.conftest import person_of
from tests.pensions.transfers.test_transfer_in import apply
from tests.web.support import sign_in


@pytest.fixture
def applied(world, district, citizen, clerk):
    person_of(citizen, district)
    return apply(clerk, citizen, district)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("citizen", 200),
        ("clerk", 200),
        ("monitor", 200),
        ("other_citizen", 404),
        ("other_district_clerk", 404),
        ("bank_agent", 403),
        ("unit_operator", 403),
    ],
)
def test_who_sees_a_transfer(client, request, applied, who, status):
    sign_in(client, request.getfixturevalue(who))
    response = client.get(f"/transfers/{applied.number}/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "转入地审核并发出联系函" in html and "深圳市社会保险基金管理局" in html


def test_the_clerk_accepts_and_the_reviewer_sends_the_letter_from_the_page(client, applied, clerk, reviewer):
    sign_in(client, clerk)
    response = client.post(f"/transfers/{applied.number}/act/", {"version": applied.version, "action": "accept"})
    assert response.status_code == 302
    case = Case.objects.get(pk=applied.pk)
    sign_in(client, reviewer)
    client.post(f"/transfers/{applied.number}/act/", {"version": case.version, "action": "review"})
    assert Transfer.objects.get().state == "letter_sent"
    assert PlatformMessage.objects.filter(direction="out", kind="letter").count() == 1
    html = client.get(f"/transfers/{applied.number}/").content.decode()
    assert "联系函（同意接收函）" in html  # the message list shows the letter
    assert AuditEvent.objects.filter(action="transfer.view").exists()


@pytest.mark.parametrize("who", ["other_district_clerk", "citizen"])
def test_those_who_may_not_act_change_nothing(client, request, applied, who):
    sign_in(client, request.getfixturevalue(who))
    response = client.post(f"/transfers/{applied.number}/act/", {"version": applied.version, "action": "accept"})
    assert response.status_code in (403, 404)
    assert Case.objects.get(pk=applied.pk).version == applied.version
    assert not Transfer.objects.exists()


def test_a_stale_page_is_a_conflict_shown_on_the_page(client, applied, clerk):
    sign_in(client, clerk)
    response = client.post(f"/transfers/{applied.number}/act/", {"version": applied.version + 5, "action": "accept"})
    assert response.status_code == 409
    assert Case.objects.get(pk=applied.pk).current_step.kind == "accept"


@pytest.mark.parametrize(("who", "status"), [("monitor", 200), ("clerk", 200), ("citizen", 403), ("bank_agent", 403)])
def test_the_dashboard(client, request, at, applied, clerk, reviewer, who, status):
    services.transfer_act(actor=clerk, case_id=applied.pk, version=applied.version, action="accept")
    case = Case.objects.get(pk=applied.pk)
    services.transfer_act(actor=reviewer, case_id=applied.pk, version=case.version, action="review")
    at(2026, 3, 30, 10, 0)  # the original agency past its 15 working days
    sign_in(client, request.getfixturevalue(who))
    response = client.get("/transfers/dashboard/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "<svg" not in html or "转入" in html
        # waiting on the other agency since the letter of Mon 2 Mar: 3-6, 9-13, 16-20, 23-27, 30
        # = 20 working days, past its 15 (due Mon 23 Mar)
        assert '<td class="num">20</td>' in html and "2026-03-23" in html
        assert "超过15个工作日" in html
        # phase 1 done on time: 1 of 1
        assert "100.0%" in html


def test_the_list_for_a_citizen_shows_only_theirs(client, applied, citizen, other_citizen, district):
    sign_in(client, other_citizen)
    assert applied.number not in client.get("/transfers/").content.decode()
    sign_in(client, citizen)
    assert applied.number in client.get("/transfers/").content.decode()


def test_the_page_works_before_the_transfer_is_recorded_and_writes_nothing(client, applied, clerk):
    sign_in(client, clerk)
    assert client.get(f"/transfers/{applied.number}/").status_code == 200
    assert not Transfer.objects.exists()


def test_the_dashboard_refuses_a_year_out_of_range(client, world, monitor):
    sign_in(client, monitor)
    assert client.get("/transfers/dashboard/?year=1999").status_code == 422
    assert client.get("/transfers/dashboard/?year=abc").status_code == 422
    assert client.get("/transfers/dashboard/?year=2026").status_code == 200
