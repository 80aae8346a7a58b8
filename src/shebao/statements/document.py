"""One issued statement as a PDF, for the online download and the window print.

Drawn with core's :class:`~shebao.core.documents.Document` builder (the embedded WenQuanYi
font, so the Chinese renders on any device) until the fast writer of the mailing run
(``statements.render.statement_pdf``) is in the tree; both print the same record, the
signature's code and a QR code of the verification address under ``settings.PUBLIC_URL``.
"""

from __future__ import annotations

from decimal import Decimal

from shebao.core.documents import Align, Document, verification_menu_url, verification_url
from shebao.statements.models import Statement
from shebao.statements.record import FLAG_SYMBOLS, StatementRecord, record_from_content
from shebao.statements.selectors import STATEMENT_KIND

TITLE = "社会保险个人权益记录单"


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def statement_verify_url(statement: Statement) -> str:
    return verification_url(kind=STATEMENT_KIND, ref=statement.ref, code=statement.code)


def statement_document(*, statement: Statement) -> bytes:
    """The PDF of ``statement`` as issued (its signed content, never a fresh computation)."""
    record = record_from_content(statement.content)
    return _document_pdf(record=record, ref=statement.ref, code=statement.code, url=statement_verify_url(statement))


def _document_pdf(*, record: StatementRecord, ref: str, code: str, url: str) -> bytes:
    person, account = record.person, record.pension_account
    doc = Document(title=f"{TITLE}（{record.year}年度）", font_size=9)
    doc.heading(f"{TITLE}（{record.year}年度）")
    doc.paragraph(f"记录年度：{record.year}　　文件编号：{ref}　　单位：元", align="center", size=8.5)
    doc.heading("基本信息", level=3)
    doc.key_values(
        [
            ("姓名", person.name),
            ("性别", person.sex),
            ("证件号码", person.id_number_masked),
            ("参加工作时间", person.work_start.isoformat() if person.work_start else ""),
            ("单位名称", person.employer),
            ("邮政编码", person.postcode),
            ("联系地址", person.address),
        ],
        columns=2,
    )
    doc.heading("基本养老保险个人账户", level=3)
    doc.table(
        header=[
            "截止上年末累计储存额",
            "本年记入本金",
            "本年记入利息",
            "记账利率",
            "账户月数",
            "本年支出额",
            "累计储存额",
        ],
        rows=[
            [
                _money(account.opening_balance),
                _money(account.principal),
                _money(account.interest),
                f"{account.rate * 100:.2f}%" if account.rate is not None else "—",
                str(account.months),
                _money(account.paid_out),
                _money(account.closing_balance),
            ]
        ],
        align=["right"] * 7,
        size=8,
    )
    doc.heading("缴费情况（● 已缴费　△ 欠缴　○ 转入　– 无缴费计划）", level=3)
    header = ["险种", "参保时间", "缴费状态", *[f"{m}月" for m in range(1, 13)]]
    rows = []
    for block in record.insurances:
        rows.append(
            [
                block.label_zh,
                block.enrolled_on.strftime("%Y-%m") if block.enrolled_on else "",
                block.status,
                *[f"{FLAG_SYMBOLS[c.flag]}\n{c.base:,.0f}" if c.base is not None else "–" for c in block.months],
            ]
        )
    left: Align = "left"
    center: Align = "center"
    align = [left] * 3 + [center] * 12
    doc.table(header=header, rows=rows, widths=[3, 3, 4, *[2.2] * 12], align=align, size=6.5)
    doc.heading("说明", level=3)
    for number, note in enumerate(record.notes, start=1):
        doc.paragraph(f"{number}. {note}", size=8)
    doc.paragraph(f"数据统计截止至：{record.as_of.isoformat()}", size=8)
    doc.verification_code = code
    doc.verification_link = url
    doc.qr(
        url,
        size_mm=24,
        caption=f"文件编号：{ref}　验证码：{code}\n扫描二维码，或访问 {verification_menu_url()}（“文件核验”）"
        "输入文件编号和验证码，可核验本记录单的真伪及是否为最新版本。",
    )
    return doc.render()
