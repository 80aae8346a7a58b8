"""The record's figures against a hand-built year, agreeing to the fen with the account page,
the account API and the contributions history; and who may read it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from shebao.contributions.selectors import contribution_history
from shebao.core.errors import NotFound
from shebao.statements.record import MonthCell, record_content, record_from_content
from shebao.statements.selectors import employee_months_for, record_for
from tests.statements.conftest import YEAR
from tests.web.support import sign_in

D = Decimal
pytestmark = pytest.mark.django_db


def _grid(block):
    return [(c.month, c.base, c.flag) for c in block.months]


def test_the_record_of_a_year_with_a_transfer_job_change_interruption_backpay_and_arrears(history, citizen):
    # when the person reads their 2024 record on 10 Feb 2025
    record = record_for(actor=citizen, person=history, year=YEAR)
    # then the pension months are, by hand: ○ ○ ● ● – ● ● ● ● ● ● △
    pension = record.insurance("pension")
    assert _grid(pension) == [
        (1, D("5000.00"), "transferred_in"),
        (2, D("5000.00"), "transferred_in"),
        (3, D("6000.00"), "paid"),
        (4, D("6000.00"), "paid"),
        (5, None, "none"),
        (6, D("8000.00"), "paid"),  # the back-paid month
        *[(m, D("8000.00"), "paid") for m in range(7, 12)],
        (12, D("8000.00"), "arrears"),  # the bill was due on 15 Jan 2025
    ]
    assert (pension.enrolled_on, pension.status) == (dt.date(2024, 1, 1), "欠缴")
    assert (pension.months_paid, pension.months_in_arrears) == (10, 1)
    # medical: not in the transferred or back-paid months
    medical = record.insurance("medical")
    assert [c.flag for c in medical.months] == ["none"] * 2 + ["paid"] * 2 + ["none"] * 2 + ["paid"] * 5 + ["arrears"]
    assert medical.enrolled_on == dt.date(2024, 3, 1)
    assert medical.base_total == D("6000") * 2 + D("8000") * 6
    # the account, by hand:
    #   credits: Jan 400 + Feb 400 (transfers in) + Mar 480 + Apr 480 + Jul-Oct 4 × 640
    #            + Nov 640 + the back-paid June's 640 credited in November = 5600.00
    #   interest at 2.62%: 10000 × 0.0262 = 262.00; monthly products
    #     400×12 + 400×11 + 480×10 + 480×9 + 640×(6+5+4+3) + 1280×2 = 32400
    #     32400 × 0.0262 / 12 = 70.74; interest 332.74
    #   closing 10000 + 5600 + 332.74 = 15932.74; months credited: 10
    account = record.pension_account
    assert (account.opening_balance, account.principal, account.interest, account.rate) == (
        D("10000.00"),
        D("5600.00"),
        D("332.74"),
        D("0.02620"),
    )
    assert (account.months, account.paid_out, account.closing_balance) == (10, D("0.00"), D("15932.74"))
    # registration: the pension employer at the year's end, the masked number, the first job
    person = record.person
    assert (person.name, person.sex, person.employer, person.postcode) == ("张三", "男", "江岸乙公司", "430014")
    assert person.id_number_masked == history.id_number[:4] + "*" * 10 + history.id_number[-4:]
    # 参加工作时间: the earliest known, January's transfer-in before the first job (review 7)
    assert person.work_start == dt.date(2024, 1, 1)
    assert any("2 个缴费单位" in note for note in record.notes)
    assert record.as_of == dt.date(2025, 2, 10)
    # and the record survives its canonical content unchanged (what a statement stores)
    assert record_from_content(record_content(record)) == record


def test_the_record_agrees_to_the_fen_with_the_account_page_the_api_and_the_history(client, history, citizen):
    record = record_for(actor=citizen, person=history, year=YEAR)
    account = record.pension_account
    sign_in(client, citizen)
    # the API the app reads
    body = client.get(f"/api/v1/my/account?year={YEAR}").json()
    year_row = next(y for y in body["years"] if y["year"] == YEAR)
    assert D(body["opening_balance"]) == account.opening_balance
    assert D(body["closing_balance"]) == account.closing_balance
    assert D(year_row["interest"]) == account.interest
    assert D(year_row["credited"]) == account.principal - account.paid_out
    # the account page
    html = client.get(f"/my/account/?year={YEAR}").content.decode()
    shown = dict(re.findall(r'id="(opening|credited|interest|closing)">([\d.]+)<', html))
    assert {k: D(v) for k, v in shown.items()} == {
        "opening": account.opening_balance,
        "credited": account.principal - account.paid_out,
        "interest": account.interest,
        "closing": account.closing_balance,
    }
    # the months page's history: the same bases and the same paid / arrears months
    (year_of_months,) = [
        y for y in contribution_history(actor=citizen, person=history, as_of=dt.date(2025, 2, 10)) if y.year == YEAR
    ]
    by_month = {m.row.period.month: (m.row.base, m.shown_status) for m in year_of_months.months}
    for cell in record.insurance("pension").months:
        if cell.flag == "none":
            assert cell.month not in by_month
        else:
            assert by_month[cell.month] == (cell.base, cell.flag)
    assert year_of_months.paid_count == record.insurance("pension").months_paid


def test_who_may_read_the_record(
    history, citizen, other_citizen, clerk, other_district_clerk, bank_agent, unit_operator
):
    assert record_for(actor=clerk, person=history, year=YEAR).person.name == "张三"  # the person's district window
    for outsider in (other_citizen, other_district_clerk, bank_agent, unit_operator):
        with pytest.raises(NotFound):
            record_for(actor=outsider, person=history, year=YEAR)


def test_an_employer_sees_its_own_months_of_its_employee_only(history, unit_operator, citizen, clerk):
    # given the unit operator is 甲's, which employed 张三 in March and April
    seen = employee_months_for(actor=unit_operator, person=history, year=YEAR)
    pension = next(b for b in seen.insurances if b.insurance == "pension")
    # then only 甲's months show; 乙's, the transfers and the back-payment do not
    assert [(c.month, c.flag) for c in pension.months if c.flag != "none"] == [(3, "paid"), (4, "paid")]
    assert {c.base for c in pension.months if c.base is not None} == {D("6000.00")}
    assert not hasattr(seen, "pension_account")
    # and nobody but a unit operator reads the employer's view
    for other in (citizen, clerk):
        with pytest.raises(NotFound):
            employee_months_for(actor=other, person=history, year=YEAR)


@pytest.fixture
def transfer_in_may(history, office, db):
    """A transfer completed on 20 December 2024 brought in May 2024 (paid in 宜昌 during the interruption)."""
    from django.utils import timezone

    from shebao.cases.models import Case
    from shebao.catalog.models import ServiceItem
    from shebao.catalog.services import catalog_sync
    from shebao.pensions.transfers.models import Transfer, TransferredPeriod

    catalog_sync()
    case = Case.objects.create(
        item=ServiceItem.objects.get(code="YL-003"),
        item_version=1,
        applicant_id_number=history.id_number,
        applicant_name=history.name,
        channel="hall",
        office=office,
        received_at=timezone.now(),
        status=Case.Status.COMPLETED,
    )
    transfer = Transfer.objects.create(
        ref="ZY-2025-0001",
        direction=Transfer.Direction.IN,
        case=case,
        state=Transfer.State.COMPLETED,
        id_number=history.id_number,
        name=history.name,
        sex="M",
        birth_date=history.birth_date,
        other_agency="420500",
        other_agency_name="宜昌市社会保险经办机构",
        applied_on=dt.date(2024, 12, 2),
        completed_on=dt.date(2024, 12, 20),
    )
    TransferredPeriod.objects.create(
        transfer=transfer,
        id_number=history.id_number,
        year=YEAR,
        first_month=5,
        months=1,
        base_total=D("5500.00"),
        personal_amount=D("440.00"),
        pooled=D("880.00"),
        place="宜昌市",
    )
    return history


def test_a_month_brought_in_by_a_completed_transfer_shows_as_transferred_in(transfer_in_may, citizen):
    # given the transfer bringing in May 2024 was completed in December 2024
    record = record_for(actor=citizen, person=transfer_in_may, year=YEAR)
    pension = record.insurance("pension")
    # then May, the interruption, is ○ (its base is the other city's, not known month by month)
    assert pension.months[4] == MonthCell(month=5, base=None, flag="transferred_in")
    assert pension.months_paid == 11
    assert record.pension_account.months == 11
    # the other insurances are not transferred
    assert record.insurance("medical").months[4].flag == "none"


def test_a_transfer_shows_from_the_year_it_was_completed_not_before(transfer_in_may, citizen):
    from shebao.pensions.transfers.models import Transfer

    Transfer.objects.filter(ref="ZY-2025-0001").update(completed_on=dt.date(2025, 1, 20))
    # given the transfer bringing in May 2024 was completed on 20 January 2025: it is on the
    # record from then (its money credited that month), so 2024's statement, though issued
    # after it (today is 10 Feb 2025), is 2024's record: May stays without a mark
    y2024 = record_for(actor=citizen, person=transfer_in_may, year=YEAR)
    assert y2024.insurance("pension").months[4] == MonthCell(month=5, base=None, flag="none")
    assert (y2024.insurance("pension").months_paid, y2024.pension_account.months) == (10, 10)
    # and 2025's, the completion year's, counts the month brought in: 10 + 1 account months
    y2025 = record_for(actor=citizen, person=transfer_in_may, year=2025)
    assert y2025.pension_account.months == 11


def test_a_retirees_record_notes_the_monthly_pension_the_pensions_app_approved(district, approver):
    from tests.pensions.support import TOTAL, retiree, retiree_account

    account = retiree_account(district)
    person = retiree(district=district, approver=approver, account=account)
    record = record_for(actor=account, person=person, year=2026)
    assert f"基本养老金月标准 {TOTAL} 元" in " ".join(record.notes)  # 2686.02, as 我的养老金 shows
    assert record.insurance("pension").status == "已退休"
    # insured for medical care as a retiree (the account credited each month), paying nothing: 已退休, not 未参保
    assert record.medical_account is not None and record.medical_account.principal > 0
    assert record.insurance("medical").status == "已退休"


def test_the_record_takes_a_fixed_number_of_queries(history, citizen, django_assert_max_num_queries):
    # the months, the account years and lines, the transfers, the employments, the medical
    # account (its months, rule rows and reimbursements), the base corrections' differences, the
    # audit event: one query each however many months there are (18 on SQLite, savepoints
    # included; 19 on PostgreSQL, where the audit chain's tail is locked)
    with django_assert_max_num_queries(19):
        record_for(actor=citizen, person=history, year=YEAR)
