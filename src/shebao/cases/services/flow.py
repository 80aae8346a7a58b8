"""How a case moves on: to its next step or phase, dispatched to another office, or finished."""

from __future__ import annotations

from django.utils import timezone

from shebao.cases import facts, rules
from shebao.cases.handlers import completion_hooks, item_handlers
from shebao.cases.models import (
    Case,
    CasePhase,
)
from shebao.cases.services.clock import _start_phase
from shebao.cases.services.common import _audit, _notify_applicant, _record_step, _today
from shebao.catalog.models import ItemPhase, ItemStep
from shebao.core.errors import InvalidInput
from shebao.core.models import Account, Office


def _finish(case: Case, *, actor: Account | None, channel: str) -> None:
    """Complete the case: the handler applies the item's effect in this transaction."""
    result = item_handlers.get(case.item.handler).complete(case=case, actor=actor)
    for hook in completion_hooks.get(case.item.code):
        extra = hook(case, actor, result)
        if extra:
            result = {**(result or {}), **extra}
    case.status = Case.Status.COMPLETED
    case.current_step = None
    case.due_date = None
    case.closed_at = timezone.now()
    case.result = result
    _notify_applicant(case, event="completed", body=f"您申请的“{case.item.name}”已办结，欢迎对本次服务进行评价。")


def _following_phase(case: Case, current: CasePhase) -> CasePhase | None:
    return (
        case.phases.select_related("phase", "office")
        .filter(phase__order__gt=current.phase.order)
        .order_by("phase__order")
        .first()
    )


def _advance(case: Case, *, actor: Account | None, channel: str, dispatch_to: Office | None = None) -> None:
    """Move past the current step: next step, next phase, or completion. A phase of ours that
    follows one at another office is dispatched there (派单): to ``dispatch_to`` when the
    clerk chose it, else to the office its rule gave; the day is kept for the return window."""
    step = case.current_step
    assert step is not None
    next_step = ItemStep.objects.filter(phase_id=step.phase_id, order__gt=step.order).order_by("order").first()
    if next_step is not None:
        case.current_step = next_step
        case.required_authority = next_step.min_authority
        return
    today = _today()
    current = case.phases.select_related("phase", "office").get(phase_id=step.phase_id)
    facts.clock_save(current, rules.clock_finish(facts.clock_of(current), on=today, cal=facts.CALENDAR))
    following = _following_phase(case, current)
    if following is None:
        _finish(case, actor=actor, channel=channel)
        return
    if following.phase.party == ItemPhase.Party.AGENCY:
        _dispatch(case, following, office=dispatch_to, from_office=current.office, actor=actor, channel=channel)
    _start_phase(case, following, start_on=today)
    if following.phase.party == ItemPhase.Party.OUTSIDE:
        _notify_applicant(
            case,
            event=f"phase-{following.phase.code}",
            body=f"您的“{case.item.name}”已进入{following.phase.name}阶段。",
        )


def _dispatch(
    case: Case,
    row: CasePhase,
    *,
    office: Office | None,
    from_office: Office | None,
    actor: Account | None,
    channel: str,
) -> None:
    """派单: the phase goes to ``office`` (chosen by hand) or keeps the office its rule gave.
    A phase arriving from another office is dispatched: an audited step whose day starts the
    return window; its own clock starts the day after, as every phase's does."""
    if office is not None:
        row.office = office
    if row.office_id is None:
        raise InvalidInput("请选择派往的办理机构", "Choose the office to dispatch the case to", field="dispatch_to")
    routed = from_office is not None and row.office_id != from_office.pk
    row.routed_on = _today() if routed else None
    row.save(update_fields=["office", "routed_on"])
    if not routed:
        return
    assert row.office is not None
    _record_step(case, actor=actor, action="dispatch", note=row.office.name)
    _audit(
        case,
        actor=actor,
        action="dispatch",
        channel=channel,
        before={"office": from_office.code if from_office else None},
        after={"office": row.office.code, "phase": row.phase.code, "by": "hand" if office is not None else "rule"},
    )


def _dispatch_target(case: Case, code: str) -> Office | None:
    """The office a clerk dispatches the next phase to by hand: an active office of the kind the
    phase's rule names, and only when the current step ends its phase and a phase of ours follows."""
    if not code:
        return None
    step = case.current_step
    assert step is not None
    current = case.phases.select_related("phase").get(phase_id=step.phase_id)
    following = _following_phase(case, current)
    last = not ItemStep.objects.filter(phase_id=step.phase_id, order__gt=step.order).exists()
    if not last or following is None or following.phase.party != ItemPhase.Party.AGENCY:
        raise InvalidInput("该环节之后没有需要派单的环节", "Nothing is dispatched after this step", field="dispatch_to")
    office = Office.objects.filter(code=code, is_active=True).first()
    kind = facts.phase_office_kind(case, following)
    if office is None or (kind is not None and office.kind != kind):
        raise InvalidInput(
            f"不能派往机构 {code}", f"Cannot dispatch to office {code}: unknown or of another kind", field="dispatch_to"
        )
    return office
