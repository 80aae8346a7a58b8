"""The medical personal account on the annual rights statement (issue 14, YB-005): the record's
block for 2023 computed by hand from the Wuhan rule rows (medical migration 0006) — a worker
across the 2023 rule change with reimbursements paid from the account, a retiree's fixed credit
—, the same figures as /api/v1/medical/account at the year's end, the PDF and the page printing
them, and a statement stored before the block still rendering and verifying."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from pypdf import PdfReader

from shebao.contributions.models import ContributionMonth
from shebao.core.documents import document_sign
from shebao.medical.models import Reimbursement
from shebao.registry.models import InsuredStatus, Person
from shebao.statements.models import Statement
from shebao.statements.record import AccountBlock, record_content
from shebao.statements.selectors import (
    NOTE_MATERNITY,
    NOTE_MEDICAL,
    NOTE_MEDICAL_ACCOUNT,
    STATEMENT_KIND,
    record_for,
    statement_signature_valid,
    statement_verify,
)
from shebao.statements.services import _new_ref, statement_issue, statement_pdf
from tests.statements.conftest import SHANGHAI
from tests.web.support import make_person

pytestmark = pytest.mark.django_db
D = Decimal
YEAR = 2023  # the outpatient mutual-aid reform's year in Wuhan (the rule rows change on 1 Jan 2023)


def medical_month(person, year, month, *, base, personal, unit=None, status="paid"):
    return ContributionMonth.objects.create(
        person=person,
        unit=unit,
        period=dt.date(year, month, 1),
        base=D(base),
        status=status,
        medical_personal=D(personal),
        medical_employer=D(base) * D("0.08"),
        pension_personal=D(base) * D("0.08"),
        account_credit=D(base) * D("0.08"),
    )


def decided(person, number, *, day, paid):
    """A decided reimbursement of which the account paid ``paid`` (fixed at its decision)."""
    return Reimbursement.objects.create(
        case_number=number,
        id_number=person.id_number,
        name=person.name,
        hospital_name="华中科技大学同济医学院附属协和医院",
        hospital_level="三级甲等",
        admitted_on=day - dt.timedelta(days=5),
        discharged_on=day - dt.timedelta(days=1),
        claimed=D("5000.00"),
        in_policy_cost=D("4000.00"),
        person_type="working",
        amount=D("2000.00"),
        account_paid=D(paid),
        status=Reimbursement.Status.DECIDED,
        decided_at=dt.datetime.combine(day, dt.time(15, 0), tzinfo=SHANGHAI),
        bank_card="6222020200112233445",
    )


def medical_history(person, unit):
    """``person`` working at ``unit``:

    2022-11, 2022-12  base 6000, personal 120: before the reform 120 × 100% + 6000 × 0.8% = 168.00 each
    2023-01 … 06      base 6000, personal 120: after it 120 × 100% = 120.00 each        (720.00)
    2023-07 … 12      base 8000, personal 160: 160.00 each                               (960.00)
    2024-01           base 8000, personal 160: after the statement's year, not on it
    paid from the account: 100.00 decided 2022-12-20, 300.00 decided 2023-09-15, 50.00 2024-03-01
    """
    for month in (11, 12):
        medical_month(person, 2022, month, base="6000", personal="120.00", unit=unit)
    for month in range(1, 7):
        medical_month(person, YEAR, month, base="6000", personal="120.00", unit=unit)
    for month in range(7, 13):
        medical_month(person, YEAR, month, base="8000", personal="160.00", unit=unit)
    medical_month(person, 2024, 1, base="8000", personal="160.00", unit=unit)
    decided(person, f"YB2022-{person.pk}", day=dt.date(2022, 12, 20), paid="100.00")
    decided(person, f"YB2023-{person.pk}", day=dt.date(2023, 9, 15), paid="300.00")
    decided(person, f"YB2024-{person.pk}", day=dt.date(2024, 3, 1), paid="50.00")
    return person


@pytest.fixture
def worker(today, citizen, district, unit_a):
    """张三 (the citizen's own record), with :func:`medical_history` at 甲."""
    return medical_history(make_person(district=district, account=citizen, name="张三"), unit_a)


@pytest.fixture
def retiree(today, district):
    """老王, retired: the pension insurance ended 20 Nov 2022 in the registry, no ledger month.
    Credited 100.00 for 2022-11 and 2022-12 (the retired row before the reform), 70.00 for each
    month of 2023 (after it)."""
    person = make_person(district=district, name="老王", category=Person.Category.RETIREE)
    InsuredStatus.objects.create(person=person, insurance="pension", status="terminated", since=dt.date(2022, 11, 20))
    return person


# opening 168 + 168 − 100 = 236.00; credited 720 + 960 = 1680.00; paid out 300.00;
# closing 236 + 1680 − 300 = 1616.00; months credited by the year's end 2 + 12 = 14
WORKER_2023 = AccountBlock(
    opening_balance=D("236.00"),
    principal=D("1680.00"),
    interest=D("0.00"),
    rate=None,
    months=14,
    paid_out=D("300.00"),
    closing_balance=D("1616.00"),
)
# opening 2 × 100 = 200.00; credited 12 × 70 = 840.00; closing 1040.00; 14 months
RETIREE_2023 = AccountBlock(
    opening_balance=D("200.00"),
    principal=D("840.00"),
    interest=D("0.00"),
    rate=None,
    months=14,
    paid_out=D("0.00"),
    closing_balance=D("1040.00"),
)


def test_the_record_lists_the_medical_account_year_by_hand(worker, retiree, clerk):
    record = record_for(actor=clerk, person=worker, year=YEAR)
    assert record.medical_account == WORKER_2023
    assert NOTE_MEDICAL_ACCOUNT in record.notes and NOTE_MATERNITY in record.notes
    assert NOTE_MEDICAL not in record.notes  # the "not listed" note is for stored statements only
    assert record_for(actor=clerk, person=retiree, year=YEAR).medical_account == RETIREE_2023
    # the year before: the opening above is that year's closing
    earlier = record_for(actor=clerk, person=worker, year=2022).medical_account
    assert earlier is not None
    assert (earlier.opening_balance, earlier.principal, earlier.paid_out) == (D("0.00"), D("336.00"), D("100.00"))
    assert (earlier.closing_balance, earlier.months) == (WORKER_2023.opening_balance, 2)


def test_the_record_equals_the_medical_api_at_the_years_end(client, worker, citizen):
    # given the person's own account as the API shows it on the last day of the year
    with time_machine.travel(dt.datetime(YEAR, 12, 31, 18, 0, tzinfo=SHANGHAI), tick=False):
        client.force_login(citizen)
        body = client.get("/api/v1/medical/account").json()
    # then the statement of the year (read on 10 Feb 2025) closes at that balance
    record = record_for(actor=citizen, person=worker, year=YEAR)
    assert record.medical_account is not None
    assert body["balance"] == str(record.medical_account.closing_balance) == "1616.00"
    credits_in_year = sum(D(e["amount"]) for e in body["entries"] if e["kind"] == "credit" and e["day"] >= "2023")
    assert credits_in_year == record.medical_account.principal


def test_a_person_with_no_medical_insurance_has_no_block(today, district, clerk):
    person = make_person(district=district, name="只养老")
    ContributionMonth.objects.create(
        person=person, period=dt.date(YEAR, 3, 1), base=D("5000"), status="paid", pension_personal=D("400")
    )
    record = record_for(actor=clerk, person=person, year=YEAR)
    assert record.medical_account is None
    assert NOTE_MEDICAL_ACCOUNT not in record.notes and NOTE_MATERNITY in record.notes


def test_a_month_with_no_rule_row_is_named_in_a_note(today, district, clerk):
    # 2000-12 is before the first Wuhan row (2001-01-01): not credited, and the record says so
    person = make_person(district=district, name="早年")
    medical_month(person, 2000, 12, base="3000", personal="60.00")
    record = record_for(actor=clerk, person=person, year=2000)
    assert record.medical_account is not None and record.medical_account.closing_balance == D("0.00")
    assert any("2000-12" in note and "无划入规则" in note for note in record.notes)


def _text(pdf: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_and_the_page_print_the_medical_block(client, worker, citizen):
    statement = statement_issue(actor=citizen, person=worker, year=YEAR, channel="online")
    text = _text(statement_pdf(actor=citizen, statement=statement, channel="online"))
    for figure in ("236.00", "1680.00", "300.00", "1616.00", "不计息"):
        assert figure in text, figure
    assert "本单不列示" not in text
    assert text.count("生育保险已并入职工医疗保险") == 1
    client.force_login(citizen)
    page = client.get(f"/statements/my/{YEAR}/").content.decode()
    assert 'id="st-medical-closing">1616.00' in page and 'id="st-medical-months">14' in page
    body = client.get(f"/api/v1/my/statements/{YEAR}").json()
    assert body["record"]["medical_account"] == {
        "opening_balance": "236.00",
        "principal": "1680.00",
        "interest": "0.00",
        "rate": None,
        "months": 14,
        "paid_out": "300.00",
        "closing_balance": "1616.00",
    }


def test_a_person_with_no_medical_insurance_gets_a_short_none_line(today, district, citizen):
    person = make_person(district=district, account=citizen, name="只养老")
    ContributionMonth.objects.create(
        person=person, period=dt.date(YEAR, 3, 1), base=D("5000"), status="paid", pension_personal=D("400")
    )
    statement = statement_issue(actor=citizen, person=person, year=YEAR, channel="online")
    text = _text(statement_pdf(actor=citizen, statement=statement, channel="online"))
    assert "本单不列示" not in text and "不计息" not in text
    assert "职工基本医疗保险个人账户" in text  # the block's title and labels stay, with 无 under them


def test_a_statement_stored_before_the_block_still_renders_and_verifies(client, worker, citizen):
    # given a statement issued before the platform kept the medical account: no block, the old note
    record = record_for(actor=citizen, person=worker, year=YEAR)
    old_notes = (*(n for n in record.notes if n not in (NOTE_MEDICAL_ACCOUNT, NOTE_MATERNITY)), NOTE_MEDICAL)
    content = record_content(dataclasses.replace(record, medical_account=None, notes=old_notes))
    ref = _new_ref(YEAR)
    signed = document_sign(kind=STATEMENT_KIND, ref=ref, content=content)
    old = Statement.objects.create(
        person=worker,
        year=YEAR,
        version=1,
        ref=ref,
        code=signed.code,
        signature=signed.signature,
        content=content,
        channel="online",
        issued_at=dt.datetime(2024, 1, 20, 9, 0, tzinfo=SHANGHAI),
    )
    # then it verifies and prints as it was: the bureau keeps the account, each note once
    assert statement_signature_valid(statement=old)
    assert statement_verify(ref=ref, code=old.code).genuine
    text = _text(statement_pdf(actor=citizen, statement=old, channel="online"))
    assert "医保个人账户由医疗保障部门记载，本单不列示" in text
    assert text.count("生育保险已并入职工医疗保险") == 1 and "1616.00" not in text
    # and the public verification page shows it
    page = client.get(f"/verify/statement/{ref}/{old.code}")
    assert page.status_code == 200 and "st-medical-none" in page.content.decode()
    # when the person asks for the year's statement now, the figures changed: version 2 lists the block
    new = statement_issue(actor=citizen, person=worker, year=YEAR, channel="online")
    old.refresh_from_db()
    assert new.version == 2 and old.superseded_by_id == new.pk
    assert new.content["medical_account"]["closing_balance"] == "1616.00"
    assert statement_verify(ref=ref, code=old.code).genuine  # superseded, still genuine
