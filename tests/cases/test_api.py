"""The engine's JSON API: same rules as the services, 4xx with Chinese and English messages."""

from __future__ import annotations

import json
import uuid

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from shebao.cases.models import Case
from tests.cases.conftest import verify_uploads


def post(client, url, body, *, key: str | None = ""):
    """POST JSON. Opening a case carries an Idempotency-Key: a fresh one unless ``key`` names
    one (None: none at all)."""
    headers = {}
    if url == "/api/v1/cases" and key is not None:
        headers["Idempotency-Key"] = key or uuid.uuid4().hex
    return client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)


def staff_client(client, user):
    """A staff session that passed its second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_the_catalogue_and_a_guide_are_public(client, engine):
    items = client.get("/api/v1/catalog/items").json()
    assert {"T-L1", "T-XFER"} <= {i["code"] for i in items}
    guide = client.get("/api/v1/catalog/items/T-XFER").json()
    assert [p["promised_days"] for p in guide["phases"]] == [15, 15, 15]
    assert guide["phases"][1]["party"] == "outside"
    assert client.get("/api/v1/catalog/items/NOPE").status_code == 404


def test_a_citizen_opens_and_follows_a_case_online(client, engine, citizen, open_body):
    client.force_login(citizen)
    response = post(client, "/api/v1/cases", open_body)
    assert response.status_code == 201, response.content
    number = response.json()[0]["number"]
    case = Case.objects.get(number=number)
    assert case.channel == "online"
    assert client.get(f"/api/v1/cases/{number}").json()["status"] == "awaiting_materials"  # the upload waits
    verify_uploads(case)  # the office verifies it the same day (issue 13)
    progress = client.get(f"/api/v1/cases/{number}").json()
    assert progress["status"] == "in_progress"
    assert progress["due_date"] == "2026-02-24"
    assert [c["number"] for c in client.get("/api/v1/cases/mine").json()] == [number]


def test_a_citizen_cannot_claim_a_counter_channel_or_apply_for_someone_else(
    client, engine, citizen, other_citizen, open_body
):
    client.force_login(citizen)
    assert post(client, "/api/v1/cases", {**open_body, "channel": "hall"}).status_code == 403
    response = post(client, "/api/v1/cases", {**open_body, "applicant_id_number": other_citizen.id_number})
    assert response.status_code == 403
    assert "本人" in response.json()["message"]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("change", "status", "fragment"),
    [
        ({"applicant_id_number": "420102198503141213"}, 422, "校验位"),
        ({"form": {}}, 422, "居住地址"),
        ({"item_code": "NOPE"}, 404, "不存在"),
        ({"channel": "fax"}, 422, "channel"),
        ({"district_code": "999999"}, 422, "区划"),
    ],
)
def test_bad_input_is_a_clear_4xx_and_writes_nothing(client, engine, citizen, open_body, change, status, fragment):
    client.force_login(citizen)
    response = post(client, "/api/v1/cases", {**open_body, **change})
    assert response.status_code == status
    assert fragment in response.json()["message"]
    assert not Case.objects.exists()


def test_anonymous_cannot_open_but_can_look_up(client, engine, citizen, open_body):
    assert post(client, "/api/v1/cases", open_body).status_code == 401
    client.force_login(citizen)
    number = post(client, "/api/v1/cases", open_body).json()[0]["number"]
    client.logout()
    found = client.get("/api/v1/cases/lookup", {"number": number, "id_suffix": citizen.id_number[-6:]})
    assert found.status_code == 200
    assert "*" in found.json()["applicant"]
    assert client.get("/api/v1/cases/lookup", {"number": number, "id_suffix": "000000"}).status_code == 404
    assert client.get(f"/api/v1/cases/{number}").status_code == 401


def test_staff_act_through_the_api_with_the_same_authority(client, engine, citizen, clerk, reviewer, open_body):
    client.force_login(citizen)
    number = post(client, "/api/v1/cases", open_body).json()[0]["number"]
    verify_uploads(Case.objects.get(number=number))
    client.logout()
    client.force_login(clerk)  # signed in but without the second factor
    assert client.get("/api/v1/workbench/queue").status_code == 403
    staff_client(client, clerk)
    queue = client.get("/api/v1/workbench/queue").json()
    assert [row["number"] for row in queue] == [number]
    assert queue[0]["applicant"].startswith("4201") and "*" in queue[0]["applicant"]
    version = queue[0]["version"]
    accepted = post(client, f"/api/v1/cases/{number}/actions", {"action": "accept", "version": version})
    assert accepted.status_code == 200
    again = post(client, f"/api/v1/cases/{number}/actions", {"action": "review", "version": accepted.json()["version"]})
    assert again.status_code == 403  # the clerk has level 1 and did the previous step
    stale = post(client, f"/api/v1/cases/{number}/actions", {"action": "accept", "version": version})
    assert stale.status_code == 409
    client.logout()
    staff_client(client, reviewer)
    done = post(client, f"/api/v1/cases/{number}/actions", {"action": "review", "version": accepted.json()["version"]})
    assert done.json()["status"] == "completed"
    client.logout()
    client.force_login(citizen)
    rated = post(client, f"/api/v1/cases/{number}/rating", {"score": 2, "comment": "窗口人员态度一般"})
    assert rated.status_code == 201
    assert rated.json()["follow_up"]
    assert post(client, f"/api/v1/cases/{number}/rating", {"score": 5}).status_code == 409


def test_other_district_staff_see_a_404(client, engine, citizen, other_district_clerk, open_body):
    client.force_login(citizen)
    number = post(client, "/api/v1/cases", open_body).json()[0]["number"]
    client.logout()
    staff_client(client, other_district_clerk)
    assert client.get(f"/api/v1/cases/{number}").status_code == 404
    assert post(client, f"/api/v1/cases/{number}/actions", {"action": "accept", "version": 1}).status_code == 404


def test_the_clerks_two_hot_reads_cost_a_fixed_number_of_queries(client, engine, citizen, clerk, open_body):
    # The queue and a case's progress are the reads a window makes all day (bench/README.md):
    # their query count must not grow with the cases on the page (no query per row).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url: str) -> int:
        client.get(url)  # warm: the working-day calendar is read once per process and year
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    client.force_login(citizen)
    first = post(client, "/api/v1/cases", open_body).json()[0]["number"]
    verify_uploads(Case.objects.get(number=first))
    client.logout()
    staff_client(client, clerk)
    one_case, progress = count("/api/v1/workbench/queue"), count(f"/api/v1/cases/{first}")
    client.force_login(citizen)
    for _ in range(4):
        verify_uploads(Case.objects.get(number=post(client, "/api/v1/cases", open_body).json()[0]["number"]))
    client.logout()
    staff_client(client, clerk)
    assert len(client.get("/api/v1/workbench/queue").json()) == 5
    assert count("/api/v1/workbench/queue") == one_case
    # session, account with its office, second-factor device, the clerk's items, the two
    # halves of the queue (one UNION on PostgreSQL), the page
    assert one_case <= 7, one_case
    # session, account with its office, device; the case, its phases, their steps, the step
    # records, the missing materials (a case whose clock never stopped has no stops to read
    # for the promise measured whole: Case.has_stops)
    # — an online case whose upload waited for the office's check (issue 13) did stop, so its
    # stops are read: one more
    assert progress <= 9, progress
