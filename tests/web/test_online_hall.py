"""The online hall for individuals (issue 13): apply online for an item whose channels include
``online`` (one item or the one-form), the person's data pre-filled, bad input at its field with
nothing written, a resubmitted page giving the same case; upload a material (virus-scanned,
kept outside the database with its hash); my messages with the unread count; the hall home."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shebao.cases.models import Case, CaseMaterial, CaseOpening, CaseUpload
from shebao.cases.services import case_act
from shebao.core.models import AuditEvent, Notification, SkillGroup
from shebao.core.scan import EICAR
from shebao.registry.models import Person
from tests.cases.conftest import PDF, verify_uploads
from tests.web.support import make_person, sign_in
from tests.web.test_workbench import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(engine, citizen, district):
    """张三, a registered flexible worker whose account is the citizen's, with a phone and address."""
    return make_person(
        district=district,
        account=citizen,
        name="张三",
        category=Person.Category.FLEXIBLE,
        phone="13900001111",
        address="江岸区中山大道1号",
    )


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded materials land in a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def contribution_staff(engine, clerk, reviewer):
    group = SkillGroup.objects.get(code="contribution")
    for person in (clerk, reviewer):
        person.skill_groups.add(group)


def _token(html: str) -> str:
    found = re.search(r'name="submission" value="([^"]+)"', html)
    assert found, "the form carries its submission token"
    return found.group(1)


def _grade_post(client, *, percent: str = "150", token: str | None = None) -> tuple[object, str]:
    page = body(client.get(reverse("web:apply_item", args=["JF-001"])))
    token = token or _token(page)
    data = {"submission": token, "phone": "13900001111", "f_start_month": "2026-02-01", "f_grade_percent": percent}
    return client.post(reverse("web:apply_item", args=["JF-001"]), data), token


# --- the list of what I can apply for ------------------------------------------------------------


def test_the_apply_list_shows_online_items_by_insurance_and_the_one_form(client, worker):
    sign_in(client, worker.account)
    html = body(client.get(reverse("web:apply_index")))
    assert 'id="insurance-pension"' in html
    assert reverse("web:apply_item", args=["JF-001"]) in html  # grade change: online
    assert reverse("web:apply_group", args=["flexible_enrol"]) in html  # its one-form
    # an employer's item (its form requires the unit's code) is not offered to a person
    assert "DJ-001" not in re.findall(r"/online/apply/([\w-]+)/", html)


@pytest.mark.parametrize("who", ["clerk", "unit_operator"])
def test_the_individuals_hall_is_for_citizens(client, engine, request, who):
    sign_in(client, request.getfixturevalue(who))
    assert client.get(reverse("web:apply_index")).status_code == 403
    assert client.get(reverse("web:apply_item", args=["JF-001"])).status_code == 403


def test_anonymous_visitors_go_to_sign_in(client, engine):
    response = client.get(reverse("web:apply_item", args=["JF-001"]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_item_not_offered_online_is_refused(client, worker):
    from shebao.catalog.models import ServiceItem

    window_only = next(i for i in ServiceItem.objects.filter(is_active=True) if "online" not in i.channels)
    sign_in(client, worker.account)
    response = client.get(reverse("web:apply_item", args=[window_only.code]))
    assert response.status_code == 403
    assert "不能在网上申请" in body(response)


# --- the form -------------------------------------------------------------------------------------


def test_the_form_is_built_from_the_catalogue_with_my_data_prefilled(client, worker):
    sign_in(client, worker.account)
    html = body(client.get(reverse("web:apply_item", args=["JF-001"])))
    assert 'name="f_grade_percent"' in html and 'name="f_start_month"' in html
    assert 'value="13900001111"' in html  # my phone from the registry
    assert 'name="applicant_id_number"' not in html  # I apply for myself only
    assert worker.id_number not in html  # shown masked
    assert "身份证" in html  # the material to upload after submitting


def test_applying_opens_the_case_on_the_online_channel_and_shows_it(client, worker, contribution_staff):
    sign_in(client, worker.account)
    response, token = _grade_post(client)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:case", args=[case.number])
    assert (case.item.code, case.channel, case.applicant_id_number, case.applicant_account_id) == (
        "JF-001",
        "online",
        worker.id_number,
        worker.account.pk,
    )
    assert case.form_data["grade_percent"] == "150" and case.form_data["name"] == "张三"
    # the ID card is still to come: the clock waits, the person was told what is missing
    assert case.status == Case.Status.AWAITING_MATERIALS
    assert CaseOpening.objects.get().key == token
    page = body(client.get(response["Location"]))
    assert "待补正材料" in page and 'id="supply-id_card"' in page


def test_a_resubmitted_page_gives_the_same_case(client, worker, contribution_staff):
    sign_in(client, worker.account)
    first, token = _grade_post(client)
    again, _ = _grade_post(client, token=token)
    assert again["Location"] == first["Location"]
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("percent", "field_message"),
    [("59", "60"), ("301", "300"), ("abc", "")],
)
def test_bad_input_shows_the_fields_message_and_writes_nothing(
    client, worker, contribution_staff, percent, field_message
):
    sign_in(client, worker.account)
    response, _ = _grade_post(client, percent=percent)
    assert response.status_code == 422
    html = body(response)
    # the message sits at the grade input
    block = html[html.index('id="id_f_grade_percent"') - 800 : html.index('id="id_f_grade_percent"') + 800]
    assert 'class="error"' in block and field_message in block
    assert not Case.objects.exists() and not CaseOpening.objects.exists()


def test_the_one_form_opens_the_ticked_item(client, worker, contribution_staff):
    sign_in(client, worker.account)
    page = body(client.get(reverse("web:apply_group", args=["flexible_enrol"]) + "?items=JF-001"))
    data = {
        "submission": _token(page),
        "items": ["JF-001"],
        "phone": "13900001111",
        "f_start_month": "2026-02-01",
        "f_grade_percent": "120",
    }
    response = client.post(reverse("web:apply_group", args=["flexible_enrol"]), data)
    case = Case.objects.get()
    assert response["Location"] == reverse("web:case", args=[case.number])
    assert case.item.code == "JF-001" and case.group_ref


# --- uploading a material -------------------------------------------------------------------------


def _supply(client, case, content: bytes, name: str = "身份证.pdf"):
    return client.post(
        reverse("web:case_supply", args=[case.number]),
        {"material": "id_card", "version": case.version, "how": "upload", "file": SimpleUploadedFile(name, content)},
    )


def test_an_uploaded_material_is_stored_outside_the_database_with_its_hash(
    client, worker, contribution_staff, media, clerk
):
    sign_in(client, worker.account)
    _grade_post(client)
    case = Case.objects.get()
    response = _supply(client, case, PDF)
    assert response.status_code == 302
    upload = CaseUpload.objects.get()
    assert upload.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (media / upload.file.name).read_bytes() == PDF  # a file in storage, not a column
    row = CaseMaterial.objects.get(case=case, material__code="id_card")
    # uploaded is not "handed in": no clerk verified it
    assert (row.status, row.verified_by_id) == (CaseMaterial.Status.UPLOADED, None)
    event = AuditEvent.objects.filter(action="case.upload").latest("id")
    assert event.after["sha256"] == upload.sha256 and event.after["scan"].startswith("sig:")
    # and the case page says so: a copy the office has yet to check, not a verified original
    page = body(client.get(reverse("web:case", args=[case.number])))
    assert 'data-material="id_card" data-state="uploaded"' in page and "已上传，待经办机构核验" in page


def test_a_file_carrying_the_eicar_test_string_is_refused_and_nothing_is_kept(
    client, worker, contribution_staff, media
):
    sign_in(client, worker.account)
    _grade_post(client)
    case = Case.objects.get()
    infected = b"%PDF-1.4\n" + EICAR + b"\n%%EOF\n"
    response = _supply(client, case, infected)
    assert response.status_code == 422
    assert "病毒" in body(response)
    assert not CaseUpload.objects.exists()
    assert not list(media.rglob("*.pdf")) if media.exists() else True
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_MATERIALS
    assert CaseMaterial.objects.get(case=case, material__code="id_card").status == CaseMaterial.Status.MISSING


def test_a_file_that_is_not_a_pdf_or_picture_is_refused(client, worker, contribution_staff, media):
    sign_in(client, worker.account)
    _grade_post(client)
    response = _supply(client, Case.objects.get(), b"MZ\x90\x00 not a scan", name="scan.pdf")
    assert response.status_code == 422 and not CaseUpload.objects.exists()


# --- my messages ----------------------------------------------------------------------------------


def test_my_messages_list_mark_read_and_the_unread_count_in_the_shell(
    client, worker, contribution_staff, media, clerk, reviewer
):
    sign_in(client, worker.account)
    _grade_post(client)
    case = Case.objects.get()
    _supply(client, case, PDF)
    case = verify_uploads(case)  # issue 13: the upload counts once the office's clerk verified it
    case = case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    case = case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    assert case.status == Case.Status.COMPLETED
    mine = Notification.objects.filter(account=worker.account)
    unread = mine.count()
    assert unread >= 2  # materials missing, complete … and completed
    html = body(client.get(reverse("web:my_messages")))
    assert "已办结" in html and f"我的消息 ({unread})" in html
    # when one is marked read the count drops by one, and only mine can be marked
    done = mine.get(body__contains="已办结")
    assert client.post(reverse("web:message_read", args=[done.pk])).status_code == 302
    done.refresh_from_db()
    assert done.read_at is not None
    assert f"我的消息 ({unread - 1})" in body(client.get(reverse("web:home")))
    # the completed case can be rated from the hall
    assert 'id="rate"' in body(client.get(reverse("web:case", args=[case.number])))


def test_another_persons_message_cannot_be_marked_read(client, worker, other_citizen):
    theirs = Notification.objects.create(
        key="x:1",
        channel="push",
        recipient="x",
        account=other_citizen,
        body="他人的消息",
        next_attempt_at="2026-02-10T02:00Z",
    )
    sign_in(client, worker.account)
    assert client.post(reverse("web:message_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "他人的消息" not in body(client.get(reverse("web:my_messages")))


# --- the hall home --------------------------------------------------------------------------------


def test_the_citizen_home_is_the_online_hall(client, worker):
    sign_in(client, worker.account)
    html = body(client.get(reverse("web:home")))
    for key, url in [
        ("records", reverse("web:my_contributions")),
        ("statements", reverse("statements:mine")),
        ("pension", reverse("pensions:my_pension")),
        ("cases", reverse("web:my_cases")),
        ("apply", reverse("web:apply_index")),
        ("messages", reverse("web:my_messages")),
        ("delivery", reverse("statement_mailing:delivery")),
    ]:
        assert f'href="{url}" data-hall="{key}"' in html
    assert 'data-hall="pay"' in html


def test_a_person_not_yet_registered_gives_name_and_district_and_enrols_online(client, engine, citizen, district):
    # given a signed-in account with no insured-person record yet
    sign_in(client, citizen)
    page = body(client.get(reverse("web:apply_item", args=["DJ-021"])))
    assert 'name="applicant_name"' in page and 'name="district_code"' in page
    data = {
        "submission": _token(page),
        "applicant_name": "张三",
        "district_code": district.code,
        "phone": "13900002222",
        "f_address": "江岸区中山大道2号",
        "f_start_month": "2026-02-01",
        "m_address_proof": "commitment",
    }
    # when the district is left out, the form says so at the field and nothing is written
    response = client.post(reverse("web:apply_item", args=["DJ-021"]), {**data, "district_code": ""})
    assert response.status_code == 422 and not Case.objects.exists()
    # when it is given, the enrolment case opens for them, the address proof by commitment
    response = client.post(reverse("web:apply_item", args=["DJ-021"]), data)
    case = Case.objects.get()
    assert response["Location"] == reverse("web:case", args=[case.number])
    assert (case.applicant_id_number, case.applicant_name, case.channel) == (citizen.id_number, "张三", "online")
    states = dict(CaseMaterial.objects.filter(case=case).values_list("material__code", "status"))
    assert states == {"id_card": "missing", "address_proof": "commitment"}


def test_no_material_can_be_claimed_handed_in_online(client, worker, contribution_staff):
    # given a forged form that marks the ID card "received" (only a window may say so)
    sign_in(client, worker.account)
    page = body(client.get(reverse("web:apply_item", args=["JF-001"])))
    data = {
        "submission": _token(page),
        "phone": "13900001111",
        "f_start_month": "2026-02-01",
        "f_grade_percent": "150",
        "m_id_card": "received",
    }
    client.post(reverse("web:apply_item", args=["JF-001"]), data)
    # then the case still waits for it
    row = CaseMaterial.objects.get(material__code="id_card")
    assert (row.status, row.case.status) == ("missing", Case.Status.AWAITING_MATERIALS)


def test_the_apply_list_and_my_messages_have_a_query_budget(client, worker, django_assert_max_num_queries):
    for n in range(30):
        Notification.objects.create(
            key=f"m:{n}",
            channel="push",
            recipient="x",
            account=worker.account,
            body=f"消息{n}",
            next_attempt_at="2026-02-10T02:00Z",
        )
    sign_in(client, worker.account)
    # session, account, the header (name and unread count), the catalogue's channels, the items
    with django_assert_max_num_queries(5):
        assert client.get(reverse("web:apply_index")).status_code == 200
    # session, account, the header, the page's count and rows, the unread count
    with django_assert_max_num_queries(6):
        html = body(client.get(reverse("web:my_messages")))
    assert html.count('class="message unread"') == 20  # one page of 20
