"""Acting on a case's steps: completing a step, rejecting, recording a step done outside the
system, and the applicant's withdrawal."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from shebao.cases import facts, rules
from shebao.cases.eligibility import eligibility_check
from shebao.cases.models import (
    Case,
)
from shebao.cases.services.clock import _running_phase
from shebao.cases.services.common import _audit, _claim, _notify_applicant, _record_step, _require, _today
from shebao.cases.services.flow import _advance, _dispatch_target
from shebao.cases.services.materials import _may_supplement
from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput
from shebao.core.models import Account


def case_act(
    *,
    actor: Account,
    case_id: int,
    version: int,
    action: str,
    note: str = "",
    channel: str = Channel.HALL,
    dispatch_to: str = "",
) -> Case:
    """Do the case's current step (受理 / 复核 / 审批 / 回访 / 答复) positively and move on.

    ``action`` must name the current step's kind, so a stale page cannot approve what it
    thought was a review. Who may do it is ``cases.rules``' answer (三级风险控制). When the
    step ends a phase and the next phase is at another office, ``dispatch_to`` (an office code)
    chooses that office by hand; without it the phase's rule chose it at receipt."""
    if action not in rules.STEP_ACTIONS:
        raise InvalidInput(f"未知操作：{action}", f"Unknown action: {action}", field="action")
    with transaction.atomic():
        case = _claim(case_id, version)
        _require(actor, case, rules.Action(action))
        step = case.current_step
        assert step is not None
        if step.kind == rules.Action.ACCEPT:  # the records may have changed since receipt
            eligibility_check(
                item_code=case.item.code,
                form=case.form_data,
                applicant_id_number=case.applicant_id_number,
                stage="acceptance",
                channel=case.channel,
            )
        target = _dispatch_target(case, dispatch_to)
        before = {"step": step.kind, "status": case.status}
        _record_step(case, actor=actor, action=action, step=step, note=note)
        _advance(case, actor=actor, channel=channel, dispatch_to=target)
        case.save()
        _audit(
            case,
            actor=actor,
            action=action,
            channel=channel,
            before=before,
            after={"status": case.status, "note": note},
        )
    return case


def case_reject(*, actor: Account, case_id: int, version: int, reasons: list[str], channel: str = Channel.HALL) -> Case:
    """不予受理 / 不予办理 at the current step, with reasons the applicant is told. Whoever could
    do that step may refuse it — and only they: separation of duties holds for a refusal as for
    an approval (a reviewer cannot refuse the approval of a case they reviewed)."""
    reasons = [r.strip() for r in reasons if r and r.strip()]
    if not reasons:
        raise InvalidInput("请填写不予办理的理由", "Give the reasons for the rejection", field="reasons")
    with transaction.atomic():
        case = _claim(case_id, version)
        _require(actor, case, rules.Action.REJECT)
        step = case.current_step or facts.first_step(case)
        _record_step(case, actor=actor, action="reject", step=step, note="；".join(reasons))
        running = _running_phase(case)
        if running is not None:
            facts.clock_save(running, rules.clock_finish(facts.clock_of(running), on=_today(), cal=facts.CALENDAR))
        case.status, case.rejection_reasons = Case.Status.REJECTED, reasons
        case.current_step, case.due_date, case.closed_at = None, None, timezone.now()
        case.save()
        _notify_applicant(
            case, event="rejected", body=f"您申请的“{case.item.name}”不予办理，理由：{'；'.join(reasons)}。"
        )
        _audit(case, actor=actor, action="reject", channel=channel, after={"reasons": reasons})
    return case


def case_outside_done(
    *, actor: Account | None, case_id: int, version: int, note: str = "", channel: str = Channel.SYSTEM
) -> Case:
    """The outside party finished its phase (e.g. the original agency transferred the
    relationship and funds): our next phase's clock starts the day after."""
    with transaction.atomic():
        case = _claim(case_id, version)
        _require(actor, case, rules.Action.OUTSIDE_DONE)
        _record_step(case, actor=actor, action="outside_done", step=case.current_step, note=note)
        _advance(case, actor=actor, channel=channel)
        case.save()
        _audit(case, actor=actor, action="outside_done", channel=channel, after={"status": case.status, "note": note})
    return case


def case_withdraw(
    *, actor: Account, case_id: int, version: int, reason: str = "", channel: str = Channel.ONLINE
) -> Case:
    with transaction.atomic():
        case = _claim(case_id, version)
        if not case.is_open:
            raise Conflict("该办件已结束，不能撤回", "The case is closed and cannot be withdrawn")
        _may_supplement(actor, case, action=rules.Action.WITHDRAW)
        case.status, case.current_step, case.due_date, case.closed_at = (
            Case.Status.WITHDRAWN,
            None,
            None,
            timezone.now(),
        )
        case.outcome_note = reason
        case.save()
        _audit(case, actor=actor, action="withdraw", channel=channel, after={"reason": reason})
    return case
