"""退休审批 (YL-001): the form's profile facts at receipt, the retirement written at completion, and
the statutory check at the window (``retirement_eligible``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from shebao.cases.eligibility import Eligibility
from shebao.catalog.definitions import Applicant
from shebao.catalog.models import ServiceItem
from shebao.core.errors import InvalidInput
from shebao.core.identifiers import id_number_validate
from shebao.pensions.items.benefits import BenefitHandler, _person

if TYPE_CHECKING:
    from shebao.cases.models import Case
    from shebao.core.models import Account

WORK_START = re.compile(r"(19|20)\d\d-(0[1-9]|1[0-2])")


SPECIAL_RETIREMENTS = ("special_work", "disability")


class RetirementHandler(BenefitHandler):
    """退休审批 (YL-001): the form's profile facts are well formed at receipt (the statute is
    checked by the eligibility check ``retirement_eligible``, at receipt and acceptance); at the
    approver's completion the retirement, certificate and approved determination are written."""

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        cleaned = super().clean(item=item, form=form, applicant=applicant)
        start = cleaned.get("work_start")
        if start and not WORK_START.fullmatch(start):
            raise InvalidInput("参加工作时间应为 YYYY-MM", "The start of work is YYYY-MM", field="work_start")
        deemed = int(cleaned.get("deemed_months") or 0)
        if not 0 <= deemed <= 600:
            raise InvalidInput("视同缴费月数应在0至600之间", "Deemed months are 0 to 600", field="deemed_months")
        if deemed and not cleaned.get("deemed_source"):
            raise InvalidInput(
                "填写视同缴费月数时须写明依据（人事档案记载的工作经历）",
                "Deemed months need their source (the personnel file's record)",
                field="deemed_source",
            )
        if "retire_date" in cleaned:
            from shebao.pensions.services.retirement import deemed_months_valid
            from shebao.registry.models import Person

            id_number = str(cleaned.get("id_number") or applicant.id_number)
            recorded = Person.objects.filter(id_number=id_number).values_list("birth_date", flat=True).first()
            birth = recorded or id_number_validate(id_number).birth_date
            deemed_months_valid(birth_date=birth, form=cleaned)
        return cleaned

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.cases.models import CaseMaterial
        from shebao.pensions.services import pension_retire

        if (
            str(case.form_data.get("retire_type") or "") in SPECIAL_RETIREMENTS
            and not case.materials.filter(
                # the original seen at a window, or an uploaded file the office verified (an upload
                # alone counts for nothing until a clerk checked it, cases.materials)
                Q(status=CaseMaterial.Status.RECEIVED)
                | Q(status=CaseMaterial.Status.UPLOADED, verification=CaseMaterial.Verification.VERIFIED),
                material__code="special_proof",
            ).exists()
        ):
            raise InvalidInput(
                "特殊工种或因病致残提前退休须提交特殊工种证明或劳动能力鉴定结论，本件未收到",
                "A special-work or disability retirement needs its proof (special-work record or work-capacity "
                "assessment); none was received",
                field="special_proof",
            )
        done = pension_retire(
            actor=actor,
            person=_person(case.applicant_id_number),
            form=case.form_data,
            case_number=case.number or "",
            channel=case.channel,
        )
        return {
            "certificate": done.certificate.number,
            "determination": done.determination.pk,
            "total": str(done.determination.total),
            "retirement_month": done.certificate.retirement_month.isoformat(),
        }


def retirement_eligible(facts: Eligibility) -> None:
    """At the window (receipt and acceptance): registered, not retired, the month within the
    statutory rule or the flexible window, and the minimum contribution months reached."""
    from shebao.pensions.services import retirement_plan

    today = timezone.localdate() if facts.stage == "receipt" else None
    retirement_plan(person=_person(facts.applicant_id_number), form=dict(facts.form), today=today)
