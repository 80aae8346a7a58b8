"""Routing a case between staff and offices: the office a phase goes to when a case is opened
(with the routers domain apps register), escalation, return to the previous step, transfer, and
the reassignment of open cases when the office that handles them changed (改派)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.db import transaction

from shebao.cases import facts, rules
from shebao.cases.models import (
    Case,
    CasePhase,
)
from shebao.cases.services.clock import _running_phase, _show_clock
from shebao.cases.services.common import (
    MOVED_ACTION,
    _audit,
    _claim,
    _notify_staff,
    _record_step,
    _require,
    _resolve_office,
    _today,
)
from shebao.catalog.definitions import Applicant
from shebao.catalog.models import ItemPhase
from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput
from shebao.core.models import Account, Office
from shebao.core.registry import Registry


@dataclass(frozen=True)
class RouteQuery:
    """What a router is asked when a case is opened: which office handles this phase of this
    item for this applicant (``rule``: the phase's jurisdiction rule, the engine's answer when
    the router has none)."""

    item_code: str
    phase_code: str
    rule: str
    applicant: Applicant
    receiving_office: Office | None
    day: dt.date


class Router(Protocol):
    """An office for the phase, or None to leave it to the jurisdiction rule; raises a
    ShebaoError (NotAllowed) when the receiving office may not take the case at all."""

    def __call__(self, query: RouteQuery, /) -> Office | None: ...


# item code -> the router a domain app registered for it (from its ``AppConfig.ready()``: the
# engine imports no domain app)
routers = Registry[str, Router]("case routers")


def register_router(item_code: str, router: Router) -> None:
    """Let ``router`` decide the office of ``item_code``'s phases (one router per item)."""
    routers.register(item_code, router)


def route_office(
    *, item_code: str, phase_code: str, rule: str, applicant: Applicant, receiving_office: Office | None
) -> Office:
    """The office of jurisdiction for a phase (管辖机构): the item's router's, if it has one
    that answers, else the jurisdiction rule's. A router's office must be active."""
    router = routers.find(item_code)
    if router is not None:
        query = RouteQuery(item_code, phase_code, rule, applicant, receiving_office, _today())
        office = router(query)
        if office is not None:
            if not office.is_active:
                raise InvalidInput("没有可以办理该事项的机构", "No office handles this item", field="office")
            return office
    return _resolve_office(rule=rule, applicant=applicant, receiving_office=receiving_office)


def case_escalate(*, actor: Account, case_id: int, version: int, reason: str, channel: str = Channel.HALL) -> Case:
    """衔接响应: the handler refers a step beyond their authority one level up, saying why (the
    page asks for the reason; the API must too)."""
    if not reason.strip():
        raise InvalidInput("请填写上报理由", "Give the reason for referring the case up", field="note")
    with transaction.atomic():
        case = _claim(case_id, version)
        _require(actor, case, rules.Action.ESCALATE)
        case.required_authority += 1
        case.escalation_level += 1
        case.save()
        _notify_staff(
            case, event="referred", min_authority=case.required_authority, body=f"办件 {case.number} 已上报：{reason}"
        )
        _audit(
            case,
            actor=actor,
            action="escalate",
            channel=channel,
            after={"required_authority": case.required_authority, "reason": reason},
        )
    return case


def case_return(*, actor: Account, case_id: int, version: int, reason: str, channel: str = Channel.HALL) -> Case:
    """退回: an office that received a dispatch that is not its own returns it, saying why,
    within the item's return window (``ServiceItem.return_days``, catalogue data; 12333: a wrong
    dispatch is returned within 2 working days). Clock rule: the returned phase's clock is void
    — the right office will get its full time —, the dispatching phase reopens with the working
    days it had left, and the item's promise keeps counting: the applicant's wait does not stop
    for the agency's mistake. The dispatcher then dispatches again, by hand."""
    if not reason.strip():
        raise InvalidInput("请填写退回理由", "Give the reason for returning the case", field="note")
    with transaction.atomic():
        case = _claim(case_id, version)
        _require(actor, case, rules.Action.RETURN)
        row = _running_phase(case)
        assert row is not None and row.office is not None
        previous = (
            case.phases.select_related("phase", "office")
            .filter(phase__order__lt=row.phase.order, phase__party=ItemPhase.Party.AGENCY)
            .order_by("-phase__order")
            .first()
        )
        assert previous is not None  # a dispatched phase follows one of ours (_dispatch)
        returned_by = row.office
        facts.clock_save(row, rules.clock_void(facts.clock_of(row)))
        row.office, row.routed_on = None, None  # the dispatcher must choose the office again
        row.save(update_fields=["office", "routed_on"])
        _show_clock(case, previous, rules.clock_resume(facts.clock_of(previous), on=_today(), cal=facts.CALENDAR))
        last = previous.phase.steps.order_by("-order").first()
        assert last is not None
        case.current_step, case.required_authority = last, last.min_authority
        assert previous.office_id is not None
        case.office_id, case.status = previous.office_id, Case.Status.IN_PROGRESS
        _record_step(case, actor=actor, action="return", note=f"{returned_by.name}：{reason}")
        case.save()
        _notify_staff(
            case,
            event="returned",
            min_authority=last.min_authority,
            body=f"办件 {case.number} 被{returned_by.name}退回：{reason}。请重新派单。",
        )
        _audit(
            case,
            actor=actor,
            action="return",
            channel=channel,
            before={"office": returned_by.code, "phase": row.phase.code},
            after={"office": previous.office.code if previous.office else None, "reason": reason},
        )
    return case


def case_transfer(
    *, actor: Account, case_id: int, version: int, office_code: str, reason: str, channel: str = Channel.HALL
) -> Case:
    """移交: staff of the office with the item's transfer authority (``ServiceItem.
    transfer_authority``, a reviewer by default) move the current phase to another
    office of the same kind (the applicant moved district, the case belongs elsewhere), saying
    why. Clock rule: the clock runs on — the receiving office has the working days that were
    left, since the agency, not the office, answers to the applicant for the time."""
    if not reason.strip():
        raise InvalidInput("请填写移交理由", "Give the reason for the transfer", field="note")
    with transaction.atomic():
        case = _claim(case_id, version)
        _require(actor, case, rules.Action.TRANSFER)
        target = Office.objects.filter(code=office_code, is_active=True).first()
        if target is None or target.kind != case.office.kind or target.pk == case.office_id:
            raise InvalidInput("请选择同类的其他办理机构", "Choose another office of the same kind", field="office")
        row = _running_phase(case)
        assert row is not None
        before = case.office
        row.office, row.routed_on = target, None
        row.save(update_fields=["office", "routed_on"])
        case.office = target
        _record_step(case, actor=actor, action=MOVED_ACTION, note=f"{before.name} → {target.name}：{reason}")
        case.save()
        _notify_staff(
            case,
            event="transferred",
            min_authority=case.required_authority,
            body=f"办件 {case.number} 已由{before.name}移交本机构：{reason}",
        )
        _audit(
            case,
            actor=actor,
            action="transfer",
            channel=channel,
            before={"office": before.code},
            after={"office": target.code, "reason": reason, "due_date": case.due_date},
        )
    return case


def _current_phase(case: Case) -> CasePhase | None:
    """The phase the case is at: the one whose clock runs or stands paused, else (the clock not
    started yet: awaiting materials) the first not done."""
    row = _running_phase(case)
    if row is None:
        row = (
            case.phases.select_related("phase", "office")
            .exclude(status=CasePhase.Status.DONE)
            .order_by("phase__order")
            .first()
        )
    return row


def case_reroute(
    *, actor: Account | None, case_id: int, version: int, office: Office, reason: str, channel: str = Channel.HALL
) -> Case:
    """改派: the office that handles an open case changed — not by a handler's choice but by a
    domain decision (the cadres' move from the city to district management) —, so the case's
    current phase, and its later phases not started that were routed to the same office, go to
    ``office``. The caller (a domain service) has checked who may order it; ``actor`` is that
    person, or None for the system. ``office`` must be active, of a kind that handles the item
    (``ServiceItem.office_kinds``) and not the current one.

    Clock rule: unchanged — the phase keeps its clock and due date and the item's promise runs on,
    as for a transfer: the applicant waits for the agency, whichever of its offices holds the
    file, and the reassignment was the agency's decision, not the applicant's."""
    if not reason.strip():
        raise InvalidInput("请填写改派理由", "Give the reason for the reassignment", field="note")
    with transaction.atomic():
        case = _claim(case_id, version)
        if case.status not in Case.OPEN_STATUSES:
            raise Conflict("办件已办结，不能改派", "The case is closed: it cannot be reassigned")
        if not office.is_active or office.kind not in case.item.office_kinds or office.pk == case.office_id:
            raise InvalidInput(
                "请选择可办理该事项的其他机构", "Choose another office that handles this item", field="office"
            )
        row = _current_phase(case)
        assert row is not None  # an open case has a phase not done
        before = case.office
        later = case.phases.filter(status=CasePhase.Status.PENDING, phase__order__gt=row.phase.order, office=before)
        later.update(office=office)
        row.office = office
        row.save(update_fields=["office"])
        case.office = office
        # shown in the history as a transfer (移交), by the system or whoever ordered the move
        _record_step(case, actor=actor, action=MOVED_ACTION, note=f"{before.name} → {office.name}：{reason}")
        case.save()
        _notify_staff(
            case,
            event="rerouted",
            min_authority=case.required_authority,
            body=f"办件 {case.number} 已由{before.name}改派本机构：{reason}",
        )
        _audit(
            case,
            actor=actor,
            action="reroute",
            channel=channel,
            before={"office": before.code},
            after={"office": office.code, "reason": reason, "due_date": case.due_date},
        )
    return case


def cases_reroute_open(
    *,
    actor: Account | None,
    offices: Mapping[str, Office],
    item_codes: Sequence[str],
    from_office: Office,
    reason: str,
    channel: str = Channel.HALL,
) -> list[Case]:
    """Every open case on ``item_codes`` of the applicants in ``offices`` (ID number → the office
    that handles them now) whose current office is ``from_office`` is rerouted there
    (:func:`case_reroute`, each with its own audit event); returns them. A case already moved is
    no longer at ``from_office``: a second call moves nothing."""
    numbers = {number.upper(): target for number, target in offices.items() if target.pk != from_office.pk}
    if not numbers:
        return []
    found = (
        Case.objects.filter(
            item__code__in=list(item_codes),
            applicant_id_number__in=list(numbers),
            status__in=Case.OPEN_STATUSES,
            office=from_office,
        )
        .order_by("pk")
        .values_list("pk", "version", "applicant_id_number")
    )
    return [
        case_reroute(actor=actor, case_id=pk, version=version, office=numbers[number], reason=reason, channel=channel)
        for pk, version, number in found
    ]
