"""参保登记类服务事项: employer registration for the five insurances, staff additions and
removals, flexible-worker enrolment (no hukou condition), personal information changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shebao.cases.handlers import FormHandler, ItemHandler, items_register
from shebao.cases.models import Case
from shebao.catalog.definitions import (
    ID_CARD,
    ID_NUMBER,
    MOBILE,
    NAME,
    PHONE,
    Applicant,
    FieldSpec,
    ItemSpec,
    MaterialSpec,
)
from shebao.catalog.models import ServiceItem
from shebao.core.errors import Conflict, InvalidInput, NotFound
from shebao.core.identifiers import credit_code_validate
from shebao.core.models import Account, Area
from shebao.registry import services
from shebao.registry.models import Employment, InsuredStatus, Person, Unit

LAW = "《中华人民共和国社会保险法》"

# --- shared form fields (a field keeps one name, type and label across a 一表通 group) -------

ADDRESS = FieldSpec("address", "居住地址", "Residential address")
START_MONTH = FieldSpec("start_month", "缴费起始月份", "First contribution month", "date")

UNIT_CODE = FieldSpec("unit_code", "统一社会信用代码", "Unified social credit code", max_length=18)
UNIT_NAME = FieldSpec("unit_name", "单位名称", "Unit name", max_length=128)
UNIT_TYPE = FieldSpec(
    "unit_type",
    "单位类型",
    "Unit type",
    "choice",
    choices=(
        ("enterprise", "企业"),
        ("public", "机关事业单位"),
        ("social", "社会团体"),
        ("private_nonprofit", "民办非企业单位"),
        ("individual", "有雇工的个体工商户"),
    ),
)
UNIT_FIELDS = (
    UNIT_CODE,
    UNIT_NAME,
    UNIT_TYPE,
    FieldSpec("legal_rep", "法定代表人（负责人）", "Legal representative"),
    FieldSpec("legal_rep_id", "法定代表人身份证号码", "Legal representative's ID number", "id_number"),
    FieldSpec("founded_on", "成立日期", "Date founded", "date"),
    FieldSpec("unit_address", "单位地址", "Unit address"),
    FieldSpec("contact", "经办人", "Contact person"),
    PHONE,
    FieldSpec("bank_name", "缴费开户银行", "Bank for contributions"),
    FieldSpec("bank_account", "缴费银行账号", "Bank account for contributions", max_length=40),
    FieldSpec("staff_count", "参保职工人数", "Number of insured staff", "int"),
    FieldSpec("start_month", "参保起始月份", "First insured month", "date"),
)

LICENCE = MaterialSpec(
    "licence",
    "营业执照（或事业单位法人证书、社会团体登记证书等批准成立证件）",
    "Business licence or other founding certificate",
    commitment_allowed=True,  # 市场监管等部门共享数据可核验
)
LEGAL_REP_ID = MaterialSpec("legal_rep_id", "法定代表人（负责人）居民身份证", "Legal representative's ID card")
ADDRESS_PROOF = MaterialSpec("address_proof", "居住地址证明", "Proof of address", commitment_allowed=True)

# --- handlers --------------------------------------------------------------------------------


def _check_unit_code(cleaned: dict[str, Any], applicant: Applicant) -> None:
    if "unit_code" not in cleaned:
        return
    cleaned["unit_code"] = credit_code_validate(cleaned["unit_code"], field="unit_code")
    if applicant.unit_code and cleaned["unit_code"] != applicant.unit_code.upper():
        raise InvalidInput("只能为本单位办理", "The credit code is not the applying unit's", field="unit_code")


def _check_not_future(cleaned: dict[str, Any], name: str, label: str) -> None:
    if name in cleaned and cleaned[name] > timezone.localdate().isoformat():
        raise InvalidInput(f"{label}不能晚于今天", f"{name} cannot be in the future", field=name)


class UnitHandler(FormHandler):
    """The unit's own items: a valid credit code (the applying unit's), a founding date in the
    past, a risk class 1-8, a staff count that is not negative."""

    unit_files_for_staff_only = False  # the unit itself

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        cleaned = super().clean(item=item, form=form, applicant=applicant)
        _check_unit_code(cleaned, applicant)
        _check_not_future(cleaned, "founded_on", "成立日期")
        if "injury_risk_class" in cleaned and not 1 <= cleaned["injury_risk_class"] <= 8:
            raise InvalidInput(
                "工伤保险行业风险类别应为一类至八类", "The work-injury risk class is 1 to 8", field="injury_risk_class"
            )
        if "staff_count" in cleaned and cleaned["staff_count"] < 0:
            raise InvalidInput("参保职工人数不能为负数", "The staff count cannot be negative", field="staff_count")
        return cleaned


class UnitRegisterHandler(UnitHandler):
    """单位参保登记 (DJ-001…005, one case per insurance) writes the unit's UnitInsurance."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        form = case.form_data
        rows = services.unit_register(
            actor=actor,
            credit_code=form["unit_code"],
            name=form.get("unit_name", ""),
            district=_case_district(case),
            insurances=[case.item.insurance],
            since=_date(form.get("start_month")),
            industry=form.get("industry", ""),
            injury_risk_class=form.get("injury_risk_class"),
            channel=case.channel,
        )
        return {"unit": form["unit_code"], "insurances": [r.insurance for r in rows], "since": str(rows[0].since)}


class UnitChangeHandler(UnitHandler):
    """单位参保信息变更 (DJ-006) renames the unit or keeps the detail with the case."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        form = case.form_data
        unit = services.unit_change(
            actor=actor,
            unit=_unit(form["unit_code"]),
            change_item=form["change_item"],
            new_value=form["new_value"],
            channel=case.channel,
        )
        return {"unit": unit.credit_code, "changed": form["change_item"]}


class UnitDeregisterHandler(UnitHandler):
    """单位注销登记 (DJ-007) ends the unit's insurances on the day given."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        form = case.form_data
        unit = services.unit_deregister(
            actor=actor, unit=_unit(form["unit_code"]), ended_on=_day(form["ended_on"]), channel=case.channel
        )
        return {"unit": unit.credit_code, "deregistered": True}


class StaffHandler(FormHandler):
    """增减员: the unit's own code and a positive declared wage, and at receipt what completion
    would refuse, so that a case that can only fail is never opened, and a stranger's
    registered name never reaches the unit's case list."""

    unit_files_for_staff_only = False  # 增员 creates the tie (减员 ends one that must exist)

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        cleaned = super().clean(item=item, form=form, applicant=applicant)
        _check_unit_code(cleaned, applicant)
        if "wage_base" in cleaned and Decimal(cleaned["wage_base"]) <= 0:
            raise InvalidInput("申报缴费工资应大于零", "The declared wage must be above zero", field="wage_base")
        if "unit_code" in cleaned and "id_number" in cleaned:
            self.check(cleaned, _unit(cleaned["unit_code"]))
        return cleaned

    def check(self, cleaned: dict[str, Any], unit: Unit) -> None:
        """What the completion would refuse, said at receipt."""


class StaffAddHandler(StaffHandler):
    """职工参保登记（增员） (DJ-011) opens an employment (the declared wage stays on the case for
    contributions). At receipt: everything ``employment_add`` checks (the registered name, which
    is not revealed; insured elsewhere, retired, bad dates and phones)."""

    def check(self, cleaned: dict[str, Any], unit: Unit) -> None:
        if "hired_on" in cleaned:
            services.employment_add_check(
                unit=unit,
                id_number=cleaned["id_number"],
                start=dt.date.fromisoformat(cleaned["hired_on"]),
                name=cleaned.get("name", ""),
                phone=cleaned.get("phone", ""),
            )

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        form = case.form_data
        unit = _unit(form["unit_code"])
        employment = services.employment_add(
            actor=actor,
            unit=unit,
            id_number=form["id_number"],
            name=form.get("name", ""),
            phone=form.get("phone", ""),
            start=_day(form["hired_on"]),
            channel=case.channel,
        )
        return {"employment": employment.pk, "unit": unit.credit_code, "start": form["hired_on"]}


class StaffRemoveHandler(StaffHandler):
    """职工减员 (DJ-012) ends the employment. At receipt: the person is on the unit's staff
    under that name."""

    def check(self, cleaned: dict[str, Any], unit: Unit) -> None:
        if "ended_on" in cleaned:
            services.employment_end_check(unit=unit, id_number=cleaned["id_number"], name=cleaned.get("name", ""))

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        form = case.form_data
        unit = _unit(form["unit_code"])
        employment = services.employment_end(
            actor=actor,
            unit=unit,
            id_number=form["id_number"],
            end=_day(form["ended_on"]),
            reason=form.get("end_reason", ""),
            channel=case.channel,
        )
        return {"employment": employment.pk, "unit": unit.credit_code, "end": form["ended_on"]}


class PersonHandler(FormHandler):
    """个人事项: the form is about the applicant; dates that have happened are not in the future.
    Without a subclass the case is the record (城乡居民养老保险参保登记, DJ-033: its scheme has
    no status here yet)."""

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        cleaned = super().clean(item=item, form=form, applicant=applicant)
        _check_not_future(cleaned, "stop_month", "停保月份")
        return cleaned


class FlexibleEnrolHandler(PersonHandler):
    """灵活就业人员参保登记 (DJ-021): not employed, not already insured (said at receipt);
    registers the person if new and writes the flexible statuses."""

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        cleaned = super().clean(item=item, form=form, applicant=applicant)
        if "id_number" in cleaned:
            _check_not_employed(cleaned["id_number"])
            _check_not_enrolled(cleaned["id_number"])
        return cleaned

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        form = case.form_data
        channel = case.channel
        person = _person_or_none(form["id_number"])
        registered = person is None
        if person is None:
            person = services.person_register(
                actor=actor,
                id_number=form["id_number"],
                name=form["name"],
                district=_case_district(case),
                address=form.get("address", ""),
                phone=form.get("phone", ""),
                channel=channel,
            )
        elif form.get("address") and form["address"] != person.address:
            person = services.person_update(actor=actor, person=person, address=form["address"], channel=channel)
        rows = services.flexible_enrol(
            actor=actor, person=person, start_month=_date(form.get("start_month")), channel=channel
        )
        return {"person": person.pk, "registered": registered, "insured": _summary(rows)}


class FlexibleResumeHandler(PersonHandler):
    """灵活就业人员续保 (DJ-022) resumes the suspended statuses."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        form = case.form_data
        person = _person(form["id_number"])
        rows = services.status_resume(
            actor=actor, person=person, since=_date(form.get("start_month")), channel=case.channel
        )
        return {"person": person.pk, "resumed": _summary(rows)}


class FlexibleStopHandler(PersonHandler):
    """灵活就业人员停保 (DJ-023) suspends the statuses after the last month paid."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        form = case.form_data
        person = _person(form["id_number"])
        rows = services.flexible_stop(
            actor=actor,
            person=person,
            last_month=_date(form["stop_month"]) or timezone.localdate(),
            reason=form.get("stop_reason", ""),
            channel=case.channel,
        )
        return {"person": person.pk, "suspended": _summary(rows)}


class InfoChangeHandler(PersonHandler):
    """个人参保信息变更 (DJ-031): a new phone is a mobile number (said at the window, not at
    acceptance, where the case could only be rejected); a phone or an address change updates
    the person, other changes are kept with the case."""

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        cleaned = super().clean(item=item, form=form, applicant=applicant)
        # clean_form has stripped the new value
        if cleaned.get("change_item") == "phone" and not MOBILE.fullmatch(cleaned.get("new_value", "")):
            raise InvalidInput(
                "新的联系电话应为11位手机号码", "The new phone must be an 11-digit mobile number", field="new_value"
            )
        return cleaned

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        form = case.form_data
        person = _person(form["id_number"])
        change = form["change_item"]
        if change in ("phone", "address"):
            services.person_update(actor=actor, person=person, channel=case.channel, **{change: form["new_value"]})
            return {"person": person.pk, "changed": change}
        return {"person": person.pk, "changed": change, "kept_with_case": True}


class KeyCorrectionHandler(PersonHandler):
    """个人关键信息更正 (DJ-032): the name or the ID number, from the police certificate; the birth
    date is part of the ID number and is corrected with it."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        form = case.form_data
        person = _person(form["id_number"])
        reason = f"办件 {case.number}"
        if form["change_item"] == "name":
            services.person_update(
                actor=actor, person=person, name=form["new_value"], reason=reason, channel=case.channel
            )
        elif form["change_item"] == "id_number":
            services.person_correct_id_number(
                actor=actor, person=person, new_id_number=form["new_value"], reason=reason, channel=case.channel
            )
        else:
            raise InvalidInput(
                "出生日期是身份证号码的一部分，请按公安机关证明更正身份证号码",
                "The birth date is part of the ID number: correct the ID number from the police certificate",
                field="change_item",
            )
        return {"person": person.pk, "corrected": form["change_item"]}


UNIT_CHANGE, UNIT_DEREGISTER = "DJ-006", "DJ-007"
FLEXIBLE_ENROL, FLEXIBLE_RESUME, FLEXIBLE_STOP = "DJ-021", "DJ-022", "DJ-023"
INFO_CHANGE, KEY_CORRECTION = "DJ-031", "DJ-032"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _day(value: str) -> dt.date:
    """A date the form requires (``clean_form`` has refused it blank)."""
    return dt.date.fromisoformat(value)


def _case_district(case: Case) -> Area:
    """The district of the office of jurisdiction (the applicant's district office)."""
    area = case.office.area
    return area.district if area.district is not None else area


def _unit(code: str) -> Unit:
    unit = Unit.objects.filter(credit_code=code.upper()).first()
    if unit is None:
        raise NotFound("该单位尚未办理参保登记", "The unit is not registered", field="unit_code")
    return unit


def _person_or_none(number: str) -> Person | None:
    return Person.objects.filter(id_number=number).first()


def _person(number: str) -> Person:
    person = _person_or_none(number)
    if person is None:
        raise NotFound("该人员尚未参保登记", "This person is not registered", field="id_number")
    return person


def _check_not_employed(number: str) -> None:
    if Employment.objects.filter(person__id_number=number, end__isnull=True).exists():
        raise Conflict(
            "该人员已在用人单位参保缴费，不能以灵活就业人员身份登记；须先由单位办理减员",
            "This person is insured through an employer; the employer must remove them first",
            field="id_number",
        )


def _check_not_enrolled(number: str) -> None:
    """Already insured as a flexible worker: said at receipt (an interruption is 续保, not 登记)."""
    if InsuredStatus.objects.filter(
        person__id_number=number, insurance__in=("pension", "medical"), status=InsuredStatus.Status.ACTIVE
    ).exists():
        raise Conflict(
            "该人员已参保，无需重复登记；中断后恢复缴费请办理续保",
            "This person is already insured; after an interruption apply to resume instead",
            field="id_number",
        )


def _summary(rows: list[Any]) -> list[str]:
    return [f"{r.insurance}:{r.status}:{r.since}" for r in rows]


# --- items -----------------------------------------------------------------------------------


def _unit_register(
    code: str, insurance: str, insurance_name: str, en: str, basis: str, extra: tuple[FieldSpec, ...] = ()
) -> ItemSpec:
    return ItemSpec(
        code=code,
        name=f"单位参保登记（{insurance_name}）",
        name_en=f"Employer registration: {en}",
        insurance=insurance,
        policy_basis=f"{LAW}第五十七条；{basis}",
        skill_group="register",
        risk_level=1,
        jurisdiction="applicant_district",
        channels=("hall", "online"),
        office_kinds=("district_office",),
        promised_days=0,
        legal_days=15,
        description="用人单位自成立之日起三十日内申请办理；材料齐全、符合条件的即时办结。",
        form_group="unit_register",
        fields=UNIT_FIELDS + extra,
        materials=(LICENCE, LEGAL_REP_ID),
        handler="registry.unit_register",
    )


ITEMS: tuple[ItemSpec, ...] = (
    _unit_register("DJ-001", "pension", "企业职工基本养老保险", "basic pension", "国发〔2005〕38号"),
    _unit_register(
        "DJ-002",
        "medical",
        "职工基本医疗保险",
        "basic medical insurance",
        "《国务院关于建立城镇职工基本医疗保险制度的决定》（国发〔1998〕44号）",
    ),
    _unit_register(
        "DJ-003", "unemployment", "失业保险", "unemployment insurance", "《失业保险条例》（国务院令第258号）"
    ),
    _unit_register(
        "DJ-004",
        "injury",
        "工伤保险",
        "work-injury insurance",
        "《工伤保险条例》（国务院令第375号，国务院令第586号修订）",
        extra=(
            FieldSpec("industry", "所属行业", "Industry"),
            FieldSpec("injury_risk_class", "工伤保险行业风险类别", "Work-injury risk class", "int"),
        ),
    ),
    _unit_register(
        "DJ-005",
        "maternity",
        "生育保险",
        "maternity insurance",
        "国办发〔2019〕10号（生育保险和职工基本医疗保险合并实施）",
    ),
    ItemSpec(
        code="DJ-006",
        name="单位参保信息变更",
        name_en="Change of employer registration details",
        insurance="general",
        policy_basis=f"{LAW}第五十七条",
        skill_group="register",
        risk_level=2,
        jurisdiction="applicant_district",
        channels=("hall", "online"),
        office_kinds=("district_office",),
        promised_days=1,
        legal_days=15,
        description="单位名称、地址、法定代表人、缴费银行账户等登记事项变更，自变更之日起三十日内办理。",
        fields=(
            UNIT_CODE,
            FieldSpec(
                "change_item",
                "变更事项",
                "What changes",
                "choice",
                choices=(
                    ("name", "单位名称"),
                    ("address", "单位地址"),
                    ("legal_rep", "法定代表人（负责人）"),
                    ("bank", "缴费开户银行及账号"),
                    ("contact", "经办人及联系方式"),
                ),
            ),
            FieldSpec("new_value", "变更后内容", "New value"),
            FieldSpec("changed_on", "变更日期", "Date of change", "date"),
            PHONE,
        ),
        materials=(
            MaterialSpec("change_proof", "变更事项的批准文件或证明", "Proof of the change", commitment_allowed=True),
        ),
        handler="registry.unit_change",
    ),
    ItemSpec(
        code="DJ-007",
        name="单位社会保险注销登记",
        name_en="Deregistration of an employer",
        insurance="general",
        policy_basis=f"{LAW}第五十七条",
        skill_group="register",
        risk_level=2,
        jurisdiction="applicant_district",
        channels=("hall", "online"),
        office_kinds=("district_office",),
        promised_days=5,
        legal_days=15,
        description="单位依法终止的，结清欠缴的社会保险费并为职工办理减员后，申请注销社会保险登记。",
        fields=(
            UNIT_CODE,
            UNIT_NAME,
            FieldSpec(
                "reason",
                "注销原因",
                "Reason",
                "choice",
                choices=(
                    ("dissolved", "依法解散"),
                    ("revoked", "被吊销营业执照或撤销"),
                    ("merged", "合并、分立"),
                    ("other", "其他"),
                ),
            ),
            FieldSpec("ended_on", "终止日期", "Date ended", "date"),
            PHONE,
        ),
        materials=(
            MaterialSpec(
                "end_proof", "单位终止的批准文件或注销证明", "Proof the unit has ended", commitment_allowed=True
            ),
        ),
        handler="registry.unit_deregister",
    ),
    ItemSpec(
        code="DJ-011",
        name="职工参保登记（增员）",
        name_en="Staff addition",
        insurance="general",
        policy_basis=f"{LAW}第五十八条",
        skill_group="register",
        risk_level=1,
        jurisdiction="applicant_district",
        channels=("hall", "online"),
        office_kinds=("district_office",),
        promised_days=0,
        description="用人单位自用工之日起三十日内为职工办理；VIP单位可通过网上服务大厅办理。",
        form_group="staff_change",
        fields=(
            UNIT_CODE,
            ID_NUMBER,
            NAME,
            FieldSpec("phone", "联系电话", "Mobile phone", "phone", required=False),
            FieldSpec("hired_on", "用工日期", "Date hired", "date"),
            FieldSpec("wage_base", "申报月缴费工资（元）", "Declared monthly wage (yuan)", "decimal"),
        ),
        materials=(
            MaterialSpec(
                "labour_contract",
                "劳动合同或用工证明",
                "Labour contract or proof of employment",
                commitment_allowed=True,
            ),
        ),
        handler="registry.staff_add",
    ),
    ItemSpec(
        code="DJ-012",
        name="职工停保（减员）",
        name_en="Staff removal",
        insurance="general",
        policy_basis=f"{LAW}第五十八条；《失业保险条例》（国务院令第258号）第十六条",
        skill_group="register",
        risk_level=1,
        jurisdiction="applicant_district",
        channels=("hall", "online"),
        office_kinds=("district_office",),
        promised_days=0,
        description="劳动关系终止或解除后及时办理；VIP单位可通过网上服务大厅办理。",
        form_group="staff_change",
        fields=(
            UNIT_CODE,
            ID_NUMBER,
            NAME,
            FieldSpec("ended_on", "停保日期（劳动关系终止或解除日期）", "Date employment ended", "date"),
            FieldSpec(
                "end_reason",
                "减员原因",
                "Reason",
                "choice",
                choices=(
                    ("contract_end", "劳动合同期满终止"),
                    ("employer_ends", "用人单位解除劳动合同"),
                    ("resigned", "本人辞职"),
                    ("transferred", "调出"),
                    ("retired", "退休"),
                    ("died", "死亡"),
                    ("other", "其他"),
                ),
            ),
        ),
        materials=(
            MaterialSpec(
                "termination_proof",
                "终止或者解除劳动关系证明",
                "Proof of employment termination",
                commitment_allowed=True,
            ),
        ),
        handler="registry.staff_remove",
    ),
    ItemSpec(
        code="DJ-021",
        name="灵活就业人员参保登记",
        name_en="Enrolment of a flexible worker",
        insurance="pension",
        policy_basis=f"{LAW}第十条、第六十条；国发〔2005〕38号；国办发〔2019〕13号",
        skill_group="register",
        risk_level=1,
        jurisdiction="applicant_district",
        channels=("hall", "community", "online", "app"),
        office_kinds=("district_office", "community_centre"),
        promised_days=0,
        saturday=True,
        description="在本市从事灵活就业的人员，凭居民身份证和居住地址即可办理，不设户籍条件；同时选择缴费档次。",
        form_group="flexible_enrol",
        fields=(ID_NUMBER, NAME, PHONE, ADDRESS, START_MONTH),
        materials=(ID_CARD, ADDRESS_PROOF),
        handler="registry.flexible_enrol",
    ),
    ItemSpec(
        code="DJ-022",
        name="灵活就业人员续保",
        name_en="Resumption of contributions by a flexible worker",
        insurance="pension",
        policy_basis=f"{LAW}第十条、第六十条；国发〔2005〕38号",
        skill_group="register",
        risk_level=1,
        jurisdiction="applicant_district",
        channels=("hall", "community", "online", "app"),
        office_kinds=("district_office", "community_centre"),
        promised_days=0,
        saturday=True,
        description="中断缴费后恢复缴费；缴费年限累计计算。中断期间可申请补缴。",
        form_group="flexible_enrol",
        fields=(ID_NUMBER, NAME, PHONE, ADDRESS, START_MONTH),
        materials=(ID_CARD,),
        handler="registry.flexible_resume",
    ),
    ItemSpec(
        code="DJ-023",
        name="灵活就业人员停保",
        name_en="Suspension of contributions by a flexible worker",
        insurance="pension",
        policy_basis=f"{LAW}第十条、第六十条",
        skill_group="register",
        risk_level=1,
        jurisdiction="applicant_district",
        channels=("hall", "community", "online", "app"),
        office_kinds=("district_office", "community_centre"),
        promised_days=0,
        saturday=True,
        description="停止以灵活就业人员身份缴费（如已在单位就业参保）；已缴费年限保留并累计计算。",
        fields=(
            ID_NUMBER,
            NAME,
            FieldSpec("stop_month", "停保月份", "Last month paid", "date"),
            FieldSpec(
                "stop_reason",
                "停保原因",
                "Reason",
                "choice",
                choices=(("employed", "单位就业参保"), ("moved", "转往外地参保"), ("personal", "个人原因")),
            ),
        ),
        materials=(ID_CARD,),
        handler="registry.flexible_stop",
    ),
    ItemSpec(
        code="DJ-031",
        name="参保人员个人信息变更",
        name_en="Change of personal details",
        insurance="general",
        policy_basis=f"{LAW}第五十八条；《社会保险个人权益记录管理办法》（人社部令第14号）",
        skill_group="register",
        risk_level=1,
        jurisdiction="applicant_district",
        channels=("hall", "community", "online", "app"),
        office_kinds=("district_office", "community_centre"),
        promised_days=0,
        description="变更联系电话、居住地址、通讯地址等一般信息，即时办结；姓名、身份证号码、出生日期等关键信息另行申请更正。",
        fields=(
            ID_NUMBER,
            NAME,
            FieldSpec(
                "change_item",
                "变更事项",
                "What changes",
                "choice",
                choices=(
                    ("phone", "联系电话"),
                    ("address", "居住地址"),
                    ("post_address", "通讯地址"),
                    ("email", "电子邮箱"),
                ),
            ),
            FieldSpec("new_value", "变更后内容", "New value"),
        ),
        materials=(ID_CARD,),
        handler="registry.info_change",
    ),
    ItemSpec(
        code="DJ-032",
        name="参保人员关键信息更正",
        name_en="Correction of key personal data (name, ID number, birth date)",
        insurance="general",
        policy_basis=f"{LAW}第五十八条；《社会保险个人权益记录管理办法》（人社部令第14号）",
        skill_group="register",
        risk_level=3,
        jurisdiction="applicant_district",
        channels=("hall",),
        office_kinds=("district_office",),
        promised_days=10,
        description="姓名、公民身份号码、出生日期影响待遇资格和退休年龄，须核对档案原始记录，经复核、审批后更正。",
        fields=(
            ID_NUMBER,
            NAME,
            FieldSpec(
                "change_item",
                "更正事项",
                "What is corrected",
                "choice",
                choices=(("name", "姓名"), ("id_number", "公民身份号码"), ("birth_date", "出生日期")),
            ),
            FieldSpec("old_value", "原登记内容", "Registered value"),
            FieldSpec("new_value", "更正后内容", "Corrected value"),
        ),
        materials=(
            ID_CARD,
            MaterialSpec(
                "police_proof",
                "公安机关出具的身份信息变更证明",
                "Police certificate of the change",
                commitment_allowed=True,
            ),
            MaterialSpec(
                "personnel_file", "本人人事档案（出生日期更正时）", "Personnel file (for a birth date)", required=False
            ),
        ),
        handler="registry.key_correction",
    ),
    ItemSpec(
        code="DJ-033",
        name="城乡居民基本养老保险参保登记",
        name_en="Enrolment in the urban and rural residents' pension",
        insurance="pension",
        policy_basis="国发〔2014〕8号《国务院关于建立统一的城乡居民基本养老保险制度的意见》",
        skill_group="register",
        risk_level=1,
        jurisdiction="applicant_district",
        channels=("hall", "community", "online", "app"),
        office_kinds=("district_office", "community_centre"),
        promised_days=0,
        description="年满16周岁（不含在校学生），非国家机关和事业单位工作人员，不属于职工基本养老保险覆盖范围的城乡居民。",
        fields=(
            ID_NUMBER,
            NAME,
            PHONE,
            ADDRESS,
            FieldSpec(
                "grade",
                "年缴费档次（元）",
                "Annual contribution grade (yuan)",
                "choice",
                choices=tuple(
                    (str(n), f"{n}元") for n in (100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1500, 2000)
                ),
            ),
        ),
        materials=(ID_CARD,),
        handler="registry.person",
    ),
)

HANDLERS: dict[str, ItemHandler] = {
    "registry.unit_register": UnitRegisterHandler(),
    "registry.unit_change": UnitChangeHandler(),
    "registry.unit_deregister": UnitDeregisterHandler(),
    "registry.staff_add": StaffAddHandler(),
    "registry.staff_remove": StaffRemoveHandler(),
    "registry.flexible_enrol": FlexibleEnrolHandler(),
    "registry.flexible_resume": FlexibleResumeHandler(),
    "registry.flexible_stop": FlexibleStopHandler(),
    "registry.info_change": InfoChangeHandler(),
    "registry.key_correction": KeyCorrectionHandler(),
    "registry.person": PersonHandler(),
}


def register_items() -> None:
    """Register this app's service items with the catalogue."""
    items_register(*ITEMS, handlers=HANDLERS)
