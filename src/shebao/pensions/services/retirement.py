"""退休审批 (YL-001): the checks at the window, and what the approver's completion writes.

Completion, in the completing transaction: the profile (job type, 参加工作时间, deemed months
and their source, hukou), the registry's retiree status (``registry.services.status.
person_retire``), the retirement certificate with a new-style number, and the determination,
computed and approved at once by the approver who completes the case — the window takes
retirement and determination together (退休审批与待遇核定"一件事"): the same person, the same
papers, the same approver, and a retiree is never left approved but without an amount.
YL-002 redetermines later (a corrected record or rule row).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from django.utils import timezone

from shebao.contributions.models import ContributionMonth
from shebao.core.errors import Conflict, InvalidInput
from shebao.core.models import Account, Area
from shebao.pensions.inputs import COUNTED
from shebao.pensions.models import JobType, NumberSequence, PensionDetermination, PensionProfile, RetirementCertificate
from shebao.pensions.params import DEFAULT_REGION, deemed_cutoff
from shebao.pensions.rules.ages import (
    BaseAge,
    Sex,
    YearMonth,
    age_at,
    deemed_months_check,
    early_retirement_check,
    flexible_window,
    minimum_contribution_months,
    retirement_age,
)
from shebao.pensions.services.common import event_add, profile_lock, record, staff_authorise
from shebao.pensions.services.determination import pension_determination_approve, pension_determine
from shebao.registry.models import Person
from shebao.registry.services.status import person_retire

CERTIFICATE_PREFIX = "TX"
RETIRE_TYPES = {
    "normal": "法定退休年龄退休",
    "flexible_early": "弹性提前退休",
    "flexible_late": "弹性延迟退休",
    "special_work": "特殊工种提前退休",
    "disability": "因病或非因工致残完全丧失劳动能力退休",
}


# --- the certificate number ------------------------------------------------------------------


def _check_char(digits: str) -> str:
    """ISO 7064 MOD 11-2, as the resident ID number's check character (GB 11643): weights
    2^k mod 11 from the right, value (12 − S mod 11) mod 11, 10 written X."""
    total = sum(int(d) * pow(2, len(digits) - i, 11) for i, d in enumerate(digits))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def certificate_number_make(*, district_code: str, year: int, serial: int) -> str:
    """退休证编号: ``TX`` + the six-digit district code + the year of issue + a six-digit serial
    of that district and year + a check character (MOD 11-2 over the 16 digits), e.g.
    ``TX4201022026000001`` + check. A mistyped digit or two swapped digits are caught."""
    if not (len(district_code) == 6 and district_code.isdigit()):
        raise InvalidInput("区划代码应为6位数字", "The district code is six digits", field="district_code")
    if not 1 <= serial <= 999_999 or not 1990 <= year <= 2999:
        raise InvalidInput("退休证序号超出范围", "The certificate serial is out of range", field="serial")
    digits = f"{district_code}{year:04d}{serial:06d}"
    return f"{CERTIFICATE_PREFIX}{digits}{_check_char(digits)}"


def certificate_number_valid(number: str) -> bool:
    text = (number or "").strip().upper()
    if len(text) != 19 or not text.startswith(CERTIFICATE_PREFIX) or not text[2:18].isdigit():
        return False
    return _check_char(text[2:18]) == text[18]


def _region_code(person: Person) -> str:
    """The six-digit administrative code the certificate carries: the person's district, or
    for a development zone (an internal code) the district above it, else the city's."""
    area: Area | None = person.district
    while area is not None:
        if len(area.code) == 6 and area.code.isdigit():
            return area.code
        area = area.parent
    return "420100"


def _serial_next(key: str) -> int:
    NumberSequence.objects.get_or_create(key=key)
    row = NumberSequence.objects.select_for_update().get(key=key)
    row.value += 1
    row.save(update_fields=["value"])
    return row.value


# --- the checks at the window ----------------------------------------------------------------


def base_age_of(*, sex: str, job_type: str) -> int:
    """原法定退休年龄: men 60; women cadre/technical 55, women workers 50."""
    if sex == Person.Sex.MALE:
        return 60
    return 55 if job_type == JobType.CADRE else 50


@dataclass(frozen=True)
class RetirementPlan:
    """What the form asks for, against the statute: the month, the age then, the statutory
    month and the flexible window, the months required and the months the person has."""

    retirement: YearMonth
    statutory: YearMonth
    earliest: YearMonth
    latest: YearMonth
    age_years: int
    age_months: int
    required_months: int
    months: int


def contribution_months_before(*, person: Person, month: dt.date) -> int:
    """The months that count (paid or transferred in) before ``month``: the count
    ``pension_inputs_for`` makes, read here without an actor because the window's checks run
    for the engine, which has already authorised the opening (as the registry's reader does)."""
    return ContributionMonth.objects.filter(person=person, status__in=COUNTED, period__lt=month).count()


def deemed_months_valid(*, birth_date: dt.date, form: dict[str, Any]) -> int:
    """The form's deemed months against the start of work and the month the region's personal
    accounts started (the transition rule row in force on the retirement month): the number, or
    the exact reason (``InvalidInput`` naming ``deemed_months`` or ``work_start``)."""
    deemed = int(form.get("deemed_months") or 0)
    start = str(form.get("work_start") or "")
    work_start = YearMonth(int(start[:4]), int(start[5:7])) if start else None
    day = dt.date.fromisoformat(str(form["retire_date"]))
    cutoff = deemed_cutoff(region=DEFAULT_REGION, on=dt.date(day.year, day.month, 1))
    deemed_months_check(
        birth=YearMonth(birth_date.year, birth_date.month),
        work_start=work_start,
        account_start=YearMonth(cutoff.year, cutoff.month),
        deemed_months=deemed,
    )
    return deemed


def retirement_plan(*, person: Person, form: dict[str, Any], today: dt.date | None = None) -> RetirementPlan:
    """The plan of a retirement form, or the exact reason it cannot be approved
    (``InvalidInput`` naming the field): an unknown kind; the month outside the statutory rule
    or the flexible window (人社部发〔2024〕94号); a special case (特殊工种, 因病或非因工致残)
    before its age (国发〔1978〕104号) or, given ``today`` (at receipt), in a month already past;
    deemed months beyond the working time before the personal accounts; or fewer contribution
    months (actual + deemed) than the minimum for that month (2024 decision: 180, rising from 2030)."""
    if person.category == Person.Category.RETIREE:
        raise InvalidInput("该人员已办理退休", "This person has already retired", field="id_number")
    kind = str(form.get("retire_type") or "normal")
    if kind not in RETIRE_TYPES:
        raise InvalidInput(f"未知的退休类别：{kind}", f"Unknown kind of retirement: {kind}", field="retire_type")
    day = dt.date.fromisoformat(str(form["retire_date"]))
    retirement = YearMonth(day.year, day.month)
    sex = cast(Sex, person.sex)
    base_age = cast(BaseAge, base_age_of(sex=person.sex, job_type=str(form.get("job_type") or JobType.WORKER)))
    birth = person.birth_date
    statutory_age = retirement_age(birth_year=birth.year, birth_month=birth.month, sex=sex, base_age=base_age)
    statutory = statutory_age.retirement
    earliest, latest = flexible_window(birth_year=birth.year, birth_month=birth.month, sex=sex, base_age=base_age)
    if kind in ("special_work", "disability"):
        early_retirement_check(kind=kind, sex=sex, birth=YearMonth(birth.year, birth.month), retirement=retirement)
        if today is not None and retirement < YearMonth(today.year, today.month):
            current = YearMonth(today.year, today.month)
            raise InvalidInput(
                f"提前退休的月份不能早于申请当月 {current}，申请的是 {retirement}",
                f"An early retirement cannot start before the month of application ({current}); {retirement} was asked for",
                field="retire_date",
            )
    if kind == "normal" and retirement != statutory:
        raise InvalidInput(
            f"法定退休月份为 {statutory}（{statutory_age.age_years}周岁{statutory_age.age_months}个月），"
            f"申请的 {retirement} 不符；提前或推迟退休请选择弹性退休",
            f"The statutory retirement month is {statutory}; {retirement} does not match "
            "(choose flexible retirement to retire earlier or later)",
            field="retire_date",
        )
    if kind == "flexible_early" and not earliest <= retirement < statutory:
        raise InvalidInput(
            f"弹性提前退休的月份应在 {earliest} 至 {statutory.plus(-1)} 之间（人社部发〔2024〕94号），申请的是 {retirement}",
            f"Flexible early retirement is from {earliest} to {statutory.plus(-1)}; {retirement} is outside",
            field="retire_date",
        )
    if kind == "flexible_late" and not statutory < retirement <= latest:
        raise InvalidInput(
            f"弹性延迟退休的月份应在 {statutory.plus(1)} 至 {latest} 之间（人社部发〔2024〕94号），申请的是 {retirement}",
            f"Flexible late retirement is from {statutory.plus(1)} to {latest}; {retirement} is outside",
            field="retire_date",
        )
    age_years, age_months = age_at(birth_year=birth.year, birth_month=birth.month, at=retirement)
    required = minimum_contribution_months(retirement_year=retirement.year, retirement_month=retirement.month)
    deemed = deemed_months_valid(birth_date=birth, form=form)
    months = contribution_months_before(person=person, month=dt.date(retirement.year, retirement.month, 1)) + deemed
    if months < required:
        raise InvalidInput(
            f"累计缴费（含视同缴费）{months}个月，不足{retirement}退休所需的最低缴费"
            f"{required}个月（{required // 12}年{required % 12}个月），不能按月领取基本养老金",
            f"{months} contribution months (deemed included) are fewer than the {required} "
            f"required to retire in {retirement}",
            field="retire_date",
        )
    return RetirementPlan(
        retirement=retirement,
        statutory=statutory,
        earliest=earliest,
        latest=latest,
        age_years=age_years,
        age_months=age_months,
        required_months=required,
        months=months,
    )


# --- completion ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Retirement:
    certificate: RetirementCertificate
    determination: PensionDetermination
    profile: PensionProfile


def pension_retire(
    *, actor: Account | None, person: Person, form: dict[str, Any], case_number: str = "", channel: str = "hall"
) -> Retirement:
    """退休审批 and 待遇核定 at the approver's completion of YL-001 (社会保险法第十六条,
    国发〔2005〕38号): checks again what the window checked, then writes the profile, the
    registry's retiree status, the certificate and the approved determination, in one
    transaction with their audit events. Monthly payments start at the retirement month."""
    staff_authorise(actor)
    plan = retirement_plan(person=person, form=form)
    month = dt.date(plan.retirement.year, plan.retirement.month, 1)
    with transaction.atomic():
        profile = profile_lock(person)
        if profile.status != PensionProfile.Status.PENDING:
            raise Conflict("该人员已在领取养老金", "This person already draws a pension")
        profile.job_type = str(form.get("job_type") or JobType.WORKER)
        if form.get("work_start"):
            profile.work_start = dt.date.fromisoformat(f"{form['work_start']}-01")
        profile.deemed_months = int(form.get("deemed_months") or 0)
        profile.deemed_source = str(form.get("deemed_source") or "")
        profile.hukou_local = str(form.get("hukou_local", "true")).lower() in {"1", "true", "on", "yes"}
        person_retire(actor=actor, person=person, retirement_month=month, channel=channel)
        district_code = _region_code(person)
        serial = _serial_next(f"TX-{district_code}-{timezone.localdate().year}")
        certificate = RetirementCertificate.objects.create(
            number=certificate_number_make(district_code=district_code, year=timezone.localdate().year, serial=serial),
            person=person,
            case_number=case_number,
            retire_type=str(form.get("retire_type") or "normal"),
            retirement_month=month,
            age_years=plan.age_years,
            age_months=plan.age_months,
            issued_at=timezone.now(),
            issued_by=actor,
        )
        determination = pension_determine(
            actor=actor,
            person=person,
            retirement_month=month,
            age_years=plan.age_years,
            age_months=plan.age_months,
            deemed_months=profile.deemed_months,
            case_number=case_number,
            channel=channel,
        )
        determination = pension_determination_approve(actor=actor, determination=determination)
        profile.status = PensionProfile.Status.PAYING
        profile.retirement_month = profile.benefit_start = month
        profile.bank_card = str(form.get("bank_card") or "")
        profile.bank_card_since = month
        profile.save()
        event_add(
            person=person,
            kind="retire",
            on=month,
            actor=actor,
            case_number=case_number,
            detail={"certificate": certificate.number, "retire_type": certificate.retire_type},
        )
        record(
            actor=actor,
            action="pension.retire",
            person=person,
            after={
                "certificate": certificate.number,
                "month": month,
                "age": [plan.age_years, plan.age_months],
                "determination": determination.pk,
                "total": determination.total,
            },
            channel=channel,
        )
    return Retirement(certificate=certificate, determination=determination, profile=profile)


def pension_redetermine(
    *, actor: Account | None, person: Person, case_number: str = "", channel: str = "hall"
) -> PensionDetermination:
    """重新核定 (YL-002 for a retiree): recomputed from the record and the rule rows of the
    retirement month, approved by the completing approver, paid from the next unpaid month.
    Before retirement there is nothing to redetermine: YL-001 determines."""
    profile = PensionProfile.objects.filter(person=person).first()
    if profile is None or profile.retirement_month is None:
        raise Conflict(
            "该人员尚未办理退休，待遇核定随退休审批（YL-001）一并办理",
            "Not retired: the determination is made with the retirement approval (YL-001)",
        )
    certificate = RetirementCertificate.objects.get(person=person)
    with transaction.atomic():
        determination = pension_determine(
            actor=actor,
            person=person,
            retirement_month=profile.retirement_month,
            age_years=certificate.age_years,
            age_months=certificate.age_months,
            deemed_months=profile.deemed_months,
            kind=PensionDetermination.Kind.REDETERMINATION,
            case_number=case_number,
            channel=channel,
        )
        from shebao.pensions.services.payments import next_unpaid_month

        return pension_determination_approve(
            actor=actor, determination=determination, effective_from=next_unpaid_month(person=person)
        )
