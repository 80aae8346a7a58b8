"""Persons (参保人): registration, information change and key-information correction, and
the checks of an identity, a name and a mobile number the other commands reuse."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from shebao.catalog.definitions import MOBILE
from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput
from shebao.core.identifiers import id_number_validate
from shebao.core.models import Account, Area
from shebao.registry.models import Person
from shebao.registry.services.common import _audit, _district_of, _person_authorise


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
