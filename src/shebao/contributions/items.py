"""缴费类服务事项: contribution grade, back-payment, arrears, base declaration, refunds,
certificates and the personal rights record (人社部令第14号)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shebao.cases.handlers import FormHandler, ItemHandler, completion_hooks, items_register
from shebao.cases.models import Case
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
from shebao.core.models import Account
from shebao.core.months import month_add

LAW = "《中华人民共和国社会保险法》"
COLLECTION = "《社会保险费征缴暂行条例》（国务院令第259号）"
RECORDS = "《社会保险个人权益记录管理办法》（人社部令第14号）"

START_MONTH = FieldSpec("start_month", "缴费起始月份", "First contribution month", "date")
GRADE = FieldSpec(
    "grade_percent",
    "缴费档次（占全口径平均工资的百分比，60-300）",
    "Contribution grade (% of the average wage, 60-300)",
    "decimal",
)
PERIOD_FROM = FieldSpec("period_from", "起始月份", "From month", "date")
PERIOD_TO = FieldSpec("period_to", "截止月份", "To month", "date")
UNIT_CODE = FieldSpec("unit_code", "统一社会信用代码", "Unified social credit code", max_length=18)
INSURANCE = FieldSpec(
    "insurance",
    "险种",
    "Insurance",
    "choice",
    choices=(
        ("all", "全部险种"),
        ("pension", "养老保险"),
        ("medical", "医疗保险"),
        ("unemployment", "失业保险"),
        ("injury", "工伤保险"),
        ("maternity", "生育保险"),
    ),
)


# --- handlers --------------------------------------------------------------------------------


def _month_order(cleaned: dict[str, Any]) -> None:
    if "period_from" in cleaned and "period_to" in cleaned and cleaned["period_to"] < cleaned["period_from"]:
        raise InvalidInput("截止月份不能早于起始月份", "The end month is before the start month", field="period_to")
    if "period_to" in cleaned and cleaned["period_to"] > timezone.localdate().isoformat():
        raise InvalidInput("截止月份不能晚于本月", "The end month cannot be in the future", field="period_to")


def _grade_percent(cleaned: dict[str, Any], *, months: tuple[dt.date, dt.date], month_field: str) -> None:
    """The form's grade (a percentage) by the one grade rule (``rules.grade_check`` fed by the
    GradeRule rows in force from ``months[0]`` to ``months[1]``), as the calculator checks it."""
    from shebao.contributions.rulebook import grade_validate_period

    grade_validate_period(
        ratio=cleaned["grade_percent"],
        start=months[0],
        end=months[1],
        field="grade_percent",
        percent=True,
        month_field=month_field,
    )


def _person_of(case: Case) -> Any:
    """The insured person the case is about (registered by the enrolment item of the same
    one-form when it completes first)."""
    from shebao.registry.models import Person

    number = (case.form_data.get("id_number") or case.applicant_id_number or "").upper()
    person = Person.objects.filter(id_number=number).first()
    if person is None:
        raise InvalidInput(
            "未找到该参保人，请先办理参保登记", "No insured person with this ID number: enrol first", field="id_number"
        )
    return person


def _month(value: str) -> dt.date:
    return dt.date.fromisoformat(value).replace(day=1)


class GradeHandler(FormHandler):
    """缴费档次: 60%-300% of the average wage (国办发〔2019〕13号). On completion the grade is set
    from the start month (a first choice) or, for a change, from the next month at the
    earliest (变更自次月起执行)."""

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        cleaned = super().clean(item=item, form=form, applicant=applicant)
        first = _month(cleaned.get("start_month") or timezone.localdate().isoformat())
        _grade_percent(cleaned, months=(first, first), month_field="start_month")
        return cleaned

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.contributions.grades import flexible_grade_history, flexible_grade_set

        person = _person_of(case)
        this_month = timezone.localdate().replace(day=1)
        earliest = this_month if not flexible_grade_history(person=person) else month_add(this_month, 1)
        wanted = _month(case.form_data.get("start_month") or this_month.isoformat())
        ratio = (Decimal(case.form_data["grade_percent"]) / 100).quantize(Decimal("0.01"))
        grade = flexible_grade_set(
            actor=actor,
            person=person,
            ratio=ratio,
            effective_month=max(wanted, earliest),
            case_number=case.number or "",
        )
        return {"grade": str(grade.ratio), "effective_month": grade.effective_month.isoformat()}


class PeriodHandler(FormHandler):
    """补缴、退费、更正: a period in order and not in the future; a positive amount; a valid
    bank card for money paid out."""

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        cleaned = super().clean(item=item, form=form, applicant=applicant)
        _month_order(cleaned)
        if "amount" in cleaned and Decimal(cleaned["amount"]) <= 0:
            raise InvalidInput("金额应大于零", "The amount must be above zero", field="amount")
        if "bank_card" in cleaned:
            cleaned["bank_card"] = bank_card_validate(cleaned["bank_card"], field="bank_card")
        return cleaned


class BackpayHandler(PeriodHandler):
    """中断期补缴: on completion the months and their bill are written (contributions.backpay),
    at the grade given on the form."""

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        cleaned = super().clean(item=item, form=form, applicant=applicant)
        period = (_month(cleaned["period_from"]), _month(cleaned["period_to"]))
        _grade_percent(cleaned, months=period, month_field="period_from")
        return cleaned

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.contributions.backpay import backpay_create

        person = _person_of(case)
        ratio = (Decimal(case.form_data["grade_percent"]) / 100).quantize(Decimal("0.01"))
        bill = backpay_create(
            actor=actor,
            person=person,
            start_month=_month(case.form_data["period_from"]),
            end_month=_month(case.form_data["period_to"]),
            ratio=ratio,
            case_number=case.number or "",
        )
        return {
            "bill": bill.pk,
            "total": str(bill.total),
            "late_fee": str(bill.late_fee),
            "provisional": bill.provisional,
        }


class UnitHandler(FormHandler):
    """单位事项: the applying unit's own credit code; a declaration year that exists."""

    unit_files_for_staff_only = False  # the unit's own declarations

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        cleaned = super().clean(item=item, form=form, applicant=applicant)
        cleaned["unit_code"] = credit_code_validate(cleaned["unit_code"], field="unit_code")
        if applicant.unit_code and cleaned["unit_code"] != applicant.unit_code.upper():
            raise InvalidInput("只能为本单位办理", "The credit code is not the applying unit's", field="unit_code")
        this_year = timezone.localdate().year
        if "declare_year" in cleaned and not 2000 <= cleaned["declare_year"] <= this_year + 1:
            raise InvalidInput(
                f"申报年度应在2000年至{this_year + 1}年之间",
                "The declaration year is out of range",
                field="declare_year",
            )
        _month_order(cleaned)
        return cleaned


# --- items -----------------------------------------------------------------------------------

ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec(
        code="JF-001",
        name="灵活就业人员缴费档次选择和变更",
        name_en="Choice or change of a flexible worker's contribution grade",
        insurance="pension",
        policy_basis=f"{LAW}第十二条；国发〔2005〕38号；国办发〔2019〕13号",
        skill_group="contribution",
        risk_level=2,
        jurisdiction="applicant_district",
        channels=("hall", "community", "online", "app"),
        office_kinds=("district_office", "community_centre"),
        promised_days=1,
        saturday=True,
        description="在全口径城镇单位就业人员平均工资的60%至300%之间自主选择缴费档次；变更自次月起执行。",
        form_group="flexible_enrol",
        fields=(ID_NUMBER, NAME, PHONE, START_MONTH, GRADE),
        materials=(ID_CARD,),
        handler="contributions.grade",
    ),
    ItemSpec(
        code="JF-002",
        name="灵活就业人员中断期补缴",
        name_en="Back-payment for an interruption period",
        insurance="pension",
        policy_basis=f"{LAW}第六十条；{COLLECTION}",
        skill_group="contribution",
        risk_level=2,
        jurisdiction="applicant_district",
        channels=("hall", "community"),
        office_kinds=("district_office", "community_centre"),
        promised_days=3,
        saturday=True,
        description="按规定可补缴的中断期间，按补缴时的缴费档次核定应缴金额，依法加收滞纳金的另行告知。",
        fields=(ID_NUMBER, NAME, PERIOD_FROM, PERIOD_TO, GRADE),
        materials=(ID_CARD,),
        handler="contributions.backpay",
    ),
    ItemSpec(
        code="JF-003",
        name="欠费实时征收",
        name_en="Real-time collection of arrears",
        insurance="pension",
        policy_basis=f"{LAW}第六十条、第六十三条；{COLLECTION}",
        skill_group="contribution",
        risk_level=1,
        jurisdiction="applicant_district",
        channels=("hall", "community", "online", "app"),
        office_kinds=("district_office", "community_centre"),
        promised_days=0,
        saturday=True,
        description="扣款失败等原因形成的欠费，当场核定金额并实时缴纳，缴费记录即时入账。",
        fields=(
            ID_NUMBER,
            NAME,
            FieldSpec(
                "pay_method",
                "缴费方式",
                "Payment method",
                "choice",
                choices=(("card", "社会保障卡（银行卡）刷卡"), ("qr", "扫码缴费"), ("online", "网上银行")),
            ),
        ),
        materials=(ID_CARD,),
    ),
    # The unit's own statement of its employees' wages, made online (every employee's wage, on
    # the page or as the Excel template) and completed at once (即时办结): nobody at the agency
    # re-keys it, so there is nothing for a second person to check; the limits are applied at
    # assessment. Each declaration is recorded as a completed case (contributions.services.
    # base_declare), counted and audited like any other. A clerk changing a base at a window is
    # another act, for a reviewer (not in the catalogue yet).
    ItemSpec(
        code="JF-004",
        name="社会保险缴费基数申报",
        name_en="Annual declaration of contribution bases",
        insurance="general",
        policy_basis=f"{COLLECTION}；国办发〔2019〕13号",
        skill_group="contribution",
        risk_level=1,
        jurisdiction="applicant_district",
        channels=("online",),
        office_kinds=("district_office",),
        promised_days=0,
        description=(
            "用人单位每年按职工上年度月平均工资申报缴费基数，网上逐人申报（或上传申报表），即时办结；"
            "低于下限的按下限、高于上限的按上限核定。"
        ),
        fields=(
            UNIT_CODE,
            FieldSpec("declare_year", "申报年度", "Declaration year", "int"),
            FieldSpec("staff_count", "申报职工人数", "Number of staff declared", "int"),
            FieldSpec("wage_total", "上年度职工工资总额（元）", "Last year's total wages (yuan)", "decimal"),
            PHONE,
        ),
        # the declaration's own rows are the wage list: the unit's statement stands for the paper
        materials=(
            MaterialSpec("wage_list", "职工上年度工资明细表", "Staff wage list for last year", commitment_allowed=True),
        ),
        handler="contributions.unit",
    ),
    ItemSpec(
        code="JF-005",
        name="多缴、误缴社会保险费退费",
        name_en="Refund of overpaid contributions",
        insurance="general",
        policy_basis=f"{COLLECTION}；国办发〔2009〕66号；人社部发〔2016〕94号",
        skill_group="contribution",
        risk_level=3,
        jurisdiction="applicant_district",
        channels=("hall",),
        office_kinds=("district_office",),
        promised_days=15,
        description="重复缴费、多缴或误缴的社会保险费，经复核、审批后退还至本人银行账户；已计入个人账户的同时扣减。",
        fields=(
            ID_NUMBER,
            NAME,
            PERIOD_FROM,
            PERIOD_TO,
            FieldSpec(
                "reason",
                "退费原因",
                "Reason",
                "choice",
                choices=(("double", "重复缴费"), ("over", "多缴"), ("mistake", "误缴")),
            ),
            FieldSpec("amount", "申请退费金额（元）", "Amount claimed (yuan)", "decimal"),
            FieldSpec("bank_card", "收款银行卡号", "Bank card for the refund", max_length=19),
        ),
        materials=(
            ID_CARD,
            # 经办机构可查本系统缴费记录
            MaterialSpec("payment_proof", "缴费凭证或票据", "Proof of payment", commitment_allowed=True),
            MaterialSpec("bank_card", "本人银行卡或社会保障卡", "The applicant's bank card"),
        ),
        handler="contributions.period",
    ),
    ItemSpec(
        code="JF-006",
        name="参保缴费凭证开具",
        name_en="Contribution certificate",
        insurance="general",
        policy_basis=f"国办发〔2009〕66号；{RECORDS}",
        skill_group="contribution",
        risk_level=1,
        jurisdiction="applicant_district",
        channels=("hall", "community", "online", "app", "kiosk"),
        office_kinds=("district_office", "community_centre"),
        promised_days=0,
        saturday=True,
        description="开具《基本养老保险参保缴费凭证》等参保缴费证明，可在线打印并扫码验证真伪。",
        fields=(
            ID_NUMBER,
            NAME,
            INSURANCE,
            FieldSpec(
                "purpose",
                "用途",
                "Purpose",
                "choice",
                choices=(("transfer", "转移接续"), ("personal", "个人留存"), ("other", "其他")),
            ),
        ),
        materials=(ID_CARD,),
    ),
    ItemSpec(
        code="JF-007",
        name="个人权益记录查询打印",
        name_en="Query and print of the personal rights record",
        insurance="general",
        policy_basis=f"{LAW}第七十四条；{RECORDS}",
        skill_group="contribution",
        risk_level=1,
        jurisdiction="applicant_district",
        channels=("hall", "community", "online", "app", "kiosk"),
        office_kinds=("district_office", "community_centre"),
        promised_days=0,
        saturday=True,
        description="参保人员凭有效身份证件查询、打印本人社会保险个人权益记录；委托他人办理的须提供书面委托书和受托人身份证件。",
        fields=(
            ID_NUMBER,
            NAME,
            INSURANCE,
            FieldSpec("record_year", "记录年度（不填为全部）", "Record year (blank: all)", "int", required=False),
        ),
        materials=(
            ID_CARD,
            MaterialSpec(
                "authorisation", "书面委托书及受托人身份证件（委托办理时）", "Written authorisation", required=False
            ),
        ),
    ),
    ItemSpec(
        code="JF-008",
        name="个人权益记录更正",
        name_en="Correction of the personal rights record",
        # withdrawn: QY-001 corrects a month or a base from the statement itself and changes the
        # record; this item did the same by hand. Kept for its old cases, never offered again.
        withdrawn_for="QY-001",
        insurance="general",
        policy_basis=RECORDS,
        skill_group="contribution",
        risk_level=2,
        jurisdiction="applicant_district",
        channels=("hall", "online"),
        office_kinds=("district_office",),
        promised_days=15,
        description=(
            "本事项已停办，已并入“个人权益记录单更正”（QY-001）：对权益记录有异议的，请从记录单申请更正。"
            "原说明：对权益记录有异议的，书面申请核查；经核实确有错误的予以更正，并书面答复申请人。"
        ),
        fields=(
            ID_NUMBER,
            NAME,
            FieldSpec(
                "record_item",
                "异议事项",
                "Disputed record",
                "choice",
                choices=(("base", "缴费基数"), ("months", "缴费月数"), ("unit", "参保单位"), ("account", "个人账户")),
            ),
            PERIOD_FROM,
            PERIOD_TO,
            FieldSpec("detail", "异议内容及理由", "What is wrong and why", max_length=1000),
        ),
        materials=(
            ID_CARD,
            MaterialSpec("evidence", "工资发放记录、劳动合同等证明材料", "Payslips, labour contract or other evidence"),
        ),
        handler="contributions.period",
    ),
    ItemSpec(
        code="JF-009",
        name="单位参保缴费证明开具",
        name_en="Certificate of an employer's contributions",
        insurance="general",
        policy_basis=f"{LAW}第七十四条；{RECORDS}",
        skill_group="contribution",
        risk_level=1,
        jurisdiction="applicant_district",
        channels=("hall", "online"),
        office_kinds=("district_office",),
        promised_days=0,
        description="用人单位查询、打印本单位及职工的参保缴费证明，用于招投标、资质申报等。",
        fields=(
            UNIT_CODE,
            PERIOD_FROM,
            PERIOD_TO,
            FieldSpec(
                "purpose",
                "用途",
                "Purpose",
                "choice",
                choices=(("tender", "招投标"), ("licence", "资质申报"), ("other", "其他")),
            ),
        ),
        materials=(MaterialSpec("operator_id", "经办人居民身份证", "Operator's ID card"),),
        handler="contributions.unit",
    ),
)

HANDLERS: dict[str, ItemHandler] = {
    "contributions.grade": GradeHandler(),
    "contributions.period": PeriodHandler(),
    "contributions.backpay": BackpayHandler(),
    "contributions.unit": UnitHandler(),
}


STAFF_ADDITION = "DJ-011"  # registry's item: 职工参保登记（增员）


def record_declared_wage(case: Case, actor: Account | None, result: dict[str, Any] | None) -> dict[str, Any] | None:
    """Completion hook on registry's staff addition: its declared wage is the person's
    缴费基数申报 for the year of hiring (registry cannot write contributions' tables)."""
    from shebao.contributions.services import declared_wage_record
    from shebao.registry.models import Person, Unit

    form = case.form_data
    if not form.get("wage_base"):
        return None
    unit = Unit.objects.get(credit_code=form["unit_code"])
    person = Person.objects.get(id_number=form["id_number"])
    year = dt.date.fromisoformat(form["hired_on"]).year
    row = declared_wage_record(
        actor=actor, unit=unit, person=person, year=year, wage=Decimal(form["wage_base"]), case_number=case.number or ""
    )
    return {"declared_base": row.pk}


def register_items() -> None:
    """Register this app's service items with the catalogue, and its addition to registry's
    staff-addition item."""
    items_register(*ITEMS, handlers=HANDLERS)
    completion_hooks.register(STAFF_ADDITION, record_declared_wage)
