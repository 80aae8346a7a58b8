"""The transfers over the API: a person's own, one transfer with its phases (the page's
figures), the dashboard for staff only; and the platform job as a command."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from shebao.pensions.transfers import services
from shebao.pensions.transfers.models import PlatformMessage, Transfer
from tests.pensions.transfers.conftest import person_of
from tests.pensions.transfers.test_transfer_in import apply
from tests.web.support import sign_in


@pytest.fixture
def sent(world, district, citizen, clerk, reviewer):
    person_of(citizen, district)
    case = apply(clerk, citizen, district)
    services.transfer_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    case.refresh_from_db()
    services.transfer_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    return case


def test_a_person_reads_their_transfer_with_its_phases(client, sent, citizen):
    sign_in(client, citizen)
    (mine,) = client.get("/api/v1/transfers/mine").json()
    assert (mine["case_number"], mine["state"], mine["id_number"]) == (sent.number, "letter_sent", citizen.id_number)
    assert [p["ours"] for p in mine["phases"]] == [True, False, True]
    assert mine["phases"][0]["finished"] == "2026-03-02"
    one = client.get(f"/api/v1/transfers/{sent.number}").json()
    assert one["phases"] == mine["phases"]


@pytest.mark.parametrize(
    ("who", "status"), [("other_citizen", 404), ("other_district_clerk", 404), ("unit_operator", 403), ("clerk", 200)]
)
def test_who_reads_a_transfer_over_the_api(client, request, sent, who, status):
    sign_in(client, request.getfixturevalue(who))
    response = client.get(f"/api/v1/transfers/{sent.number}")
    assert response.status_code == status
    if status == 200:
        assert "*" in response.json()["id_number"]  # staff see it masked


@pytest.mark.parametrize(("who", "status"), [("monitor", 200), ("citizen", 403)])
def test_the_dashboard_over_the_api(client, request, sent, who, status):
    sign_in(client, request.getfixturevalue(who))
    response = client.get("/api/v1/transfers/dashboard")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert (body["open"], body["waiting"]) == (1, [sent.number])


def test_the_platform_job_as_a_command(sent, at, capsys):
    call_command("transfers", "tick")
    assert PlatformMessage.objects.get(direction="out", kind="letter").state == "sent"
    at(2026, 3, 9, 10, 0)  # five working days after Mon 2 Mar
    call_command("transfers", "tick")
    assert Transfer.objects.get().state == "funds_received"
    assert "对方答复 1 条" in capsys.readouterr().out
