"""工伤 handlers: the checks shared by the work-injury items (``InjuryHandler``), recognition (GS-001)
and benefits (GS-002) written at completion, and GS-002's check at the window."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shebao.cases.eligibility import Eligibility
from shebao.catalog.definitions import Applicant
from shebao.catalog.models import ServiceItem
from shebao.core.errors import InvalidInput
from shebao.core.identifiers import credit_code_validate
from shebao.pensions.items.benefits import BenefitHandler, _not_future, _person

if TYPE_CHECKING:
    from shebao.cases.models import Case
    from shebao.core.models import Account


class InjuryHandler(BenefitHandler):
    """工伤: a valid employer code; the diagnosis is not before the accident."""

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        cleaned = super().clean(item=item, form=form, applicant=applicant)
        if "unit_code" in cleaned:
            cleaned["unit_code"] = credit_code_validate(cleaned["unit_code"], field="unit_code")
        _not_future(cleaned, "accident_date", "diagnosis_date")
        if (
            "accident_date" in cleaned
            and "diagnosis_date" in cleaned
            and cleaned["diagnosis_date"] < cleaned["accident_date"]
        ):
            raise InvalidInput(
                "诊断日期不能早于事故发生日期", "The diagnosis is dated before the accident", field="diagnosis_date"
            )
        return cleaned


class InjuryRecognitionHandler(InjuryHandler):
    """工伤认定 (GS-001): the decision, numbered, written at the approver's completion."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.pensions.services.injury import injury_recognise

        decision = injury_recognise(
            actor=actor,
            person=_person(case.form_data.get("id_number") or case.applicant_id_number),
            form=case.form_data,
            case_number=case.number or "",
            channel=case.channel,
        )
        return {"decision": decision.number}


class InjuryBenefitHandler(InjuryHandler):
    """工伤保险待遇核定 (GS-002) under a recognition decision of the same worker."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.pensions.services.injury import injury_benefit_approve

        benefit = injury_benefit_approve(
            actor=actor,
            person=_person(case.form_data.get("id_number") or case.applicant_id_number),
            form=case.form_data,
            case_number=case.number or "",
            channel=case.channel,
        )
        return {"benefit": benefit.benefit_type, "amount": str(benefit.amount)}


def injury_decision_known(facts: Eligibility) -> None:
    """GS-002 at the window: the decision number is this worker's recognition, and an amount."""
    from shebao.pensions.services.injury import recognition_of

    recognition_of(person=_person(facts.applicant_id_number), number=str(facts.form.get("decision_no", "")))
    if facts.form.get("amount") in (None, ""):
        raise InvalidInput("请填写申请金额", "The amount claimed is required", field="amount")
