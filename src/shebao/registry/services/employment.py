"""Employment (增减员): a unit adds a person to its staff (职工参保登记) and removes them
(职工停保), with the checks a case runs at receipt so that no case is opened that can only fail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput, NotFound, ShebaoError
from shebao.core.identifiers import IdNumber, id_number_validate
from shebao.core.models import Account, Area
from shebao.core.months import month_add
from shebao.registry import rules
from shebao.registry.models import Employment, InsuredStatus, Person, Unit
from shebao.registry.services.common import FLEXIBLE_INSURANCES, Active, Terminated, _audit, _chunks, unit_authorise
from shebao.registry.services.persons import _check_identity, mobile_clean, name_mismatch
from shebao.registry.services.status import activate_via_unit, suspend_after_leaving
from shebao.registry.services.units import unit_insurances


def latest_start_allowed(today: dt.date | None = None) -> dt.date:
    """增员 may be declared up to the end of next month, not further ahead."""
    today = today or timezone.localdate()
    return month_add(today, 2) - dt.timedelta(days=1)


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
