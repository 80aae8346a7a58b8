"""失业保险类服务事项: the employer's filing and the claim registration (即办 with complete
materials), stopping benefits, training subsidies, job-retention refunds, transfers."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from shebao.cases.handlers import FormHandler, ItemHandler, items_register
from shebao.catalog.definitions import (
    ID_CARD,
    ID_NUMBER,
    NAME,
    PHONE,
    Applicant,
    FieldSpec,
    ItemSpec,
    MaterialSpec,
)
from shebao.catalog.models import ServiceItem
from shebao.core.errors import InvalidInput
from shebao.core.identifiers import bank_card_validate, credit_code_validate

if TYPE_CHECKING:
    from shebao.cases.models import Case
    from shebao.core.models import Account

LAW = "《中华人民共和国社会保险法》"
REGULATION = "《失业保险条例》（国务院令第258号）"

UNIT_CODE = FieldSpec("unit_code", "用人单位统一社会信用代码", "Employer's unified social credit code", max_length=18)
TERMINATED_ON = FieldSpec("terminated_on", "终止或解除劳动关系日期", "Date employment ended", "date")
END_REASON = FieldSpec(
    "end_reason",
    "终止或解除劳动关系原因",
    "Why employment ended",
    "choice",
    # the codes of the separation-reason rule table (unemployment.SeparationReason), as the
    # calculator takes them
    choices=(
        ("contract_ended", "劳动合同期满终止"),
        ("dismissed", "被用人单位解除劳动合同"),
        ("unit_closed", "用人单位破产、撤销、解散"),
        ("mutual_agreement_by_unit", "用人单位提出、协商一致解除"),
        ("resigned", "本人主动辞职"),
    ),
)
BANK_CARD = FieldSpec("bank_card", "收款银行卡号（社会保障卡金融账户）", "Bank card for the payment", max_length=19)
FROM_PLACE = FieldSpec("from_place", "原参保地（省、市）", "Original place (province, city)")
FROM_AGENCY = FieldSpec("from_agency", "原参保地社会保险经办机构", "Original insurance agency")

TERMINATION_PROOF = MaterialSpec(
    "termination_proof",
    "终止或者解除劳动关系证明",
    "Proof of employment termination",
    commitment_allowed=True,  # 可与单位备案、参保减员记录核验
)

# --- handler ---------------------------------------------------------------------------------


class UnemploymentHandler(FormHandler):
    """失业类: the employer's valid credit code (its own when a unit applies), events that have
    happened not in the future, a valid payment card."""

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        cleaned = super().clean(item=item, form=form, applicant=applicant)
        if "unit_code" in cleaned:
            cleaned["unit_code"] = credit_code_validate(cleaned["unit_code"], field="unit_code")
            if applicant.unit_code and cleaned["unit_code"] != applicant.unit_code.upper():
                raise InvalidInput("只能为本单位办理", "The credit code is not the applying unit's", field="unit_code")
        today = timezone.localdate().isoformat()
        for name in ("terminated_on", "stop_from", "certificate_date"):
            if name in cleaned and cleaned[name] > today:
                raise InvalidInput("该日期不能晚于今天", f"{name} cannot be in the future", field=name)
        if "bank_card" in cleaned:
            cleaned["bank_card"] = bank_card_validate(cleaned["bank_card"], field="bank_card")
        return cleaned


class FilingHandler(UnemploymentHandler):
    """SY-001: the employer's statement of why the job ended, recorded when the case completes."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.unemployment.services import separation_file

        row = separation_file(actor=actor, case_number=case.number or "", form=case.form_data)
        return {"separation": row.pk, "reason": row.reason}


class ClaimHandler(UnemploymentHandler):
    """SY-002: the claim, assessed from the records and created when the case completes (at
    acceptance: 即时办结)."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.unemployment.services import claim_create

        claim = claim_create(actor=actor, case_number=case.number or "", form=case.form_data)
        return {
            "claim": claim.pk,
            "start_month": f"{claim.start_month:%Y-%m}",
            "max_months": claim.max_months,
            "monthly_benefit": str(claim.monthly_benefit),
        }


class StopHandler(UnemploymentHandler):
    """SY-003: the claim stops from the month of ``stop_from``; the unpaid months are kept."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.unemployment.services import claim_stop, person_by_id_number

        form = case.form_data
        reason = str(form["stop_reason"])
        claim = claim_stop(
            actor=actor,
            person=person_by_id_number(str(form["id_number"])),
            reason=reason,
            from_month=dt.date.fromisoformat(str(form["stop_from"])),
            case_number=case.number or "",
        )
        return {"claim": claim.pk, "stopped_from": f"{claim.stopped_from:%Y-%m}"}


class OneOffHandler(UnemploymentHandler):
    """SY-004, SY-005, SY-007: the one-off payment of ``shebao.unemployment.one_off``, made when
    the case completes (an approver's decision), once."""

    def __init__(self, writer: str) -> None:
        self.writer = writer

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.unemployment import one_off

        row = getattr(one_off, self.writer)(actor=actor, case_number=case.number or "", form=case.form_data)
        return {"payment": row.key, "amount": str(row.amount), "status": row.status}


class TransferHandler(UnemploymentHandler):
    """SY-006: the months left elsewhere become a claim here (none left: the relationship alone)."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.unemployment.one_off import transfer_in

        claim = transfer_in(actor=actor, case_number=case.number or "", form=case.form_data)
        if claim is None:
            return {"claim": None, "months": 0}
        return {"claim": claim.pk, "months": claim.max_months, "monthly_benefit": str(claim.monthly_benefit)}


# --- items -----------------------------------------------------------------------------------


def _item(**kw: Any) -> ItemSpec:
    defaults: dict[str, Any] = {
        "insurance": "unemployment",
        "skill_group": "unemployment",
        "jurisdiction": "applicant_district",
        "office_kinds": ("district_office",),
        "handler": "unemployment.form",
    }
    return ItemSpec(**(defaults | kw))


ITEMS: tuple[ItemSpec, ...] = (
    _item(
        code="SY-001",
        name="用人单位失业人员名单备案",
        name_en="Employer's filing of unemployed staff",
        policy_basis=f"{LAW}第五十条；{REGULATION}第十六条",
        risk_level=1,
        channels=("hall", "online"),
        promised_days=0,
        description="用人单位为失业人员出具终止或者解除劳动关系证明，并将失业人员名单报社会保险经办机构备案；材料齐全的即时办结。",
        form_group="unemployment",
        handler="unemployment.filing",
        fields=(UNIT_CODE, ID_NUMBER, NAME, TERMINATED_ON, END_REASON),
        materials=(TERMINATION_PROOF,),
    ),
    _item(
        code="SY-002",
        name="失业保险金申领登记",
        name_en="Registration of an unemployment benefit claim",
        policy_basis=f"{LAW}第四十五条、第五十条；{REGULATION}第十四条；《失业保险金申领发放办法》",
        risk_level=1,
        channels=("hall", "community", "online", "app"),
        office_kinds=("district_office", "community_centre"),
        promised_days=0,
        description=(
            "非因本人意愿中断就业、失业前累计缴费满1年并已办理失业登记的，凭身份证件和终止或解除劳动关系证明申领；"
            "材料齐全的即时办结，次月起按月发放失业保险金。"
        ),
        form_group="unemployment",
        handler="unemployment.claim",
        fields=(ID_NUMBER, NAME, PHONE, TERMINATED_ON, END_REASON, BANK_CARD),
        materials=(
            ID_CARD,
            TERMINATION_PROOF,
            MaterialSpec("bank_card", "本人社会保障卡或银行卡", "Social security card or bank card", required=False),
        ),
    ),
    _item(
        code="SY-003",
        name="失业保险金停发",
        name_en="Stopping unemployment benefit",
        policy_basis=f"{LAW}第五十一条；{REGULATION}第十五条",
        risk_level=2,
        channels=("hall", "community", "online"),
        office_kinds=("district_office", "community_centre"),
        promised_days=1,
        handler="unemployment.stop",
        description="重新就业、应征服兵役、移居境外、享受基本养老保险待遇或无正当理由拒不接受推荐工作或培训的，停止发放。",
        fields=(
            ID_NUMBER,
            NAME,
            FieldSpec(
                "stop_reason",
                "停发原因",
                "Reason",
                "choice",
                choices=(
                    ("reemployed", "重新就业"),
                    ("military", "应征服兵役"),
                    ("abroad", "移居境外"),
                    ("pension", "享受基本养老保险待遇"),
                    ("refused", "无正当理由拒不接受推荐的工作或培训"),
                ),
            ),
            FieldSpec("stop_from", "停发起始日期", "Stopped from", "date"),
        ),
        materials=(
            MaterialSpec("reason_proof", "停发事由证明（如劳动合同）", "Proof of the reason", commitment_allowed=True),
        ),
    ),
    _item(
        code="SY-004",
        name="技能提升补贴申领",
        name_en="Skills upgrading subsidy",
        policy_basis=f"{REGULATION}；《关于失业保险支持参保职工提升职业技能有关问题的通知》",
        risk_level=3,
        channels=("online", "app", "hall"),
        promised_days=15,
        description=(
            "符合规定缴费条件的参保职工取得职业资格证书或职业技能等级证书后，在规定期限内申领技能提升补贴；"
            "补贴按证书等级的标准（规则表）一次性发放至本人银行卡，同一证书只能领取一次。"
        ),
        handler="unemployment.skill_subsidy",
        fields=(
            ID_NUMBER,
            NAME,
            PHONE,
            FieldSpec(
                "certificate_type",
                "证书类别",
                "Certificate",
                "choice",
                choices=(("qualification", "职业资格证书"), ("skill_level", "职业技能等级证书")),
            ),
            FieldSpec(
                "certificate_level",
                "证书等级",
                "Certificate level",
                "choice",
                choices=(("5", "初级（五级）"), ("4", "中级（四级）"), ("3", "高级（三级）")),
            ),
            FieldSpec("certificate_no", "证书编号", "Certificate number", max_length=64),
            FieldSpec("certificate_date", "发证日期", "Date issued", "date"),
            BANK_CARD,
        ),
        materials=(
            MaterialSpec("certificate", "职业资格证书或职业技能等级证书", "The certificate", commitment_allowed=True),
        ),
    ),
    _item(
        code="SY-005",
        name="失业保险稳岗返还",
        name_en="Job-retention refund to employers",
        policy_basis=f"{LAW}；{REGULATION}",
        risk_level=3,
        channels=("online", "hall"),
        promised_days=15,
        description=(
            "依法参保缴费、裁员率符合规定的用人单位，按规定比例（规则表）返还该年度实际缴纳的失业保险费单位部分，"
            "每个单位每年度一次，支付至单位银行账户。"
        ),
        handler="unemployment.retention_refund",
        fields=(
            UNIT_CODE,
            FieldSpec("declare_year", "返还所属年度", "Year refunded", "int"),
            FieldSpec("staff_count", "上年末参保职工人数", "Insured staff at the end of last year", "int"),
            FieldSpec("bank_account", "单位银行账号", "Employer's bank account", max_length=40),
        ),
        materials=(MaterialSpec("commitment", "单位承诺书", "Employer's signed commitment"),),
    ),
    _item(
        code="SY-006",
        name="失业保险关系转移接续",
        name_en="Transfer of unemployment insurance",
        policy_basis=f"{LAW}第五十二条；{REGULATION}第二十二条",
        risk_level=3,
        channels=("hall", "online"),
        promised_days=15,
        description=(
            "职工跨统筹地区就业的，失业保险关系随本人转移，缴费年限累计计算；"
            "转入时在原参保地尚未领取的失业保险金月数一并转入，次月起按本市标准发放。"
        ),
        handler="unemployment.transfer",
        fields=(
            ID_NUMBER,
            NAME,
            PHONE,
            FROM_PLACE,
            FROM_AGENCY,
            FieldSpec(
                "remaining_months",
                "原参保地尚未领取的失业保险金月数",
                "Benefit months left there",
                "int",
                required=False,
            ),
            FieldSpec(
                "bank_card",
                "收款银行卡号（有剩余月数时填写）",
                "Bank card (when months are left)",
                required=False,
                max_length=19,
            ),
        ),
        materials=(ID_CARD,),
    ),
    _item(
        code="SY-007",
        name="农民合同制工人一次性生活补助申领",
        name_en="Lump-sum living allowance for rural contract workers",
        policy_basis=f"{REGULATION}第二十一条",
        risk_level=3,
        channels=("hall",),
        promised_days=15,
        description=(
            "单位招用的农民合同制工人连续工作满1年，本单位已缴纳失业保险费，劳动合同期满未续订或者提前解除的，"
            "申领一次性生活补助：按缴费每满1年的标准（规则表）计算，一次性支付至本人银行卡。"
        ),
        handler="unemployment.rural_allowance",
        fields=(ID_NUMBER, NAME, PHONE, UNIT_CODE, TERMINATED_ON, BANK_CARD),
        materials=(ID_CARD, TERMINATION_PROOF),
    ),
)

HANDLERS: dict[str, ItemHandler] = {
    "unemployment.form": UnemploymentHandler(),
    "unemployment.filing": FilingHandler(),
    "unemployment.claim": ClaimHandler(),
    "unemployment.stop": StopHandler(),
    "unemployment.skill_subsidy": OneOffHandler("skill_subsidy_pay"),
    "unemployment.retention_refund": OneOffHandler("retention_refund_pay"),
    "unemployment.transfer": TransferHandler(),
    "unemployment.rural_allowance": OneOffHandler("rural_allowance_pay"),
}


def register_items() -> None:
    """Register this app's service items with the catalogue."""
    items_register(*ITEMS, handlers=HANDLERS)
