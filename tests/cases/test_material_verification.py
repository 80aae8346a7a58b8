"""Issue 13: an uploaded material counts as received only when a clerk of the case's office has
verified it, and the promise clock starts the day after the last required one was verified.

The services first (the rule, who may decide, what the applicant is told), then the same
through the API and the workbench case page, the pure rule as a property, and the migration's
backfill of uploads accepted under the old rule."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from hypothesis import given
from hypothesis import strategies as st

from shebao.cases import materials as supplies
from shebao.cases import services
from shebao.cases.models import Case, CaseMaterial
from shebao.cases.services.materials import case_material_verify
from shebao.core.errors import Conflict, InvalidInput, NotAllowed
from shebao.core.models import AuditEvent, Notification
from tests.cases.conftest import online, uploaded
from tests.cases.test_api import post, staff_client

VERIFIED, REJECTED, PENDING = "verified", "rejected", "pending"


@pytest.fixture
def filed(engine, media, citizen, applicant):
    """Thursday 5 March 2026, 10:00: a citizen applies online for T-L2 (5 working days) with the
    ID card uploaded and the proof of address replaced by a commitment."""
    engine(2026, 3, 5, 10, 0)
    return services.case_open(
        actor=citizen,
        item_code="T-L2",
        applicant=applicant,
        channel="online",
        form={"address": "江岸区胜利街1号"},
        materials=online(citizen),
    )


def id_card(case: Case) -> CaseMaterial:
    return case.materials.select_related("upload").get(material__code="id_card")


def rejections(case: Case) -> int:
    return Notification.objects.filter(body__startswith="材料未通过核验", subject=f"办件 {case.number}").count()


def test_an_upload_counts_only_once_verified_and_the_clock_starts_the_day_after(filed, clerk, engine):
    # given the case just filed: the upload is pending, nothing counts, no clock runs
    filed.refresh_from_db()
    assert filed.status == Case.Status.AWAITING_MATERIALS
    assert filed.due_date is None
    assert id_card(filed).verification == PENDING
    assert not filed.phases.filter(status="running").exists()
    told = Notification.objects.filter(subject=f"办件 {filed.number}").values_list("body", flat=True)
    assert any("待经办机构核验" in body for body in told)  # told it waits on the office, not "missing"
    assert not any("尚缺" in body for body in told)
    # when a clerk of the office verifies it on Friday 6 March
    engine(2026, 3, 6, 10, 0)
    case = case_material_verify(
        actor=clerk, case_id=filed.pk, version=filed.version, code="id_card", decision=VERIFIED, channel="hall"
    )
    # then it counts, and the clock starts: day 1 is Monday 9 March (the weekend is not counted),
    # so 5 working days end on Friday 13 March
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert case.due_date == dt.date(2026, 3, 13)
    phase = case.phases.get(status="running")
    assert phase.started_on == dt.date(2026, 3, 6)
    row = id_card(case)
    assert (row.status, row.verification, row.verified_by_id) == ("uploaded", VERIFIED, clerk.pk)
    event = AuditEvent.objects.filter(action="case.material_verify").get()
    assert event.actor_id == clerk.pk
    assert event.after["sha256"] == row.upload.sha256
    assert event.after["decision"] == VERIFIED
    assert supplies.state_shown(row).startswith("已上传，经办机构已核验")


def test_rejected_the_applicant_is_told_once_and_uploads_again(filed, clerk, citizen, engine):
    # when the clerk does not accept the scan
    case = case_material_verify(
        actor=clerk, case_id=filed.pk, version=filed.version, code="id_card", decision=REJECTED, reason="照片模糊"
    )
    # then the material is missing again with the reason the applicant reads, and they are told once
    row = id_card(case)
    assert (row.status, row.verification, row.rejection_reason) == ("missing", REJECTED, "照片模糊")
    assert supplies.state_shown(row) == "未通过核验：照片模糊 / Not accepted: 照片模糊"
    assert rejections(case) == 1
    assert "照片模糊" in Notification.objects.get(body__startswith="材料未通过核验").body
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_MATERIALS and case.due_date is None
    # deciding again on the same file is refused, and tells nobody a second time
    with pytest.raises(Conflict):
        case_material_verify(
            actor=clerk, case_id=case.pk, version=case.version, code="id_card", decision=REJECTED, reason="再次"
        )
    assert rejections(case) == 1
    # when the applicant uploads a new scan, it is pending (still not counted)
    case = services.case_supplement(
        actor=citizen, case_id=case.pk, version=case.version, materials={"id_card": uploaded(citizen)}
    )
    row = id_card(case)
    assert (row.status, row.verification, row.rejection_reason) == ("uploaded", PENDING, "")
    assert case.status == Case.Status.AWAITING_MATERIALS
    # and once verified the case runs
    case = case_material_verify(actor=clerk, case_id=case.pk, version=case.version, code="id_card", decision=VERIFIED)
    assert case.status == Case.Status.IN_PROGRESS
    assert rejections(case) == 1


def test_a_clerk_of_another_district_may_not_decide(filed, other_district_clerk, citizen):
    # given the case held by the Jiang'an office
    filed.refresh_from_db()
    before = (filed.version, id_card(filed).verification, AuditEvent.objects.count())
    # then a Wuchang clerk and the applicant are refused, and nothing is written
    for actor in (other_district_clerk, citizen):
        with pytest.raises(NotAllowed):
            case_material_verify(
                actor=actor, case_id=filed.pk, version=filed.version, code="id_card", decision=VERIFIED
            )
    filed.refresh_from_db()
    assert (filed.version, id_card(filed).verification, AuditEvent.objects.count()) == before


def test_a_rejection_needs_its_reason_and_a_decision_is_one_of_two(filed, clerk):
    filed.refresh_from_db()
    with pytest.raises(InvalidInput):
        case_material_verify(actor=clerk, case_id=filed.pk, version=filed.version, code="id_card", decision=REJECTED)
    with pytest.raises(InvalidInput):
        case_material_verify(actor=clerk, case_id=filed.pk, version=filed.version, code="id_card", decision="maybe")
    # a commitment is no upload: nothing to verify
    with pytest.raises(Conflict):
        case_material_verify(
            actor=clerk, case_id=filed.pk, version=filed.version, code="address_proof", decision=VERIFIED
        )
    assert id_card(filed).verification == PENDING


def test_the_api_verifies_and_refuses(client, filed, clerk, citizen):
    url = f"/api/v1/cases/{filed.number}/materials/id_card/verify"
    client.force_login(citizen)
    assert post(client, url, {"decision": VERIFIED}).status_code == 403
    staff_client(client, clerk)
    refused = post(client, url, {"decision": REJECTED})
    assert refused.status_code == 422, refused.content
    assert "原因" in refused.json()["message"] or "reason" in refused.content.decode()
    assert (
        post(client, f"/api/v1/cases/{filed.number}/materials/nothing/verify", {"decision": VERIFIED}).status_code
        == 404
    )
    response = post(client, url, {"decision": VERIFIED})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Case.Status.IN_PROGRESS
    assert post(client, url, {"decision": VERIFIED}).status_code == 409


def test_the_workbench_page_offers_the_decision_and_takes_it(client, filed, clerk):
    staff_client(client, clerk)
    page = client.get(f"/cases/{filed.number}/").content.decode()
    assert 'value="verify_material"' in page and "核验通过" in page and "退回" in page
    filed.refresh_from_db()
    response = client.post(
        f"/cases/{filed.number}/act/",
        {"action": "verify_material", "code": "id_card", "decision": "rejected", "note": "", "version": filed.version},
    )
    assert response.status_code == 422  # the reason is required
    response = client.post(
        f"/cases/{filed.number}/act/",
        {"action": "verify_material", "code": "id_card", "decision": "verified", "version": filed.version},
    )
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == Case.Status.IN_PROGRESS
    assert 'value="verify_material"' not in client.get(f"/cases/{filed.number}/").content.decode()


ROWS = st.lists(
    st.tuples(
        st.text(min_size=1, max_size=3),
        st.booleans(),
        st.sampled_from(list(CaseMaterial.Status.values)),
        st.sampled_from(["", PENDING, VERIFIED, REJECTED]),
    ),
    max_size=6,
)


@given(ROWS)
def test_complete_only_when_every_required_one_counts(rows):
    needed = supplies.still_needed(rows)
    # an unverified upload never counts; a verified one, a window's original or a commitment does
    assert needed == [
        n for n, req, s, v in rows if req and not (s in ("received", "commitment") or (s, v) == ("uploaded", VERIFIED))
    ]
    # verifying every pending upload leaves only what the applicant still has to give
    verified = [(n, r, s, VERIFIED if (s, v) == ("uploaded", PENDING) else v) for n, r, s, v in rows]
    assert set(supplies.still_needed(verified)) <= set(needed)
    assert supplies.awaiting_check(verified) == []
    # optional materials never hold a case back
    assert supplies.still_needed([(n, False, s, v) for n, _r, s, v in rows]) == []


def test_the_migration_backfills_existing_uploads_as_verified(filed):
    # given an upload from before verification existed (no verification recorded)
    CaseMaterial.objects.filter(case=filed, material__code="id_card").update(verification="")
    migration = importlib.import_module("shebao.cases.migrations.0010_material_verification")
    # when the backfill runs
    migration.backfill_verified(django_apps, None)
    # then it is verified (accepted under the old rule), at the time its row was last written
    row = id_card(filed)
    assert row.verification == VERIFIED and row.verified_at == row.updated_at
    assert CaseMaterial.objects.filter(case=filed, material__code="address_proof").get().verification == ""
