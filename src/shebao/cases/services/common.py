"""What every case command shares: who counts as counter staff, today's date, which office a
case is handled at, the compare-and-set claim on a case, the step record and audit wrapper,
notifying the applicant and the staff, the required materials still missing, and the checks
that the actor may take an action."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F
from django.utils import timezone

from shebao.cases import facts, rules
from shebao.cases import materials as supplies
from shebao.cases.models import (
    Case,
    CaseStepRecord,
)
from shebao.catalog.definitions import Applicant
from shebao.catalog.models import ItemStep, Jurisdiction
from shebao.core import audit
from shebao.core.errors import InvalidInput, NotFound, StaleVersion
from shebao.core.models import Account, Office, Role
from shebao.core.notify import notification_enqueue

COUNTER_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR})


_OFFICE_KIND_FOR_RULE = {
    Jurisdiction.CITY_CENTRE: Office.Kind.CITY_CENTRE,
    Jurisdiction.MEDICAL_CENTRE: Office.Kind.MEDICAL_CENTRE,
    Jurisdiction.CARD_CENTRE: Office.Kind.CARD_CENTRE,
}


def _today() -> dt.date:
    return timezone.localdate()


def _resolve_office(*, rule: str, applicant: Applicant, receiving_office: Office | None) -> Office:
    """The office of jurisdiction for a phase (管辖机构)."""
    if rule == Jurisdiction.APPLICANT_DISTRICT:
        if applicant.district is None:
            raise InvalidInput(
                "无法确定申请人所属区，请先核对参保登记信息", "The applicant's district is unknown", field="district"
            )
        office = Office.objects.filter(
            kind=Office.Kind.DISTRICT_OFFICE, area=applicant.district, is_active=True
        ).first()
    elif rule == Jurisdiction.RECEIVING_OFFICE:
        office = receiving_office
    else:
        office = (
            Office.objects.filter(kind=_OFFICE_KIND_FOR_RULE[Jurisdiction(rule)], is_active=True).order_by("id").first()
        )
    if office is None:
        raise InvalidInput("没有可以办理该事项的机构", "No office handles this item", field="office")
    return office


def _claim(case_id: int, version: int) -> Case:
    """Compare-and-set on the version; the row stays locked by our UPDATE until commit."""
    claimed = Case.objects.filter(pk=case_id, version=version).update(version=F("version") + 1)
    if not claimed:
        if not Case.objects.filter(pk=case_id).exists():
            raise NotFound("办件不存在", "Case not found")
        raise StaleVersion(
            "该办件已被他人处理或已更新，请刷新后重试", "Someone else acted on this case first; reload and try again"
        )
    return Case.objects.select_related(
        "item", "item__skill_group", "current_step", "current_step__phase", "office"
    ).get(pk=case_id)


def _record_step(
    case: Case, *, actor: Account | None, action: str, step: ItemStep | None = None, note: str = ""
) -> None:
    CaseStepRecord.objects.create(
        case=case,
        step=step,
        action=action,
        actor=actor,
        office=getattr(actor, "office", None),
        note=note,
        at=timezone.now(),
    )


def _audit(
    case: Case, *, actor: Account | None, action: str, channel: str, before: Any = None, after: Any = None
) -> None:
    audit.record(
        actor=actor,
        action=f"case.{action}",
        subject_type="case",
        subject_id=case.pk,
        subject_person=case.applicant_id_number,
        before=before,
        after=after,
        channel=channel,
    )


def _notify_applicant(case: Case, *, event: str, body: str) -> None:
    recipient = case.applicant_phone or (case.applicant_account.username if case.applicant_account else "")
    if not recipient:
        return
    notification_enqueue(
        key=f"case:{case.pk}:{event}:{case.version}",
        channel="sms" if case.applicant_phone else "push",
        recipient=recipient,
        account=case.applicant_account,
        subject=f"办件 {case.number}",
        body=body,
    )


def _notify_staff(case: Case, *, event: str, min_authority: int, body: str) -> int:
    staff = Account.objects.filter(
        kind=Account.Kind.STAFF, is_active=True, office_id=case.office_id, authority_level__gte=min_authority
    ).filter(skill_groups=case.item.skill_group_id)
    count = 0
    for person in staff:
        notification_enqueue(
            key=f"case:{case.pk}:{event}:{person.pk}:{case.version}",
            channel="push",
            recipient=person.username,
            account=person,
            subject=f"办件 {case.number}",
            body=body,
        )
        count += 1
    return count


def _missing_required(case: Case) -> list[str]:
    """The required materials that do not count yet: missing, or uploaded and not yet verified
    by a clerk (shebao.cases.materials.still_needed)."""
    return supplies.still_needed(supplies.material_facts(case))


# the step records of a move to another office (facts.case_facts drops the receiving office then)
MOVED_ACTION = facts.MOVED_ACTION


def _require(actor: Account | None, case: Case, action: rules.Action) -> None:
    """The rules' verdict on ``action`` by ``actor`` (state, authority, skill group,
    jurisdiction, separation of duties): raises Conflict or NotAllowed, or returns."""
    rules.require(facts.actor_facts(actor), facts.case_facts(case), action)


def _check_handler(actor: Account, case: Case) -> None:
    """Materials requests: the office's staff who could act on the step (separation of duties
    applies to steps, not to this)."""
    _require(actor, case, rules.Action.REQUEST_MATERIALS)
