"""Review 7 of issue 14, the verification page: a statement voided by a correction says so; one
only reissued since (this year's figures as months are paid, a late payment) is genuine as
issued, the records having been updated since, not void."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.contributions.models import ContributionMonth
from shebao.statements.services import statement_issue
from tests.statements.conftest import YEAR
from tests.web.support import sign_in

pytestmark = pytest.mark.django_db


def _local_day(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d")


def test_a_statement_reissued_since_verifies_as_genuine_as_issued(client, history, citizen):
    # given version 1, then December is paid and version 2 is issued (no correction)
    old = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    ContributionMonth.objects.filter(person=history, period=dt.date(YEAR, 12, 1)).update(status="paid")
    statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    page = client.get(f"/verify/statement/{old.ref}/{old.code}")
    html = page.content.decode()
    # then the bank reads it as genuine as issued, with newer records, not as void
    assert page.status_code == 200
    assert f"本记录单为{_local_day(old.issued_at)}出具，此后记录已更新；内容与出具时一致，真实有效" in html
    assert "已作废" not in html and "更正" not in html.split('id="verify-result"')[1].split("</p>")[0]
    # and the person's list says updated, not void
    sign_in(client, citizen)
    mine = client.get("/statements/my/").content.decode()
    assert "已有新版本" in mine and "已被更正" not in mine


def test_a_statement_voided_by_a_correction_says_so(client, history, citizen):
    # given version 1, version 2 a monthly reissue, then version 3 issued by a correction case
    first = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    ContributionMonth.objects.filter(person=history, period=dt.date(YEAR, 12, 1)).update(status="paid")
    second = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    ContributionMonth.objects.filter(person=history, period=dt.date(YEAR, 11, 1)).update(base="9000")
    third = statement_issue(actor=citizen, person=history, year=YEAR, channel="system", correction_case="QY2025000001")
    assert third.version == 3
    # then both earlier versions are void, replaced on the correction's day
    for old in (first, second):
        answer = client.get(f"/verify/statement/{old.ref}/{old.code}")
        html = answer.content.decode()
        assert "已被更正后的记录单取代" in html and _local_day(third.issued_at) in html
        assert "真实有效" not in html and "QY2025000001" not in html  # the case number stays private
    assert "为最新版本" in client.get(f"/verify/statement/{third.ref}/{third.code}").content.decode()
    sign_in(client, citizen)
    assert "已被更正" in client.get("/statements/my/").content.decode()
