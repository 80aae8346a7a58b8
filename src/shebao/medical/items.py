"""医疗和生育保险类服务事项: filings and approvals for care elsewhere (医保发〔2022〕22号),
reimbursements, account queries, chronic-disease filings, transfers, maternity benefits."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from shebao.cases.handlers import FormHandler, ItemHandler, items_register
from shebao.catalog.definitions import (
    ACCEPT,
    APPROVE,
    ID_CARD,
    ID_NUMBER,
    NAME,
    PHONE,
    REVIEW,
    Applicant,
    FieldSpec,
    ItemSpec,
    MaterialSpec,
    PhaseSpec,
)
from shebao.catalog.models import ServiceItem
from shebao.core.errors import InvalidInput
from shebao.core.identifiers import bank_card_validate, credit_code_validate

if TYPE_CHECKING:
    from shebao.cases.models import Case
    from shebao.core.models import Account

LAW = "《中华人民共和国社会保险法》"
CROSS_REGION = "医保发〔2022〕22号（关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知）"
MUTUAL_AID = "国办发〔2021〕14号（关于建立健全职工基本医疗保险门诊共济保障机制的指导意见）"

HOSPITAL = FieldSpec("hospital", "就医医疗机构", "Hospital")
PLACE = FieldSpec("place", "就医地（省、市）", "Place of care (province, city)")
ADMISSION = FieldSpec("admission_date", "入院（就诊）日期", "Admission date", "date")
DISCHARGE = FieldSpec("discharge_date", "出院日期", "Discharge date", "date")
AMOUNT = FieldSpec("amount", "医疗费用总额（元）", "Total medical costs (yuan)", "decimal")
BANK_CARD = FieldSpec("bank_card", "收款银行卡号（社会保障卡金融账户）", "Bank card for the payment", max_length=19)
DIAGNOSIS = FieldSpec("diagnosis", "疾病诊断", "Diagnosis")

INVOICES = MaterialSpec("invoices", "医疗费用原始票据", "Original medical invoices")
ITEMISED = MaterialSpec("itemised_bill", "费用明细清单", "Itemised bill")
DISCHARGE_SUMMARY = MaterialSpec(
    "discharge_summary", "出院小结或门（急）诊病历", "Discharge summary or outpatient record"
)
BANK_CARD_COPY = MaterialSpec(
    "bank_card", "本人银行卡或社会保障卡", "The applicant's bank card or social security card"
)

# --- handler ---------------------------------------------------------------------------------


class CareHandler(FormHandler):
    """就医类: discharge not before admission, care already given not in the future, a positive
    amount, a valid payment card, and a family member who is not the insured person."""

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        cleaned = super().clean(item=item, form=form, applicant=applicant)
        today = timezone.localdate().isoformat()
        for name in ("admission_date", "discharge_date", "delivery_date", "visit_to"):
            if name in cleaned and cleaned[name] > today:
                raise InvalidInput("该日期不能晚于今天", f"{name} cannot be in the future", field=name)
        for first, then in (
            ("admission_date", "discharge_date"),
            ("valid_from", "valid_to"),
            ("visit_from", "visit_to"),
        ):
            if first in cleaned and then in cleaned and cleaned[then] < cleaned[first]:
                raise InvalidInput("结束日期不能早于开始日期", f"{then} is before {first}", field=then)
        if "amount" in cleaned and Decimal(cleaned["amount"]) <= 0:
            raise InvalidInput("金额应大于零", "The amount must be above zero", field="amount")
        if "bank_card" in cleaned:
            cleaned["bank_card"] = bank_card_validate(cleaned["bank_card"], field="bank_card")
        if "unit_code" in cleaned:
            cleaned["unit_code"] = credit_code_validate(cleaned["unit_code"], field="unit_code")
        if cleaned.get("member_id_number") and cleaned["member_id_number"] == cleaned.get("id_number"):
            raise InvalidInput(
                "共济家庭成员不能是本人", "The family member cannot be the insured person", field="member_id_number"
            )
        return cleaned


class AuthorisationHandler(CareHandler):
    """A filing or an approval: on completion it is recorded (``CareAuthorisation``), with its
    validity, for the reimbursement to read. ``kind`` None: the form's filing type says which
    (emergency or referral: temporary; retiree, resident, posted: long-term)."""

    def __init__(self, kind: str | None = None) -> None:
        self.kind = kind

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.medical.filings import authorisation_record

        form = dict(case.form_data)
        kind = self.kind or (
            form["filing_type"] if form.get("filing_type") in ("emergency", "referral") else "long_term"
        )
        return authorisation_record(case=case, actor=actor, kind=kind, form=form)


class ReimbursementHandler(CareHandler):
    """YB-004: on the centre's approval, the reimbursement is decided from the rule rows (the
    centre's assessment must be there), the decision letter issued and the payment ordered."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.medical.services import reimbursement_decide

        return reimbursement_decide(case=case, actor=actor)


# --- items -----------------------------------------------------------------------------------


def _medical_centre_item(**kw: Any) -> ItemSpec:
    defaults: dict[str, Any] = {
        "insurance": "medical",
        "skill_group": "medical",
        "jurisdiction": "medical_centre",
        "channels": ("hall", "online", "app"),
        "office_kinds": ("medical_centre",),
        "handler": "medical.care",
    }
    return ItemSpec(**(defaults | kw))


ITEMS: tuple[ItemSpec, ...] = (
    _medical_centre_item(
        code="YB-001",
        handler="medical.filing",
        name="异地就医急诊转诊备案",
        name_en="Filing of emergency or referral care elsewhere",
        policy_basis=CROSS_REGION,
        risk_level=1,
        promised_days=0,
        saturday=True,
        description="临时外出就医的急诊抢救、转诊转院人员办理异地就医备案；急诊抢救可在就医后补办。",
        fields=(
            ID_NUMBER,
            NAME,
            PHONE,
            FieldSpec(
                "filing_type",
                "备案类别",
                "Kind of filing",
                "choice",
                choices=(("emergency", "急诊抢救"), ("referral", "转诊转院")),
            ),
            PLACE,
            HOSPITAL,
            FieldSpec("valid_from", "备案开始日期", "Valid from", "date"),
            FieldSpec("valid_to", "备案结束日期", "Valid to", "date", required=False),
        ),
        materials=(
            ID_CARD,
            MaterialSpec(
                "referral_proof",
                "定点医疗机构出具的转诊转院证明（转诊时）",
                "Hospital referral (for a referral)",
                required=False,
            ),
        ),
    ),
    _medical_centre_item(
        code="YB-002",
        handler="medical.transfer",
        name="转诊转院审批",
        name_en="Approval of a hospital transfer",
        policy_basis=f"{LAW}第二十八条；{CROSS_REGION}",
        risk_level=2,
        promised_days=2,
        saturday=True,
        description="因病情需要转往其他医疗机构治疗的，由首诊定点医疗机构提出，医保经办机构在2个工作日内审批。",
        fields=(
            ID_NUMBER,
            NAME,
            PHONE,
            FieldSpec("from_hospital", "转出医疗机构", "Hospital transferring out"),
            FieldSpec("to_hospital", "转入医疗机构", "Hospital receiving"),
            DIAGNOSIS,
        ),
        materials=(
            ID_CARD,
            MaterialSpec("referral_form", "定点医疗机构出具的转诊转院申请表", "Hospital's transfer request"),
            MaterialSpec("medical_record", "病历资料", "Medical record"),
        ),
    ),
    _medical_centre_item(
        code="YB-003",
        handler="medical.non_designated",
        name="非定点医院急诊就医审批",
        name_en="Approval of emergency care at a non-designated hospital",
        policy_basis=f"{LAW}第二十八条",
        risk_level=2,
        promised_days=3,
        saturday=True,
        description="因急诊抢救在非定点医疗机构就医的，经审批后其符合规定的费用按规定支付；病情稳定后应转入定点医疗机构。",
        fields=(ID_NUMBER, NAME, PHONE, HOSPITAL, ADMISSION, DIAGNOSIS),
        materials=(
            ID_CARD,
            MaterialSpec("emergency_record", "急诊病历或抢救记录", "Emergency record"),
            MaterialSpec("hospital_statement", "医疗机构出具的急诊抢救证明", "Hospital's statement of the emergency"),
        ),
    ),
    _medical_centre_item(
        code="YB-004",
        handler="medical.reimbursement",
        name="异地就医零星报销",
        name_en="Reimbursement of care received elsewhere",
        policy_basis=f"{LAW}第二十八条；{CROSS_REGION}",
        risk_level=3,
        jurisdiction="applicant_district",
        channels=("hall", "online", "app"),
        office_kinds=("district_office",),
        # the promise measured whole: 2 working days at the district, then the medical centre's
        # full 15 from receiving the district's complete file (not 15 in all, which left it 13)
        promised_days=17,
        description=(
            "异地就医未能直接结算的费用，由参保地区级经办机构在2个工作日内受理并移交，"
            "市医保中心自收到齐全材料之日起15个工作日内审核支付。"
        ),
        fields=(ID_NUMBER, NAME, PHONE, PLACE, HOSPITAL, ADMISSION, DISCHARGE, AMOUNT, BANK_CARD),
        materials=(
            ID_CARD,
            INVOICES,
            ITEMISED,
            DISCHARGE_SUMMARY,
            MaterialSpec(
                "filing_proof", "异地就医备案凭证", "Proof of the filing", required=False, commitment_allowed=True
            ),
            BANK_CARD_COPY,
        ),
        phases=(
            PhaseSpec(
                code="district_accept",
                name="区经办机构受理",
                name_en="District office accepts",
                steps=(ACCEPT,),
                jurisdiction="applicant_district",
                promised_days=2,
            ),
            PhaseSpec(
                code="centre_pay",
                name="市医保中心审核支付",
                name_en="City medical centre checks and pays",
                steps=(REVIEW, APPROVE),
                jurisdiction="medical_centre",
                promised_days=15,
            ),
        ),
    ),
    _medical_centre_item(
        code="YB-005",
        name="社保卡医保个人账户查询",
        name_en="Query of the medical personal account on the card",
        policy_basis=f"{LAW}第二十三条；{MUTUAL_AID}",
        risk_level=1,
        promised_days=0,
        saturday=True,
        channels=("hall", "online", "app", "kiosk"),
        description="查询职工医保个人账户余额、划入和支出明细。",
        fields=(ID_NUMBER, NAME),
        materials=(ID_CARD,),
    ),
    _medical_centre_item(
        code="YB-006",
        name="医疗费用结算清单打印",
        name_en="Print of the medical settlement list",
        policy_basis=f"{LAW}第二十九条",
        risk_level=1,
        promised_days=0,
        saturday=True,
        channels=("hall", "online", "app", "kiosk"),
        description="打印指定期间的医疗费用结算清单，列明基金支付、个人账户支付和个人自付金额。",
        fields=(
            ID_NUMBER,
            NAME,
            FieldSpec("visit_from", "就医起始日期", "Care from", "date"),
            FieldSpec("visit_to", "就医截止日期", "Care to", "date"),
        ),
        materials=(ID_CARD,),
    ),
    _medical_centre_item(
        code="YB-007",
        name="门诊慢特病待遇认定备案",
        name_en="Filing for chronic and special-disease outpatient care",
        policy_basis=f"{LAW}第二十八条；{MUTUAL_AID}",
        risk_level=2,
        promised_days=10,
        saturday=True,
        description="患门诊慢特病的参保人员，经定点医疗机构诊断、医保经办机构认定后，门诊费用按慢特病待遇支付。",
        fields=(
            ID_NUMBER,
            NAME,
            PHONE,
            FieldSpec(
                "disease",
                "病种",
                "Disease",
                "choice",
                choices=(
                    ("hypertension", "高血压"),
                    ("diabetes", "糖尿病"),
                    ("cancer", "恶性肿瘤门诊治疗"),
                    ("dialysis", "尿毒症透析"),
                    ("transplant", "器官移植抗排异治疗"),
                    ("mental", "严重精神障碍"),
                    ("other", "其他规定病种"),
                ),
            ),
            HOSPITAL,
        ),
        materials=(
            ID_CARD,
            MaterialSpec("diagnosis_proof", "定点医疗机构诊断证明及检查报告", "Diagnosis and test reports"),
            MaterialSpec("medical_record", "病历资料", "Medical record"),
        ),
    ),
    _medical_centre_item(
        code="YB-008",
        handler="medical.filing",
        name="异地长期居住备案",
        name_en="Filing of long-term residence elsewhere",
        policy_basis=CROSS_REGION,
        risk_level=1,
        promised_days=0,
        saturday=True,
        channels=("app", "online", "hall"),
        description="异地安置退休人员、异地长期居住人员和常驻异地工作人员办理备案后，在就医地直接结算。",
        fields=(
            ID_NUMBER,
            NAME,
            PHONE,
            FieldSpec(
                "filing_type",
                "备案类别",
                "Kind of filing",
                "choice",
                choices=(
                    ("retiree", "异地安置退休人员"),
                    ("resident", "异地长期居住人员"),
                    ("posted", "常驻异地工作人员"),
                ),
            ),
            PLACE,
            FieldSpec("valid_from", "备案开始日期", "Valid from", "date"),
        ),
        materials=(
            ID_CARD,
            MaterialSpec(
                "residence_proof",
                "异地居住证明或个人承诺书",
                "Proof of residence or personal commitment",
                commitment_allowed=True,
            ),
        ),
    ),
    _medical_centre_item(
        code="YB-009",
        name="基本医疗保险关系转移接续",
        name_en="Transfer of basic medical insurance",
        policy_basis=(
            f"{LAW}第三十二条；《流动就业人员基本医疗保障关系转移接续暂行办法》（人社部发〔2009〕191号）；"
            "《基本医疗保障关系转移接续暂行办法》"
        ),
        risk_level=3,
        promised_days=15,
        description="跨统筹地区流动就业的，医疗保险关系随同转移，缴费年限累计计算。",
        fields=(
            ID_NUMBER,
            NAME,
            PHONE,
            FieldSpec("from_place", "原参保地（省、市）", "Original place (province, city)"),
            FieldSpec("from_agency", "原参保地医疗保障经办机构", "Original medical-insurance agency"),
        ),
        materials=(
            ID_CARD,
            MaterialSpec(
                "insured_certificate",
                "参保（合）凭证",
                "Insurance certificate from the original place",
                commitment_allowed=True,  # 可通过全国医保信息平台获取
            ),
        ),
    ),
    _medical_centre_item(
        code="YB-010",
        name="军队转业干部基本医疗保险和生育保险接续",
        name_en="Medical and maternity insurance of transferred military officers",
        policy_basis=f"《中华人民共和国军人保险法》；{LAW}第三十二条",
        risk_level=3,
        jurisdiction="applicant_district",
        # a district office, or the medical centre for the cadres it keeps (medical.cadres routes)
        office_kinds=("district_office", "medical_centre"),
        channels=("hall",),
        promised_days=15,
        description="军队转业干部到地方后，由安置地区级经办机构接续军人退役医疗保险关系，办理职工基本医疗保险和生育保险。",
        fields=(
            ID_NUMBER,
            NAME,
            PHONE,
            FieldSpec("discharged_on", "转业（退役）日期", "Date of transfer from the army", "date"),
            FieldSpec("receiving_unit", "安置接收单位", "Receiving employer"),
        ),
        materials=(
            ID_CARD,
            MaterialSpec(
                "military_certificate",
                "军人退役医疗保险参保缴费凭证",
                "Military retirement medical insurance certificate",
            ),
            MaterialSpec("placement_letter", "转业安置介绍信或相关证明", "Placement letter", commitment_allowed=True),
        ),
    ),
    *(
        _medical_centre_item(
            code=code,
            name=f"自主择业军转干部医疗保险和生育保险{what}",
            name_en=f"{what_en} of the medical and maternity insurance of self-employed transferred officers",
            policy_basis=f"《中华人民共和国军人保险法》；{LAW}第三十二条",
            risk_level=2,
            jurisdiction="applicant_district",  # medical.cadres routes: the cadre's district, or the centre
            office_kinds=("district_office", "medical_centre"),
            channels=("hall",),
            promised_days=5,
            description=description,
            fields=(ID_NUMBER, NAME, PHONE),
            materials=(ID_CARD,),
        )
        for code, what, what_en, description in (
            (
                "YB-012",
                "分户",
                "Split of the accounts",
                "自主择业军转干部医疗和生育保险由市级集中管理转为居住地区管理（新城区除外），在区经办机构单独建户。",
            ),
            (
                "YB-013",
                "续保",
                "Continuation",
                "自主择业军转干部分户后，在管理机构（区经办机构或市医保中心）按原保障方式续保，资金保障方式不变。",
            ),
        )
    ),
    _medical_centre_item(
        code="YB-011",
        name="职工医保个人账户家庭共济绑定",
        name_en="Sharing of the medical personal account with family",
        policy_basis=MUTUAL_AID,
        risk_level=1,
        promised_days=0,
        saturday=True,
        channels=("app", "online", "hall"),
        description="职工医保个人账户可用于支付配偶、父母、子女在定点医疗机构就医和定点药店购药的个人负担费用。",
        fields=(
            ID_NUMBER,
            NAME,
            FieldSpec("member_id_number", "共济家庭成员公民身份号码", "Family member's ID number", "id_number"),
            FieldSpec("member_name", "共济家庭成员姓名", "Family member's name"),
            FieldSpec(
                "relation",
                "与本人关系",
                "Relation",
                "choice",
                choices=(("spouse", "配偶"), ("parent", "父母"), ("child", "子女")),
            ),
        ),
        materials=(ID_CARD, MaterialSpec("kinship_proof", "亲属关系证明", "Proof of kinship", commitment_allowed=True)),
    ),
    _medical_centre_item(
        code="YB-021",
        name="生育津贴申领",
        name_en="Maternity allowance",
        insurance="maternity",
        policy_basis=f"{LAW}第五十六条；《女职工劳动保护特别规定》（国务院令第619号）；国办发〔2019〕10号",
        risk_level=3,
        promised_days=15,
        channels=("hall", "online"),
        description="职工生育享受产假或者计划生育手术休假的，按职工所在用人单位上年度职工月平均工资计发生育津贴。",
        fields=(
            ID_NUMBER,
            NAME,
            PHONE,
            FieldSpec("unit_code", "用人单位统一社会信用代码", "Employer's unified social credit code", max_length=18),
            FieldSpec("delivery_date", "生育（手术）日期", "Date of birth or operation", "date"),
            FieldSpec(
                "delivery_type",
                "生育类别",
                "Kind",
                "choice",
                choices=(
                    ("natural", "顺产"),
                    ("caesarean", "剖宫产"),
                    ("multiple", "多胞胎生育"),
                    ("miscarriage", "流产"),
                ),
            ),
            BANK_CARD,
        ),
        materials=(
            ID_CARD,
            MaterialSpec("birth_certificate", "出生医学证明", "Medical birth certificate", commitment_allowed=True),
            MaterialSpec(
                "diagnosis_proof",
                "医疗机构诊断证明（流产时）",
                "Hospital diagnosis (for a miscarriage)",
                required=False,
            ),
        ),
    ),
    _medical_centre_item(
        code="YB-022",
        name="生育医疗费用报销",
        name_en="Reimbursement of maternity medical costs",
        insurance="maternity",
        policy_basis=f"{LAW}第五十五条；国办发〔2019〕10号",
        risk_level=3,
        promised_days=15,
        channels=("hall", "online"),
        description="未能在定点医疗机构直接结算的生育医疗费用，按规定标准报销。",
        fields=(ID_NUMBER, NAME, PHONE, HOSPITAL, ADMISSION, DISCHARGE, AMOUNT, BANK_CARD),
        materials=(ID_CARD, INVOICES, ITEMISED, DISCHARGE_SUMMARY, BANK_CARD_COPY),
    ),
)

HANDLERS: dict[str, ItemHandler] = {
    "medical.care": CareHandler(),
    "medical.filing": AuthorisationHandler(),
    "medical.transfer": AuthorisationHandler("transfer"),
    "medical.non_designated": AuthorisationHandler("non_designated"),
    "medical.reimbursement": ReimbursementHandler(),
}


def register_items() -> None:
    """Register this app's service items with the catalogue."""
    from shebao.core.audit import audit_actions
    from shebao.medical.audit_actions import MedicalAction

    items_register(*ITEMS, handlers=HANDLERS)
    audit_actions.register(MedicalAction)
