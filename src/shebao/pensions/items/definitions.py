"""养老和工伤待遇类服务事项: the items themselves (retirement, benefit determination, survivors' benefits,
suspension and resumption, certification, work-injury recognition and benefits), their handlers by
key, and their registration with the engine. The transfers (YL-003, YL-004) live in
shebao.pensions.transfers."""

from __future__ import annotations

from shebao.cases.eligibility import register_check
from shebao.cases.handlers import ItemHandler, items_register
from shebao.catalog.definitions import ID_CARD, ID_NUMBER, NAME, PHONE, FieldSpec, ItemSpec, MaterialSpec
from shebao.pensions.items.benefits import (
    AccountChangeHandler,
    BenefitHandler,
    CertificationHandler,
    InheritanceHandler,
    RedeterminationHandler,
    ResumptionHandler,
    SurvivorsHandler,
    SuspensionHandler,
    retired,
)
from shebao.pensions.items.fields import (
    BANK_CARD,
    BANK_CARD_COPY,
    CLAIMANT_ID,
    DEATH_PROOF,
    DECEASED,
    INJURY_REGULATION,
    KINSHIP_PROOF,
    LAW,
    RELATION,
    RETIRE_DATE,
    UNIT_CODE,
)
from shebao.pensions.items.injury import (
    InjuryBenefitHandler,
    InjuryHandler,
    InjuryRecognitionHandler,
    injury_decision_known,
)
from shebao.pensions.items.retirement import RetirementHandler, retirement_eligible

# --- items -----------------------------------------------------------------------------------

ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec(
        code="YL-001",
        name="职工退休审批",
        name_en="Retirement approval",
        insurance="pension",
        policy_basis=(
            f"{LAW}第十六条；国发〔2005〕38号；《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》；"
            "人社部发〔2024〕94号"
        ),
        skill_group="benefit",
        risk_level=3,
        jurisdiction="applicant_district",
        channels=("hall", "online"),
        office_kinds=("district_office",),
        promised_days=10,
        description="达到法定退休年龄且累计缴费满最低缴费年限的，审核出生日期、参加工作时间、视同缴费年限后审批退休。",
        form_group="retirement",
        fields=(
            ID_NUMBER,
            NAME,
            PHONE,
            FieldSpec(
                "retire_type",
                "退休类别",
                "Kind of retirement",
                "choice",
                choices=(
                    ("normal", "法定退休年龄退休"),
                    ("flexible_early", "弹性提前退休"),
                    ("flexible_late", "弹性延迟退休"),
                    ("special_work", "特殊工种提前退休"),
                    ("disability", "因病或非因工致残完全丧失劳动能力退休"),
                ),
            ),
            RETIRE_DATE,
            FieldSpec(
                "job_type",
                "岗位类别（女职工：工人原50周岁，干部或专业技术人员原55周岁）",
                "Job type (women: worker 50, cadre or technical 55)",
                "choice",
                choices=(("worker", "工人"), ("cadre", "干部（管理、专业技术岗位）")),
            ),
            FieldSpec("work_start", "参加工作时间（YYYY-MM）", "Started work (YYYY-MM)", required=False, max_length=7),
            FieldSpec("deemed_months", "视同缴费月数", "Deemed contribution months", "int", required=False),
            FieldSpec(
                "deemed_source",
                "视同缴费依据（人事档案记载的工作经历）",
                "Source of the deemed months (personnel file)",
                required=False,
                max_length=255,
            ),
            FieldSpec("hukou_local", "本市户籍", "Local hukou", "bool", required=False),
            BANK_CARD,
        ),
        materials=(
            ID_CARD,
            MaterialSpec("personnel_file", "本人人事档案", "Personnel file"),
            MaterialSpec(
                "special_proof",
                "特殊工种或劳动能力鉴定证明（提前退休时）",
                "Special-work or disability proof",
                required=False,
            ),
        ),
        handler="pensions.retirement",
    ),
    ItemSpec(
        code="YL-002",
        name="基本养老金核定",
        name_en="Determination of the basic pension",
        insurance="pension",
        policy_basis=f"{LAW}第十五条；国发〔2005〕38号",
        skill_group="benefit",
        risk_level=3,
        jurisdiction="applicant_district",
        channels=("hall", "online"),
        office_kinds=("district_office",),
        promised_days=10,
        description="按基础养老金、个人账户养老金、过渡性养老金计算月基本养老金，出具核定表并告知计算过程。",
        form_group="retirement",
        fields=(ID_NUMBER, NAME, PHONE, RETIRE_DATE, BANK_CARD),
        materials=(ID_CARD, BANK_CARD_COPY),
        handler="pensions.redetermination",
    ),
    ItemSpec(
        code="YL-005",
        name="养老保险个人账户查询",
        name_en="Query of the pension personal account",
        insurance="pension",
        policy_basis=f"{LAW}第十四条；国发〔2005〕38号；《社会保险个人权益记录管理办法》（人社部令第14号）",
        skill_group="benefit",
        risk_level=1,
        jurisdiction="applicant_district",
        channels=("hall", "community", "online", "app", "kiosk"),
        office_kinds=("district_office", "community_centre"),
        promised_days=0,
        saturday=True,
        description="查询个人账户累计储存额、本年记账本金和利息、账户月数。",
        fields=(ID_NUMBER, NAME),
        materials=(ID_CARD,),
    ),
    ItemSpec(
        code="YL-006",
        name="丧葬补助金和抚恤金申领",
        name_en="Funeral grant and survivors' pension",
        insurance="pension",
        policy_basis=f"{LAW}第十七条",
        skill_group="benefit",
        risk_level=3,
        jurisdiction="applicant_district",
        channels=("hall",),
        office_kinds=("district_office",),
        promised_days=15,
        description="参保人员因病或者非因工死亡的，其遗属可以领取丧葬补助金和抚恤金。",
        fields=(ID_NUMBER, NAME, PHONE, *DECEASED, RELATION, BANK_CARD),
        materials=(CLAIMANT_ID, DEATH_PROOF, KINSHIP_PROOF, BANK_CARD_COPY),
        handler="pensions.survivors",
    ),
    ItemSpec(
        code="YL-007",
        name="个人账户余额继承",
        name_en="Inheritance of the pension personal-account balance",
        insurance="pension",
        policy_basis=f"{LAW}第十四条",
        skill_group="benefit",
        risk_level=3,
        jurisdiction="applicant_district",
        channels=("hall",),
        office_kinds=("district_office",),
        promised_days=15,
        description="参保人员死亡的，个人账户余额依法可以继承，一次性支付给继承人。",
        fields=(ID_NUMBER, NAME, PHONE, *DECEASED, RELATION, BANK_CARD),
        materials=(
            CLAIMANT_ID,
            DEATH_PROOF,
            KINSHIP_PROOF,
            MaterialSpec(
                "inheritance_proof", "继承权公证书或法律文书（有争议时）", "Proof of inheritance", required=False
            ),
            BANK_CARD_COPY,
        ),
        handler="pensions.inheritance",
    ),
    ItemSpec(
        code="YL-008",
        name="养老保险待遇暂停",
        name_en="Suspension of pension payments",
        insurance="pension",
        policy_basis=f"{LAW}；《实施〈中华人民共和国社会保险法〉若干规定》（人社部令第13号）",
        skill_group="benefit",
        risk_level=2,
        jurisdiction="applicant_district",
        channels=("hall", "online"),
        office_kinds=("district_office",),
        promised_days=3,
        description="出境定居、居住境外未按期完成资格认证、被判刑收监执行等情形，暂停发放基本养老金。",
        fields=(
            ID_NUMBER,
            NAME,
            FieldSpec(
                "suspend_reason",
                "暂停原因",
                "Reason",
                "choice",
                choices=(
                    ("abroad", "出境定居或居住境外"),
                    ("no_certification", "未按期完成待遇资格认证"),
                    ("prison", "被判刑收监执行"),
                    ("missing", "下落不明"),
                    ("other", "其他"),
                ),
            ),
            FieldSpec("suspend_from", "暂停起始日期", "Suspended from", "date"),
        ),
        materials=(MaterialSpec("reason_proof", "暂停事由证明", "Proof of the reason", commitment_allowed=True),),
        handler="pensions.suspension",
    ),
    ItemSpec(
        code="YL-009",
        name="养老保险待遇恢复",
        name_en="Resumption of pension payments",
        insurance="pension",
        policy_basis=f"{LAW}；《实施〈中华人民共和国社会保险法〉若干规定》（人社部令第13号）",
        skill_group="benefit",
        risk_level=3,
        jurisdiction="applicant_district",
        channels=("hall", "online"),
        office_kinds=("district_office",),
        promised_days=10,
        description="暂停情形消失的，恢复发放并按规定补发暂停期间的待遇。",
        fields=(
            ID_NUMBER,
            NAME,
            FieldSpec(
                "resume_reason",
                "恢复原因",
                "Reason",
                "choice",
                choices=(
                    ("returned", "回国（境）居住"),
                    ("certified", "已完成待遇资格认证"),
                    ("released", "刑满释放"),
                    ("other", "其他"),
                ),
            ),
            FieldSpec("resume_from", "恢复起始日期", "Resumed from", "date"),
            BANK_CARD,
        ),
        materials=(
            ID_CARD,
            MaterialSpec("reason_proof", "恢复事由证明", "Proof of the reason", commitment_allowed=True),
        ),
        handler="pensions.resumption",
    ),
    ItemSpec(
        code="YL-010",
        name="领取养老保险待遇资格认证",
        name_en="Certification of eligibility to draw a pension",
        insurance="pension",
        policy_basis=LAW,
        skill_group="benefit",
        risk_level=1,
        jurisdiction="applicant_district",
        channels=("app", "online", "hall", "community", "kiosk"),
        office_kinds=("district_office", "community_centre"),
        promised_days=0,
        description="通过手机App人脸识别、自助终端或窗口完成资格认证；行动不便的可申请上门认证。",
        fields=(
            ID_NUMBER,
            NAME,
            FieldSpec(
                "method",
                "认证方式",
                "Method",
                "choice",
                choices=(("face", "人脸识别"), ("counter", "窗口认证"), ("home", "上门认证"), ("data", "数据比对")),
            ),
        ),
        materials=(ID_CARD,),
        handler="pensions.certification",
    ),
    ItemSpec(
        code="YL-011",
        name="城乡居民基本养老保险待遇申领",
        name_en="Claim of the urban and rural residents' pension",
        insurance="pension",
        policy_basis="国发〔2014〕8号《国务院关于建立统一的城乡居民基本养老保险制度的意见》",
        skill_group="benefit",
        risk_level=3,
        jurisdiction="applicant_district",
        channels=("hall", "community", "online"),
        office_kinds=("district_office", "community_centre"),
        promised_days=15,
        description="年满60周岁、累计缴费满15年且未领取国家规定的基本养老保障待遇的，按月领取城乡居民养老保险待遇。",
        fields=(ID_NUMBER, NAME, PHONE, BANK_CARD),
        materials=(ID_CARD, BANK_CARD_COPY),
        handler="pensions.benefit",
    ),
    ItemSpec(
        code="YL-012",
        name="养老保险待遇领取银行账户变更",
        name_en="Change of the pension payment account",
        insurance="pension",
        policy_basis=LAW,
        skill_group="benefit",
        risk_level=2,
        jurisdiction="applicant_district",
        channels=("hall",),
        office_kinds=("district_office",),
        promised_days=1,
        description="变更养老金发放账户须本人持身份证件到窗口办理，经复核后生效。",
        fields=(ID_NUMBER, NAME, PHONE, BANK_CARD),
        materials=(ID_CARD, BANK_CARD_COPY),
        handler="pensions.account_change",
    ),
    ItemSpec(
        code="GS-001",
        name="工伤认定申请",
        name_en="Work-injury recognition",
        insurance="injury",
        policy_basis=f"{INJURY_REGULATION}第十四条至第二十条；《工伤认定办法》（人社部令第8号）",
        skill_group="benefit",
        risk_level=3,
        jurisdiction="applicant_district",
        channels=("hall", "online"),
        office_kinds=("district_office",),
        promised_days=40,
        legal_days=60,
        description=(
            "用人单位自事故伤害发生之日起30日内提出申请；用人单位未申请的，职工或者其近亲属、工会组织可在1年内申请。"
            "自受理之日起60日内作出认定决定。"
        ),
        fields=(
            ID_NUMBER,
            NAME,
            PHONE,
            UNIT_CODE,
            FieldSpec(
                "applicant_type",
                "申请人类别",
                "Who applies",
                "choice",
                choices=(("unit", "用人单位"), ("worker", "职工本人"), ("relative", "近亲属"), ("union", "工会组织")),
            ),
            FieldSpec("accident_date", "事故发生日期", "Date of the accident", "date"),
            FieldSpec("diagnosis_date", "初次诊断日期", "Date of the first diagnosis", "date"),
            FieldSpec("injury_desc", "受伤经过及部位", "What happened", max_length=1000),
        ),
        materials=(
            MaterialSpec("application", "《工伤认定申请表》", "Work-injury application form"),
            MaterialSpec("employment_proof", "劳动关系证明（劳动合同等）", "Proof of employment"),
            MaterialSpec(
                "diagnosis", "医疗诊断证明或者职业病诊断证明书", "Medical diagnosis or occupational-disease certificate"
            ),
        ),
        handler="pensions.injury_recognition",
    ),
    ItemSpec(
        code="GS-002",
        name="工伤保险待遇核定支付",
        name_en="Determination and payment of work-injury benefits",
        insurance="injury",
        policy_basis=f"{LAW}第三十八条；{INJURY_REGULATION}第五章",
        skill_group="benefit",
        risk_level=3,
        jurisdiction="applicant_district",
        channels=("hall",),
        office_kinds=("district_office",),
        promised_days=20,
        description="依据工伤认定决定和劳动能力鉴定结论，核定由工伤保险基金支付的各项待遇。",
        fields=(
            ID_NUMBER,
            NAME,
            PHONE,
            UNIT_CODE,
            FieldSpec("decision_no", "工伤认定决定书编号", "Recognition decision number", max_length=64),
            FieldSpec(
                "benefit_type",
                "待遇项目",
                "Benefit",
                "choice",
                choices=(
                    ("medical", "工伤医疗费用"),
                    ("disability_lump", "一次性伤残补助金"),
                    ("disability_allowance", "伤残津贴"),
                    ("death_lump", "一次性工亡补助金"),
                    ("funeral", "丧葬补助金"),
                    ("dependants", "供养亲属抚恤金"),
                ),
            ),
            FieldSpec("amount", "申请金额（元）", "Amount claimed (yuan)", "decimal", required=False),
            BANK_CARD,
        ),
        materials=(
            # 认定工伤决定由人社部门作出，经办机构可自行核验
            MaterialSpec("decision", "《认定工伤决定书》", "Work-injury recognition decision", commitment_allowed=True),
            MaterialSpec("assessment", "劳动能力鉴定结论（伤残待遇时）", "Work-capacity assessment", required=False),
            MaterialSpec(
                "invoices", "医疗费用票据及明细（医疗费用时）", "Medical invoices and itemised bills", required=False
            ),
            BANK_CARD_COPY,
        ),
        handler="pensions.injury_benefit",
    ),
)

HANDLERS: dict[str, ItemHandler] = {
    "pensions.benefit": BenefitHandler(),
    "pensions.injury": InjuryHandler(),
    "pensions.retirement": RetirementHandler(),
    "pensions.redetermination": RedeterminationHandler(),
    "pensions.suspension": SuspensionHandler(),
    "pensions.resumption": ResumptionHandler(),
    "pensions.account_change": AccountChangeHandler(),
    "pensions.certification": CertificationHandler(),
    "pensions.survivors": SurvivorsHandler(),
    "pensions.inheritance": InheritanceHandler(),
    "pensions.injury_recognition": InjuryRecognitionHandler(),
    "pensions.injury_benefit": InjuryBenefitHandler(),
}
# Items that act on a retiree's pension: refused at the window for anyone not retired.
FOR_RETIREES = ("YL-002", "YL-008", "YL-009", "YL-010", "YL-012")


def register_items() -> None:
    """Register this app's service items with the catalogue, their checks at the window, the
    monthly payment job and the app's audit actions (from ``PensionsConfig.ready()``)."""
    items_register(*ITEMS, handlers=HANDLERS)
    register_check("YL-001", retirement_eligible)
    for code in FOR_RETIREES:
        register_check(code, retired)
    register_check("GS-002", injury_decision_known)

    from shebao.core.audit import audit_actions
    from shebao.core.jobs import job_kinds
    from shebao.pensions.audit_actions import PensionAction
    from shebao.pensions.services.payments import PAYMENTS
    from shebao.pensions.services.recompute import RECOMPUTE

    for kind in (PAYMENTS, RECOMPUTE):
        if kind.name not in job_kinds:
            job_kinds.add(kind)
    audit_actions.register(PensionAction)
