"""The reimbursement decision letter (医疗费用零星报销核定通知书): each line of the computation
with the rule rows used, the amount, the payment — through ``shebao.core.documents`` (Chinese in
the embedded font, with its verification code and QR). The ID and card numbers are masked."""

from __future__ import annotations

from decimal import Decimal

from shebao.core.documents import Document
from shebao.core.identifiers import mask_id_number
from shebao.core.money import format_yuan
from shebao.medical.models import Reimbursement
from shebao.medical.rules import FILING_LABELS, LEVEL_LABELS

LETTER_KIND = "medical-decision"
ISSUER = "武汉市医疗保障事务中心"


def decision_letter_pdf(*, row: Reimbursement) -> bytes:
    payment = getattr(row, "payment", None)
    doc = Document(title="医疗费用零星报销核定通知书", issuer=ISSUER)
    doc.heading("医疗费用零星报销核定通知书")
    doc.key_values(
        [
            ("核定编号", row.letter_ref),
            ("办件编号", row.case_number),
            ("姓名", row.name),
            ("公民身份号码", mask_id_number(row.id_number)),
            ("医疗机构", f"{row.hospital_name}（{LEVEL_LABELS.get(row.hospital_level, row.hospital_level)}）"),
            ("住院期间", f"{row.admitted_on:%Y年%m月%d日} 至 {row.discharged_on:%Y年%m月%d日}"),
            ("人员类别", "退休" if row.person_type == "retired" else "在职"),
            ("异地就医备案", FILING_LABELS.get(row.filing_type, row.filing_type or "—")),
            ("申报费用总额", format_yuan(row.claimed)),
            ("政策范围内费用", format_yuan(row.in_policy_cost)),
            ("核定状态", "暂定（规则待官方核实）" if row.provisional else "已核定"),
        ],
        columns=2,
    )
    doc.heading("核定报销金额 " + format_yuan(row.amount), level=2)
    lines = row.derivation.get("lines", [])
    doc.table(
        header=["计算步骤", "金额/比例"],
        rows=[[line["label_zh"], line["value"]] for line in lines],
        widths=[8, 2.5],
        align=["left", "right"],
        size=9,
    )
    if row.account_paid > 0:
        doc.paragraph(
            f"政策范围内个人负担部分由职工医保个人账户支付 {format_yuan(row.account_paid)}"
            f"（核定当日账户余额内），与统筹支付合并支付。",
            size=9,
        )
    rules = row.derivation.get("rules", [])
    if rules:
        doc.heading("所用规则", level=2)
        doc.table(
            header=["规则", "取值", "生效日期", "可信度", "依据"],
            rows=[[r["ref"], r["value"], r["effective_from"], r["confidence"], r["source"][:40]] for r in rules],
            widths=[2.6, 2, 1.8, 1, 4],
            size=7,
        )
    if payment is not None:
        tail = payment.bank_card[-4:]
        doc.paragraph(
            f"{'报销金额（含个人账户支付）' if row.account_paid > 0 else '报销金额'} {format_yuan(payment.amount)} 支付至尾号 {tail} 的银行卡；"
            f"支付状态：{payment.get_status_display().split(' / ')[0]}"
            + (f"，银行流水号 {payment.bank_reference}" if payment.bank_reference else "")
            + "。",
            size=9,
        )
    doc.paragraph(
        "如对核定结果有异议，可自收到本通知书之日起60日内申请行政复议，或6个月内提起行政诉讼。",
        size=9,
    )
    return doc.verification(kind=LETTER_KIND, ref=row.letter_ref).render()


SETTLEMENT_KIND = "medical-settlements"


def settlement_list_pdf(*, name: str, id_number: str, rows: list[Reimbursement], start: str, end: str) -> bytes:
    """医疗费用结算清单 (YB-006) of the reimbursements decided for care in the period: for each,
    the costs claimed, what the basic fund, the large-amount band and the personal account paid,
    and the rest the person bore (costs claimed less all three). Care settled directly at a hospital is not held here (the national platform's)."""
    doc = Document(title="医疗费用结算清单", issuer=ISSUER)
    doc.heading("医疗费用结算清单（零星报销）")
    doc.key_values(
        [("姓名", name), ("公民身份号码", mask_id_number(id_number)), ("就医期间", f"{start} 至 {end}")], columns=1
    )
    total = {
        "claimed": sum((r.claimed for r in rows), start=Decimal("0")),
        "basic": sum((r.basic_paid for r in rows), start=Decimal("0")),
        "large": sum((r.large_paid for r in rows), start=Decimal("0")),
        "account": sum((r.account_paid for r in rows), start=Decimal("0")),
        "paid": sum((r.amount + r.account_paid for r in rows), start=Decimal("0")),
    }
    doc.table(
        header=["办件编号", "医疗机构", "入院日期", "费用总额", "统筹基金", "大额医疗", "个人账户", "个人负担"],
        rows=[
            [
                r.case_number,
                r.hospital_name,
                f"{r.admitted_on:%Y-%m-%d}",
                f"{r.claimed:,.2f}",
                f"{r.basic_paid:,.2f}",
                f"{r.large_paid:,.2f}",
                f"{r.account_paid:,.2f}",
                f"{r.claimed - r.amount - r.account_paid:,.2f}",
            ]
            for r in rows
        ]
        + [
            [
                "合计",
                "",
                "",
                f"{total['claimed']:,.2f}",
                f"{total['basic']:,.2f}",
                f"{total['large']:,.2f}",
                f"{total['account']:,.2f}",
                f"{total['claimed'] - total['paid']:,.2f}",
            ]
        ],
        widths=[2.0, 3.0, 1.5, 1.4, 1.4, 1.2, 1.2, 1.4],
        align=["left", "left", "left", "right", "right", "right", "right", "right"],
        size=7,
    )
    return doc.verification(kind=SETTLEMENT_KIND, ref=f"JSQD-{id_number[-4:]}-{start}-{end}").render()
