"""Papers for the walk-in person (文书): the receipt of application (收件回执) with the case number
the tracking page asks for, the one-time notice of missing materials (一次性告知书), and the notice
of non-acceptance (不予受理通知书; 不予办理通知书 once the case was accepted) with its reasons.

Each is a PDF from ``core.documents`` (the vendored Chinese font embedded) carrying the
verification code of its kind and the case number, printed from the case page and shown to the
applicant online. Rendering only: the caller loads the case through the scoped selectors; ID
numbers are printed masked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from shebao.cases.models import Case, CaseMaterial, CasePause, CaseStepRecord
from shebao.core.channels import Channel
from shebao.core.documents import Document
from shebao.core.errors import Conflict, InvalidInput
from shebao.core.identifiers import mask_id_number

if TYPE_CHECKING:
    from shebao.catalog.models import ServiceItem

RECEIPT = "case-receipt"
MATERIALS_NOTICE = "case-materials"
REFUSAL_NOTICE = "case-refusal"

# kind -> its label in the 文件核验 menu
PAPER_LABELS: Mapping[str, str] = {
    RECEIPT: "收件回执 / Receipt of application",
    MATERIALS_NOTICE: "一次性告知书 / One-time notice of missing materials",
    REFUSAL_NOTICE: "不予受理（办理）通知书 / Notice of non-acceptance",
}
# 《行政复议法》(2023) 第二十条: 60 days; 《行政诉讼法》第四十六条: 6 months.
REMEDIES = "如对本决定不服，可自收到本通知书之日起六十日内依法申请行政复议，或者六个月内依法向人民法院提起行政诉讼。"


def papers_available(case: Case) -> list[str]:
    """The papers a case has now: the receipt once received; the one-time notice while materials
    are missing; the notice of non-acceptance once refused."""
    kinds = [RECEIPT]
    if case.status == Case.Status.AWAITING_MATERIALS:
        kinds.append(MATERIALS_NOTICE)
    if case.status == Case.Status.REJECTED:
        kinds.append(REFUSAL_NOTICE)
    return kinds


def _track_url() -> str:
    return str(getattr(settings, "PUBLIC_URL", "") or "").rstrip("/") + "/track/"


def _label(value: object) -> str:
    return str(value).split(" / ")[0]


def _limit(item: ServiceItem, case: Case) -> str:
    days = case.promised_days if case.promised_days is not None else item.promised_days
    if days is None:
        return "按各办理环节时限"
    return "即时办结" if days == 0 else f"{days}个工作日"


def _shown(at: dt.datetime) -> str:
    local = timezone.localtime(at)
    return f"{local:%Y-%m-%d %H:%M}（北京时间）"


def _head(doc: Document, case: Case) -> None:
    office = case.receiving_office or case.office
    doc.key_values(
        [
            ("办件编号", case.number),
            ("申请事项", f"{case.item.code} {case.item.name}"),
            ("申请人", case.applicant_name),
            ("公民身份号码", mask_id_number(case.applicant_id_number)),
            ("收件时间", _shown(case.received_at)),
            ("收件渠道", f"{_label(Channel(case.channel).label)} · {office.name}"),
        ],
        columns=2,
    )


def _receipt(case: Case) -> Document:
    doc = Document(title="收件回执", issuer=case.office.name)
    doc.heading("收件回执")
    _head(doc, case)
    if case.status == Case.Status.AWAITING_MATERIALS:
        clock = "材料尚未齐全：补齐材料之日的次日起计算办理时限（另见一次性告知书）"
    elif case.due_date is not None:
        clock = f"{case.due_date:%Y年%m月%d日}前办结（{_limit(case.item, case)}）"
    else:
        clock = _label(case.get_status_display())
    doc.key_values(
        [("办理机构", case.office.name), ("承诺时限", _limit(case.item, case)), ("办理期限", clock)], columns=1
    )
    rows = case.materials.select_related("material").order_by("material_id")
    doc.table(
        header=["材料", "状态"],
        rows=[[_material_named(m), _label(m.get_status_display())] for m in rows],
        widths=[4, 1.5],
    )
    doc.paragraph(
        f"凭办件编号 {case.number} 和申请人公民身份号码后六位，可登录网上服务大厅查看，"
        f"或访问 {_track_url()}（“办件进度查询”）查询办理进度，也可拨打 12333 咨询。",
        indent=True,
    )
    return doc


def _material_named(row: CaseMaterial) -> str:
    """A material's name, marked optional where this case does not require it."""
    return row.material.name if row.is_required else f"{row.material.name}（可选）"


def _materials_notice(case: Case) -> Document:
    # the required ones first, as this case requires them (CaseMaterial.is_required)
    missing = sorted(
        case.materials.filter(status=CaseMaterial.Status.MISSING).select_related("material"),
        key=lambda m: (not m.is_required, m.material_id),
    )
    doc = Document(title="一次性告知书", issuer=case.office.name)
    doc.heading("一次性告知书")
    _head(doc, case)
    doc.paragraph(f"{case.applicant_name}：", align="left")
    doc.paragraph(
        f"您申请的“{case.item.name}”（办件编号 {case.number}），经审查，尚需补正下列材料。"
        "现一次性告知如下，请补齐后提交，补齐之日的次日起计算办理时限。",
        indent=True,
    )
    doc.table(
        header=["序号", "材料名称", "要求"],
        rows=[
            [
                i,
                m.material.name,
                ("必须提交" if m.is_required else "如有请提交")
                + ("；可签署告知承诺书代替" if m.material.commitment_allowed else "；须核验原件"),
            ]
            for i, m in enumerate(missing, start=1)
        ],
        widths=[0.6, 4, 2.4],
    )
    pause = CasePause.objects.filter(case=case, kind=CasePause.Kind.MATERIALS, ended_on__isnull=True).last()
    if pause is not None and pause.reason and pause.reason != "收件时材料不全":
        doc.paragraph(f"补充说明：{pause.reason}", indent=True)
    doc.paragraph(
        f"补正材料可交至{case.office.name}窗口，或登录网上服务大厅上传。未按要求补正的，可能不予受理。", indent=True
    )
    doc.paragraph(f"{case.office.name}　{timezone.localdate():%Y年%m月%d日}", align="right")
    return doc


def _refusal_notice(case: Case) -> Document:
    record = CaseStepRecord.objects.filter(case=case, action="reject").select_related("step").last()
    accepted = record is not None and record.step is not None and record.step.kind != "accept"
    title, decision = ("不予办理通知书", "不予办理") if accepted else ("不予受理通知书", "不予受理")
    doc = Document(title=title, issuer=case.office.name)
    doc.heading(title)
    _head(doc, case)
    doc.paragraph(f"{case.applicant_name}：", align="left")
    doc.paragraph(
        f"您申请的“{case.item.name}”（办件编号 {case.number}），经审查，决定{decision}，理由如下：", indent=True
    )
    doc.table(
        header=["序号", "理由"],
        rows=[[i, reason] for i, reason in enumerate(case.rejection_reasons or [], start=1)],
        widths=[0.6, 6.4],
    )
    doc.paragraph(f"依据：{case.item.policy_basis}", size=9)
    doc.paragraph(REMEDIES, indent=True)
    closed = timezone.localtime(case.closed_at).date() if case.closed_at else timezone.localdate()
    doc.paragraph(f"{case.office.name}　{closed:%Y年%m月%d日}", align="right")
    return doc


_BUILDERS = {RECEIPT: _receipt, MATERIALS_NOTICE: _materials_notice, REFUSAL_NOTICE: _refusal_notice}


def paper_pdf(*, case: Case, kind: str) -> bytes:
    """The PDF of paper ``kind`` for ``case``, with its verification code (ref: the case
    number). A paper the case does not have now is a Conflict, an unknown kind InvalidInput."""
    build = _BUILDERS.get(kind)
    if build is None:
        raise InvalidInput(f"没有这种文书：{kind}", f"No such paper: {kind}", field="kind")
    if kind not in papers_available(case):
        raise Conflict("该办件目前没有这份文书", "The case has no such paper now")
    assert case.number is not None
    return build(case).verification(kind=kind, ref=case.number).render()
