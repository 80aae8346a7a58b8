"""Issue 14's review of the mailing as its users meet it (demo data, Playwright): who may print
and mail statements, the same district mailed twice, the re-send to the address that bounced,
the delivery and returned-mail pages, the Excel manifest."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from shebao.core.jobs import job_run
from shebao.core.models import Notification, Office, Role
from shebao.statements.mailing.models import DeliveryPreference, MailingItem, MailingRun, ReturnedMail
from shebao.statements.mailing.selectors import run_manifest_get, runs_visible
from shebao.statements.mailing.services import (
    mailing_manifest_write,
    mailing_resend_start,
    mailing_run_start,
    resend_list,
    returned_mail_import,
    returned_mail_record,
    scan_rows,
)
from shebao.statements.selectors import record_for
from tests.conftest import _staff
from tests.statements import test_mailing as mailing_tests
from tests.web.support import make_person, sign_in

pytestmark = pytest.mark.django_db
YEAR = mailing_tests.YEAR
_today_and_files = mailing_tests._today_and_files
people = mailing_tests.people


def _office(code: str, kind: str, area) -> Office:
    return Office.objects.get_or_create(code=code, defaults={"name": code, "kind": kind, "area": area})[0]


@pytest.fixture
def staff(city, district, office, other_office, city_office, bank_outlet):
    """The demo's staff, one of each kind that met the mailing (devtools/seed/staff.py)."""
    community = _office("CC-420102001", Office.Kind.COMMUNITY_CENTRE, district)
    card = _office("CARD", Office.Kind.CARD_CENTRE, city)
    medical = _office("MED", Office.Kind.MEDICAL_CENTRE, city)
    return {
        "clerk": _staff("clerk", Role.CLERK, office, 1),
        "clerk_cc": _staff("clerk_cc", Role.CLERK, community, 1),
        "clerk_wc": _staff("clerk_wc", Role.CLERK, other_office, 1),
        "clerk_city": _staff("clerk_city", Role.CLERK, city_office, 1),
        "clerk_card": _staff("clerk_card", Role.CLERK, card, 1),
        "clerk_med": _staff("clerk_med", Role.CLERK, medical, 1),
        "reviewer_med": _staff("reviewer_med", Role.REVIEWER, medical, 2),
        "bank_agent": _staff("bank_agent", Role.BANK_AGENT, bank_outlet, 1),
        "hotline": _staff("hotline", Role.HOTLINE, office, 1),
        "supervisor": _staff("supervisor", Role.SUPERVISOR, office, 2),
        "supervisor_wc": _staff("supervisor_wc", Role.SUPERVISOR, other_office, 2),
        "admin": _staff("admin", Role.ADMIN, city_office, 3),
        "monitor": _staff("monitor", Role.MONITOR_CITY, city_office, 3),
        "monitor_ja": _staff("monitor_ja", Role.MONITOR_DISTRICT, office, 3),
    }


def _may(action) -> bool:
    try:
        action()
    except (NotAllowed, NotFound, InvalidInput):  # InvalidInput: a returned letter's ref not theirs
        return False
    return True


# (who, reads and prints a 江岸区 person's record, starts a city run, starts a 江岸区 run,
#  follows the 江岸区 run, takes its manifest, records returned mail)
MATRIX = [
    ("clerk", True, False, False, False, False, True),
    ("clerk_cc", True, False, False, False, False, True),  # community centre of 江岸区
    ("clerk_city", True, False, False, False, False, True),  # the city centre's window
    ("clerk_wc", False, False, False, False, False, False),  # another district's window (returns: not their person)
    ("clerk_card", False, False, False, False, False, False),  # the card centre
    ("clerk_med", False, False, False, False, False, False),  # the medical-insurance centre
    ("reviewer_med", False, False, False, False, False, False),
    ("bank_agent", False, False, False, False, False, False),
    ("hotline", False, False, False, False, False, False),
    ("supervisor", False, False, True, True, True, True),  # 江岸区 office's supervisor: own district
    ("supervisor_wc", False, False, False, False, False, False),  # 武昌区's: not 江岸区
    ("admin", False, True, True, True, True, True),  # the city administrator
    ("monitor", False, False, False, True, False, False),  # watches, read-only
    ("monitor_ja", False, False, False, True, False, False),
]


@pytest.mark.parametrize(("who", "reads", "city_run", "district_run", "follows", "manifest", "returns"), MATRIX)
def test_who_may_print_start_follow_and_record_returns(
    staff, people, who, reads, city_run, district_run, follows, manifest, returns
):
    actor = staff[who]
    person = people[0]
    assert _may(lambda: record_for(actor=actor, person=person, year=YEAR)) is reads
    # a run started by the administrator, for the follow and manifest columns
    existing = mailing_run_start(actor=staff["admin"], year=YEAR - 1, district_code="420102")
    job_run(job_id=existing.job_id)
    mailing_manifest_write(run=existing)
    assert (existing in runs_visible(actor=actor)) is follows
    assert _may(lambda: run_manifest_get(actor=actor, run_id=existing.pk)) is manifest
    ref = MailingItem.objects.filter(run=existing, person=person).get().document_ref
    assert _may(lambda: returned_mail_record(actor=actor, ref=ref, reason="moved")) is returns
    # the runs of YEAR: refused ones write nothing; a city run after a district run is refused
    # as an overlap, so the district run is tried first in a separate year
    assert _may(lambda: mailing_run_start(actor=actor, year=YEAR, district_code="420102")) is district_run
    MailingRun.objects.filter(year=YEAR).delete()
    assert _may(lambda: mailing_run_start(actor=actor, year=YEAR)) is city_run
    assert MailingRun.objects.filter(year=YEAR).count() == int(city_run)


def test_the_window_print_is_refused_to_the_card_centre(staff, people):
    from shebao.statements.services import statement_window_print

    # the card centre: refused before any look-up (issue 14's second review); the community
    # centre finds them (and only then learns the person had no insured month in the year)
    with pytest.raises(NotAllowed) as card:
        statement_window_print(actor=staff["clerk_card"], id_number=people[0].id_number, year=YEAR)
    assert "社区服务中心的窗口经办员" in card.value.message_zh
    with pytest.raises(NotFound) as community:
        statement_window_print(actor=staff["clerk_cc"], id_number=people[0].id_number, year=YEAR)
    assert "没有社会保险记录" in community.value.message_zh


def test_the_command_refuses_a_card_clerk_and_runs_for_the_administrator(staff, people):
    with pytest.raises(CommandError, match="city administrator"):
        call_command("mailing", "start", "--year", str(YEAR), "--as", "clerk_card")
    call_command("mailing", "start", "--year", str(YEAR), "--as", "admin")
    assert MailingRun.objects.get().created_by == staff["admin"]


# --- the same district and year mailed twice -----------------------------------------------


def test_a_district_and_year_are_mailed_once(staff, people, district):
    admin, supervisor = staff["admin"], staff["supervisor"]
    first = mailing_run_start(actor=supervisor, year=YEAR, district_code="420102")
    job_run(job_id=first.job_id)
    # the same district again, the whole city, a list of one of its persons: refused, nothing written
    for attempt in (
        lambda: mailing_run_start(actor=supervisor, year=YEAR, district_code="420102"),
        lambda: mailing_run_start(actor=admin, year=YEAR),
        lambda: mailing_run_start(actor=admin, year=YEAR, id_numbers=[people[0].id_number]),
    ):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.status == 409
        assert f"#{first.pk}" in refused.value.message_zh and f"Run #{first.pk}" in refused.value.message_en
    assert MailingRun.objects.count() == 1
    # another year, and the other kind (the pension notice), are not the same mailing
    mailing_run_start(actor=supervisor, year=YEAR - 1, district_code="420102")
    mailing_run_start(actor=supervisor, year=YEAR, district_code="420102", variant="pension_notice")
    # an explicit reprint of a list is allowed
    reprint = mailing_run_start(actor=admin, year=YEAR, id_numbers=[people[0].id_number], reprint=True)
    assert reprint.scope == MailingRun.Scope.LIST


def test_a_list_refuses_only_persons_already_in_a_list(staff, people, other_district):
    admin = staff["admin"]
    mailing_run_start(actor=admin, year=YEAR, id_numbers=[people[0].id_number])
    elsewhere = make_person(district=other_district, name="武昌人", postcode="430060")
    mailing_run_start(actor=admin, year=YEAR, id_numbers=[people[1].id_number])  # no one in common
    mailing_run_start(actor=admin, year=YEAR, district_code="420106")  # 武昌区: no one listed there
    with pytest.raises(Conflict):
        mailing_run_start(actor=admin, year=YEAR, district_code="420102")
    with pytest.raises(Conflict):
        mailing_run_start(actor=admin, year=YEAR, id_numbers=[elsewhere.id_number])


def test_an_electronic_person_gets_one_message_a_year_even_when_reprinted(staff, people, citizen, district):
    chooser = make_person(district=district, name="郑七", account=citizen, postcode="430010", phone="13900000000")
    DeliveryPreference.objects.create(
        person=chooser, mode="electronic", changed_at="2025-01-01T00:00:00Z", channel="hall"
    )
    admin = staff["admin"]
    job_run(job_id=mailing_run_start(actor=admin, year=YEAR, district_code="420102").job_id)
    again = mailing_run_start(actor=admin, year=YEAR, id_numbers=[chooser.id_number], reprint=True)
    job_run(job_id=again.job_id)
    assert MailingItem.objects.filter(person=chooser).count() == 2
    assert Notification.objects.filter(recipient="13900000000").count() == 1


def test_a_corrected_version_reprinted_is_told_again_with_its_new_number(staff, people, citizen, district):
    import datetime as dt
    from decimal import Decimal

    from shebao.contributions.models import ContributionMonth
    from shebao.statements.models import Statement

    chooser = make_person(district=district, name="郑七", account=citizen, postcode="430010", phone="13900000000")
    DeliveryPreference.objects.create(
        person=chooser, mode="electronic", changed_at="2025-01-01T00:00:00Z", channel="hall"
    )
    admin = staff["admin"]
    job_run(job_id=mailing_run_start(actor=admin, year=YEAR, district_code="420102").job_id)
    # the record changes (a month put back), so the reprint issues version 2 with a new number and code
    ContributionMonth.objects.create(
        person=chooser,
        period=dt.date(YEAR, 11, 1),
        base=Decimal("5000.00"),
        pension_personal=Decimal("400.00"),
        account_credit=Decimal("400.00"),
        status=ContributionMonth.Status.PAID,
    )
    job_run(job_id=mailing_run_start(actor=admin, year=YEAR, id_numbers=[chooser.id_number], reprint=True).job_id)
    current = Statement.objects.get(person=chooser, year=YEAR, superseded_at__isnull=True)
    assert current.version == 2
    bodies = list(Notification.objects.filter(recipient="13900000000").order_by("id").values_list("body", flat=True))
    assert len(bodies) == 2 and current.ref in bodies[1] and current.ref not in bodies[0]


def test_the_command_refuses_a_second_run_of_the_district(staff, people):
    call_command("mailing", "start", "--year", str(YEAR), "--district", "420102", "--as", "supervisor")
    with pytest.raises(CommandError, match="one mailing a person and year"):
        call_command("mailing", "start", "--year", str(YEAR), "--district", "420102", "--as", "supervisor")
    assert MailingRun.objects.count() == 1


# --- the re-send goes to the current address ------------------------------------------------


def test_the_resend_takes_the_current_address_and_never_the_one_that_bounced(staff, people):
    admin, clerk = staff["admin"], staff["clerk"]
    run = mailing_run_start(actor=admin, year=YEAR)
    job_run(job_id=run.job_id)
    wang = MailingItem.objects.get(run=run, name="赵一")
    returned_mail_record(actor=clerk, ref=wang.document_ref, reason="address_unknown")
    # nothing changed: nothing is posted to the address that bounced
    with pytest.raises(InvalidInput) as refused:
        mailing_resend_start(actor=admin, year=YEAR)
    assert "地址" in refused.value.message_zh and "address" in refused.value.message_en
    assert MailingRun.objects.count() == 1
    # a window clerk does not start the re-send run either (a run)
    with pytest.raises(NotAllowed):
        mailing_resend_start(actor=clerk, year=YEAR)
    # once the registry has the new address (the postcode alone counts too) the run posts there
    wang.person.postcode, wang.person.address = "430015", "武汉市江岸区新华路1号"
    wang.person.save(update_fields=["postcode", "address"])
    resend = mailing_resend_start(actor=admin, year=YEAR)
    job_run(job_id=resend.job_id)
    item = MailingItem.objects.get(run=resend)
    assert (item.name, item.postcode, item.address) == ("赵一", "430015", "武汉市江岸区新华路1号")
    assert resend_list(actor=admin, year=YEAR) == []


# --- the pages --------------------------------------------------------------------------------


def test_the_delivery_page_after_an_invalid_choice_keeps_the_choices(client, citizen, district):
    make_person(district=district, name="本人", account=citizen, phone="13900000001")
    sign_in(client, citizen)
    response = client.post("/statements/my/delivery/", {"mode": "carrier-pigeon"})
    text = response.content.decode()
    assert response.status_code == 422 and "寄送方式应为纸质或电子" in text
    assert 'value="paper" checked' in text and 'value="electronic"' in text
    assert "delivery-no-phone" not in text


def test_the_returns_page_names_each_bad_line_once_by_its_line_in_the_file(client, staff, people):
    admin = staff["admin"]
    run = mailing_run_start(actor=admin, year=YEAR)
    job_run(job_id=run.job_id)
    good = MailingItem.objects.filter(run=run).first().document_ref
    sign_in(client, staff["clerk"])
    # a header, a good line, a blank line, two bad ones: lines 4 and 5 of the file
    scan = f"记录单编号,退信原因\n{good},拒收\n\nbadref,拒收\n{good},迁出\n".encode()
    response = client.post("/statements/mailing/returns/", {"file": SimpleUploadedFile("s.csv", scan)})
    text = response.content.decode()
    assert response.status_code == 422
    assert text.count("第4行") == 1 and text.count("line 4") == 1 and text.count("第5行") == 1
    assert "第2行" not in text and "第3行" not in text
    assert ReturnedMail.objects.count() == 0  # all or nothing: the post room fixes and imports again
    # one letter typed in: no "line 1"
    response = client.post("/statements/mailing/returns/", {"ref": "badref", "reason": "moved"})
    text = response.content.decode()
    assert response.status_code == 422 and "第1行" not in text and "line 1" not in text
    assert text.count("未找到编号为 badref") == 1
    # the scan file's rows remember their lines
    assert [row.line for row in scan_rows(scan)] == [2, 4, 5]
    # the whole file is the service's rule too
    with pytest.raises(InvalidInput):
        returned_mail_import(actor=admin, rows=scan_rows(scan))


def test_the_run_page_shows_a_done_status_a_needs_address_link_and_no_server_path(client, staff, people):
    from shebao.registry.models import Person

    Person.objects.filter(pk=people[0].pk).update(postcode="")
    admin = staff["admin"]
    run = mailing_run_start(actor=admin, year=YEAR)
    job_run(job_id=run.job_id)
    mailing_manifest_write(run=run)
    sign_in(client, admin)
    text = client.get(f"/statements/mailing/{run.pk}/").content.decode()
    assert 'id="mailing-status">已完成 / Done<' in text
    assert run.directory not in text and "输出目录" not in text
    link = f"/statements/mailing/{run.pk}/needs-address.csv"
    assert f'href="{link}"' in text
    response = client.get(link)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200 and "赵一" in body
    # a monitor follows the run but takes no list of names and addresses
    sign_in(client, staff["monitor"])
    assert client.get(f"/statements/mailing/{run.pk}/").status_code == 200
    assert client.get(link).status_code == 404


def test_the_excel_manifest_is_sized_frozen_filtered_and_keeps_the_postcode_as_text(staff, people):
    from shebao.registry.models import Person

    long_address = "武汉市江岸区花桥街道沿江大道228号19栋2单元1506室"
    Person.objects.filter(pk=people[0].pk).update(address=long_address)
    run = mailing_run_start(actor=staff["admin"], year=YEAR)
    job_run(job_id=run.job_id)
    manifest = mailing_manifest_write(run=run)
    sheet = load_workbook(manifest.xlsx).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H7"
    assert sheet.column_dimensions["E"].width >= 2 * len(long_address)  # the address is not cut
    assert sheet.column_dimensions["A"].width < sheet.column_dimensions["E"].width
    assert {sheet.cell(row=r, column=2).number_format for r in range(2, 8)} == {"@"}
    assert sheet.cell(row=2, column=2).value == "430010"


def test_a_manifest_longer_than_a_sheet_goes_on_to_the_next_and_an_address_stays_text(staff, people, monkeypatch):
    from shebao.registry.models import Person
    from shebao.statements.mailing.services import manifest as manifest_module

    # an address typed as a formula is printed as typed, never run by Excel
    Person.objects.filter(pk=people[0].pk).update(address='=HYPERLINK("http://x.example","点此")')
    monkeypatch.setattr(manifest_module, "XLSX_SHEET_ROWS", 4)
    run = mailing_run_start(actor=staff["admin"], year=YEAR)
    job_run(job_id=run.job_id)
    manifest = mailing_manifest_write(run=run)
    book = load_workbook(manifest.xlsx)
    assert book.sheetnames == ["邮寄清单1", "邮寄清单2"]
    first, second = book.worksheets
    assert (first.auto_filter.ref, second.auto_filter.ref) == ("A1:H5", "A1:H3")
    assert second.freeze_panes == "A2" and second.cell(row=1, column=1).value == "序号"
    numbers = [row[0] for sheet in book.worksheets for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == [1, 2, 3, 4, 5, 6]
    addresses = [
        cell for sheet in book.worksheets for row in sheet.iter_rows(min_row=2, min_col=5, max_col=5) for cell in row
    ]
    typed = [cell for cell in addresses if str(cell.value).startswith("=")]
    assert len(typed) == 1 and typed[0].data_type == "s"
    # and the CSV, which Excel opens too, carries it as text ('=…)
    with manifest.csv.open(encoding="utf-8-sig") as handle:
        assert [r[4] for r in csv.reader(handle) if "HYPERLINK" in r[4]] == ['\'=HYPERLINK("http://x.example","点此")']
    assert not list(Path(run.directory).glob(".*"))  # no scratch file or half-written file is left


@pytest.mark.parametrize(
    ("who", "prints", "mailing", "returns"),
    [
        ("clerk", True, False, True),
        ("clerk_card", False, False, False),
        ("clerk_med", False, False, False),
        ("admin", False, True, False),
        ("monitor", False, True, False),
        ("supervisor", False, True, False),
    ],
)
def test_the_menu_offers_each_role_its_mailing_pages(client, staff, who, prints, mailing, returns):
    sign_in(client, staff[who])
    text = client.get("/workdays/").content.decode()
    assert ('href="/statements/window/"' in text) is prints
    assert ('href="/statements/mailing/"' in text) is mailing
    assert ('href="/statements/mailing/returns/"' in text) is returns


def test_the_runs_page_offers_the_start_form_to_starters_only(client, staff):
    sign_in(client, staff["monitor"])
    page = client.get("/statements/mailing/")
    assert page.status_code == 200 and 'id="mailing-start"' not in page.content.decode()
    assert client.post("/statements/mailing/", {"year": str(YEAR)}).status_code == 403
    sign_in(client, staff["admin"])
    assert 'id="mailing-start"' in client.get("/statements/mailing/").content.decode()
    sign_in(client, staff["clerk_card"])
    assert client.get("/statements/mailing/").status_code == 403
    assert MailingRun.objects.count() == 0
