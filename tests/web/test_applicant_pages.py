"""The applicant's pages: my cases, a case's progress without staff names, the rating (once;
a bad one opens a follow-up case) and the public look-up by number and ID suffix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shebao.cases import services
from shebao.cases.models import Case, CaseMaterial, CaseRating, CaseUpload
from shebao.catalog.definitions import Applicant
from shebao.core.identifiers import mask_id_number
from shebao.core.models import AuditEvent
from tests.cases.conftest import PDF
from tests.factories import new_id_number
from tests.web.support import sign_in
from tests.web.test_workbench import act, body, open_case


@pytest.fixture
def unit_applicant(unit_operator, district):
    """An application a unit's operator makes for the unit (its legal representative's ID)."""
    return Applicant(
        id_number=new_id_number(), name="单位经办人甲", district=district, unit_code=unit_operator.unit_code
    )


# --- my cases ----------------------------------------------------------------------------------


def test_my_cases_lists_the_citizens_own_cases_with_status_due_date_and_what_is_missing(
    client, engine, clerk, citizen, applicant, other_citizen, district
):
    # given a case in progress, one waiting for materials, and someone else's case
    running = open_case(clerk, applicant, "T-L2")
    engine(2026, 2, 10, 10, 30)
    waiting = open_case(clerk, applicant, "T-L3", materials={"id_card": "received"})
    theirs = open_case(clerk, Applicant(id_number=other_citizen.id_number, name="李四", district=district), "T-L2")
    sign_in(client, citizen)
    # when the citizen opens my cases
    html = body(client.get(reverse("web:my_cases")))
    # then their own cases, newest first, with the status, the due date and what is missing
    assert re.findall(r'href="/cases/(\d+)/"', html) == [waiting.number, running.number]
    assert theirs.number not in html
    assert "办理中" in html and "待补正材料" in html
    assert "2026-02-24" in html  # the running case's due date
    assert "居住证明" in html  # what the waiting case lacks


def test_a_unit_sees_the_cases_of_the_unit(client, engine, clerk, unit_operator, unit_applicant, applicant):
    mine = open_case(clerk, unit_applicant, "T-L2")
    other = open_case(clerk, applicant, "T-L2")
    sign_in(client, unit_operator)
    html = body(client.get(reverse("web:my_cases")))
    assert mine.number in html and other.number not in html
    assert client.get(reverse("web:case", args=[mine.number])).status_code == 200
    assert client.get(reverse("web:case", args=[other.number])).status_code == 404


def test_my_cases_query_budget_does_not_grow_with_the_cases(
    client, engine, clerk, citizen, applicant, django_assert_max_num_queries
):
    for code in ("T-L2", "T-L3", "T-G1", "T-G2") * 3:
        open_case(clerk, applicant, code, materials={"id_card": "received"})
    sign_in(client, citizen)
    # session, account, the header's registered name, the cases, their missing materials
    with django_assert_max_num_queries(5):
        response = client.get(reverse("web:my_cases"))
    assert body(response).count('class="my-case"') == 12


@pytest.mark.parametrize("who", ["clerk", "monitor"])
def test_my_cases_is_for_applicants(client, engine, request, who):
    sign_in(client, request.getfixturevalue(who))
    assert client.get(reverse("web:my_cases")).status_code == 403


def test_anonymous_visitors_sign_in_first(client, engine):
    response = client.get(reverse("web:my_cases"))
    assert response.status_code == 302 and "next=/my/cases/" in response["Location"]


# --- the applicant's case page -------------------------------------------------------------------


def test_the_applicant_follows_the_progress_without_staff_names(client, engine, clerk, citizen, applicant):
    case = act(clerk, open_case(clerk, applicant, "T-L2"), "accept")
    sign_in(client, citizen)
    html = body(client.get(reverse("web:case", args=[case.number])))
    assert 'id="progress"' in html and "<progress" in html
    assert re.search(r'class="step done"><span class="step-name">受理', html)
    assert re.search(r'class="step current"><span class="step-name">复核', html)
    assert "2026-02-24" in html
    assert clerk.full_name not in html and "data-action" not in html
    assert 'id="rate"' not in html  # not completed yet


def test_missing_materials_are_listed_in_full_and_rejection_reasons_shown(client, engine, clerk, citizen, applicant):
    waiting = open_case(clerk, applicant, "T-L2", materials={})
    rejected = open_case(clerk, applicant, "T-L2")
    services.case_reject(actor=clerk, case_id=rejected.pk, version=rejected.version, reasons=["已在外地参保"])
    sign_in(client, citizen)
    html = body(client.get(reverse("web:case", args=[waiting.number])))
    assert "居民身份证" in html and "居住证明" in html and "一次性告知" in html
    html = body(client.get(reverse("web:case", args=[rejected.number])))
    assert "已在外地参保" in html and "不予办理" in html


def test_the_applicant_rates_a_completed_case_once(client, engine, clerk, citizen, applicant):
    case = act(clerk, open_case(clerk, applicant, "T-L1"), "accept")
    sign_in(client, citizen)
    page = body(client.get(reverse("web:case", args=[case.number])))
    assert 'id="rate"' in page and "非常满意" in page and "非常不满意" in page
    response = client.post(reverse("web:case_rate", args=[case.number]), {"score": "5", "comment": "很快"})
    assert response.status_code == 302
    rating = CaseRating.objects.get(case=case)
    assert (rating.score, rating.comment, rating.follow_up) == (5, "很快", None)
    page = body(client.get(response["Location"]))
    assert "感谢您的评价" in page and 'id="rate"' not in page and 'id="my-rating"' in page
    # a second rating is refused and changes nothing
    response = client.post(reverse("web:case_rate", args=[case.number]), {"score": "1"})
    assert response.status_code == 409 and "已评价" in body(response)
    assert CaseRating.objects.get(case=case).score == 5
    assert Case.objects.count() == 1  # no follow-up


def test_a_bad_rating_creates_the_follow_up_case(client, engine, clerk, citizen, applicant, office):
    case = act(clerk, open_case(clerk, applicant, "T-L1"), "accept")
    sign_in(client, citizen)
    response = client.post(reverse("web:case_rate", args=[case.number]), {"score": "2", "comment": "等了很久"})
    follow = CaseRating.objects.get(case=case).follow_up
    assert follow is not None and follow.item.code == "PJ-001" and follow.office == office
    assert follow.number in body(client.get(response["Location"]))


def test_rating_is_refused_before_completion_for_bad_input_and_for_others(
    client, engine, clerk, citizen, other_citizen, applicant
):
    running = open_case(clerk, applicant, "T-L2")
    done = act(clerk, open_case(clerk, applicant, "T-L1"), "accept")
    sign_in(client, citizen)
    assert client.post(reverse("web:case_rate", args=[running.number]), {"score": "5"}).status_code == 409
    assert client.post(reverse("web:case_rate", args=[done.number]), {"score": "9"}).status_code == 422
    client.logout()
    sign_in(client, other_citizen)
    assert client.post(reverse("web:case_rate", args=[done.number]), {"score": "5"}).status_code == 404
    client.logout()
    sign_in(client, clerk)
    assert client.post(reverse("web:case_rate", args=[done.number]), {"score": "5"}).status_code == 403
    assert not CaseRating.objects.exists()


# --- the public look-up ------------------------------------------------------------------------


def test_anyone_follows_a_case_with_its_number_and_the_id_suffix(client, engine, clerk, applicant):
    case = open_case(clerk, applicant, "T-L2")
    assert client.get(reverse("web:track")).status_code == 200
    response = client.post(reverse("web:track"), {"number": case.number, "id_suffix": applicant.id_number[-6:]})
    assert response.status_code == 200
    html = body(response)
    assert "测试事项T-L2" in html and "2026-02-24" in html
    assert mask_id_number(applicant.id_number) in html and applicant.id_number not in html
    assert clerk.full_name not in html


@pytest.mark.parametrize("wrong", ["suffix", "number"])
def test_a_wrong_pair_gets_the_same_neutral_not_found(client, engine, clerk, applicant, wrong):
    case = open_case(clerk, applicant, "T-L2")
    data = {"number": case.number, "id_suffix": "00000X" if wrong == "suffix" else applicant.id_number[-6:]}
    if wrong == "number":
        data["number"] = "99999999999999"
    response = client.post(reverse("web:track"), data)
    assert response.status_code == 404
    html = body(response)
    assert "未找到该办件，请核对办件编号和身份证号码后六位" in html
    assert "测试事项T-L2" not in html


def test_a_short_suffix_is_asked_again(client, engine):
    response = client.post(reverse("web:track"), {"number": "1", "id_suffix": "123"})
    assert response.status_code == 422
    assert "请输入身份证号码后六位" in body(response)


# --- supplying materials online -------------------------------------------------------------------


@pytest.fixture
def waiting_online(engine, settings, tmp_path, citizen, applicant):
    """The citizen's own online application of T-L2, waiting for the ID card (uploads go to a
    temporary MEDIA_ROOT)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return services.case_open(
        actor=citizen,
        item_code="T-L2",
        applicant=applicant,
        channel="online",
        form={"address": "江岸区胜利街1号"},
        materials={"address_proof": "commitment"},
    )


def supply(client, case, **data):
    return client.post(
        reverse("web:case_supply", args=[case.number]), {"material": "id_card", "version": case.version, **data}
    )


def test_the_applicant_uploads_the_missing_material_and_the_clock_starts(client, waiting_online, citizen, clerk):
    # given the citizen's case page: a file field for the ID card, no "handed in" to tick
    sign_in(client, citizen)
    page = body(client.get(reverse("web:case", args=[waiting_online.number])))
    assert 'id="supply-id_card"' in page and 'enctype="multipart/form-data"' in page
    assert 'value="received"' not in page
    # when they upload a scan
    scan = SimpleUploadedFile("身份证.pdf", PDF, content_type="application/pdf")
    response = supply(client, waiting_online, how="upload", file=scan)
    # then the material is uploaded, waiting for the office's check (issue 13): no clock yet
    assert response.status_code == 302
    waiting_online.refresh_from_db()
    assert waiting_online.status == Case.Status.AWAITING_MATERIALS
    row = waiting_online.materials.get(material__code="id_card")
    assert row.status == CaseMaterial.Status.UPLOADED and row.upload.name == "身份证.pdf"
    assert row.verification == CaseMaterial.Verification.PENDING
    # and the clerk opens the file from the case page (an audited download)
    sign_in(client, clerk)
    url = reverse("web:case_material_file", args=[waiting_online.number, "id_card"])
    assert url in body(client.get(reverse("web:case", args=[waiting_online.number])))
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="case.upload.view", actor=clerk).count() == 1
    # and once the clerk verifies it on the case page, the clock runs
    waiting_online.refresh_from_db()
    verified = client.post(
        reverse("web:case_act", args=[waiting_online.number]),
        {"action": "verify_material", "code": "id_card", "decision": "verified", "version": waiting_online.version},
    )
    assert verified.status_code == 302
    waiting_online.refresh_from_db()
    assert waiting_online.status == Case.Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("who", "data", "status"),
    [
        ("citizen", {"how": "upload", "file": ("x.pdf", b"MZ\x90 not a pdf")}, 422),
        ("citizen", {"how": "upload"}, 422),  # no file
        ("citizen", {"how": "commitment"}, 422),  # the ID card allows no commitment
        ("citizen", {"how": "upload", "file": ("x.pdf", PDF), "version": 99}, 409),
        ("other_citizen", {"how": "upload", "file": ("x.pdf", PDF)}, 404),
        ("clerk", {"how": "upload", "file": ("x.pdf", PDF)}, 403),  # the page is the applicant's
    ],
)
def test_a_refused_supply_changes_nothing(client, request, settings, waiting_online, who, data, status):
    sign_in(client, request.getfixturevalue(who))
    if "file" in data:
        name, content = data["file"]
        data = {**data, "file": SimpleUploadedFile(name, content)}
    before = (waiting_online.status, waiting_online.version, AuditEvent.objects.count())
    response = supply(client, waiting_online, **data)
    assert response.status_code == status
    waiting_online.refresh_from_db()
    assert (waiting_online.status, waiting_online.version, AuditEvent.objects.count()) == before
    assert waiting_online.materials.get(material__code="id_card").status == CaseMaterial.Status.MISSING
    # and no file stays behind: not the upload's row, nor the file it wrote before the refusal
    assert not CaseUpload.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    assert files == []


def test_nobody_else_opens_an_uploaded_file(client, waiting_online, citizen, other_citizen, other_district_clerk):
    sign_in(client, citizen)
    supply(client, waiting_online, how="upload", file=SimpleUploadedFile("x.pdf", PDF))
    url = reverse("web:case_material_file", args=[waiting_online.number, "id_card"])
    assert client.get(url).status_code == 200  # the applicant's own file
    for outsider in (other_citizen, other_district_clerk):
        sign_in(client, outsider)
        assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="case.upload.view").exists()
