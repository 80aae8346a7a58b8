"""A pension-notice run over a list says whom it leaves out and why, and the run page says which
mailing it is. Issue 14's review: a supervisor listed a retiree and a worker; the worker was
dropped without a word and the run page did not say it was the retirees' notice."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from shebao.core.errors import InvalidInput
from shebao.core.identifiers import mask_id_number
from shebao.core.jobs import job_run
from shebao.core.models import Role
from shebao.registry.models import Person
from shebao.statements.mailing.models import MailingItem, MailingRun
from shebao.statements.mailing.services import mailing_run_start
from tests.cases.conftest import (  # noqa: F401 (pytest finds fixtures by name)
    _register_test_items,
    at,
    catalogue,
    engine,
    skills,
    working_hours,
)
from tests.pensions.support import retiree
from tests.web.support import make_person, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine")]


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def supervisor(office):
    from tests.conftest import _staff

    return _staff("supervisor", Role.SUPERVISOR, office, 2, full_name="江岸督导")


@pytest.fixture
def listed(district, approver):
    """The supervisor's list: a retiree whose pension is determined, a worker, and a retiree
    whose pension is not determined yet."""
    determined = retiree(district=district, approver=approver)
    Person.objects.filter(pk=determined.pk).update(postcode="430014", address="江岸区胜利街1号")
    worker = make_person(district=district, name="在职甲", postcode="430010", address="江岸区胜利街2号")
    waiting = make_person(
        district=district, name="待核定乙", category=Person.Category.RETIREE, postcode="430010", address="江岸区3号"
    )
    return determined, worker, waiting


def test_the_run_and_its_page_say_who_is_left_out_and_why(client, supervisor, listed):
    determined, worker, waiting = listed
    numbers = [determined.id_number, worker.id_number, waiting.id_number.lower()]
    run = mailing_run_start(actor=supervisor, year=2026, id_numbers=numbers, variant="pension_notice")
    # the start's answer (the run) names them, masked, with the reason
    assert run.persons == [determined.pk]
    assert sorted((entry["name"], entry["id_number"], entry["reason"]) for entry in run.left_out) == sorted(
        [
            (worker.name, mask_id_number(worker.id_number), "not_retiree"),
            (waiting.name, mask_id_number(waiting.id_number), "not_determined"),
        ]
    )
    assert worker.id_number not in str(run.left_out)  # never the full number on a page monitors read
    job_run(job_id=run.job_id)
    assert list(MailingItem.objects.filter(run=run).values_list("person_id", flat=True)) == [determined.pk]
    # the page (where the start form leads) says which mailing it is and whom it left out
    sign_in(client, supervisor)
    start_page = client.get(f"/statements/mailing/{run.pk}/")
    text = start_page.content.decode()
    assert start_page.status_code == 200
    assert 'id="mailing-variant">养老待遇信息告知（退休人员）' in text
    assert 'id="mailing-left-out"' in text and "名单中以下 2 人未列入本批次" in text
    assert f"{worker.name}（" in text and "不是退休人员" in text and "not a retiree" in text
    assert f"{waiting.name}（" in text and "养老待遇尚未核定" in text and "pension not yet determined" in text
    assert text.index("不是退休人员") < text.index("not a retiree")


def test_the_form_leads_to_the_page_that_names_the_left_out(client, supervisor, listed):
    determined, worker, _waiting = listed
    sign_in(client, supervisor)
    response = client.post(
        "/statements/mailing/",
        {
            "year": "2026",
            "district": "",
            "variant": "pension_notice",
            "id_numbers": f"{determined.id_number}\n{worker.id_number}",
        },
        follow=True,
    )
    text = response.content.decode()
    assert response.status_code == 200 and "名单中以下 1 人未列入本批次" in text and worker.name in text


def test_a_list_with_no_one_to_send_the_notice_to_is_refused(supervisor, listed):
    _determined, worker, waiting = listed
    with pytest.raises(InvalidInput) as refused:
        mailing_run_start(
            actor=supervisor, year=2026, id_numbers=[worker.id_number, waiting.id_number], variant="pension_notice"
        )
    assert "不是退休人员" in refused.value.message_zh and "养老待遇尚未核定" in refused.value.message_zh
    assert "not a retiree" in refused.value.message_en
    assert MailingRun.objects.count() == 0


def test_an_annual_run_leaves_no_one_out_and_says_it_is_the_statement(client, supervisor, listed):
    _determined, worker, _waiting = listed
    run = mailing_run_start(actor=supervisor, year=2025, id_numbers=[worker.id_number])
    assert run.left_out == [] and run.persons == [worker.pk]
    sign_in(client, supervisor)
    text = client.get(f"/statements/mailing/{run.pk}/").content.decode()
    assert 'id="mailing-variant">年度个人权益记录单' in text and 'id="mailing-left-out"' not in text


def test_the_command_says_whom_the_list_leaves_out(tmp_path, supervisor, listed):
    determined, worker, _waiting = listed
    numbers = tmp_path / "ids.txt"
    numbers.write_text(f"{determined.id_number}\n{worker.id_number}\n", encoding="utf-8")
    out = io.StringIO()
    call_command(
        "mailing", "start", "--year", "2026", "--variant", "pension_notice", "--id-numbers", str(numbers),
        "--as", "supervisor", stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert f"未列入 / Left out: {worker.name} {mask_id_number(worker.id_number)}" in text
    assert "不是退休人员" in text and "not a retiree" in text and determined.name not in text
