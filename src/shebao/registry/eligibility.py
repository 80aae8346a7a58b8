"""The registry's part in the checks at the window (``shebao.cases.eligibility``): the reader of
a person's facts the domain apps' checks use, and the registry's own checks — a correction of
the birth date (DJ-032) that the ID number contradicts is refused at receipt."""

from __future__ import annotations

import datetime as dt

from shebao.cases.eligibility import Eligibility, OpenEmployment, PersonFacts
from shebao.core.errors import InvalidInput
from shebao.core.identifiers import id_number_validate
from shebao.registry.models import Employment, Person


def person_facts(id_number: str) -> PersonFacts | None:
    """A person's name, birth date and open employments, for the checks at the window (a system
    read: it shows the applicant nothing but a check's reason)."""
    person = Person.objects.filter(id_number=id_number.upper()).first()
    if person is None:
        return None
    open_rows = Employment.objects.filter(person=person, end__isnull=True).select_related("unit").order_by("start")
    return PersonFacts(
        id_number=person.id_number,
        name=person.name,
        birth_date=person.birth_date,
        open_employments=tuple(OpenEmployment(e.unit.credit_code, e.unit.name, e.start) for e in open_rows),
    )


def birth_date_follows_the_id_number(facts: Eligibility) -> None:
    """个人关键信息更正 of the birth date: the birth date is part of the ID number (GB 11643), so
    a "corrected" birth date that the ID number contradicts cannot be recorded — the ID number
    is corrected from the police certificate instead — and one the records already hold is no
    correction. Said at receipt (《社会保险个人权益记录管理办法》, 人社部令第14号: records follow
    the identity document)."""
    if facts.form.get("change_item") != "birth_date":
        return
    raw = str(facts.form.get("new_value") or "").strip()
    try:
        wanted = dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            "更正后的出生日期应为 YYYY-MM-DD", "The corrected birth date must be YYYY-MM-DD", field="new_value"
        ) from None
    in_number = id_number_validate(facts.applicant_id_number, field="id_number").birth_date
    if wanted != in_number:
        raise InvalidInput(
            f"更正后的出生日期与公民身份号码不一致（号码中为 {in_number:%Y-%m-%d}）："
            "出生日期随身份证号码，请凭公安机关证明申请更正公民身份号码",
            f"The corrected birth date contradicts the ID number ({in_number:%Y-%m-%d}): "
            "the birth date follows the ID number; apply to correct the ID number with the police certificate",
            field="new_value",
        )
    if facts.person is not None and facts.person.birth_date == wanted:
        raise InvalidInput(
            "登记的出生日期已与公民身份号码一致，无需更正",
            "The registered birth date already matches the ID number: there is nothing to correct",
            field="new_value",
        )
