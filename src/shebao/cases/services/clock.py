"""The promised-time clock (承诺时限) of a case: starting a phase, pausing and resuming it,
when a received case's clock starts, suspending, resuming and extending a case, and the daily
SLA scan that warns before and escalates after a deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shebao.cases import facts, rules
from shebao.cases import materials as supplies
from shebao.cases.models import (
    Case,
    CasePause,
    CasePhase,
)
from shebao.cases.services.common import (
    _audit,
    _claim,
    _missing_required,
    _notify_applicant,
    _notify_staff,
    _require,
    _today,
)
from shebao.catalog.models import ItemPhase, ItemStep
from shebao.core import workdays
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput
from shebao.core.models import Account
from shebao.core.org import office_hours_on

MAX_EXTENSION_DAYS = 30


def _first_step(phase: ItemPhase) -> ItemStep:
    step = phase.steps.order_by("order").first()
    assert step is not None  # the catalogue gives every phase its steps
    return step


def _show_clock(case: Case, row: CasePhase, clock: rules.Clock) -> None:
    """Save a phase's clock and mirror it on the case (queues sort on ``Case.due_date``)."""
    facts.clock_save(row, clock)
    case.due_date = clock.due_date
    if clock.limit_days is not None:
        case.due_provisional = clock.provisional


def _start_phase(case: Case, case_phase: CasePhase, *, start_on: dt.date) -> None:
    """Start a phase's clock (``rules.clock_start``): day 1 is the working day after ``start_on``."""
    phase = case_phase.phase
    _show_clock(case, case_phase, rules.clock_start(facts.clock_of(case_phase), on=start_on, cal=facts.CALENDAR))
    step = _first_step(phase)
    case.current_step = step
    case.required_authority = step.min_authority
    assert case_phase.office_id is not None  # set at opening, or by the dispatch before the start
    case.office_id = case_phase.office_id
    case.status = Case.Status.WAITING_OUTSIDE if phase.party == ItemPhase.Party.OUTSIDE else Case.Status.IN_PROGRESS


def _running_phase(case: Case) -> CasePhase | None:
    return facts.running_phase(case)


def _pause_clock(case: Case, *, kind: str, reason: str, actor: Account, status: str) -> None:
    """Stop the clock (``rules.clock_pause``): the working days used so far are kept."""
    today = _today()
    case_phase = _running_phase(case)
    if case_phase is not None:
        facts.clock_save(case_phase, rules.clock_pause(facts.clock_of(case_phase), on=today, cal=facts.CALENDAR))
    CasePause.objects.create(case=case, kind=kind, started_on=today, reason=reason, actor=actor)
    case.has_stops = case.has_stops or kind in facts.STOPPING_PAUSES
    case.status = status
    case.due_date = None


def _resume_clock(case: Case, *, kind: str) -> None:
    """Restart the paused clock the day after today with the working days that were left,
    extensions included (``rules.clock_resume``)."""
    today = _today()
    CasePause.objects.filter(case=case, kind=kind, ended_on__isnull=True).update(ended_on=today)
    case_phase = _running_phase(case)
    if case_phase is None:  # materials were incomplete at receipt: the first clock starts now
        first = case.phases.select_related("phase").order_by("phase__order").first()
        assert first is not None
        # never before the day the receipt counts from (an online application sent after hours)
        _start_phase(case, first, start_on=max(today, case.clock_start or today))
        return
    _show_clock(case, case_phase, rules.clock_resume(facts.clock_of(case_phase), on=today, cal=facts.CALENDAR))
    case.status = (
        Case.Status.WAITING_OUTSIDE if case_phase.phase.party == ItemPhase.Party.OUTSIDE else Case.Status.IN_PROGRESS
    )


# Where a person is served at the moment of receipt: the case is received that day.
WINDOW_CHANNELS = frozenset({Channel.HALL, Channel.COMMUNITY, Channel.BANK, Channel.HOTLINE})


def _clock_start_day(case: Case, *, channel: str) -> dt.date:
    """The day the case's clock counts from (``rules.clock_start_day``): the day of receipt,
    or for an application sent online outside the office's hours, the next working day."""
    now = timezone.localtime(case.received_at)
    online = channel not in WINDOW_CHANNELS
    closes = None
    if online and workdays.is_workday(now.date()):
        closes = max((c for _o, c in office_hours_on(office=case.office, day=now.date())), default=None)
    return rules.clock_start_day(
        received_on=now.date(), received_at=now.time(), closes=closes, online=online, cal=facts.CALENDAR
    )


def _receive_clock(case: Case, *, actor: Account | None, channel: str, first: CasePhase) -> list[str]:
    """At receipt: the promise (the item's promised days, as the catalogue says today) and the
    day it counts from; the first phase's clock starts when every required material is there,
    otherwise the applicant is told once, in full, what is missing. Returns what is missing."""
    start = _clock_start_day(case, channel=channel)
    case.promised_days, case.clock_start = case.item.promised_days, start
    missing = _missing_required(case)
    if missing:
        CasePause.objects.create(
            case=case, kind=CasePause.Kind.MATERIALS, started_on=_today(), reason="收件时材料不全", actor=actor
        )
        case.has_stops = True
        checking = set(supplies.awaiting_check(supplies.material_facts(case)))
        lacking = [name for name in missing if name not in checking]
        if lacking:
            body = f"您申请的“{case.item.name}”尚缺以下材料（一次性告知）：{'、'.join(lacking)}。补齐后次日起计算办理时限。"
        else:  # every required one was uploaded: the clock starts once the office verified them
            body = (
                f"您申请的“{case.item.name}”已收件，办件编号 {case.number}。上传的材料待经办机构核验，"
                "核验通过后次日起计算办理时限。"
            )
        _notify_applicant(case, event="materials", body=body)
    else:
        _start_phase(case, CasePhase.objects.select_related("phase").get(pk=first.pk), start_on=start)
        _notify_applicant(case, event="received", body=f"您申请的“{case.item.name}”已收件，办件编号 {case.number}。")
    return missing


def case_suspend(*, actor: Account, case_id: int, version: int, reason: str, channel: str = Channel.HALL) -> Case:
    """中止: the case waits on something outside the agency's control; the clock stops."""
    if not reason.strip():
        raise InvalidInput("请填写中止理由", "Give the reason for the suspension", field="reason")
    with transaction.atomic():
        case = _claim(case_id, version)
        _require(actor, case, rules.Action.SUSPEND)
        _pause_clock(case, kind=CasePause.Kind.SUSPENSION, reason=reason, actor=actor, status=Case.Status.SUSPENDED)
        case.save()
        _notify_applicant(case, event="suspended", body=f"您的办件 {case.number} 已中止办理：{reason}。")
        _audit(case, actor=actor, action="suspend", channel=channel, after={"reason": reason})
    return case


def case_resume(*, actor: Account, case_id: int, version: int, note: str = "", channel: str = Channel.HALL) -> Case:
    """恢复: the suspended clock restarts the day after with the days it had left, the
    extensions it had included."""
    with transaction.atomic():
        case = _claim(case_id, version)
        _require(actor, case, rules.Action.RESUME)
        _resume_clock(case, kind=CasePause.Kind.SUSPENSION)
        case.save()
        _notify_applicant(
            case, event="resumed", body=f"您的办件 {case.number} 已恢复办理，新的办结期限为 {case.due_date}。"
        )
        _audit(case, actor=actor, action="resume", channel=channel, after={"due_date": case.due_date, "note": note})
    return case


def case_extend(
    *, actor: Account, case_id: int, version: int, workdays_added: int, reason: str, channel: str = Channel.HALL
) -> Case:
    """延期: an approver (authority 3) of the office, with the item's skill group, extends the
    running clock by a number of working days — its due date moves by exactly that many
    (``rules.clock_extend``) — with a reason the applicant is told, within the item's cap."""
    if not reason.strip():
        raise InvalidInput("请填写延期理由", "Give the reason for the extension", field="reason")
    if not 1 <= workdays_added <= MAX_EXTENSION_DAYS:
        raise InvalidInput(
            f"延期工作日数应在1至{MAX_EXTENSION_DAYS}之间",
            f"An extension is 1 to {MAX_EXTENSION_DAYS} working days",
            field="workdays",
        )
    with transaction.atomic():
        case = _claim(case_id, version)
        _require(actor, case, rules.Action.EXTEND)
        case_phase = _running_phase(case)
        assert case_phase is not None
        cap = case.item.max_extension_days
        if cap is not None and case_phase.extension_days + workdays_added > cap:
            raise InvalidInput(
                f"该事项最多延期{cap}个工作日（已延期{case_phase.extension_days}个）",
                f"This item may be extended by {cap} working days at most ({case_phase.extension_days} used)",
                field="workdays",
            )
        before = case.due_date
        clock = replace(facts.clock_of(case_phase), provisional=case.due_provisional)
        _show_clock(case, case_phase, rules.clock_extend(clock, days=workdays_added, cal=facts.CALENDAR))
        CasePause.objects.create(
            case=case,
            kind=CasePause.Kind.EXTENSION,
            started_on=_today(),
            ended_on=_today(),
            days=workdays_added,
            reason=reason,
            actor=actor,
        )
        case.save()
        _notify_applicant(
            case,
            event="extended",
            body=f"您的办件 {case.number} 延期 {workdays_added} 个工作日至 {case.due_date}，原因：{reason}。",
        )
        _audit(
            case,
            actor=actor,
            action="extend",
            channel=channel,
            before={"due_date": before},
            after={"due_date": case.due_date, "reason": reason},
        )
    return case


def cases_sla_scan(*, today: dt.date | None = None) -> dict[str, int]:
    """Warn handlers of cases due within one working day; escalate overdue cases one level per
    working day overdue — counted in working days (``rules.overdue_days``): a case due on
    Friday is not overdue over the weekend or a holiday — to authority 2, then 3, each with a
    notification. The overdue escalation has its own counter, so a case a clerk already
    referred up is still escalated when it runs late."""
    today = today or _today()
    tomorrow = workdays.due_date(start=today, workdays=1).due_date
    warned = escalated = 0
    due_soon = Case.objects.filter(
        status=Case.Status.IN_PROGRESS, due_date__gte=today, due_date__lte=tomorrow, warned_on__isnull=True
    )
    for case in due_soon.select_related("item").iterator(chunk_size=500):
        with transaction.atomic():
            if Case.objects.filter(pk=case.pk, warned_on__isnull=True).update(warned_on=today):
                _notify_staff(
                    case,
                    event="due-soon",
                    min_authority=case.required_authority,
                    body=f"办件 {case.number} 将于 {case.due_date} 到期，请及时办理。",
                )
                warned += 1
    overdue = Case.objects.filter(
        status=Case.Status.IN_PROGRESS, due_date__lt=today, overdue_level__lt=rules.MAX_OVERDUE_LEVEL
    )
    for case in overdue.select_related("item").iterator(chunk_size=500):
        target = rules.overdue_target(rules.overdue_days(case.due_date, today=today, cal=facts.CALENDAR))
        if target <= case.overdue_level:
            continue
        with transaction.atomic():
            raised = target - case.overdue_level
            if not Case.objects.filter(pk=case.pk, overdue_level=case.overdue_level).update(
                overdue_level=target, escalation_level=F("escalation_level") + raised, version=F("version") + 1
            ):
                continue
            case.overdue_level = target
            level = min(3, case.required_authority + target)
            _notify_staff(
                case,
                event=f"overdue-{target}",
                min_authority=level,
                body=f"办件 {case.number} 已超期（期限 {case.due_date}），请督办。",
            )
            _audit(
                case,
                actor=None,
                action="overdue_escalate",
                channel=Channel.SYSTEM,
                after={"level": target, "notify_authority": level},
            )
            escalated += 1
    return {"warned": warned, "escalated": escalated}
