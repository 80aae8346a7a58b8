"""待核验材料: a citizen's upload waits for the office's check, so the clerk needs the list of
their office's cases with a file to verify (the workbench page's section with its count, and
the queue API's ``waiting=verification``). Another district's clerk does not see them; once
verified the case leaves the list."""

from __future__ import annotations

import pytest

from shebao.cases import services
from shebao.cases.models import Case
from shebao.cases.services.materials import case_material_verify
from shebao.cases.verify_queue import materials_to_verify_rows
from shebao.core.models import Account
from tests.cases.conftest import online
from tests.cases.test_api import staff_client


def file_online(engine, citizen, applicant, day: int) -> Case:
    engine(2026, 3, day, 10, 0)
    return services.case_open(
        actor=citizen,
        item_code="T-L2",
        applicant=applicant,
        channel="online",
        form={"address": "江岸区胜利街1号"},
        materials=online(citizen),  # the ID card uploaded: pending until the office checks it
    )


@pytest.fixture
def filed(engine, media, citizen, applicant):
    return file_online(engine, citizen, applicant, 5)


def numbers(actor) -> list[str]:
    return [row["number"] for row in materials_to_verify_rows(actor=actor)]


def section(html: str) -> str:
    start = html.index('id="to-verify"')
    return html[start : html.index("</section>", start)]


def test_the_office_clerk_sees_the_upload_another_district_does_not_and_it_leaves_once_verified(
    filed, clerk, other_district_clerk
):
    assert numbers(clerk) == [filed.number]
    assert materials_to_verify_rows(actor=clerk)[0]["total"] == 1
    assert numbers(other_district_clerk) == []
    filed.refresh_from_db()
    case_material_verify(actor=clerk, case_id=filed.pk, version=filed.version, code="id_card", decision="verified")
    assert numbers(clerk) == []


def test_the_scope_is_the_queues_within_authority_and_never_about_oneself(filed, clerk, reviewer):
    # given the case referred up to authority level 2: above the clerk (1), within the reviewer (2)
    Case.objects.filter(pk=filed.pk).update(required_authority=2)
    assert numbers(clerk) == []
    assert numbers(reviewer) == [filed.number]
    # when the reviewer turns out to be the applicant
    Account.objects.filter(pk=reviewer.pk).update(id_number=filed.applicant_id_number)
    reviewer.refresh_from_db()
    # then the case is not theirs to check, as it would not be in their queue
    assert numbers(reviewer) == []


def test_a_rejected_upload_leaves_the_list_until_a_new_one_comes(filed, clerk):
    filed.refresh_from_db()
    case_material_verify(
        actor=clerk, case_id=filed.pk, version=filed.version, code="id_card", decision="rejected", reason="模糊"
    )
    # rejected: the material is missing again, nothing waits for the office
    assert numbers(clerk) == []


def test_oldest_upload_first_and_the_count_covers_every_case(engine, media, citizen, applicant, clerk):
    first = file_online(engine, citizen, applicant, 5)  # Thursday
    second = file_online(engine, citizen, applicant, 9)  # the next Monday
    rows = materials_to_verify_rows(actor=clerk, limit=1)
    assert [r["number"] for r in rows] == [first.number]
    assert rows[0]["total"] == 2  # the count is of all of them, not of the page
    assert numbers(clerk) == [first.number, second.number]


def test_the_workbench_page_lists_them_with_the_count_and_links_the_case(client, filed, clerk, other_district_clerk):
    staff_client(client, clerk)
    html = section(client.get("/workbench/").content.decode())
    assert "待核验材料" in html and 'data-count="1"' in html
    assert f'href="/cases/{filed.number}/"' in html
    client.logout()
    staff_client(client, other_district_clerk)
    html = section(client.get("/workbench/").content.decode())
    assert 'data-count="0"' in html and filed.number not in html


def test_the_queue_api_filter_keeps_the_row_contract(client, filed, clerk, other_district_clerk):
    staff_client(client, clerk)
    plain = client.get("/api/v1/workbench/queue")
    assert plain.status_code == 200
    assert filed.number not in [r["number"] for r in plain.json()]  # awaiting materials: not in progress
    waiting = client.get("/api/v1/workbench/queue", {"waiting": "verification"})
    assert waiting.status_code == 200, waiting.content
    (row,) = waiting.json()
    assert row["number"] == filed.number and row["item_code"] == "T-L2"
    assert set(row) == {
        "number",
        "item_code",
        "item",
        "applicant",
        "step",
        "due_date",
        "workdays_left",
        "escalation_level",
        "version",
    }
    assert client.get("/api/v1/workbench/queue", {"waiting": "nonsense"}).status_code == 422
    client.logout()
    staff_client(client, other_district_clerk)
    assert client.get("/api/v1/workbench/queue", {"waiting": "verification"}).json() == []
