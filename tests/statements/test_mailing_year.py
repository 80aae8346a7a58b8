"""The annual statement (权益记录单) records a finished year: a run for a year that has not ended
(this year in Asia/Shanghai) is refused, 422, Chinese then English, naming the last year that
may be mailed, with nothing written; through the service, the page, the re-send and the command.
The reviewer's case: on 2026-12-07 a supervisor mailed 2026 to 江岸区 (November shown as
"–"), and the real 2026 mailing in January would then have been refused as a second run.
The pension notice (养老金信息告知) shows the pension as determined now: this year stays allowed."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from shebao.core.errors import InvalidInput
from shebao.core.models import AuditEvent, Job, Role
from shebao.statements.mailing.models import MailingRun
from shebao.statements.mailing.services import mailing_resend_start, mailing_run_start
from tests.web.support import make_person, sign_in

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def today():
    """The reviewer's day: 2026-12-07 in Wuhan."""
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def supervisor(office):
    from tests.conftest import _staff

    return _staff("supervisor", Role.SUPERVISOR, office, 2, full_name="江岸督导")


@pytest.fixture
def residents(district):
    return [
        make_person(district=district, name=name, postcode="430014", address=f"武汉市江岸区胜利街{i}号")
        for i, name in enumerate(("甲一", "乙二"), start=1)
    ]


def _nothing_written() -> None:
    assert not MailingRun.objects.exists() and not Job.objects.exists()
    assert not AuditEvent.objects.filter(action="mailing.run_start").exists()


def test_the_service_refuses_the_annual_statement_of_this_year(today, supervisor, residents):
    with pytest.raises(InvalidInput) as refused:
        mailing_run_start(actor=supervisor, year=2026, district_code="420102")
    assert refused.value.status == 422 and refused.value.field == "year"
    assert "2026年度尚未结束" in refused.value.message_zh and "最晚可寄送2025年度" in refused.value.message_zh
    assert "has not ended" in refused.value.message_en and "2025 at the latest" in refused.value.message_en
    # a list of ID numbers is no way round it
    with pytest.raises(InvalidInput, match="尚未结束"):
        mailing_run_start(actor=supervisor, year=2026, id_numbers=[p.id_number for p in residents])
    _nothing_written()


def test_last_year_is_still_mailed(today, supervisor, residents):
    run = mailing_run_start(actor=supervisor, year=2025, district_code="420102")
    assert (run.year, run.variant) == (2025, MailingRun.Variant.ANNUAL)


def test_the_pension_notice_keeps_this_year(today, supervisor, residents):
    run = mailing_run_start(actor=supervisor, year=2026, district_code="420102", variant="pension_notice")
    assert (run.year, run.variant) == (2026, MailingRun.Variant.PENSION_NOTICE)


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        # 23:30 on 31 December in Wuhan (15:30 UTC): 2026 has not ended
        (dt.datetime(2026, 12, 31, 15, 30, tzinfo=dt.UTC), False),
        # 00:30 on 1 January in Wuhan, still 31 December in UTC: 2026 has ended
        (dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC), True),
    ],
)
def test_the_year_ends_at_midnight_in_shanghai(moment, allowed, supervisor, residents):
    with time_machine.travel(moment, tick=False):
        if allowed:
            assert mailing_run_start(actor=supervisor, year=2026, district_code="420102").year == 2026
        else:
            with pytest.raises(InvalidInput, match="最晚可寄送2025年度"):
                mailing_run_start(actor=supervisor, year=2026, district_code="420102")


def test_the_resend_of_this_years_annual_statement_is_refused(today, supervisor, residents):
    with pytest.raises(InvalidInput, match="2026年度尚未结束") as refused:
        mailing_resend_start(actor=supervisor, year=2026)
    assert refused.value.status == 422
    _nothing_written()


def test_the_page_answers_422_and_writes_nothing(today, supervisor, residents):
    client = sign_in(Client(), supervisor)
    response = client.post("/statements/mailing/", {"year": "2026", "district": "420102", "variant": "annual"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "2026年度尚未结束" in body and "最晚可寄送2025年度" in body
    assert body.index("最晚可寄送2025年度") < body.index("2025 at the latest")  # Chinese first, then English
    _nothing_written()
    # last year through the same form is planned
    done = client.post("/statements/mailing/", {"year": "2025", "district": "420102", "variant": "annual"})
    assert done.status_code == 302 and MailingRun.objects.get().year == 2025


def test_the_form_offers_finished_years_and_this_year_only_for_the_pension_notice(today, supervisor):
    client = sign_in(Client(), supervisor)
    body = client.get("/statements/mailing/").content.decode()
    select = re.search(r'<select id="m-year" name="year".*?</select>', body, re.S)
    assert select is not None
    options = re.findall(r'<option value="(\d+)"( selected)?>([^<]*)</option>', select.group(0))
    values = [int(value) for value, _, _ in options]
    assert values[0] == 2026 and "仅养老金信息告知" in options[0][2]  # this year: marked for the notice alone
    assert values[1:] == list(range(2025, 1995, -1))  # the annual statement: finished years
    assert [value for value, chosen, _ in options if chosen] == ["2025"]  # last year, chosen by default


def test_the_command_refuses_this_years_annual_statement(today, supervisor, residents):
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("mailing", "start", "--year", "2026", "--district", "420102", "--as", "supervisor", stdout=out)
    assert refused.value.returncode == 2
    assert "2026年度尚未结束" in str(refused.value) and "2025 at the latest" in str(refused.value)
    _nothing_written()
    call_command("mailing", "start", "--year", "2025", "--district", "420102", "--as", "supervisor", stdout=out)
    assert MailingRun.objects.get().year == 2025
