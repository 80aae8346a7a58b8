"""The annual mailing run: one statement per person even after a crash halfway, the manifest in
postal order, electronic delivery instead of paper, returned mail onto the re-send list."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pypdf
import pytest
import time_machine
from openpyxl import load_workbook

from shebao.core.errors import InvalidInput, NotAllowed, NotFound
from shebao.core.jobs import chunk_execute, job_chunk_list, job_run
from shebao.core.models import AuditEvent, Job, Notification, Role
from shebao.statements.mailing import services as mailing
from shebao.statements.mailing.models import DeliveryPreference, MailingBatch, MailingItem, MailingRun, ReturnedMail
from shebao.statements.mailing.services import (
    delivery_preference_set,
    mailing_manifest_write,
    mailing_resend_start,
    mailing_run_start,
    resend_list,
    returned_mail_import,
    returned_mail_record,
    scan_rows,
)
from shebao.statements.models import Statement
from tests.web.support import make_person

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
YEAR = 2024

# (name, postcode, route): created in this order, so ids do not follow the postal order
PEOPLE = (
    ("赵一", "430060", "060-02"),
    ("钱二", "430014", "014-07"),
    ("孙三", "430060", "060-01"),
    ("李四", "430010", "010-03"),
    ("周五", "430014", "014-02"),
    ("吴六", "430010", "010-01"),
)


@pytest.fixture(autouse=True)
def _today_and_files(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with time_machine.travel(dt.datetime(2025, 2, 10, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def city_clerk(city_office):
    """The one who starts the city's runs: the city administrator (issue 14's review: not a
    window clerk); the fixture keeps its old name, used across the mailing tests."""
    from tests.conftest import _staff

    return _staff("city_admin", Role.ADMIN, city_office, 3, full_name="市级管理员")


@pytest.fixture
def people(district):
    return [
        make_person(
            district=district,
            name=name,
            postcode=postcode,
            delivery_route=route,
            address=f"武汉市江岸区测试路{i + 1}号",
            phone=f"1380000000{i}",
        )
        for i, (name, postcode, route) in enumerate(PEOPLE)
    ]


def _run(run: MailingRun) -> Job:
    return job_run(job_id=run.job_id)


def test_a_run_issues_one_statement_per_person_and_a_manifest_in_postal_order(city_clerk, people):
    # given six people, two chunks of three ids
    run = mailing_run_start(actor=city_clerk, year=YEAR, chunk_size=3)
    assert run.job.total_chunks == 2
    # when the run goes through
    job = _run(run)
    manifest = mailing_manifest_write(run=run)
    # then everyone has exactly one item and one current statement
    assert job.status == Job.Status.DONE
    assert MailingItem.objects.filter(run=run).count() == 6
    assert Statement.objects.filter(person__in=people, year=YEAR, superseded_at__isnull=True).count() == 6
    # and the manifest is sorted by postcode, then route (the ids are not)
    with manifest.csv.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(mailing.MANIFEST_COLUMNS)
    assert [(r[1], r[2], r[3]) for r in rows[1:]] == [
        ("430010", "010-01", "吴六"),
        ("430010", "010-03", "李四"),
        ("430014", "014-02", "周五"),
        ("430014", "014-07", "钱二"),
        ("430060", "060-01", "孙三"),
        ("430060", "060-02", "赵一"),
    ]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5", "6"]
    # the Excel manifest holds the same rows
    sheet = load_workbook(manifest.xlsx, read_only=True).worksheets[0]
    excel = [tuple(str(v) for v in row) for row in sheet.iter_rows(values_only=True)]
    assert [row[3] for row in excel[1:]] == ["吴六", "李四", "周五", "钱二", "孙三", "赵一"]
    # each row points at the page of its batch that carries that person's statement
    for row in rows[1:]:
        reader = pypdf.PdfReader(str(manifest.csv.parent / row[6]))
        text = reader.pages[int(row[7]) - 1].extract_text()
        assert row[3] in text and row[5] in text
    # and the batches follow the post's order, one after the other (positions 1-3, then 4-6):
    # the printed stacks laid in batch order are the manifest's order, no merging by hand
    batches = list(MailingBatch.objects.filter(run=run).order_by("first_id"))
    assert [(b.first_id, b.last_id) for b in batches] == [(1, 3), (4, 6)]
    assert [(r[6], int(r[7])) for r in rows[1:]] == [(b.file, page) for b in batches for page in (1, 2, 3)]
    assert [i.name for i in MailingItem.objects.filter(batch=batches[0]).order_by("page")] == ["吴六", "李四", "周五"]


def test_a_run_killed_halfway_and_resumed_has_no_duplicate_and_no_gap(city_clerk, people, monkeypatch):
    # given a run of three chunks (two persons each)
    run = mailing_run_start(actor=city_clerk, year=YEAR, chunk_size=2)
    chunks = job_chunk_list(job_id=run.job_id)
    assert len(chunks) == 3
    # when the first chunk completes and the process dies inside the second (its statements
    # issued and its PDF batch written, before the chunk commits)
    assert chunk_execute(chunk_id=chunks[0].pk) is True
    real_write = mailing._write_atomically

    def write_then_die(path, data):
        real_write(path, data)
        raise SystemExit("killed")  # a kill, not an error the job could record

    monkeypatch.setattr("shebao.statements.mailing.services.runs._write_atomically", write_then_die)
    with pytest.raises(SystemExit):
        chunk_execute(chunk_id=chunks[1].pk)
    monkeypatch.setattr("shebao.statements.mailing.services.runs._write_atomically", real_write)
    # then nothing of the second chunk remains
    assert MailingItem.objects.filter(run=run).count() == 2
    assert Statement.objects.filter(person__in=people).count() == 2
    # when the run is resumed
    job = _run(run)
    # then every person is in the run once, with one statement each, and every chunk ran once
    assert job.status == Job.Status.DONE
    items = list(MailingItem.objects.filter(run=run).values_list("person_id", flat=True))
    assert sorted(items) == sorted(p.pk for p in people)
    assert Statement.objects.filter(person__in=people).count() == 6
    assert [c.status for c in job_chunk_list(job_id=run.job_id)] == ["done"] * 3
    assert MailingBatch.objects.filter(run=run).count() == 3
    # and a chunk run again does nothing
    assert chunk_execute(chunk_id=chunks[0].pk) is False


def test_electronic_preference_sends_one_notification_and_no_paper(city_clerk, people, citizen, district):
    # given one person who chose electronic statements (themself, online)
    chooser = make_person(
        district=district, name="郑七", account=citizen, postcode="430010", delivery_route="010-05", phone="13900000000"
    )
    delivery_preference_set(actor=citizen, person=chooser, mode="electronic", channel="online")
    # when the run goes through
    run = mailing_run_start(actor=city_clerk, year=YEAR)
    _run(run)
    manifest = mailing_manifest_write(run=run)
    # then they have one notification with the link and the code, and no paper
    item = MailingItem.objects.get(run=run, person=chooser)
    assert (item.delivery, item.batch_id, item.page) == ("electronic", None, None)
    messages = Notification.objects.filter(key__startswith=f"statement-mailing:{YEAR}:annual:")
    assert [(m.recipient, m.channel) for m in messages] == [("13900000000", "sms")]
    assert item.statement.code in messages[0].body and "/statements/my/" in messages[0].body
    assert "郑七" not in manifest.csv.read_text(encoding="utf-8-sig")
    assert manifest.rows == 6
    assert MailingBatch.objects.get(run=run).pages == 6
    # the choice is audited
    assert AuditEvent.objects.filter(action="mailing.preference", subject_person=chooser.id_number).count() == 1


def test_electronic_preference_without_phone_or_account_falls_back_to_paper(city_clerk, district):
    person = make_person(district=district, name="王八", postcode="430010", phone="")
    DeliveryPreference.objects.create(
        person=person, mode="electronic", changed_at=dt.datetime.now(dt.UTC), channel="hall"
    )
    run = mailing_run_start(actor=city_clerk, year=YEAR)
    _run(run)
    assert MailingItem.objects.get(run=run, person=person).delivery == "paper"


def test_returned_mail_goes_onto_the_resend_list_and_a_resend_run_mails_it_again(city_clerk, clerk, people):
    run = mailing_run_start(actor=city_clerk, year=YEAR)
    _run(run)
    li_si = MailingItem.objects.get(run=run, name="李四")
    zhou_wu = MailingItem.objects.get(run=run, name="周五")
    # when a clerk records one return and the post's scan file brings another
    returned_mail_record(actor=clerk, ref=li_si.statement.ref, reason="address_unknown")
    returned_mail_import(
        actor=city_clerk, rows=scan_rows(f"记录单编号,退信原因\n{zhou_wu.statement.ref},查无此人\n".encode())
    )
    # then both are on the re-send list, in postal order
    listed = resend_list(actor=city_clerk, year=YEAR)
    assert [(r.item.name, r.reason, r.source) for r in listed] == [
        ("李四", "address_unknown", "clerk"),
        ("周五", "no_such_person", "scan"),
    ]
    # when 李四's address is corrected (周五's is not) and the re-send run goes through
    li_si.person.address = "武汉市江岸区新地址8号"
    li_si.person.save(update_fields=["address"])
    resend = mailing_resend_start(actor=city_clerk, year=YEAR)
    _run(resend)
    # then 李四 is mailed again to the new address and leaves the list, with a new version of
    # the statement (the address is part of the record); 周五, whose address did not change,
    # is not posted to the address that bounced: he stays on the list, needing an address
    again = MailingItem.objects.filter(run=resend).order_by("postcode", "route")
    assert [(i.name, i.address) for i in again] == [("李四", "武汉市江岸区新地址8号")]
    assert (again[0].statement.version, again[0].statement.person_id) == (2, li_si.person_id)
    li_si.statement.refresh_from_db()
    assert li_si.statement.superseded_by_id == again[0].statement_id
    assert [r.item.name for r in resend_list(actor=city_clerk, year=YEAR)] == ["周五"]
    assert [r.item.name for r in mailing.resend_needs_address(actor=city_clerk, year=YEAR)] == ["周五"]
    assert dict(ReturnedMail.objects.values_list("item__name", "resent_in")) == {"李四": resend.pk, "周五": None}


def test_a_scan_file_with_one_bad_line_records_nothing(city_clerk, people):
    run = mailing_run_start(actor=city_clerk, year=YEAR)
    _run(run)
    good = MailingItem.objects.filter(run=run).first().statement.ref
    rows = scan_rows(f"{good},拒收\n2024-NOSUCHREF000,拒收\n{good},拒收\n".encode())
    with pytest.raises(InvalidInput) as refused:
        returned_mail_import(actor=city_clerk, rows=rows)
    assert "第2行" in refused.value.message_zh and "第3行" in refused.value.message_zh
    assert ReturnedMail.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "scope", "refusal"),
    [
        ("clerk", "all", NotAllowed),  # a district clerk cannot mail the whole city
        ("clerk", "other_district", NotAllowed),
        ("citizen", "all", NotAllowed),
        ("bank_agent", "district", NotAllowed),
        ("unit_operator", "district", NotAllowed),
    ],
)
def test_who_may_start_a_run(request, who, scope, refusal, people, other_district):
    actor = request.getfixturevalue(who)
    code = {"all": None, "district": "420102", "other_district": "420106"}[scope]
    with pytest.raises(refusal):
        mailing_run_start(actor=actor, year=YEAR, district_code=code)
    assert MailingRun.objects.count() == 0 and Job.objects.count() == 0


@pytest.fixture
def supervisor(office):
    from tests.conftest import _staff

    return _staff("supervisor", Role.SUPERVISOR, office, 2, full_name="江岸督导")


def test_a_district_supervisor_mails_their_own_district(supervisor, people, other_district):
    outsider = make_person(district=other_district, name="武昌人", postcode="430060")
    run = mailing_run_start(actor=supervisor, year=YEAR, district_code="420102")
    _run(run)
    persons = set(MailingItem.objects.filter(run=run).values_list("person_id", flat=True))
    assert persons == {p.pk for p in people} and outsider.pk not in persons


def test_a_list_run_takes_only_the_listed_and_refuses_unknown_numbers(city_clerk, people):
    with pytest.raises(InvalidInput, match="420102"):
        mailing_run_start(actor=city_clerk, year=YEAR, id_numbers=[people[0].id_number, "420102199001011234"])
    assert MailingRun.objects.count() == 0
    run = mailing_run_start(actor=city_clerk, year=YEAR, id_numbers=[people[4].id_number, people[1].id_number])
    _run(run)
    assert sorted(MailingItem.objects.filter(run=run).values_list("name", flat=True)) == sorted(["周五", "钱二"])


def test_another_person_cannot_set_my_delivery_preference(other_citizen, citizen, district):
    mine = make_person(district=district, name="本人", account=citizen)
    with pytest.raises(NotFound):
        delivery_preference_set(actor=other_citizen, person=mine, mode="electronic", channel="online")
    assert DeliveryPreference.objects.count() == 0


def test_the_command_starts_runs_and_writes_the_manifest(city_clerk, people, tmp_path):
    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "mailing", "start", "--year", str(YEAR), "--as", "city_admin", "--chunk-size", "4", "--run", stdout=out
    )
    run = MailingRun.objects.get()
    assert "mailing #" in out.getvalue() and "6 rows" in out.getvalue()
    assert (tmp_path / "statements" / str(YEAR) / str(run.pk) / f"manifest-{YEAR}-{run.pk}.xlsx").exists()
    # batches named by their positions in the run's postal order, four letters a chunk
    assert sorted(p.name for p in (tmp_path / "statements" / str(YEAR) / str(run.pk)).glob("batch-*.pdf")) == [
        f"batch-{1:010d}-{4:010d}.pdf",
        f"batch-{5:010d}-{6:010d}.pdf",
    ]
    # the post's scan file through the command
    scan = tmp_path / "returns.csv"
    ref = MailingItem.objects.filter(run=run).first().statement.ref
    scan.write_text(f"ref,reason\n{ref},refused\n", encoding="utf-8")
    call_command("mailing", "returns", str(scan), "--as", "city_admin", stdout=out)
    assert ReturnedMail.objects.get().reason == "refused"
