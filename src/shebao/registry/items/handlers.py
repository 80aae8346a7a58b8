"""The registry items' handlers: what each item checks at receipt and what its completion
writes, through the registry's services (一项一处理器: one handler per item key)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shebao.cases.handlers import FormHandler, ItemHandler
from shebao.cases.models import Case
from shebao.catalog.definitions import MOBILE, Applicant
from shebao.catalog.models import ServiceItem
from shebao.core.errors import Conflict, InvalidInput, NotFound
from shebao.core.identifiers import credit_code_validate
from shebao.core.models import Account, Area
from shebao.registry import services
from shebao.registry.models import Employment, InsuredStatus, Person, Unit


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
