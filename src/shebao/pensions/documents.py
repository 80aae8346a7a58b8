"""What the retiree receives on paper (through ``shebao.core.documents``, Chinese in the embedded
font, each with its verification code and QR): the 退休证 record, the 开户凭证 (the payment
account's voucher) and the 养老待遇明细表 — each component with its formula and numbers, the
rule rows used and the monthly amount, so the retiree can follow it line by line.

Rendering only: the caller loads the :class:`~shebao.pensions.selectors.PensionView` through
the scoped selectors, so the paper shows the figures the page and the API show. ID numbers and
card numbers are printed masked.

The 养老待遇明细表 is signed over its figures (``shebao.core.documents.signing``): the name, the
masked ID number, the retirement month, the three parts, the total and the approval date. Its
code is a digest of that signature, so a figure altered on paper no longer matches: the public
文件核验 page (:func:`pension_statement_verify`) re-signs the determination's stored figures and
says genuine only when the code printed is theirs, showing the figures and whether the
determination is still current or has been superseded (and when).
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shebao.core.documents import Document, document_sign, verification_menu_url, verification_url
from shebao.core.errors import NotFound
from shebao.core.identifiers import mask_id_number
from shebao.core.money import format_yuan, round_fen
from shebao.pensions.models import PensionBase, PensionDetermination, RetirementCertificate, TransitionRule
from shebao.pensions.models.rules import DeemedIndexRule
from shebao.pensions.selectors import PensionView, card_tail
from shebao.pensions.services.retirement import RETIRE_TYPES
from shebao.registry.models import Person

CERTIFICATE_KIND = "retirement-cert"
VOUCHER_KIND = "pension-voucher"
STATEMENT_KIND = "pension-statement"
ISSUER = "武汉市社会保险经办服务"
STATEMENT_PAYMENTS = 12


CERTIFICATE_REF_LENGTH = 24  # RetirementCertificate.number's max_length
CERTIFICATE_DETERMINATIONS_TRIED = 24  # the determinations a certificate may have printed, newest first
STATEMENT_REF = re.compile(r"HD(\d{6})-(\d{8})")


def statement_content(*, determination: PensionDetermination, person: Person) -> dict[str, Any]:
    """What the 养老待遇明细表's code signs: the figures a reader checks against the paper."""
    approved = determination.approved_at
    return {
        "name": person.name,
        "id_number": mask_id_number(person.id_number),
        "retirement_month": f"{determination.retirement_month:%Y-%m}",
        "basic_pension": determination.basic_pension,
        "account_pension": determination.account_pension,
        "transition_pension": determination.transition_pension,
        "total": determination.total,
        "approved_on": timezone.localtime(approved).date() if approved else None,
    }


def statement_code(*, determination: PensionDetermination, person: Person) -> str:
    """The code printed on the statement: a digest of the signature over its figures."""
    content = statement_content(determination=determination, person=person)
    return document_sign(kind=STATEMENT_KIND, ref=determination.ref, content=content).code


def certificate_content(
    *, certificate: RetirementCertificate, determination: PensionDetermination, person: Person
) -> dict[str, Any]:
    """What the 退休证's code signs: its number, the person (ID masked), the retirement and the
    monthly pension printed on it (the determination's total), and the date of issue."""
    return {
        "number": certificate.number,
        "name": person.name,
        "id_number": mask_id_number(person.id_number),
        "retire_type": certificate.retire_type,
        "retirement_month": f"{certificate.retirement_month:%Y-%m}",
        "age": f"{certificate.age_years}-{certificate.age_months}",
        "total": determination.total,
        "issued_on": timezone.localtime(certificate.issued_at).date(),
    }


def certificate_code(*, certificate: RetirementCertificate, determination: PensionDetermination, person: Person) -> str:
    """The code printed on the 退休证: a digest of the signature over what it shows."""
    content = certificate_content(certificate=certificate, determination=determination, person=person)
    return document_sign(kind=CERTIFICATE_KIND, ref=certificate.number, content=content).code


@dataclass(frozen=True)
class PaperCheck:
    """What the public page may show of a signed pension paper: its figures when genuine, as
    (key, label, value) lines, and whether the determination behind them is still current."""

    genuine: bool
    facts: tuple[tuple[str, str, str], ...] = ()
    current: bool = False
    superseded_at: dt.datetime | None = None


_SIGNED = (PensionDetermination.Status.APPROVED, PensionDetermination.Status.SUPERSEDED)


def _typed(code: str) -> bytes:
    return "".join(ch for ch in str(code) if ch not in " -").upper().encode()


def _superseded_at(determination: PensionDetermination) -> dt.datetime | None:
    """When a later determination of the same person was approved (None while current)."""
    if determination.status == PensionDetermination.Status.APPROVED or determination.approved_at is None:
        return None
    return (
        PensionDetermination.objects.filter(
            person_id=determination.person_id, approved_at__gt=determination.approved_at
        )
        .order_by("approved_at")
        .values_list("approved_at", flat=True)
        .first()
    )


def _yuan(value: Decimal) -> str:
    return f"¥{value}"


def pension_statement_verify(*, ref: str, code: str) -> PaperCheck:
    """文件核验 of a 养老待遇明细表: the determination named by ``ref`` (approved, or superseded
    since) re-signed over its stored figures must print exactly ``code`` (case, spaces and
    hyphens ignored). A code for other figures, or the old (kind, number) code, is not genuine.
    Public and read-only: nothing at all is shown when not genuine."""
    match = STATEMENT_REF.fullmatch(ref or "")
    if match is None:
        return PaperCheck(genuine=False)
    determination = (
        PensionDetermination.objects.select_related("person").filter(pk=int(match.group(2)), status__in=_SIGNED).first()
    )
    if determination is None or determination.ref != ref:
        return PaperCheck(genuine=False)
    person = determination.person
    expected = statement_code(determination=determination, person=person).replace("-", "")
    if not hmac.compare_digest(_typed(code), expected.encode()):
        return PaperCheck(genuine=False)
    content = statement_content(determination=determination, person=person)
    approved = content["approved_on"]
    facts = (
        ("name", "姓名 / Name", content["name"]),
        ("id", "公民身份号码 / ID number", content["id_number"]),
        ("month", "退休时间 / Retirement month", content["retirement_month"]),
        ("basic", "基础养老金 / Basic pension", _yuan(content["basic_pension"])),
        ("account", "个人账户养老金 / Account pension", _yuan(content["account_pension"])),
        ("transition", "过渡性养老金 / Transition pension", _yuan(content["transition_pension"])),
        ("total", "月基本养老金 / Monthly pension", _yuan(content["total"])),
        ("approved", "核定日期 / Approved on", f"{approved:%Y-%m-%d}" if approved else "—"),
    )
    return PaperCheck(
        genuine=True,
        facts=facts,
        current=determination.status == PensionDetermination.Status.APPROVED,
        superseded_at=_superseded_at(determination),
    )


def pension_certificate_verify(*, ref: str, code: str) -> PaperCheck:
    """文件核验 of a 退休证: the certificate numbered ``ref``, re-signed with each approved or
    superseded determination of its holder (newest first), must print exactly ``code``; the
    one that matches says whether the pension printed on it is still the current one."""
    certificate = (
        RetirementCertificate.objects.select_related("person").filter(number=ref).first()
        if ref and len(ref) <= CERTIFICATE_REF_LENGTH
        else None
    )
    if certificate is None:
        return PaperCheck(genuine=False)
    person = certificate.person
    given = _typed(code)
    for determination in PensionDetermination.objects.filter(person=person, status__in=_SIGNED).order_by(
        "-approved_at", "-pk"
    )[:CERTIFICATE_DETERMINATIONS_TRIED]:
        expected = certificate_code(certificate=certificate, determination=determination, person=person)
        if hmac.compare_digest(given, expected.replace("-", "").encode()):
            content = certificate_content(certificate=certificate, determination=determination, person=person)
            facts = (
                ("number", "退休证编号 / Certificate number", content["number"]),
                ("name", "姓名 / Name", content["name"]),
                ("id", "公民身份号码 / ID number", content["id_number"]),
                (
                    "type",
                    "退休类别 / Kind of retirement",
                    RETIRE_TYPES.get(certificate.retire_type, certificate.retire_type),
                ),
                ("month", "退休时间 / Retirement month", content["retirement_month"]),
                ("age", "退休年龄 / Age", f"{certificate.age_years}周岁{certificate.age_months}个月"),
                ("total", "月基本养老金 / Monthly pension", _yuan(content["total"])),
                ("issued", "发证时间 / Issued on", f"{content['issued_on']:%Y-%m-%d}"),
            )
            return PaperCheck(
                genuine=True,
                facts=facts,
                current=determination.status == PensionDetermination.Status.APPROVED,
                superseded_at=_superseded_at(determination),
            )
    return PaperCheck(genuine=False)


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
    code = certificate_code(certificate=cert, determination=det, person=person)
    return _signed_verification(doc, kind=CERTIFICATE_KIND, ref=cert.number, code=code).render()


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
        rows=[[c.label_zh, formula_printed(c.formula), f"{c.amount:,.2f}"] for c in view.components]
        + [["合计（月基本养老金）", " + ".join(f"{c.amount}" for c in view.components), f"{det.total:,.2f}"]],
        widths=[2.2, 6, 1.6],
        align=["left", "left", "right"],
    )
    params = det.params
    # every rule row the notice names: the determination's, each line's, and those quoted in a
    # line's text (a provisional line says which year's row it carries forward)
    quoted = [
        match.group(0)
        for line in view.derivation
        for text in (line.get("label_zh"), line.get("formula"))
        for match in RULE_REF.finditer(str(text or ""))
    ]
    labels = rule_labels(
        [
            *det.rule_refs,
            *(line["rule_ref"] for line in view.derivation if line.get("rule_ref")),
            *(params[key] for key in ("average_wage_ref", "transition_ref") if params.get(key)),
            *quoted,
        ]
    )

    def named(text: str) -> str:
        return RULE_REF.sub(lambda match: labels[match.group(0)], text)

    doc.heading("计算过程（逐项）", level=2)
    doc.table(
        header=["步骤", "算式", "结果", "所用规则"],
        rows=[
            [
                named(_printable(line["label_zh"])),
                named(formula_printed(line["formula"])),
                value_printed(line),
                labels.get(line.get("rule_ref") or "", ""),
            ]
            for line in view.derivation
        ],
        widths=[3, 5, 1.6, 2.4],
        align=["left", "left", "right", "left"],
        size=8,
    )
    average_ref, transition_ref = params.get("average_wage_ref"), params.get("transition_ref")
    doc.heading("所用规则", level=2)
    doc.key_values(
        [
            (
                "计发基数 C",
                f"{round_fen(Decimal(str(params['average_wage']))):,.2f} 元；{labels[average_ref] if average_ref else '—'}",
            ),
            (
                "过渡系数 k",
                f"{_percent(Decimal(str(params['transition_coefficient'])))}"
                f"；{labels[transition_ref] if transition_ref else '—'}；视同缴费指数："
                f"{_deemed_rule(str(params['deemed_index_rule']))}",
            ),
            ("计发月数表", "国发〔2005〕38号附件"),
            ("规则记录", "、".join(labels[ref] for ref in det.rule_refs) or "—"),
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
    return _signed_verification(
        doc, kind=STATEMENT_KIND, ref=det.ref, code=statement_code(determination=det, person=person)
    ).render()


# a rule row as a calculation names it (PensionRuleRow.ref): never printed as such on paper
RULE_REF = re.compile(r"pensions\.(PensionBase|TransitionRule)#(\d+)")
_RULE_TITLES = {"PensionBase": "养老金计发基数", "TransitionRule": "过渡性养老金规则"}
# the derivation's lines whose value is money (yuan): printed to the fen with thousands separators
MONEY_KEYS = frozenset(
    {
        "account_opening",
        "account_credited",
        "account_interest",
        "account_balance",
        "average_wage",
        "indexed_wage",
        "basic_pension",
        "account_pension",
        "transition_pension",
        "total",
        "provisional",
    }
)
# in a formula, a figure with six or more decimals is money carried unrounded (C̄×Z̄, the
# interest before its rounding): rates and indexes have at most five (0.02620, 1.0000)
_UNROUNDED = re.compile(r"(?<![\d.])(\d+)\.(\d{6,})(?![\d.])")


def _date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def rule_labels(refs: list[str]) -> dict[str, str]:
    """Each rule row named in ``refs`` as a retiree reads it: its title and the date it took
    effect (``2025年养老金计发基数（2025年1月1日起执行）``), in at most one query a table. A
    reference that is not a rule row (the 计发月数表's source) is already plain Chinese; a row
    no longer there keeps its title only."""
    wanted: dict[str, set[int]] = {"PensionBase": set(), "TransitionRule": set()}
    for ref in refs:
        match = RULE_REF.fullmatch(ref or "")
        if match:
            wanted[match.group(1)].add(int(match.group(2)))
    labels: dict[str, str] = {}
    for base in PensionBase.objects.filter(pk__in=wanted["PensionBase"]):
        labels[base.ref] = f"{base.year}年{_RULE_TITLES['PensionBase']}（{_date_zh(base.effective_from)}起执行）"
    for rule in TransitionRule.objects.filter(pk__in=wanted["TransitionRule"]):
        labels[rule.ref] = f"{_RULE_TITLES['TransitionRule']}（{_date_zh(rule.effective_from)}起执行）"
    for ref in refs:
        match = RULE_REF.fullmatch(ref or "")
        labels.setdefault(ref, _RULE_TITLES[match.group(1)] if match else _printable(ref))
    return labels


def _fen(match: re.Match[str]) -> str:
    exact = Decimal(match.group(0))
    rounded = round_fen(exact)
    return f"{rounded}" if rounded == exact else f"≈{rounded}"


def formula_printed(formula: str) -> str:
    """A derivation's formula as printed: money carried unrounded in it (six or more decimals)
    to the fen, marked ≈ when that rounds (``9112.000000`` → ``9112.00``, ``912.9608333…`` →
    ``≈912.96``); every other figure as the calculation wrote it."""
    return _UNROUNDED.sub(_fen, _printable(formula)).replace("= ≈", "≈ ")


def value_printed(line: dict[str, Any]) -> str:
    """A derivation line's result as printed: money to the fen with thousands separators (as
    the amount columns), months, indexes and years as the calculation gives them."""
    value = str(line.get("value", ""))
    if line.get("key") in MONEY_KEYS:
        try:
            return f"{round_fen(Decimal(value)):,.2f}"
        except ArithmeticError:  # pragma: no cover - a stored line always has a number
            return value
    return formula_printed(value)


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _deemed_rule(value: str) -> str:
    label = dict(DeemedIndexRule.choices).get(value)
    return _printable(str(label).split(" / ")[0]) if label else value


def _signed_verification(doc: Document, *, kind: str, ref: str, code: str) -> Document:
    """As ``Document.verification``, with the code of the signed figures (not of the number)."""
    doc.verification_code = code
    doc.verification_link = verification_url(kind=kind, ref=ref, code=code)
    doc.qr(
        doc.verification_link,
        caption=f"文件编号：{ref}　验证码：{code}\n"
        f"扫描二维码，或访问 {verification_menu_url()}（“文件核验”）输入文件编号和验证码，"
        "可核验本文件真伪及所列金额。",
    )
    return doc
