"""Issued statements: idempotent on the figures, a new version when one changes; verification
of a genuine, an altered and a wrongly coded statement; no statement by a guessed ref; the
window print with its audit; the employer's view; and the pages and API that hand them out."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from shebao.contributions.models import ContributionMonth
from shebao.core.documents import CODE_ALPHABET
from shebao.core.errors import NotAllowed
from shebao.core.models import AuditEvent
from shebao.statements.models import Statement
from shebao.statements.selectors import NOTE_INJURY, NOTE_REFERENCE
from shebao.statements.services import statement_issue, statement_pdf, statement_window_print
from tests.statements.conftest import YEAR
from tests.web.support import make_person, sign_in

D = Decimal
pytestmark = pytest.mark.django_db


def _other_code(code: str) -> str:
    """The same code with its last symbol changed."""
    last = code[-1]
    return code[:-1] + next(ch for ch in CODE_ALPHABET if ch != last)


def test_issuing_is_idempotent_on_the_figures_and_versions_when_one_changes(history, citizen):
    first = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    again = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    assert again.pk == first.pk and Statement.objects.count() == 1
    assert first.version == 1 and len(first.ref) == len("2024-") + 12
    # when December's bill is paid (a figure changes) the next issue is version 2
    ContributionMonth.objects.filter(person=history, period=dt.date(YEAR, 12, 1)).update(status="paid")
    second = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    first.refresh_from_db()
    assert (second.version, second.ref != first.ref, first.superseded_by_id) == (2, True, second.pk)
    assert first.superseded_at == second.issued_at and second.current and not first.current
    assert AuditEvent.objects.filter(action="statement.issue", subject_person=history.id_number).count() == 2


def test_verification_accepts_a_genuine_statement_and_rejects_an_altered_figure_and_a_changed_code(
    client, history, citizen
):
    statement = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    # genuine: what it contains, without the address
    page = client.get(f"/verify/statement/{statement.ref}/{statement.code}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "真实有效" in html and "张三" in html and "15932.74" in html
    assert history.id_number not in html and "沿江大道" not in html
    # the code as a person types it (lower case, no hyphens) in the menu
    typed = client.get("/verify/", {"ref": statement.ref, "code": statement.code.replace("-", "").lower()})
    assert typed.status_code == 200 and "15932.74" in typed.content.decode()
    # a changed code fails and shows nothing of the statement
    wrong = client.get(f"/verify/statement/{statement.ref}/{_other_code(statement.code)}")
    assert wrong.status_code == 404 and "张三" not in wrong.content.decode()
    # one figure altered in the stored content (a fen more on the balance) fails too
    content = statement.content
    content["pension_account"]["closing_balance"] = "15932.75"
    Statement.objects.filter(pk=statement.pk).update(content=content)
    altered = client.get(f"/verify/statement/{statement.ref}/{statement.code}")
    assert altered.status_code == 404 and "15932.7" not in altered.content.decode()


def test_a_superseded_statement_verifies_as_superseded_with_its_date(client, history, citizen):
    old = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    ContributionMonth.objects.filter(person=history, period=dt.date(YEAR, 12, 1)).update(status="paid")
    new = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    html = client.get(f"/verify/statement/{old.ref}/{old.code}").content.decode()
    # reissued because a month was paid, not corrected: genuine as issued (review 7 of issue 14)
    assert (
        "此后记录已更新" in html
        and old.issued_at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d") in html
    )
    assert "真实有效" in client.get(f"/verify/statement/{new.ref}/{new.code}").content.decode()


def test_another_persons_statement_cannot_be_fetched_by_its_ref(client, history, citizen, other_citizen):
    statement = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    sign_in(client, other_citizen)
    before = AuditEvent.objects.count()
    for url in (f"/statements/s/{statement.ref}.pdf", f"/statements/s/{statement.ref}/correction/"):
        answer = client.get(url)
        assert answer.status_code == 404 and "张三" not in answer.content.decode()
    # a made-up ref is the same 404
    assert client.get("/statements/s/2024-ABCDEFGHJKLM.pdf").status_code == 404
    assert AuditEvent.objects.count() == before  # nothing recorded for a refusal


def test_the_person_views_and_downloads_their_statement_online_and_in_the_app(client, history, citizen):
    sign_in(client, citizen)
    assert "2024 年度" in client.get("/statements/my/").content.decode()
    page = client.get(f"/statements/my/{YEAR}/")
    assert page.status_code == 200
    statement = Statement.objects.get(person=history, year=YEAR)
    html = page.content.decode()
    assert statement.code in html and 'id="st-closing">15932.74<' in html
    pdf = client.get(f"/statements/s/{statement.ref}.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # the app: the list, the year's record (the same statement, not a new version) and its PDF
    listing = client.get("/api/v1/my/statements").json()
    assert YEAR in listing["years"] and [s["ref"] for s in listing["issued"]] == [statement.ref]
    body = client.get(f"/api/v1/my/statements/{YEAR}").json()
    assert (body["ref"], body["code"], body["current"]) == (statement.ref, statement.code, True)
    assert body["record"]["pension_account"]["closing_balance"] == "15932.74"
    assert body["verify_url"].endswith(f"/verify/statement/{statement.ref}/{statement.code}")
    app_pdf = client.get(f"/api/v1/my/statements/{YEAR}/pdf")
    assert app_pdf.status_code == 200 and app_pdf.content.startswith(b"%PDF")
    assert Statement.objects.count() == 1
    assert AuditEvent.objects.filter(action="statement.download", actor=citizen).count() == 2


@pytest.mark.parametrize("year", [1995, 2026])
def test_a_year_out_of_range_is_refused(client, history, citizen, year):
    sign_in(client, citizen)
    assert client.get(f"/api/v1/my/statements/{year}").status_code == 422
    assert not Statement.objects.exists()


def test_the_window_prints_for_a_person_of_its_district_and_the_audit_says_who_printed_whose(
    client, history, clerk, office
):
    sign_in(client, clerk)
    page = client.post("/statements/window/", {"id_number": history.id_number, "year": str(YEAR)})
    assert page.status_code == 200
    statement = Statement.objects.get(person=history, year=YEAR)
    printed = client.get(f"/statements/s/{statement.ref}.pdf?print=1")
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="statement.print")
    assert (event.actor_id, event.subject_person, event.subject_id) == (clerk.pk, history.id_number, str(statement.pk))


def test_the_window_print_is_refused_to_other_roles(history, reviewer, bank_agent):
    # another district's window prints it (通办): tests/statements/test_review8_pages.py
    for actor in (reviewer, bank_agent):
        with pytest.raises(NotAllowed):
            statement_window_print(actor=actor, id_number=history.id_number, year=YEAR)
    assert not Statement.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="statement.").exists()


def test_the_employer_sees_only_its_own_months_of_its_employee(client, history, unit_operator, other_citizen):
    sign_in(client, unit_operator)
    body = client.get(f"/api/v1/unit/employees/{history.pk}/months?year={YEAR}").json()
    pension = next(b for b in body["insurances"] if b["insurance"] == "pension")
    assert [(m["month"], m["base"], m["flag"]) for m in pension["months"] if m["flag"] != "none"] == [
        (3, "6000.00", "paid"),
        (4, "6000.00", "paid"),
    ]
    assert "pension_account" not in body and "address" not in str(body)
    assert AuditEvent.objects.filter(action="statement.employer_view", subject_person=history.id_number).exists()
    # the page by ID number shows the same months
    html = client.get("/statements/unit/", {"id_number": history.id_number, "year": str(YEAR)}).content.decode()
    assert "6000" in html and "8000" not in html
    # a person the unit never employed is a 404, and nothing is recorded for it
    before = AuditEvent.objects.count()
    assert client.get(f"/api/v1/unit/employees/{history.pk + 999}/months?year={YEAR}").status_code == 404
    # nor does a bad year tell a person who exists (never employed here) from one who does not
    stranger = make_person(district=history.district, name="路人")
    for pk in (stranger.pk, history.pk + 999):
        assert client.get(f"/api/v1/unit/employees/{pk}/months?year=9999").status_code == 404
    assert client.get(f"/api/v1/unit/employees/{history.pk}/months?year=9999").status_code == 422
    sign_in(client, other_citizen)
    assert client.get(f"/api/v1/unit/employees/{history.pk}/months?year={YEAR}").status_code == 404
    assert AuditEvent.objects.count() == before


def test_the_menu_does_not_take_an_unsigned_statement_code_for_a_statement(client):
    """Given a code of the older kind-and-ref scheme for a "statement" that was never issued
    (what `shebao pdf_sample` prints), when it is typed into the 文件核验 menu, then it is not
    genuine: statements are checked only against their signed content."""
    from shebao.core.documents import document_code

    code = document_code(kind="statement", ref="2025ABCDEFGHJKLM")
    response = client.get("/verify/", {"ref": "2025ABCDEFGHJKLM", "code": code})
    assert response.status_code == 404


def test_each_version_in_the_app_list_has_its_own_pdf_url_and_an_old_link_gives_the_old_document(
    client, history, citizen, other_citizen
):
    # given version 1, then a figure changes and version 2 is issued
    first = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    ContributionMonth.objects.filter(person=history, period=dt.date(YEAR, 12, 1)).update(status="paid")
    second = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    sign_in(client, citizen)
    # when the app lists the statements
    issued = client.get("/api/v1/my/statements").json()["issued"]
    urls = {s["ref"]: s["pdf_url"] for s in issued}
    # then each version's PDF is addressed by its own ref, not by the year
    assert urls == {
        second.ref: f"/api/v1/my/statements/s/{second.ref}/pdf",
        first.ref: f"/api/v1/my/statements/s/{first.ref}/pdf",
    }
    # and the superseded version's link gives that version's document (its own code), no new issue
    old = client.get(urls[first.ref])
    assert old.status_code == 200 and old["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(old.content)).pages)
    assert first.code in text and second.code not in text
    assert Statement.objects.filter(person=history).count() == 2
    # another person's ref is 404, like one that does not exist, and the refusal is not audited
    before = AuditEvent.objects.count()
    client.logout()
    sign_in(client, other_citizen)
    assert client.get(urls[first.ref]).status_code == 404
    assert client.get("/api/v1/my/statements/s/2024-ABCDEFGHJKLM/pdf").status_code == 404
    assert AuditEvent.objects.filter(action="statement.download").count() == 1
    assert AuditEvent.objects.count() >= before


def test_the_pdf_prints_the_medical_account_and_each_note_once(history, citizen):
    statement = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    # the record (the page and the JSON) keeps its notes as signed
    assert NOTE_REFERENCE in statement.content["notes"] and NOTE_INJURY in statement.content["notes"]
    pdf = statement_pdf(actor=citizen, statement=statement, channel="online")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    compact = "".join(text.split())
    # the medical block lists the account: Mar-Apr 6000 × 1% = 60.00 each, Jul-Nov 8000 × 1% =
    # 80.00 each credited in full (after the 2023 reform, no share of the employer's), December
    # not yet paid: 2 × 60 + 5 × 80 = 520.00 over 7 months, no interest
    assert statement.content["medical_account"]["closing_balance"] == "520.00"
    assert "520.00" in compact and "不计息" in compact
    assert "未建立个人账户" not in compact and "本单不列示" not in compact
    # every note once: the standard notes say what NOTE_REFERENCE and NOTE_INJURY say
    assert compact.count("仅供参考") == 1
    assert compact.count("个人不缴费") == 1
    assert compact.count("生育保险已并入职工医疗保险") == 1
    assert compact.count("在线、通过App或") == 1
