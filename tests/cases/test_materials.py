"""Issue 10 §3: a material is supplied when a window verifies it, when a file is uploaded for
it, or by a commitment where the catalogue allows one — an applicant cannot say "received".

The matrix goes through the API (``POST /api/v1/cases/{number}/actions``, ``supplement``) and
asserts the status and, on a refusal, that the case, its materials and the audit chain are
unchanged (the clock did not restart)."""

from __future__ import annotations

import pytest

from shebao.cases import services
from shebao.cases.materials import MAX_UPLOAD_BYTES, upload_store
from shebao.cases.models import Case, CaseMaterial
from shebao.core.errors import InvalidInput, NotAllowed
from shebao.core.models import AuditEvent
from tests.cases.conftest import PDF, uploaded, verify_uploads
from tests.cases.test_api import post, staff_client

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def waiting(engine, media, citizen, applicant):
    """A citizen's online application of T-L2 with the ID card missing (the clock waits)."""
    return services.case_open(
        actor=citizen,
        item_code="T-L2",
        applicant=applicant,
        channel="online",
        form={"address": "江岸区胜利街1号"},
        materials={"address_proof": "commitment"},
    )


def state(case: Case) -> tuple:
    case.refresh_from_db()
    rows = tuple(case.materials.order_by("material_id").values_list("status", "upload_id", "verified_by_id"))
    return case.status, case.version, case.due_date, rows, AuditEvent.objects.count()


def supplement(client, case: Case, materials: dict):
    return post(
        client,
        f"/api/v1/cases/{case.number}/actions",
        {"action": "supplement", "version": case.version, "materials": materials},
    )


@pytest.mark.parametrize(
    ("actor", "given", "status"),
    [
        # the applicant cannot hand in an original by saying so
        ("citizen", "received", 403),
        # nor replace by a commitment what the catalogue does not allow
        ("citizen", "commitment", 422),
        # nor name a file without one, or someone else's file
        ("citizen", {"state": "uploaded"}, 422),
        ("citizen", "others_upload", 422),
        ("citizen", {"state": "uploaded", "file": "no-such-file"}, 422),
        # a file of their own is an upload, checked at acceptance
        ("citizen", "own_upload", 200),
        # a window verifies the original
        ("clerk", "received", 200),
        # another person may not supplement at all
        ("other_citizen", "received", 404),
        ("other_citizen", "others_upload", 404),
    ],
)
def test_who_may_supply_the_id_card_and_how(client, waiting, citizen, other_citizen, clerk, actor, given, status):
    # given the case waiting for the ID card, and the actor signed in
    users = {"citizen": citizen, "other_citizen": other_citizen, "clerk": clerk}
    if given == "own_upload":
        given = uploaded(citizen)
    elif given == "others_upload":
        given = uploaded(other_citizen)
    if actor == "clerk":
        staff_client(client, clerk)
    else:
        client.force_login(users[actor])
    before = state(waiting)
    # when the actor supplements the ID card through the API
    response = supplement(client, waiting, {"id_card": given})
    # then
    assert response.status_code == status, response.content
    if status != 200:
        assert state(waiting) == before  # still waiting, nothing recorded, the clock not started
        assert Case.objects.get(pk=waiting.pk).status == Case.Status.AWAITING_MATERIALS
        return
    row = waiting.materials.get(material__code="id_card")
    if actor == "clerk":
        assert response.json()["status"] == Case.Status.IN_PROGRESS  # complete: the clock runs
        assert (row.status, row.verified_by_id, row.upload_id) == ("received", clerk.pk, None)
    else:
        # an upload counts once a clerk verified it (issue 13): the case waits for that
        assert response.json()["status"] == Case.Status.AWAITING_MATERIALS
        assert (row.status, row.verification, row.verified_by_id) == ("uploaded", "pending", None)
        assert row.upload.owner_id == citizen.pk


def test_a_commitment_counts_where_the_catalogue_allows_one(client, engine, media, citizen, applicant):
    # given a case waiting for both materials
    case = services.case_open(
        actor=citizen, item_code="T-L2", applicant=applicant, channel="online", form={"address": "x"}, materials={}
    )
    client.force_login(citizen)
    # when the proof of address is replaced by a commitment (allowed) and the ID card uploaded
    first = supplement(client, case, {"address_proof": "commitment"})
    assert first.status_code == 200 and first.json()["status"] == Case.Status.AWAITING_MATERIALS
    case.refresh_from_db()
    second = supplement(client, case, {"id_card": uploaded(citizen)})
    # then the upload waits for the office's check (issue 13); verified, the file is complete
    assert second.json()["status"] == Case.Status.AWAITING_MATERIALS
    assert verify_uploads(case).status == Case.Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("materials", "error"),
    [
        ({"id_card": "received", "address_proof": "commitment"}, NotAllowed),
        ({"id_card": "commitment"}, InvalidInput),
        ({"id_card": {"state": "received", "file": "x"}}, InvalidInput),
        ({"id_card": {"state": "uploaded"}}, InvalidInput),
        ({"id_card": 7}, InvalidInput),
    ],
)
def test_an_online_application_cannot_claim_materials_handed_in(engine, media, citizen, applicant, materials, error):
    # given a person applying online
    events = AuditEvent.objects.count()
    with pytest.raises(error):
        services.case_open(
            actor=citizen,
            item_code="T-L2",
            applicant=applicant,
            channel="online",
            form={"address": "x"},
            materials=materials,
        )
    assert not Case.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_api_opens_with_an_uploaded_file_and_refuses_received(client, engine, citizen, open_body):
    client.force_login(citizen)
    refused = post(client, "/api/v1/cases", {**open_body, "materials": {"id_card": "received"}})
    assert refused.status_code == 403 and "核验原件" in refused.json()["message"]
    assert not Case.objects.exists()
    opened = post(client, "/api/v1/cases", open_body)  # the ID card uploaded, the proof committed
    # opened, waiting for the office to verify the upload (issue 13)
    assert opened.status_code == 201 and opened.json()[0]["status"] == Case.Status.AWAITING_MATERIALS
    row = CaseMaterial.objects.get(material__code="id_card")
    assert row.status == CaseMaterial.Status.UPLOADED and row.upload.owner_id == citizen.pk
    assert row.verification == CaseMaterial.Verification.PENDING


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        (b"", "empty.pdf", "空"),
        (b"MZ\x90\x00 an executable", "scan.pdf", "PDF"),  # told by its bytes, not its name
        (b"<html><script>alert(1)</script>", "scan.png", "PDF"),
        (b"%PDF-" + b"0" * MAX_UPLOAD_BYTES, "big.pdf", "10 MB"),
    ],
)
def test_an_upload_is_a_pdf_jpeg_or_png_of_at_most_10_mb(media, citizen, content, name, fragment):
    with pytest.raises(InvalidInput, match=fragment):
        upload_store(actor=citizen, name=name, content=content, channel="online")
    assert not any(path.is_file() for path in media.rglob("*"))  # nothing stored


def test_an_upload_keeps_its_digest_and_a_safe_name(media, citizen):
    upload = upload_store(actor=citizen, name="../../etc/身份证.png", content=PNG, channel="online")
    assert upload.name == "身份证.png" and upload.content_type == "image/png"
    assert upload.file.name.startswith("case-uploads/") and upload.file.name.endswith(".png")
    assert upload.file.read() == PNG
    assert AuditEvent.objects.filter(action="case.upload", subject_id=upload.ref).exists()
    pdf = upload_store(actor=citizen, name="scan.pdf", content=PDF, channel="online")
    assert pdf.content_type == "application/pdf" and len(pdf.sha256) == 64
