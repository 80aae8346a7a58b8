"""What the retiree receives on paper (through ``shebao.core.documents``, Chinese in the embedded
font, each with its verification code and QR): the 退休证 record, the 开户凭证 (the payment
account's voucher) and the 养老待遇明细表 — each component with its formula and numbers, the
rule rows used and the monthly amount, so the retiree can follow it line by line.

Rendering only: the caller loads the :class:`~shebao.pensions.selectors.PensionView` through
the scoped selectors, so the paper shows the figures the page and the API show. ID numbers and
card numbers are printed masked.
"""

from __future__ import annotations

from shebao.core.documents import Document
from shebao.core.errors import NotFound
from shebao.core.identifiers import mask_id_number
from shebao.core.money import format_yuan
from shebao.pensions.selectors import PensionView, card_tail
from shebao.pensions.services.retirement import RETIRE_TYPES

CERTIFICATE_KIND = "retirement-cert"
VOUCHER_KIND = "pension-voucher"
STATEMENT_KIND = "pension-statement"
ISSUER = "武汉市社会保险经办服务"
STATEMENT_PAYMENTS = 12


def _printable(text: object) -> str:
    """The embedded font has no combining macron (C̄, Z̄ on the page): on paper plain C and Z."""
    return str(text).replace("\u0304", "")


def _require(view: PensionView) -> None:
    if view.certificate is None or view.determination is None or view.profile is None:
        raise NotFound("尚未办理退休或待遇尚未核定", "Not retired, or the pension is not yet determined")


def voucher_ref(view: PensionView) -> str:
    assert view.profile is not None  # _require checked
    since = view.profile.bank_card_since or view.profile.benefit_start
    return f"KH{view.profile.pk:08d}-{since:%Y%m}" if since else f"KH{view.profile.pk:08d}"


def certificate_pdf(*, view: PensionView) -> bytes:
    """退休证 (record of the retirement certificate)."""
    _require(view)
    cert, person, det = view.certificate, view.person, view.determination
    assert cert is not None and det is not None  # _require checked
    doc = Document(title="退休证", issuer=ISSUER, pagesize="A5")
    doc.heading("中华人民共和国退休证")
    doc.key_values(
        [
            ("退休证编号", cert.number),
            ("姓名", person.name),
            ("性别", person.get_sex_display().split(" / ")[0]),
            ("出生日期", f"{person.birth_date:%Y年%m月%d日}"),
            ("公民身份号码", mask_id_number(person.id_number)),
            ("退休类别", RETIRE_TYPES.get(cert.retire_type, cert.retire_type)),
            ("退休时间", f"{cert.retirement_month:%Y年%m月}"),
            ("退休年龄", f"{cert.age_years}周岁{cert.age_months}个月"),
            ("月基本养老金", format_yuan(det.total)),
            ("发证时间", f"{cert.issued_at:%Y年%m月%d日}"),
        ],
        columns=1,
    )
    doc.paragraph(
        "本证是退休人员享受基本养老保险待遇的凭证，请妥善保管。办件编号：" + (cert.case_number or "—"), size=9
    )
    return doc.verification(kind=CERTIFICATE_KIND, ref=cert.number).render()


def voucher_pdf(*, view: PensionView) -> bytes:
    """开户凭证: the account the monthly pension is paid into, from which month."""
    _require(view)
    profile, person, cert = view.profile, view.person, view.certificate
    assert profile is not None and cert is not None  # _require checked
    doc = Document(title="养老金发放开户凭证", issuer=ISSUER)
    doc.heading("基本养老金发放开户凭证")
    doc.key_values(
        [
            ("凭证编号", voucher_ref(view)),
            ("姓名", person.name),
            ("公民身份号码", mask_id_number(person.id_number)),
            ("退休证编号", cert.number),
            ("发放账户（社会保障卡金融账户）", card_tail(profile.bank_card) or "未登记"),
            ("起用月份", f"{profile.bank_card_since:%Y年%m月}" if profile.bank_card_since else "—"),
            ("待遇起始月", f"{profile.benefit_start:%Y年%m月}" if profile.benefit_start else "—"),
            ("发放状态", profile.get_status_display().split(" / ")[0]),
        ],
        columns=1,
    )
    doc.paragraph(
        "基本养老金按月发放至上述账户。变更发放账户须本人持身份证件到参保地社会保险经办机构窗口办理（养老保险待遇领取银行账户变更）。",
        size=9,
    )
    return doc.verification(kind=VOUCHER_KIND, ref=voucher_ref(view)).render()


def statement_pdf(*, view: PensionView) -> bytes:
    """养老待遇明细表: the monthly amount, each part with its formula, every line of the
    derivation with the rule row it used, the rule rows, and the last twelve payments."""
    _require(view)
    det, person, cert = view.determination, view.person, view.certificate
    assert det is not None and cert is not None  # _require checked
    doc = Document(title="养老待遇明细表", issuer=ISSUER)
    doc.heading("基本养老金待遇明细表")
    doc.key_values(
        [
            ("核定编号", det.ref),
            ("姓名", person.name),
            ("公民身份号码", mask_id_number(person.id_number)),
            ("退休证编号", cert.number),
            ("退休时间", f"{det.retirement_month:%Y年%m月}"),
            ("退休年龄", f"{det.age_years}周岁{det.age_months}个月"),
            ("执行月份", f"{det.effective_from:%Y年%m月}"),
            ("核定状态", "暂定（待公布当年计发基数后重算）" if det.provisional else "已核定"),
        ],
        columns=2,
    )
    doc.heading("月基本养老金 " + format_yuan(det.total), level=2)
    doc.table(
        header=["项目", "计算公式及数值", "金额（元）"],
        rows=[[c.label_zh, _printable(c.formula), f"{c.amount:,.2f}"] for c in view.components]
        + [["合计（月基本养老金）", " + ".join(f"{c.amount}" for c in view.components), f"{det.total:,.2f}"]],
        widths=[2.2, 6, 1.6],
        align=["left", "left", "right"],
    )
    doc.heading("计算过程（逐项）", level=2)
    doc.table(
        header=["步骤", "算式", "结果", "所用规则"],
        rows=[
            [_printable(line["label_zh"]), _printable(line["formula"]), line["value"], line.get("rule_ref") or ""]
            for line in view.derivation
        ],
        widths=[3, 5, 1.6, 2.4],
        align=["left", "left", "right", "left"],
        size=8,
    )
    params = det.params
    doc.heading("所用规则", level=2)
    doc.key_values(
        [
            ("计发基数 C", f"{params['average_wage']} 元（{params.get('average_wage_ref') or '—'}）"),
            (
                "过渡系数 k",
                f"{params['transition_coefficient']}（{params.get('transition_ref') or '—'}，视同缴费指数规则 "
                f"{params['deemed_index_rule']}）",
            ),
            ("计发月数表", "国发〔2005〕38号附件"),
            ("规则记录", "、".join(det.rule_refs) or "—"),
        ],
        columns=1,
    )
    if view.payments:
        doc.heading("最近发放记录", level=2)
        doc.table(
            header=["所属月份", "类别", "金额（元）", "收款账户", "备注"],
            rows=[
                [f"{p.month:%Y-%m}", p.kind_label.split(" / ")[0], f"{p.amount:,.2f}", p.card_tail, p.note]
                for p in view.payments[:STATEMENT_PAYMENTS]
            ],
            widths=[1.4, 1.6, 1.4, 1.6, 4],
            align=["left", "left", "right", "left", "left"],
            size=8.5,
        )
    doc.paragraph(
        "如对核定结果有疑问，可携本表到参保地社会保险经办机构查询，或拨打12333咨询。本表金额以元为单位，各项分别四舍五入到分，合计为各项之和。",
        size=9,
    )
    return doc.verification(kind=STATEMENT_KIND, ref=det.ref).render()
