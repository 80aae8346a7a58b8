"""Review 7 of issue 14, the statements handed out: a statement altered in the database is never
served (PDF, page, API) and raises the alert; no statement for a year with no records. The
history of conftest: 2024 on record, 2023 an account entry only, 2022 nothing; today is
10 Feb 2025."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.core.identifiers import id_number_make
from shebao.core.models import AuditEvent
from shebao.statements.models import Statement
from shebao.statements.services import StatementUnverifiable, statement_issue, statement_pdf
from tests.statements.conftest import YEAR
from tests.web.support import sign_in

pytestmark = pytest.mark.django_db


def _alter(statement: Statement, balance: str = "99999.00") -> None:
    """What the reviewer did: the closing balance changed in the stored content."""
    content = statement.content
    content["pension_account"]["closing_balance"] = balance
    Statement.objects.filter(pk=statement.pk).update(content=content)
    statement.refresh_from_db()


def test_an_altered_statement_is_not_downloaded_and_the_alert_is_recorded(client, history, citizen):
    statement = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    _alter(statement)
    sign_in(client, citizen)
    # the page's PDF link: a 409 page in Chinese and English, no PDF, nothing of 99999
    page = client.get(f"/statements/s/{statement.ref}.pdf")
    html = page.content.decode()
    assert page.status_code == 409 and page["Content-Type"].startswith("text/html")
    assert "未能通过签名核验" in html and "cannot be provided" in html and "12333" in html
    assert "99999" not in html
    # the app's PDF of that version: 409 in both languages
    api = client.get(f"/api/v1/my/statements/s/{statement.ref}/pdf")
    assert api.status_code == 409
    assert "签名核验" in api.json()["message"] and "signature check" in api.json()["message_en"]
    # each refusal is an alert in the audit chain, on whose statement, and no download is recorded
    alerts = AuditEvent.objects.filter(action="statement.unverified")
    assert alerts.count() == 2
    assert {(e.subject_person, e.subject_id, e.after["served"]) for e in alerts} == {
        (history.id_number, str(statement.pk), "pdf")
    }
    assert not AuditEvent.objects.filter(action="statement.download").exists()


def test_an_altered_statement_is_not_printed_at_the_window(history, clerk, citizen):
    statement = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    _alter(statement)
    with pytest.raises(StatementUnverifiable) as refused:
        statement_pdf(actor=clerk, statement=statement, channel="hall", printed=True)
    assert refused.value.status == 409
    assert AuditEvent.objects.filter(action="statement.unverified", actor=clerk).exists()
    assert not AuditEvent.objects.filter(action="statement.print").exists()


def test_the_year_page_and_api_never_serve_the_altered_current_statement(client, history, citizen):
    altered = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    _alter(altered)
    sign_in(client, citizen)
    # the year's page: a new version signed from the records, not the altered one
    html = client.get(f"/statements/my/{YEAR}/").content.decode()
    assert "99999" not in html and 'id="st-closing">15932.74<' in html
    altered.refresh_from_db()
    fresh = Statement.objects.get(person=history, year=YEAR, superseded_at__isnull=True)
    assert (altered.superseded_by_id, fresh.version) == (fresh.pk, 2)
    assert fresh.code in html and altered.code not in html
    body = client.get(f"/api/v1/my/statements/{YEAR}").json()
    assert body["ref"] == fresh.ref and body["record"]["pension_account"]["closing_balance"] == "15932.74"
    # the alert was raised once, when the altered current statement was found
    event = AuditEvent.objects.get(action="statement.unverified")
    assert (event.subject_id, event.after["served"]) == (str(altered.pk), "issue")
    # and the altered one still fails at the verification page
    assert client.get(f"/verify/statement/{altered.ref}/{altered.code}").status_code == 404


def test_a_changed_code_alone_is_caught_too(client, history, citizen):
    statement = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    Statement.objects.filter(pk=statement.pk).update(code="AAAA-BBBB-CCCC-DDDD")
    sign_in(client, citizen)
    assert client.get(f"/statements/s/{statement.ref}.pdf").status_code == 409


def test_no_statement_is_issued_for_a_year_with_no_records(client, history, citizen):
    sign_in(client, citizen)
    # the API: 404 in both languages, nothing signed, 2022 not listed afterwards
    api = client.get("/api/v1/my/statements/2022")
    assert api.status_code == 404
    assert (
        "2022年度没有社会保险记录" in api.json()["message"]
        and "no social insurance records" in api.json()["message_en"]
    )
    assert client.get("/api/v1/my/statements/2022/pdf").status_code == 404
    # the page: the same refusal
    page = client.get("/statements/my/2022/")
    assert page.status_code == 404 and "没有社会保险记录" in page.content.decode()
    assert not Statement.objects.exists()
    assert 2022 not in client.get("/api/v1/my/statements").json()["years"]
    # a year with an account entry only (2023) and the current year still issue
    assert client.get("/api/v1/my/statements/2023").status_code == 200
    assert client.get("/api/v1/my/statements/2025").status_code == 200


# 李代办, who comes with a written authorisation
AGENT = id_number_make(region_code="420102", birth_date=dt.date(1990, 3, 7), sequence=93)


def test_the_window_print_names_the_agent_who_came_for_the_person(client, history, clerk, office):
    sign_in(client, clerk)
    # an agent with neither a written authorisation checked nor one on record is refused
    refused = client.post(
        "/statements/window/",
        {"id_number": history.id_number, "year": str(YEAR), "agent_id_number": AGENT, "agent_name": "李代办"},
    )
    text = refused.content.decode()
    assert refused.status_code == 422 and text.index("书面委托书") < text.index("written authorisation")
    assert not Statement.objects.exists()
    # an agent named and the letter ticked but no agent ID: refused, not printed as the person themself
    for fields in ({"agent_name": "李代办", "agent_written": "1"}, {"agent_name": "李代办"}, {"agent_written": "1"}):
        nameless = client.post("/statements/window/", {"id_number": history.id_number, "year": str(YEAR), **fields})
        text = nameless.content.decode()
        assert nameless.status_code == 422 and text.index("受托人身份证号码") < text.index("ID number (leave")
    assert not Statement.objects.exists() and not AuditEvent.objects.filter(action="statement.view").exists()
    # with the written authorisation checked: the page names the agent, and so do the view and the print
    page = client.post(
        "/statements/window/",
        {
            "id_number": history.id_number,
            "year": str(YEAR),
            "agent_id_number": AGENT,
            "agent_name": "李代办",
            "agent_written": "1",
        },
    )
    assert page.status_code == 200 and 'id="st-agent">李代办' in page.content.decode()
    statement = Statement.objects.get(person=history, year=YEAR)
    agent = {"id_number": AGENT, "name": "李代办", "basis": "written"}
    view = AuditEvent.objects.get(action="statement.view", actor=clerk)
    assert (view.channel, view.after["agent"]) == ("hall", agent)
    assert client.get(f"/statements/s/{statement.ref}.pdf?print=1").status_code == 200
    assert AuditEvent.objects.get(action="statement.print").after["agent"] == agent
    # the person themself at the window: no agent on the print
    client.post("/statements/window/", {"id_number": history.id_number, "year": str(YEAR)})
    client.get(f"/statements/s/{statement.ref}.pdf?print=1")
    latest = AuditEvent.objects.filter(action="statement.print").order_by("-id").first()
    assert latest is not None and latest.after["agent"] is None
