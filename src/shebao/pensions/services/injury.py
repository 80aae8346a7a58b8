"""工伤: the recognition decision (GS-001, 《工伤保险条例》第十七条至第二十条) and the benefit
determination under it (GS-002, 第五章), each written at the approver's completion.

The benefit's amount is the one the form states and the approver approved: the formulas of the
regulation's fifth chapter (伤残补助金 by grade, 伤残津贴, 工亡补助金 = 20 × the previous year's
national disposable income …) are not rule rows here yet, so nothing is computed — said so in
the report rather than guessed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from shebao.core.errors import Conflict, InvalidInput
from shebao.core.models import Account
from shebao.pensions.models import InjuryBenefit, InjuryRecognition
from shebao.pensions.services.common import record, staff_authorise
from shebao.pensions.services.retirement import _serial_next
from shebao.registry.models import Person


def injury_recognise(
    *, actor: Account | None, person: Person, form: dict[str, Any], case_number: str = "", channel: str = "hall"
) -> InjuryRecognition:
    """认定工伤决定: numbered ``GSRD`` + year + serial, with the accident, the employer and who filed."""
    staff_authorise(actor)
    year = timezone.localdate().year
    with transaction.atomic():
        serial = _serial_next(f"GSRD-{year}")
        decision = InjuryRecognition.objects.create(
            number=f"GSRD{year}{serial:06d}",
            person=person,
            unit_code=str(form.get("unit_code", "")),
            accident_date=dt.date.fromisoformat(form["accident_date"]),
            diagnosis_date=dt.date.fromisoformat(form["diagnosis_date"]),
            applicant_type=str(form.get("applicant_type", "")),
            description=str(form.get("injury_desc", "")),
            case_number=case_number,
            decided_at=timezone.now(),
            decided_by=actor,
        )
        record(
            actor=actor,
            action="pension.injury_recognise",
            person=person,
            subject_type="pensions.InjuryRecognition",
            subject_id=decision.pk,
            after={"number": decision.number, "accident": decision.accident_date, "unit": decision.unit_code},
            channel=channel,
        )
    return decision


def recognition_of(*, person: Person, number: str) -> InjuryRecognition:
    decision = InjuryRecognition.objects.filter(person=person, number=number.strip().upper()).first()
    if decision is None:
        raise InvalidInput(
            f"未找到该职工的认定工伤决定书 {number}，须先办理工伤认定（GS-001）",
            f"No work-injury recognition {number} for this worker: recognition (GS-001) comes first",
            field="decision_no",
        )
    return decision


def injury_benefit_approve(
    *, actor: Account | None, person: Person, form: dict[str, Any], case_number: str = "", channel: str = "hall"
) -> InjuryBenefit:
    """工伤保险待遇核定: one benefit under the recognition decision, at the amount approved; a
    benefit type is paid once per decision except medical costs (each bill its own claim)."""
    staff_authorise(actor)
    decision = recognition_of(person=person, number=str(form.get("decision_no", "")))
    kind = str(form["benefit_type"])
    if form.get("amount") in (None, ""):
        raise InvalidInput("请填写核定金额", "The amount is required", field="amount")
    with transaction.atomic():
        if kind != "medical" and InjuryBenefit.objects.filter(recognition=decision, benefit_type=kind).exists():
            raise Conflict("该项工伤待遇已经核定", "This benefit was already determined under the decision")
        benefit = InjuryBenefit.objects.create(
            recognition=decision,
            person=person,
            benefit_type=kind,
            amount=Decimal(str(form["amount"])),
            bank_card=str(form.get("bank_card", "")),
            case_number=case_number,
            approved_by=actor,
        )
        record(
            actor=actor,
            action="pension.injury_benefit",
            person=person,
            subject_type="pensions.InjuryBenefit",
            subject_id=benefit.pk,
            after={"decision": decision.number, "benefit": kind, "amount": benefit.amount},
            channel=channel,
        )
    return benefit
