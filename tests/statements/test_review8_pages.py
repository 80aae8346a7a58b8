"""Issue 14's second review of the statement pages as their users meet them: refusals are the
bilingual 403 page (never a 500), the card centre has no window print, any window of the city
prints the statement of the person whose ID is shown (通办), the run's paper counts add up, the
returned-mail number is where the paper prints it, and the start form offers its districts."""

from __future__ import annotations

import re

import pytest

from shebao.core.errors import NotFound
from shebao.core.jobs import job_run
from shebao.core.models import AuditEvent
from shebao.statements.mailing.models import MailingItem, MailingRun, ReturnedMail
from shebao.statements.mailing.services import mailing_manifest_write, mailing_run_start
from shebao.statements.models import Statement
from shebao.statements.selectors import record_for, statement_by_ref
from tests.factories import new_id_number
from tests.statements import test_mailing as mailing_tests
from tests.statements import test_mailing_review7 as review7
from tests.statements.conftest import YEAR as HISTORY_YEAR
from tests.web.support import make_person, sign_in

pytestmark = pytest.mark.django_db
YEAR = mailing_tests.YEAR
people = mailing_tests.people
staff = review7.staff
_today_and_files = mailing_tests._today_and_files  # 10 Feb 2025 in Wuhan, files under tmp_path


# --- 1. a refusal on the post-room page is the bilingual 403, not a 500 ---------------------


@pytest.mark.parametrize("who", ["monitor_ja", "clerk_card", "clerk_med", "monitor"])
def test_the_returns_page_refuses_with_the_bilingual_403(client, staff, who):
    sign_in(client, staff[who])
    page = client.get("/statements/mailing/returns/")
    assert page.status_code == 403
    text = page.content.decode()
    assert "只有经办人员可以寄送权益记录单" in text and "Only agency staff send rights statements" in text


def test_the_returns_page_still_opens_for_a_window_clerk(client, staff):
    sign_in(client, staff["clerk_cc"])
    assert client.get("/statements/mailing/returns/").status_code == 200


# --- 3. the card centre has no window print --------------------------------------------------


def test_the_window_page_refuses_the_card_centre_and_writes_nothing(client, staff, people):
    sign_in(client, staff["clerk_card"])
    page = client.get("/statements/window/")
    assert page.status_code == 403
    text = page.content.decode()
    assert "社区服务中心的窗口经办员" in text and "community centre prints rights statements" in text
    posted = client.post("/statements/window/", {"id_number": people[0].id_number, "year": str(YEAR)})
    assert posted.status_code == 403
    assert not Statement.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="statement.").exists()


# --- 4. 通办: any window of the city prints the statement of the ID shown ------------------------


def test_a_clerk_of_another_district_prints_it_and_the_audit_names_both_districts(
    client, history, other_district_clerk, other_office, district
):
    sign_in(client, other_district_clerk)
    page = client.post("/statements/window/", {"id_number": history.id_number, "year": str(HISTORY_YEAR)})
    assert page.status_code == 200
    html = page.content.decode()
    statement = Statement.objects.get(person=history, year=HISTORY_YEAR)
    assert statement.ref in html and 'id="st-closing">15932.74<' in html
    # the correction is the person's district's: not offered here, and said where
    assert 'id="window-correct"' not in html and 'id="window-other-district"' in html
    printed = client.get(f"/statements/s/{statement.ref}.pdf?print=1")
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="statement.print")
    assert (event.actor_id, event.office, event.subject_person) == (
        other_district_clerk.pk,
        other_office.code,
        history.id_number,
    )
    assert (event.after["person_district"], event.after["clerk_office"], event.after["clerk_district"]) == (
        district.code,
        other_office.code,
        "420106",
    )
    view = AuditEvent.objects.get(action="statement.view", actor=other_district_clerk)
    assert view.office == other_office.code and view.after["person_district"] == district.code
    assert statement.issued_by_id == other_district_clerk.pk


def test_the_print_of_another_district_does_not_open_its_other_reads(
    client, history, other_district_clerk, clerk, district
):
    # before and after the window print: the record, the statement by ref, its download and its
    # correction stay the person's district's
    sign_in(client, other_district_clerk)
    client.post("/statements/window/", {"id_number": history.id_number, "year": str(HISTORY_YEAR)})
    statement = Statement.objects.get(person=history, year=HISTORY_YEAR)
    with pytest.raises(NotFound):
        record_for(actor=other_district_clerk, person=history, year=HISTORY_YEAR)
    with pytest.raises(NotFound):
        statement_by_ref(actor=other_district_clerk, ref=statement.ref)
    assert client.get(f"/statements/s/{statement.ref}.pdf").status_code == 404
    assert client.get(f"/statements/s/{statement.ref}/correction/").status_code == 404
    assert client.get(f"/persons/{history.pk}/").status_code == 404


def test_a_ref_not_looked_up_at_the_window_is_not_printed_in_another_district(
    client, history, other_district_clerk, clerk
):
    # the person's own district issued it; the other district's clerk never looked it up
    sign_in(client, clerk)
    client.post("/statements/window/", {"id_number": history.id_number, "year": str(HISTORY_YEAR)})
    statement = Statement.objects.get(person=history, year=HISTORY_YEAR)
    sign_in(client, other_district_clerk)
    assert client.get(f"/statements/s/{statement.ref}.pdf?print=1").status_code == 404
    assert not AuditEvent.objects.filter(action="statement.print", actor=other_district_clerk).exists()


@pytest.mark.parametrize("who", ["bank_agent", "clerk_card", "clerk_med", "reviewer_med", "hotline"])
def test_a_bank_agent_or_a_card_clerk_still_cannot_print(client, staff, history, who):
    sign_in(client, staff[who])
    page = client.post("/statements/window/", {"id_number": history.id_number, "year": str(HISTORY_YEAR)})
    assert page.status_code == 403
    assert not Statement.objects.exists()


def test_a_wrong_or_unknown_id_number_says_so(client, other_district_clerk, today):
    sign_in(client, other_district_clerk)
    unknown = client.post("/statements/window/", {"id_number": new_id_number("420102"), "year": "2024"})
    assert unknown.status_code == 404
    text = unknown.content.decode()
    assert "本市未登记该证件号码的参保人，请核对证件号码" in text and "check the number" in text
    malformed = client.post("/statements/window/", {"id_number": "42010219900101001", "year": "2024"})
    assert malformed.status_code == 422
    assert 'id="window-error"' in malformed.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="statement.").exists()


# --- 2 and 5. the forms: a label above its field, every field styled --------------------------


def test_the_window_form_holds_each_label_with_its_field(client, clerk):
    sign_in(client, clerk)
    html = client.get("/statements/window/").content.decode()
    for label, field in (("w-id", "id_number"), ("w-year", "year"), ("w-agent-id", "agent_id_number")):
        start = html.index(f'<label for="{label}">')
        cell = html[html.rindex('<div class="field">', 0, start) : html.index("</div>", start)]
        assert f'name="{field}"' in cell
    assert '<div class="form-actions"><button type="submit" class="primary">' in html


def test_the_correction_base_is_a_decimal_text_field(client, history, citizen):
    sign_in(client, citizen)
    client.get(f"/statements/my/{HISTORY_YEAR}/")
    statement = Statement.objects.get(person=history, year=HISTORY_YEAR)
    html = client.get(f"/statements/s/{statement.ref}/correction/").content.decode()
    assert 'id="c-base" name="correct_base" type="text" inputmode="decimal"' in html


# --- 7. the run's paper letters: to post + need an address ------------------------------------


def test_the_run_page_counts_add_up_to_the_paper_letters(client, staff, people, district):
    make_person(district=district, name="无地址", address="", postcode="")
    run = mailing_run_start(actor=staff["admin"], year=YEAR, district_code="420102")
    job_run(job_id=run.job_id)
    mailing_manifest_write(run=run)
    paper = MailingItem.objects.filter(run=run, delivery=MailingItem.Delivery.PAPER).count()
    sign_in(client, staff["admin"])
    html = client.get(f"/statements/mailing/{run.pk}/").content.decode()
    assert f'id="mailing-to-post">{paper - 1}<' in html
    assert f"寄出 / to post {paper - 1} · 待补地址 / need an address 1" in html


# --- 8. the returned letter's number: where it is printed, any case ---------------------------


def test_the_returns_page_says_where_the_number_is_and_takes_it_in_lower_case(client, staff, people):
    run = mailing_run_start(actor=staff["admin"], year=YEAR, district_code="420102")
    job_run(job_id=run.job_id)
    item = MailingItem.objects.filter(run=run, person=people[0]).get()
    sign_in(client, staff["clerk"])
    html = client.get("/statements/mailing/returns/").content.decode()
    # "QR" as a word (a CSRF token or a letter's number may hold the two letters, 1 page in ~60)
    assert "左上角" in html and "top left" in html and not re.search(r"\bQR\b", html) and "二维码" not in html
    page = client.post("/statements/mailing/returns/", {"ref": f" {item.document_ref.lower()} ", "reason": "moved"})
    assert page.status_code == 200 and 'id="returns-done"' in page.content.decode()
    assert ReturnedMail.objects.get().item == item
    # the same letter again in upper case is the same letter: refused as recorded
    again = client.post("/statements/mailing/returns/", {"ref": item.document_ref, "reason": "moved"})
    assert again.status_code == 422 and "already recorded" in again.content.decode()


# --- 9. the start form: the districts one may start a run for, a wrong one on the form ---------


def test_the_start_form_offers_the_actors_districts(client, staff, district, other_district):
    sign_in(client, staff["supervisor"])
    html = client.get("/statements/mailing/").content.decode()
    form = html[html.index('id="m-district"') : html.index("</select>", html.index('id="m-district"'))]
    assert 'value="420102"' in form and 'value="420106"' not in form and "全市" not in form
    sign_in(client, staff["admin"])
    html = client.get("/statements/mailing/").content.decode()
    form = html[html.index('id="m-district"') : html.index("</select>", html.index('id="m-district"'))]
    assert 'value="420102"' in form and 'value="420106"' in form and '<option value="">全市' in form


@pytest.mark.parametrize("chosen", ["420106", "", "999999"])
def test_a_wrong_or_empty_district_is_the_forms_error(client, staff, district, other_district, chosen):
    sign_in(client, staff["supervisor"])
    page = client.post("/statements/mailing/", {"year": str(YEAR), "district": chosen, "variant": "annual"})
    assert page.status_code == 422
    html = page.content.decode()
    assert 'id="mailing-error"' in html and 'id="mailing-start"' in html and 'aria-invalid="true"' in html
    assert not MailingRun.objects.exists()


def test_the_supervisor_starts_their_districts_run_from_the_select(client, staff, district, people):
    sign_in(client, staff["supervisor"])
    page = client.post("/statements/mailing/", {"year": str(YEAR), "district": "420102", "variant": "annual"})
    assert page.status_code == 302
    assert MailingRun.objects.get().district == district
