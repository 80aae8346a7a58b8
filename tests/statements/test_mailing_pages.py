"""The mailing pages: who may open them, what they show, and nothing written on a refusal."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from shebao.core.jobs import job_run
from shebao.core.models import AuditEvent, Role
from shebao.statements.mailing.models import DeliveryPreference, MailingItem, MailingRun, ReturnedMail
from shebao.statements.mailing.services import mailing_manifest_write, mailing_run_start
from tests.web.support import make_person, sign_in

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
YEAR = 2024


@pytest.fixture(autouse=True)
def _today_and_files(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with time_machine.travel(dt.datetime(2025, 2, 10, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def city_clerk(city_office):
    """The city administrator, who starts the city's runs (issue 14's review: not a window
    clerk); the fixture keeps its old name."""
    from tests.conftest import _staff

    return _staff("city_admin", Role.ADMIN, city_office, 3, full_name="市级管理员")


@pytest.fixture
def supervisor(office):
    from tests.conftest import _staff

    return _staff("supervisor", Role.SUPERVISOR, office, 2, full_name="江岸督导")


@pytest.fixture
def other_supervisor(other_office):
    from tests.conftest import _staff

    return _staff("supervisor_wc", Role.SUPERVISOR, other_office, 2, full_name="武昌督导")


@pytest.fixture
def mailed(city_clerk, district):
    """A finished run of two persons in 江岸区, its manifest written."""
    for i, name in enumerate(("甲", "乙")):
        make_person(
            district=district, name=f"邮寄{name}", postcode=f"43001{i}", phone=f"1370000000{i}", address=f"胜利街{i}号"
        )
    run = mailing_run_start(actor=city_clerk, year=YEAR)
    job_run(job_id=run.job_id)
    mailing_manifest_write(run=run)
    return run


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("city_clerk", 200),
        ("supervisor", 200),
        ("other_supervisor", 200),
        ("monitor", 200),
        ("clerk", 404),  # a window clerk does not follow runs (issue 14's review)
        ("citizen", 403),
        ("bank_agent", 403),
    ],
)
def test_run_page_matrix(client, request, mailed, who, status):
    sign_in(client, request.getfixturevalue(who))
    response = client.get(f"/statements/mailing/{mailed.pk}/")
    assert response.status_code == status
    if status == 200:
        text = response.content.decode()
        assert 'id="mailing-status">已完成 / Done<' in text and 'id="mailing-paper">2<' in text
        assert f"/statements/mailing/{mailed.pk}/manifest.xlsx" in text


def test_a_district_run_is_not_shown_to_another_district(client, supervisor, other_supervisor, district):
    make_person(district=district, name="江岸人", postcode="430010")
    run = mailing_run_start(actor=supervisor, year=YEAR, district_code="420102")
    sign_in(client, other_supervisor)
    assert client.get(f"/statements/mailing/{run.pk}/").status_code == 404
    assert f"#{run.pk}<" not in client.get("/statements/mailing/").content.decode()


def test_progress_fragment_for_htmx(client, city_clerk, mailed):
    sign_in(client, city_clerk)
    response = client.get(f"/statements/mailing/{mailed.pk}/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="mailing-progress"')


@pytest.mark.parametrize(
    ("who", "status"),
    [("city_clerk", 200), ("clerk", 404), ("monitor", 404), ("other_supervisor", 404), ("citizen", 403)],
)
def test_manifest_download_matrix_is_audited(client, request, mailed, who, status):
    actor = request.getfixturevalue(who)
    sign_in(client, actor)
    response = client.get(f"/statements/mailing/{mailed.pk}/manifest.csv")
    assert response.status_code == status
    downloads = AuditEvent.objects.filter(action="mailing.manifest_download", actor=actor).count()
    if status == 200:
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        assert body.splitlines()[1].split(",")[1:4] == ["430010", "", "邮寄甲"]
        assert downloads == 1
    else:
        assert downloads == 0


def test_starting_a_run_from_the_page(client, city_clerk, district):
    make_person(district=district, name="页面", postcode="430010")
    sign_in(client, city_clerk)
    response = client.post("/statements/mailing/", {"year": str(YEAR), "district": "420102"})
    run = MailingRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/statements/mailing/{run.pk}/"
    assert (run.scope, run.district.code, run.job.total_chunks) == ("district", "420102", 1)


def test_a_district_clerk_cannot_start_a_city_run_from_the_page(client, clerk, district):
    sign_in(client, clerk)
    response = client.post("/statements/mailing/", {"year": str(YEAR)})
    assert response.status_code == 403
    assert MailingRun.objects.count() == 0


def test_a_bad_year_is_a_form_error(client, city_clerk):
    sign_in(client, city_clerk)
    response = client.post("/statements/mailing/", {"year": "二〇二四"})
    assert response.status_code == 422 and "mailing-error" in response.content.decode()
    assert MailingRun.objects.count() == 0


def test_returned_mail_recorded_at_the_page_and_from_a_scan_file(client, clerk, city_clerk, mailed):
    first, second = MailingItem.objects.filter(run=mailed).order_by("postcode")
    sign_in(client, clerk)
    response = client.post("/statements/mailing/returns/", {"ref": first.statement.ref, "reason": "moved"})
    assert response.status_code == 200 and "returns-done" in response.content.decode()
    scan = SimpleUploadedFile("returns.csv", f"{second.statement.ref},拒收\n".encode("gbk"), content_type="text/csv")
    response = client.post("/statements/mailing/returns/", {"file": scan})
    assert response.status_code == 200
    assert sorted(ReturnedMail.objects.values_list("reason", "source")) == [("moved", "clerk"), ("refused", "scan")]
    # the re-send list shows both
    text = client.get("/statements/mailing/returns/").content.decode()
    assert first.statement.ref in text and second.statement.ref in text


def test_returned_mail_refused_for_a_citizen_and_an_unknown_number(client, citizen, clerk, mailed):
    ref = MailingItem.objects.filter(run=mailed).first().statement.ref
    sign_in(client, citizen)
    assert client.post("/statements/mailing/returns/", {"ref": ref, "reason": "moved"}).status_code == 403
    sign_in(client, clerk)
    response = client.post("/statements/mailing/returns/", {"ref": "2024-NOSUCH", "reason": "moved"})
    assert response.status_code == 422
    assert ReturnedMail.objects.count() == 0


def test_a_person_chooses_electronic_statements(client, citizen, district):
    person = make_person(district=district, name="本人", account=citizen)
    sign_in(client, citizen)
    page = client.get("/statements/my/delivery/")
    assert page.status_code == 200 and 'value="paper" checked' in page.content.decode()
    response = client.post("/statements/my/delivery/", {"mode": "electronic"})
    assert response.status_code == 302
    assert DeliveryPreference.objects.get(person=person).mode == "electronic"
    assert 'value="electronic" checked' in client.get("/statements/my/delivery/").content.decode()


@pytest.mark.parametrize(("who", "status"), [("clerk", 403), ("unit_operator", 403)])
def test_delivery_page_is_for_insured_persons_only(client, request, who, status):
    sign_in(client, request.getfixturevalue(who))
    assert client.post("/statements/my/delivery/", {"mode": "electronic"}).status_code == status
    assert DeliveryPreference.objects.count() == 0
