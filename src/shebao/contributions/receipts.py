"""Documents of the ledger: the receipt of a paid bill (PDF with a verification code) and a
month's staff contribution list as Excel and PDF. Rendering only: the caller loads the bill
and its lines through the scoped selectors; ID numbers are printed masked."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from shebao.contributions.models import Bill, ContributionMonth, Payment
from shebao.core import workbooks
from shebao.core.documents import Document
from shebao.core.identifiers import mask_id_number
from shebao.core.money import format_yuan

RECEIPT_KIND = "receipt"
CHANNEL_NAMES = {
    "online": "网上服务大厅",
    "app": "手机App",
    "hall": "服务大厅窗口",
    "community": "社区窗口",
    "bank": "银行代扣/代收",
}
STAFF_HEADER = (
    "姓名",
    "公民身份号码",
    "缴费基数",
    "养老单位",
    "养老个人",
    "医疗单位",
    "医疗个人",
    "失业单位",
    "失业个人",
    "工伤单位",
    "生育单位",
    "单位合计",
    "个人合计",
    "记入个人账户",
)
_EMPLOYER = ("pension_employer", "medical_employer", "unemployment_employer", "injury_employer", "maternity_employer")
_PERSONAL = ("pension_personal", "medical_personal", "unemployment_personal")


def receipt_ref(bill: Bill) -> str:
    """The receipt's serial: printed, in the verification URL, never an ID number (the bill's
    own number, ``Bill.number``)."""
    return bill.number


def payer_name(bill: Bill) -> str:
    if bill.unit is not None:
        return bill.unit.name
    assert bill.person is not None  # a bill is a unit's or a person's
    return bill.person.name


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def staff_rows(lines: Sequence[ContributionMonth]) -> list[list[object]]:
    """One row per person: masked ID number, base, each amount (blank where not insured), totals."""
    rows: list[list[object]] = []
    for line in lines:
        employer = sum((getattr(line, c) or Decimal(0) for c in _EMPLOYER), Decimal("0.00"))
        personal = sum((getattr(line, c) or Decimal(0) for c in _PERSONAL), Decimal("0.00"))
        rows.append(
            [
                line.person.name,
                mask_id_number(line.person.id_number),
                line.base,
                line.pension_employer,
                line.pension_personal,
                line.medical_employer,
                line.medical_personal,
                line.unemployment_employer,
                line.unemployment_personal,
                line.injury_employer,
                line.maternity_employer,
                employer,
                personal,
                line.account_credit,
            ]
        )
    return rows


def receipt_pdf(*, bill: Bill, payments: Sequence[Payment]) -> bytes:
    """社会保险费缴费凭证 of a paid bill, with its verification code and QR."""
    doc = Document(title="社会保险费缴费凭证")
    doc.heading("社会保险费缴费凭证")
    paid = payments[0] if payments else None
    pairs: list[tuple[str, object]] = [
        ("凭证编号", receipt_ref(bill)),
        ("缴费单位/缴费人", payer_name(bill)),
        ("费款所属期", f"{bill.period:%Y年%m月}"),
        ("缴费单类别", bill.get_kind_display().split(" / ")[0]),
        *([("更正办件编号", bill.case_number)] if bill.case_number else []),
        ("单位缴费", format_yuan(bill.employer_total)),
        ("个人缴费", format_yuan(bill.personal_total)),
        ("滞纳金", format_yuan(bill.late_fee)),
        ("实缴金额", format_yuan(bill.total)),
    ]
    if bill.unit is not None:
        pairs.insert(2, ("统一社会信用代码", bill.unit.credit_code))
    else:
        assert bill.person is not None  # a bill is a unit's or a person's
        pairs.insert(2, ("公民身份号码", mask_id_number(bill.person.id_number)))
    if paid is not None:
        shown = timezone.localtime(paid.paid_at)
        pairs += [
            ("缴费时间", f"{shown:%Y-%m-%d %H:%M}（北京时间）"),
            ("缴费渠道", CHANNEL_NAMES.get(paid.channel, paid.channel)),
            ("交易流水号", paid.key),
        ]
        if paid.bank_ref:
            pairs.append(("银行流水号", paid.bank_ref))
    doc.key_values(pairs, columns=2)
    doc.paragraph("本凭证由社会保险经办机构出具，缴费记录已记入参保人员个人权益记录。", size=9)
    return doc.verification(kind=RECEIPT_KIND, ref=receipt_ref(bill)).render()


def staff_list_pdf(*, bill: Bill, lines: Sequence[ContributionMonth]) -> bytes:
    """职工缴费明细 of one month as a landscape A4 table."""
    doc = Document(title="职工社会保险缴费明细", landscape=True, font_size=9)
    doc.heading(f"{payer_name(bill)} {bill.period:%Y年%m月} 职工社会保险缴费明细")
    doc.key_values(
        [
            ("人数", len(lines)),
            ("单位合计", format_yuan(bill.employer_total)),
            ("个人合计", format_yuan(bill.personal_total)),
            ("状态", bill.get_status_display().split(" / ")[0]),
        ],
        columns=2,
    )
    body = [[_money(v) if isinstance(v, Decimal) or v is None else v for v in row] for row in staff_rows(lines)]
    doc.table(
        header=STAFF_HEADER,
        rows=body,
        widths=[2, 3.2] + [1.4] * 12,
        align=["left" if column < 2 else "right" for column in range(14)],
        size=7.5,
    )
    return doc.render()


def staff_list_xlsx(*, bill: Bill, lines: Sequence[ContributionMonth]) -> bytes:
    """The same list as an Excel workbook (amounts as numbers, two decimals; names as text)."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = f"{bill.period:%Y-%m}"
    # names typed by people are written as text, never as formulas (core.workbooks)
    sheet.append(workbooks.row_cells(sheet, [f"{payer_name(bill)} {bill.period:%Y年%m月} 职工社会保险缴费明细"]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(STAFF_HEADER))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in staff_rows(lines):
        sheet.append(workbooks.row_cells(sheet, row))
    for cells in sheet.iter_rows(min_row=3, min_col=3, max_col=len(STAFF_HEADER)):
        for cell in cells:
            cell.number_format = "#,##0.00"
    sheet.append([])
    sheet.append(["合计", "", "", *[""] * 8, bill.employer_total, bill.personal_total])
    for column, width in zip("ABCDEFGHIJKLMN", (10, 22, *[12] * 12), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "C3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
