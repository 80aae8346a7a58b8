"""Registry commands: registering persons and units, enrolment, staff additions and removals
(增减员), resumption (续保). The only code that writes the registry's tables.

Each command is one transaction with its audit event. Who may act:

- a unit operator, for their own unit only (``Account.unit_code`` = ``Unit.credit_code``);
- staff at the counter (clerk, reviewer, approver, supervisor) and administrators; through
  the engine the handler runs with the actor of the completing step, whose authority the
  engine has already checked;
- nobody else (a citizen enrols through a case, a bank agent does card services only).

An employer's additions and removals on its own pages are cases completed at once
(``staff_add_online``, ``staff_end_online``: 网上即时办结), so they appear in its case list.

Flexible workers enrol with an ID number and an address alone: there is no hukou condition
anywhere (国办发〔2019〕13号 removed it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shebao.cases.models import Case
from shebao.cases.records import Done, cases_record_done
from shebao.catalog.definitions import MOBILE, Applicant
from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound, ShebaoError
from shebao.core.identifiers import IdNumber, credit_code_validate, id_number_validate
from shebao.core.models import Account, Area, Role
from shebao.core.months import month_add, month_start
from shebao.registry import rules
from shebao.registry.models import Employment, InsuredStatus, Person, Unit, UnitInsurance

# The five insurances an employer registers for (五险); a flexible worker pays two of them.
FIVE_INSURANCES: tuple[str, ...] = ("pension", "medical", "unemployment", "injury", "maternity")
FLEXIBLE_INSURANCES: tuple[str, ...] = ("pension", "medical")
INSURANCE_NAMES = {
    "pension": "养老保险",
    "medical": "医疗保险",
    "unemployment": "失业保险",
    "injury": "工伤保险",
    "maternity": "生育保险",
}
STAFF_WRITERS = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR, Role.ADMIN})

Active = InsuredStatus.Status.ACTIVE
Suspended = InsuredStatus.Status.SUSPENDED
Terminated = InsuredStatus.Status.TERMINATED


# --- helpers ---------------------------------------------------------------------------------


def latest_start_allowed(today: dt.date | None = None) -> dt.date:
    """增员 may be declared up to the end of next month, not further ahead."""
    today = today or timezone.localdate()
    return month_add(today, 2) - dt.timedelta(days=1)


def _require_staff_writer(actor: Account | None) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise NotAllowed("请先登录", "Please sign in")
    if actor.kind != Account.Kind.STAFF or actor.role not in STAFF_WRITERS:
        raise NotAllowed("您的账户不能办理参保登记", "Your account may not change registry records")


def unit_authorise(*, actor: Account | None, unit: Unit) -> None:
    """A unit operator acts for their own unit only; counter staff for any unit."""
    if actor is not None and actor.is_authenticated and actor.kind == Account.Kind.UNIT:
        if actor.role != Role.UNIT or not actor.unit_code or actor.unit_code.upper() != unit.credit_code.upper():
            # existence of another unit is not revealed
            raise NotFound("未找到该单位", "No such unit")
        return
    _require_staff_writer(actor)


def _person_authorise(actor: Account | None) -> None:
    _require_staff_writer(actor)


def _audit(
    *,
    actor: Account | None,
    action: str,
    subject_type: str,
    subject_id: Any,
    subject_person: str = "",
    before: Any = None,
    after: Any = None,
    channel: str,
) -> None:
    audit.record(
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_person=subject_person,
        before=before,
        after=after,
        channel=channel,
    )


def _district_of(area: Area) -> Area:
    return area.district if area.district is not None else area


def unit_insurances(unit: Unit) -> list[str]:
    return list(
        UnitInsurance.objects.filter(unit=unit, active=True).order_by("insurance").values_list("insurance", flat=True)
    )


def activate_via_unit(
    *, persons: Sequence[Person], unit: Unit, since: dict[int, dt.date], insurances: Sequence[str]
) -> int:
    """Insured through ``unit`` in each of ``insurances`` from the month in ``since[person.pk]``.

    Bulk: one read of the existing statuses, one bulk update, one bulk create. A terminated
    status (retired, died, transferred away) is left as it is. Returns rows written."""
    if not persons or not insurances:
        return 0
    ids = [p.pk for p in persons]
    existing: dict[tuple[int, str], InsuredStatus] = {}
    for chunk in _chunks(ids):
        for status in InsuredStatus.objects.filter(person_id__in=chunk, insurance__in=insurances):
            existing[(status.person_id, status.insurance)] = status
    now = timezone.now()
    updates, creates = [], []
    for person in persons:
        first = month_start(since[person.pk])
        for insurance in insurances:
            row = existing.get((person.pk, insurance))
            if row is None:
                creates.append(InsuredStatus(person=person, insurance=insurance, status=Active, since=first, unit=unit))
            elif row.status != Terminated:
                row.status, row.since, row.unit, row.updated_at = Active, first, unit, now
                updates.append(row)
    if updates:
        InsuredStatus.objects.bulk_update(updates, ["status", "since", "unit", "updated_at"], batch_size=500)
    if creates:
        InsuredStatus.objects.bulk_create(creates, batch_size=500)
    return len(updates) + len(creates)


def suspend_after_leaving(*, person_ids: Sequence[int], unit: Unit, ended: dict[int, dt.date]) -> int:
    """After 减员: each status held through ``unit`` moves to another open employment of the
    person (whose unit is registered for that insurance), or is suspended (中断) from the
    month after the last day worked. Bulk: three reads, one bulk update."""
    if not person_ids:
        return 0
    statuses = []
    others: dict[int, list[int]] = {}
    for chunk in _chunks(list(person_ids)):
        statuses += list(InsuredStatus.objects.filter(person_id__in=chunk, unit=unit, status=Active))
        for person_id, unit_id in (
            Employment.objects.filter(person_id__in=chunk, end__isnull=True)
            .exclude(unit=unit)
            .order_by("start", "id")
            .values_list("person_id", "unit_id")
        ):
            others.setdefault(person_id, []).append(unit_id)
    other_units = {u for ids in others.values() for u in ids}
    registered = set(
        UnitInsurance.objects.filter(unit_id__in=other_units, active=True).values_list("unit_id", "insurance")
    )
    now = timezone.now()
    for status in statuses:
        elsewhere = [u for u in others.get(status.person_id, []) if (u, status.insurance) in registered]
        if elsewhere:
            status.unit_id = elsewhere[0]
        else:
            status.status, status.since = Suspended, month_add(ended[status.person_id], 1)
        status.updated_at = now
    InsuredStatus.objects.bulk_update(statuses, ["status", "since", "unit", "updated_at"], batch_size=500)
    return len(statuses)


def _chunks(values: list[Any], size: int = 900) -> Iterable[list[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _check_identity(number: str, *, sex: str | None, birth_date: dt.date | None) -> tuple[str, str, dt.date]:
    parsed = id_number_validate(number)
    if sex and sex != parsed.sex:
        raise InvalidInput(
            "性别与身份证号码不一致（第17位奇数为男、偶数为女）",
            "The sex does not match the ID number (17th digit odd: male, even: female)",
            field="sex",
        )
    if birth_date and birth_date != parsed.birth_date:
        raise InvalidInput(
            f"出生日期与身份证号码不一致（号码中为 {parsed.birth_date:%Y-%m-%d}）",
            f"The birth date does not match the ID number ({parsed.birth_date:%Y-%m-%d})",
            field="birth_date",
        )
    return parsed.number, parsed.sex, parsed.birth_date


def mobile_clean(phone: str, *, field: str = "phone") -> str:
    """A mainland mobile number (11 ASCII digits from 1, ``MOBILE``), or empty: none given."""
    phone = (phone or "").strip()
    if phone and not MOBILE.fullmatch(phone):
        raise InvalidInput(
            "手机号码应为11位中国大陆手机号码（以1开头）",
            "A mobile number has 11 digits and starts with 1 (mainland China)",
            field=field,
        )
    return phone


def name_mismatch(field: str = "name") -> InvalidInput:
    """The name given is not the one registered for the ID number; which name is registered is
    not said (the form may come from anyone who has a number)."""
    return InvalidInput(
        "姓名与该身份证号码的参保登记信息不一致，请按居民身份证核对后重新填写",
        "The name does not match the registration of this ID number; check it against the ID card",
        field=field,
    )


def too_old_to_employ(*, sex: str, birth_date: dt.date, start: dt.date) -> Conflict | None:
    """A person clearly past retirement (``rules.past_any_working_age``) is not enrolled
    through an employer."""
    if not rules.past_any_working_age(sex=sex, birth_date=birth_date, on=start):
        return None
    return Conflict(
        f"该人员出生于{birth_date.year}年，已远超法定退休年龄，不能作为职工增员参保；请核对身份证号码",
        f"This person was born in {birth_date.year}, far past the statutory retirement age, and cannot be "
        "enrolled as an employee; check the ID number",
        field="id_number",
    )


def employment_refusals(*, persons: Sequence[Person], unit: Unit, starts: dict[int, dt.date]) -> dict[int, ShebaoError]:
    """Why each registered person may not be enrolled through ``unit`` from ``starts[pk]``
    (社会保险法 第五十八条; a person is insured once, through one employer or as a flexible
    worker): already on this unit's staff; retired or pension ended (退休、死亡、转出); clearly
    past retirement age; employed and insured by another unit, which must first remove them
    (减员); contributing as a flexible worker, who must first stop (灵活就业人员停保). The other
    unit is not named. Bulk: two reads whatever the number of persons."""
    ids = [p.pk for p in persons]
    open_units: dict[int, set[int]] = {}
    flexible: set[int] = set()
    ended: set[int] = set()
    for chunk in _chunks(ids):
        for person_id, unit_id in Employment.objects.filter(person_id__in=chunk, end__isnull=True).values_list(
            "person_id", "unit_id"
        ):
            open_units.setdefault(person_id, set()).add(unit_id)
        for person_id, insurance, status, unit_id in InsuredStatus.objects.filter(person_id__in=chunk).values_list(
            "person_id", "insurance", "status", "unit_id"
        ):
            if status == Active and unit_id is None and insurance in FLEXIBLE_INSURANCES:
                flexible.add(person_id)
            elif status == Terminated and insurance == "pension":
                ended.add(person_id)
    refusals: dict[int, ShebaoError] = {}
    for person in persons:
        units = open_units.get(person.pk, set())
        too_old = too_old_to_employ(sex=person.sex, birth_date=person.birth_date, start=starts[person.pk])
        if unit.pk in units:
            refusals[person.pk] = Conflict(
                "该人员已是本单位在职参保职工", "This person is already on the unit's staff", field="id_number"
            )
        elif person.category == Person.Category.RETIREE or person.pk in ended:
            refusals[person.pk] = Conflict(
                "该人员已退休或养老保险已终止（退休、死亡或转出），不能增员参保；退休人员再就业不办理职工参保登记，"
                "已转出的须先办理转移接续",
                "This person has retired or their pension insurance has ended (retired, died or transferred "
                "out); a retiree is not enrolled as an employee, a transfer must be brought back first",
                field="id_number",
            )
        elif too_old is not None:
            refusals[person.pk] = too_old
        elif units:
            refusals[person.pk] = Conflict(
                "该人员已在其他单位参保缴费，须由原单位先办理减员（停保）后，本单位才能增员",
                "This person is insured through another employer; that employer must first remove them "
                "(staff removal, 减员) before this unit can add them",
                field="id_number",
            )
        elif person.pk in flexible:
            refusals[person.pk] = Conflict(
                "该人员正以灵活就业人员身份参保缴费，须由本人先办理灵活就业人员停保后，本单位才能增员",
                "This person contributes as a flexible worker; they must first stop flexible contributions "
                "(灵活就业人员停保) before this unit can add them",
                field="id_number",
            )
    return refusals


# --- persons ---------------------------------------------------------------------------------


def person_register(
    *,
    actor: Account | None,
    id_number: str,
    name: str,
    district: Area,
    category: str = Person.Category.FLEXIBLE,
    sex: str | None = None,
    birth_date: dt.date | None = None,
    hukou_place: str = "",
    address: str = "",
    phone: str = "",
    channel: str = Channel.HALL,
) -> Person:
    """参保人登记: the resident ID number is the social-security number (社会保险法 第五十八条),
    registered once. Sex and birth date come from the number; typed values must agree."""
    _person_authorise(actor)
    number, sex, birth = _check_identity(id_number, sex=sex, birth_date=birth_date)
    name = (name or "").strip()
    if not name:
        raise InvalidInput("请填写姓名", "Give the person's name", field="name")
    if len(name) > 64:
        raise InvalidInput("姓名过长", "The name is too long", field="name")
    if category not in Person.Category.values:
        raise InvalidInput("人员类别不正确", "Unknown person category", field="category")
    try:
        with transaction.atomic():
            person = Person.objects.create(
                id_number=number,
                name=name,
                sex=sex,
                birth_date=birth,
                category=category,
                district=_district_of(district),
                hukou_place=hukou_place.strip(),
                address=address.strip(),
                phone=phone.strip(),
            )
            _audit(
                actor=actor,
                action="person.register",
                subject_type="person",
                subject_id=person.pk,
                subject_person=number,
                after={"name": name, "category": category, "district": person.district_id},
                channel=channel,
            )
    except IntegrityError:
        raise Conflict(
            "该身份证号码已登记参保，不能重复登记；请查询后办理变更",
            "This ID number is already registered; look the person up and change the record instead",
            field="id_number",
        ) from None
    return person


PERSON_CHANGEABLE = ("address", "phone", "name")


def person_update(
    *,
    actor: Account | None,
    person: Person,
    address: str | None = None,
    phone: str | None = None,
    name: str | None = None,
    reason: str = "",
    channel: str = Channel.HALL,
) -> Person:
    """个人信息变更: address and phone as told; a name only with a reason (关键信息更正)."""
    _person_authorise(actor)
    changes: dict[str, str] = {}
    if address is not None:
        changes["address"] = address.strip()[:255]
    if phone is not None:
        changes["phone"] = mobile_clean(phone)
    if name is not None:
        name = name.strip()
        if not name or len(name) > 64:
            raise InvalidInput("请填写正确的姓名", "Give a valid name", field="name")
        if not reason.strip():
            raise InvalidInput("更正姓名须说明原因", "A change of name needs a reason", field="reason")
        changes["name"] = name
    if not changes:
        raise InvalidInput("没有需要变更的内容", "Nothing to change")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        before = {k: getattr(locked, k) for k in changes}
        for key, value in changes.items():
            setattr(locked, key, value)
        locked.save(update_fields=list(changes))
        _audit(
            actor=actor,
            action="person.update",
            subject_type="person",
            subject_id=locked.pk,
            subject_person=locked.id_number,
            before=before,
            after={**changes, "reason": reason.strip()},
            channel=channel,
        )
    return locked


def person_correct_id_number(
    *, actor: Account | None, person: Person, new_id_number: str, reason: str, channel: str = Channel.HALL
) -> Person:
    """关键信息更正: a new ID number (police certificate); sex and birth date follow it."""
    _person_authorise(actor)
    number, sex, birth = _check_identity(new_id_number, sex=None, birth_date=None)
    if not reason.strip():
        raise InvalidInput("更正身份证号码须说明原因", "A correction needs a reason", field="reason")
    try:
        with transaction.atomic():
            locked = Person.objects.select_for_update().get(pk=person.pk)
            before = {"id_number": locked.id_number, "sex": locked.sex, "birth_date": locked.birth_date}
            locked.id_number, locked.sex, locked.birth_date = number, sex, birth
            locked.save(update_fields=["id_number", "sex", "birth_date"])
            _audit(
                actor=actor,
                action="person.correct",
                subject_type="person",
                subject_id=locked.pk,
                subject_person=number,
                before=before,
                after={"id_number": number, "sex": sex, "birth_date": birth, "reason": reason},
                channel=channel,
            )
    except IntegrityError:
        raise Conflict(
            "该身份证号码已被他人登记", "This ID number is registered to someone else", field="new_value"
        ) from None
    return locked


def _load_statuses(person: Person, insurances: Sequence[str]) -> dict[str, InsuredStatus]:
    rows = InsuredStatus.objects.select_for_update().filter(person=person, insurance__in=insurances)
    return {row.insurance: row for row in rows}


def flexible_enrol(
    *, actor: Account | None, person: Person, start_month: dt.date | None = None, channel: str = Channel.HALL
) -> list[InsuredStatus]:
    """灵活就业人员参保登记: pension and medical insured from the enrolment month, no unit.

    No hukou condition (国办发〔2019〕13号). A person employed and insured through a unit
    contributes through the unit, and a retiree's pension contributions have ended: both are
    a clear Conflict. A suspended status (an earlier job ended) becomes active again."""
    _person_authorise(actor)
    since = month_start(start_month or timezone.localdate())
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if (
            Employment.objects.filter(person=locked, end__isnull=True).exists()
            or InsuredStatus.objects.filter(person=locked, status=Active, unit__isnull=False).exists()
        ):
            raise Conflict(
                "该人员已在用人单位参保缴费，不能以灵活就业人员身份登记；须先由单位办理减员",
                "This person is insured through an employer; the employer must remove them first",
                field="id_number",
            )
        current = _load_statuses(locked, FLEXIBLE_INSURANCES)
        if any(s.status == Active for s in current.values()):
            raise Conflict("该人员已按灵活就业人员参保", "This person is already enrolled as a flexible worker")
        if current.get("pension") and current["pension"].status == Terminated:
            raise Conflict(
                "该人员养老保险已终止（已退休或已转出），不能参保登记",
                "This person's pension insurance has ended (retired or transferred); no enrolment",
            )
        before = {k: (s.status, s.since) for k, s in current.items()}
        rows = []
        for insurance in FLEXIBLE_INSURANCES:
            row = current.get(insurance)
            if row is None:
                row = InsuredStatus(person=locked, insurance=insurance)
            row.status, row.since, row.unit = Active, since, None
            row.save()
            rows.append(row)
        if locked.category != Person.Category.FLEXIBLE:
            locked.category = Person.Category.FLEXIBLE
            locked.save(update_fields=["category"])
        _audit(
            actor=actor,
            action="person.flexible_enrol",
            subject_type="person",
            subject_id=locked.pk,
            subject_person=locked.id_number,
            before=before,
            after={"insurances": list(FLEXIBLE_INSURANCES), "since": since},
            channel=channel,
        )
    return rows


def flexible_stop(
    *, actor: Account | None, person: Person, last_month: dt.date, reason: str = "", channel: str = Channel.HALL
) -> list[InsuredStatus]:
    """灵活就业人员停保: the flexible statuses are suspended from the month after the last one
    paid; the years paid are kept and counted."""
    _person_authorise(actor)
    with transaction.atomic():
        rows = [
            s for s in _load_statuses(person, FLEXIBLE_INSURANCES).values() if s.status == Active and s.unit_id is None
        ]
        if not rows:
            raise Conflict(
                "该人员没有以灵活就业人员身份参保缴费", "This person is not contributing as a flexible worker"
            )
        since = month_add(last_month, 1)
        for row in rows:
            row.status, row.since = Suspended, since
            row.save(update_fields=["status", "since", "updated_at"])
        _audit(
            actor=actor,
            action="person.flexible_stop",
            subject_type="person",
            subject_id=person.pk,
            subject_person=person.id_number,
            after={"insurances": [r.insurance for r in rows], "since": since, "reason": reason},
            channel=channel,
        )
    return rows


def status_resume(
    *,
    actor: Account | None,
    person: Person,
    since: dt.date | None = None,
    insurances: Sequence[str] = FLEXIBLE_INSURANCES,
    channel: str = Channel.HALL,
) -> list[InsuredStatus]:
    """续保: suspended (中断) statuses become active again as a flexible worker from ``since``'s
    month; the years before are kept (缴费年限累计计算). Only suspended statuses resume."""
    _person_authorise(actor)
    first = month_start(since or timezone.localdate())
    with transaction.atomic():
        if Employment.objects.filter(person=person, end__isnull=True).exists():
            raise Conflict(
                "该人员已在用人单位就业，由单位办理增员参保", "This person is employed; the employer enrols them"
            )
        current = _load_statuses(person, insurances)
        rows = [s for s in current.values() if s.status == Suspended]
        if not rows:
            raise Conflict("该人员没有中断缴费的险种，无需续保", "Nothing is suspended; there is nothing to resume")
        before = {s.insurance: (s.status, s.since) for s in rows}
        for row in rows:
            if first < row.since:
                raise InvalidInput(
                    f"续保月份不能早于中断月份 {row.since:%Y-%m}",
                    f"The resumption month cannot precede the interruption ({row.since:%Y-%m})",
                    field="start_month",
                )
            row.status, row.since, row.unit = Active, first, None
            row.save(update_fields=["status", "since", "unit", "updated_at"])
        if person.category != Person.Category.FLEXIBLE:
            Person.objects.filter(pk=person.pk).update(category=Person.Category.FLEXIBLE)
        _audit(
            actor=actor,
            action="person.resume",
            subject_type="person",
            subject_id=person.pk,
            subject_person=person.id_number,
            before=before,
            after={"insurances": [r.insurance for r in rows], "since": first},
            channel=channel,
        )
    return rows


# --- units -----------------------------------------------------------------------------------


def unit_register(
    *,
    actor: Account | None,
    credit_code: str,
    name: str,
    district: Area,
    insurances: Sequence[str],
    since: dt.date | None = None,
    industry: str = "",
    injury_risk_class: int | None = None,
    channel: str = Channel.HALL,
) -> list[UnitInsurance]:
    """单位参保登记 (社会保险法 第五十七条): the unit, created on its first registration, is
    registered for each chosen insurance from ``since``'s month. Registering an insurance
    already registered is a Conflict; a deregistered one is registered again."""
    code = credit_code_validate(credit_code)
    chosen = list(dict.fromkeys(insurances))
    unknown = [i for i in chosen if i not in FIVE_INSURANCES]
    if not chosen or unknown:
        raise InvalidInput("请选择要登记的险种（五险）", "Choose among the five insurances", field="insurances")
    if injury_risk_class is not None and not 1 <= injury_risk_class <= 8:
        raise InvalidInput("工伤保险行业风险类别应为一类至八类", "The risk class is 1 to 8", field="injury_risk_class")
    first = month_start(since or timezone.localdate())
    with transaction.atomic():
        unit = Unit.objects.select_for_update().filter(credit_code=code).first()
        created = unit is None
        if unit is None:
            if actor is not None and actor.is_authenticated and actor.kind == Account.Kind.UNIT:
                if (actor.unit_code or "").upper() != code:
                    raise NotFound("未找到该单位", "No such unit")
            else:
                _require_staff_writer(actor)
            if not (name or "").strip():
                raise InvalidInput("请填写单位名称", "Give the unit's name", field="unit_name")
            unit = Unit.objects.create(
                credit_code=code,
                name=name.strip()[:128],
                district=_district_of(district),
                industry=industry.strip()[:64],
                injury_risk_class=injury_risk_class or 1,
            )
        else:
            unit_authorise(actor=actor, unit=unit)
            changed = []
            if industry.strip():
                unit.industry = industry.strip()[:64]
                changed.append("industry")
            if injury_risk_class is not None:
                unit.injury_risk_class = injury_risk_class
                changed.append("injury_risk_class")
            if changed:
                unit.save(update_fields=changed)
        existing = {u.insurance: u for u in UnitInsurance.objects.select_for_update().filter(unit=unit)}
        rows = []
        for insurance in chosen:
            row = existing.get(insurance)
            if row is not None and row.active:
                raise Conflict(
                    f"本单位已办理{INSURANCE_NAMES[insurance]}参保登记",
                    f"The unit is already registered for {insurance}",
                    field="insurances",
                )
            if row is None:
                row = UnitInsurance(unit=unit, insurance=insurance)
            row.since, row.active = first, True
            row.save()
            rows.append(row)
        _audit(
            actor=actor,
            action="unit.register",
            subject_type="unit",
            subject_id=unit.pk,
            after={"credit_code": code, "created": created, "insurances": chosen, "since": first},
            channel=channel,
        )
    return rows


def unit_change(
    *, actor: Account | None, unit: Unit, change_item: str, new_value: str, channel: str = Channel.HALL
) -> Unit:
    """单位参保信息变更. The name is a column of ours; the other details (address, legal
    representative, bank, contact) are kept with the case and the audit event."""
    unit_authorise(actor=actor, unit=unit)
    value = (new_value or "").strip()
    if not value:
        raise InvalidInput("请填写变更后内容", "Give the new value", field="new_value")
    with transaction.atomic():
        before = {"name": unit.name}
        if change_item == "name":
            unit.name = value[:128]
            unit.save(update_fields=["name"])
        _audit(
            actor=actor,
            action="unit.change",
            subject_type="unit",
            subject_id=unit.pk,
            before=before,
            after={"change_item": change_item, "new_value": value},
            channel=channel,
        )
    return unit


def unit_deregister(*, actor: Account | None, unit: Unit, ended_on: dt.date, channel: str = Channel.HALL) -> Unit:
    """单位注销登记: only after every employee has been removed (减员)."""
    unit_authorise(actor=actor, unit=unit)
    with transaction.atomic():
        staff = Employment.objects.filter(unit=unit, end__isnull=True).count()
        if staff:
            raise Conflict(
                f"本单位仍有{staff}名在职参保职工，须先办理减员",
                f"The unit still has {staff} insured staff; remove them first",
            )
        count = UnitInsurance.objects.filter(unit=unit, active=True).update(active=False)
        _audit(
            actor=actor,
            action="unit.deregister",
            subject_type="unit",
            subject_id=unit.pk,
            after={"insurances_closed": count, "ended_on": ended_on},
            channel=channel,
        )
    return unit


# --- employment (增减员) ---------------------------------------------------------------------


def employment_add(
    *,
    actor: Account | None,
    unit: Unit,
    id_number: str,
    start: dt.date,
    name: str = "",
    phone: str = "",
    channel: str = Channel.HALL,
) -> Employment:
    """职工参保登记（增员）(社会保险法 第五十八条): an open employment, and the person insured
    through the unit in each insurance the unit is registered for, from the start month.

    The name must be the registered one for a registered person (the refusal does not say
    which name is registered); a person not yet registered is registered from the form's name
    (a plausible name, ``rules.person_name_clean``) and ID number. Refused: a start after the
    end of next month, before 1950 or before the person's 16th birthday (劳动法 第十五条); a
    phone that is not a mainland mobile number; a unit not registered for any insurance; and
    whatever ``employment_refusals`` says (already on the staff, retired, insured elsewhere or
    as a flexible worker)."""
    unit_authorise(actor=actor, unit=unit)
    parsed = id_number_validate(id_number)
    insurances = unit_insurances(unit)
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(id_number=parsed.number).first()
        name, phone = _addition_check(
            unit=unit, insurances=insurances, parsed=parsed, person=person, start=start, name=name, phone=phone
        )
        if person is None:
            person = _register_inline(
                actor=actor, number=parsed.number, name=name, phone=phone, district=unit.district, channel=channel
            )
        employment = Employment.objects.create(person=person, unit=unit, start=start)
        activate_via_unit(persons=[person], unit=unit, since={person.pk: start}, insurances=insurances)
        if person.category == Person.Category.FLEXIBLE:
            person.category = Person.Category.EMPLOYEE
            person.save(update_fields=["category"])
        _audit(
            actor=actor,
            action="employment.add",
            subject_type="employment",
            subject_id=employment.pk,
            subject_person=person.id_number,
            after={"unit": unit.credit_code, "start": start, "insurances": insurances},
            channel=channel,
        )
    return employment


def _addition_check(
    *,
    unit: Unit,
    insurances: Sequence[str],
    parsed: IdNumber,
    person: Person | None,
    start: dt.date,
    name: str,
    phone: str,
) -> tuple[str, str]:
    """The refusals of ``employment_add`` (its docstring), in order; the clean name and phone."""
    if start > latest_start_allowed():
        raise InvalidInput(
            "用工日期不能晚于下月末", "The start date cannot be later than the end of next month", field="hired_on"
        )
    rules.hire_date_check(start, birth_date=parsed.birth_date, field="hired_on")
    phone = mobile_clean(phone)
    if not (name or "").strip():
        raise InvalidInput("请填写与居民身份证一致的姓名", "Give the name as on the ID card", field="name")
    if not insurances:
        raise InvalidInput(
            "本单位尚未办理参保登记，不能增员", "The unit is not registered for any insurance", field="unit_code"
        )
    if person is None:
        name = rules.person_name_clean(name)
        too_old = too_old_to_employ(sex=parsed.sex, birth_date=parsed.birth_date, start=start)
        if too_old is not None:
            raise too_old
        return name, phone
    if not rules.person_name_matches(name, person.name):
        raise name_mismatch()
    refusal = employment_refusals(persons=[person], unit=unit, starts={person.pk: start}).get(person.pk)
    if refusal is not None:
        raise refusal
    return person.name, phone


def employment_add_check(*, unit: Unit, id_number: str, start: dt.date, name: str, phone: str = "") -> None:
    """What ``employment_add`` would refuse, said without writing anything: for a 增员 case at
    receipt (the window or the online hall), so that no case is opened that can only fail."""
    parsed = id_number_validate(id_number)
    person = Person.objects.filter(id_number=parsed.number).first()
    _addition_check(
        unit=unit,
        insurances=unit_insurances(unit),
        parsed=parsed,
        person=person,
        start=start,
        name=name,
        phone=phone,
    )


def employment_end_check(*, unit: Unit, id_number: str, name: str) -> None:
    """A 减员 case at receipt: the person is on the unit's staff and the name is the
    registered one (the unit's own employee, so the mismatch may be said plainly)."""
    number = id_number_validate(id_number).number
    employment = (
        Employment.objects.select_related("person")
        .filter(unit=unit, person__id_number=number, end__isnull=True)
        .first()
    )
    if employment is None:
        raise NotFound("该人员不是本单位在职参保职工", "This person is not on the unit's staff", field="id_number")
    if name and not rules.person_name_matches(name, employment.person.name):
        raise name_mismatch()


def _register_inline(
    *, actor: Account | None, number: str, name: str, phone: str, district: Area, channel: str
) -> Person:
    """Register a person met first at their hiring; ``name`` and ``phone`` are already clean."""
    _, sex, birth = _check_identity(number, sex=None, birth_date=None)
    try:
        with transaction.atomic():
            person = Person.objects.create(
                id_number=number,
                name=rules.person_name_clean(name),
                sex=sex,
                birth_date=birth,
                category=Person.Category.EMPLOYEE,
                district_id=district.district_id or district.pk,
                phone=mobile_clean(phone),
            )
    except IntegrityError:
        raise Conflict("该身份证号码已登记参保", "This ID number is already registered", field="id_number") from None
    _audit(
        actor=actor,
        action="person.register",
        subject_type="person",
        subject_id=person.pk,
        subject_person=number,
        after={"name": person.name, "category": person.category, "via": "employment.add"},
        channel=channel,
    )
    return person


def employment_end(
    *,
    actor: Account | None,
    unit: Unit,
    id_number: str,
    end: dt.date,
    reason: str = "",
    channel: str = Channel.HALL,
) -> Employment:
    """职工停保（减员）: the open employment ends on ``end`` (not before its start); the statuses
    held through the unit are suspended from the next month unless another open employment
    carries them."""
    unit_authorise(actor=actor, unit=unit)
    number = id_number_validate(id_number).number
    with transaction.atomic():
        employment = (
            Employment.objects.select_for_update()
            .select_related("person")
            .filter(unit=unit, person__id_number=number, end__isnull=True)
            .first()
        )
        if employment is None:
            raise NotFound("该人员不是本单位在职参保职工", "This person is not on the unit's staff", field="id_number")
        if end < employment.start:
            raise InvalidInput(
                f"停保日期不能早于用工日期 {employment.start:%Y-%m-%d}",
                f"The end date cannot be before the start ({employment.start:%Y-%m-%d})",
                field="ended_on",
            )
        employment.end = end
        employment.save(update_fields=["end"])
        suspend_after_leaving(person_ids=[employment.person_id], unit=unit, ended={employment.person_id: end})
        _audit(
            actor=actor,
            action="employment.end",
            subject_type="employment",
            subject_id=employment.pk,
            subject_person=number,
            after={"unit": unit.credit_code, "end": end, "reason": reason},
            channel=channel,
        )
    return employment


# --- the unit's own pages (网上即时办结) --------------------------------------------------------

STAFF_ADD_ITEM, STAFF_END_ITEM = "DJ-011", "DJ-012"


def _done(unit: Unit, person: Person, form: dict[str, Any], result: dict[str, Any]) -> Done:
    return Done(
        applicant=Applicant(id_number=person.id_number, name=person.name, unit_code=unit.credit_code),
        form={"unit_code": unit.credit_code, "id_number": person.id_number, "name": person.name, **form},
        result={"unit": unit.credit_code, **result},
    )


def staff_add_online(
    *, actor: Account, unit: Unit, id_number: str, start: dt.date, name: str, phone: str = ""
) -> tuple[Employment, Case]:
    """增员 on the unit's own page: ``employment_add`` and the DJ-011 case it is, completed at
    once (职工参保登记, 即时办结), in one transaction: the unit's case list shows it."""
    with transaction.atomic():
        employment = employment_add(
            actor=actor, unit=unit, id_number=id_number, start=start, name=name, phone=phone, channel=Channel.ONLINE
        )
        person = employment.person
        form = {"hired_on": start.isoformat(), **({"phone": person.phone} if person.phone else {})}
        [case] = cases_record_done(
            actor=actor,
            item_code=STAFF_ADD_ITEM,
            district=unit.district,
            done=[_done(unit, person, form, {"employment": employment.pk, "start": start.isoformat()})],
        )
    return employment, case


def staff_end_online(
    *, actor: Account, unit: Unit, id_number: str, end: dt.date, reason: str = ""
) -> tuple[Employment, Case]:
    """减员 on the unit's own page: ``employment_end`` and its DJ-012 case (职工停保), completed
    at once, in one transaction."""
    with transaction.atomic():
        employment = employment_end(
            actor=actor, unit=unit, id_number=id_number, end=end, reason=reason, channel=Channel.ONLINE
        )
        form = {"ended_on": end.isoformat(), **({"end_reason": reason} if reason else {})}
        [case] = cases_record_done(
            actor=actor,
            item_code=STAFF_END_ITEM,
            district=unit.district,
            done=[_done(unit, employment.person, form, {"employment": employment.pk, "end": end.isoformat()})],
        )
    return employment, case


def staff_cases_record(
    *, actor: Account, unit: Unit, kind: str, rows: Sequence[tuple[Person, dict[str, Any]]]
) -> list[Case]:
    """The cases of an imported file (批量增员 / 批量减员), one per person, completed at once."""
    item = STAFF_ADD_ITEM if kind == "add" else STAFF_END_ITEM
    return cases_record_done(
        actor=actor,
        item_code=item,
        district=unit.district,
        done=[_done(unit, person, form, {"imported": True}) for person, form in rows],
    )
