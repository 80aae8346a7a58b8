"""Case commands: the only code that changes a case.

Every command takes the case's ``version`` as the applicant or clerk last saw it and claims
the case with a compare-and-set (``UPDATE … WHERE version = v``): of two people acting on the
same step at once, one succeeds and the other gets :class:`~shebao.core.errors.Conflict`.
Every command writes its audit event in its transaction and queues the applicant's
notification in the outbox, which sends only after commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from shebao.cases import authority, facts, rules
from shebao.cases import materials as supplies
from shebao.cases.applicants import unit_employs
from shebao.cases.eligibility import eligibility_check
from shebao.cases.handlers import completion_hooks, item_handlers
from shebao.cases.items import FOLLOW_UP_CODE
from shebao.cases.models import (
    Case,
    CaseMaterial,
    CaseOpening,
    CasePause,
    CasePhase,
    CaseRating,
    CaseStepRecord,
)
from shebao.catalog.definitions import MOBILE, Applicant
from shebao.catalog.models import ItemPhase, ItemStep, Jurisdiction, ServiceItem
from shebao.catalog.selectors import item_get, item_offered
from shebao.core import audit, workdays
from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound, StaleVersion
from shebao.core.models import Account, Office, Role
from shebao.core.notify import notification_enqueue
from shebao.core.org import office_hours_on

COUNTER_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR})
MAX_EXTENSION_DAYS = 30

_OFFICE_KIND_FOR_RULE = {
    Jurisdiction.CITY_CENTRE: Office.Kind.CITY_CENTRE,
    Jurisdiction.MEDICAL_CENTRE: Office.Kind.MEDICAL_CENTRE,
    Jurisdiction.CARD_CENTRE: Office.Kind.CARD_CENTRE,
}


def _today() -> dt.date:
    return timezone.localdate()


# --- helpers ---------------------------------------------------------------------------------


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
    return [
        m.material.name
        for m in case.materials.select_related("material").order_by("material_id")
        if m.status == CaseMaterial.Status.MISSING and m.material.required
    ]


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
        _start_phase(case, first, start_on=today)
        return
    _show_clock(case, case_phase, rules.clock_resume(facts.clock_of(case_phase), on=today, cal=facts.CALENDAR))
    case.status = (
        Case.Status.WAITING_OUTSIDE if case_phase.phase.party == ItemPhase.Party.OUTSIDE else Case.Status.IN_PROGRESS
    )


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


# --- opening ---------------------------------------------------------------------------------

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
        _notify_applicant(
            case,
            event="materials",
            body=f"您申请的“{case.item.name}”尚缺以下材料（一次性告知）：{'、'.join(missing)}。补齐后次日起计算办理时限。",
        )
    else:
        _start_phase(case, CasePhase.objects.select_related("phase").get(pk=first.pk), start_on=start)
        _notify_applicant(case, event="received", body=f"您申请的“{case.item.name}”已收件，办件编号 {case.number}。")
    return missing


def _check_may_open(
    actor: Account | None, item: ServiceItem, applicant: Applicant, channel: str, office: Office | None
) -> None:
    if actor is None or not actor.is_authenticated:
        raise NotAllowed("请先登录后申请", "Please sign in to apply")
    if actor.kind == Account.Kind.CITIZEN:
        if channel not in (Channel.ONLINE, Channel.APP):
            raise NotAllowed("个人只能通过网上大厅或App申请", "Citizens apply online or in the app")
        if applicant.id_number != actor.id_number:
            raise NotAllowed("只能为本人申请", "You may apply for yourself only")
        # A unit named on a person's own filing is one they work at now; otherwise anyone could
        # put their case in any employer's list.
        if applicant.unit_code and not unit_employs(
            unit_code=applicant.unit_code, id_number=applicant.id_number, current=True
        ):
            raise NotAllowed(
                "您目前不在该单位参保，不能在申请中填写该单位",
                "You may name only the unit you work at now",
                field="unit_code",
            )
        return
    if actor.kind == Account.Kind.UNIT:
        if channel != Channel.ONLINE:
            raise NotAllowed("单位只能通过网上大厅申请", "Units apply through the online hall")
        if applicant.unit_code != actor.unit_code:
            raise NotAllowed("只能为本单位申请", "You may apply for your own unit only")
        return
    authority.require_staff(actor)
    if actor.role == Role.BANK_AGENT:
        if item.insurance != "card" or channel != Channel.BANK:
            raise NotAllowed("银行代理点只能办理社保卡业务", "A bank outlet may handle card services only")
    elif actor.role == Role.HOTLINE:
        if channel != Channel.HOTLINE:
            raise NotAllowed("话务员只能登记热线业务", "Hotline operators register hotline cases only")
    elif actor.role not in COUNTER_ROLES:
        raise NotAllowed("您的岗位不受理业务", "Your role does not receive applications")
    if office is not None and actor.office_id != office.pk:
        raise NotAllowed("只能在本人所在机构受理", "You can receive applications at your own office only")
    if not authority.has_skill(actor, item.skill_group_id):
        raise NotAllowed("该事项不在您的业务技能组内", "This item is not in your skill groups")
    if actor.id_number and actor.id_number == applicant.id_number:
        raise NotAllowed("不能受理本人的业务", "You may not receive your own application")


def _check_subject(
    actor: Account | None, item: ServiceItem, applicant: Applicant, cleaned: dict[str, Any], *, staff_only: bool
) -> None:
    """Whom the case is about, whoever files it: the person the form names is the applicant (a
    form naming someone else would act on them on completion), and an employer files only items
    that name its unit, for people it employs or employed unless the item concerns the unit
    itself or creates the tie (ItemHandler.unit_files_for_staff_only)."""
    named = str(cleaned.get("id_number") or "").upper()
    if named and named != applicant.id_number.upper():
        raise InvalidInput(
            "表单中的身份证号码与申请人不一致", "The form's ID number is not the applicant's", field="id_number"
        )
    if actor is None or actor.kind != Account.Kind.UNIT:
        return
    assert actor.unit_code is not None  # a unit's account has its code (account_unit_has_code)
    if not any(spec.get("name") == "unit_code" for spec in item.form_schema):
        raise NotAllowed(
            f"“{item.name}”须由参保人本人或经办窗口申请，单位不能代办",
            f"{item.code} is applied for by the person or at a window, not by an employer",
        )
    if str(cleaned.get("unit_code") or "").upper() != actor.unit_code.upper():
        raise NotAllowed("只能为本单位申请", "You may apply for your own unit only", field="unit_code")
    if staff_only and not unit_employs(unit_code=actor.unit_code, id_number=applicant.id_number):
        raise NotAllowed("只能为本单位职工申请", "Your unit may apply only for people it employs or employed")


def _open_one(
    *,
    actor: Account | None,
    item: ServiceItem,
    applicant: Applicant,
    channel: str,
    form: dict[str, Any],
    materials: Mapping[str, Any],
    receiving_office: Office | None,
    phone: str,
    group_ref: str,
    opening: CaseOpening | None = None,
) -> Case:
    if phone and not MOBILE.fullmatch(phone):
        raise InvalidInput("联系电话应为11位手机号码", "The phone must be an 11-digit mobile number", field="phone")
    handler = item_handlers.get(item.handler)
    cleaned = handler.clean(item=item, form=form, applicant=applicant)
    _check_subject(actor, item, applicant, cleaned, staff_only=handler.unit_files_for_staff_only)
    eligibility_check(item_code=item.code, form=cleaned, applicant_id_number=applicant.id_number, stage="receipt")
    phases = list(item.phases.order_by("order"))
    if not phases:
        raise InvalidInput(f"服务事项 {item.code} 未配置办理环节", f"Service item {item.code} has no steps configured")
    offices = [
        _resolve_office(
            rule=p.jurisdiction or item.jurisdiction, applicant=applicant, receiving_office=receiving_office
        )
        for p in phases
    ]
    now = timezone.now()
    case = Case.objects.create(
        item=item,
        item_version=item.version,
        group_ref=group_ref,
        applicant_id_number=applicant.id_number,
        applicant_name=applicant.name,
        applicant_account=applicant.account,
        applicant_unit_code=applicant.unit_code,
        applicant_phone=phone,
        channel=channel,
        filer=actor.kind if actor is not None else Case.Filer.SYSTEM,
        opening=opening,
        receiving_office=receiving_office,
        office=offices[0],
        received_at=now,
        received_by=actor if actor is not None and actor.kind == Account.Kind.STAFF else None,
        form_data=cleaned,
        status=Case.Status.AWAITING_MATERIALS,
    )
    case.number = f"{timezone.localtime(now):%y%m%d}{case.pk:08d}"
    phase_rows = [
        CasePhase(
            case=case,
            phase=p,
            office=o,
            limit_days=p.promised_days
            if p.promised_days is not None
            else (item.promised_days if len(phases) == 1 else None),
        )
        for p, o in zip(phases, offices, strict=True)
    ]
    CasePhase.objects.bulk_create(phase_rows)
    given = supplies.supplies_parse(materials)
    rows = []
    for material in item.materials.all():
        supply = given.get(material.code, supplies.Supply(state=CaseMaterial.Status.MISSING))
        upload = supplies.supply_check(actor=actor, material=material, supply=supply)
        row = CaseMaterial(case=case, material=material)
        supplies.supply_apply(row, actor=actor, supply=supply, upload=upload)
        rows.append(row)
    CaseMaterial.objects.bulk_create(rows)
    missing = _receive_clock(case, actor=actor, channel=channel, first=phase_rows[0])
    case.save()
    _audit(
        case,
        actor=actor,
        action="open",
        channel=channel,
        after={"item": item.code, "number": case.number, "status": case.status, "missing": missing, "group": group_ref},
    )
    return case


IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,64}")  # visible ASCII, as a header carries it


def _opening_fingerprint(
    *,
    items: list[str],
    group_code: str,
    applicant: Applicant,
    channel: str,
    form: dict[str, Any],
    materials: Mapping[str, Any] | None,
    office: Office | None,
    phone: str,
) -> str:
    """A digest of what an opening asks for: the same key may only ever mean the same request."""
    request = {
        "items": sorted(items),
        "group": group_code,
        "applicant": [
            applicant.id_number,
            applicant.name,
            getattr(applicant.district, "code", ""),
            applicant.unit_code,
        ],
        "channel": channel,
        "form": form,
        "materials": {c: [s.state, s.file] for c, s in supplies.supplies_parse(materials).items()},
        "office": office.pk if office is not None else None,
        "phone": phone,
    }
    canonical = json.dumps(request, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _opening_replay(*, actor: Account, key: str, fingerprint: str) -> list[Case] | None:
    """The cases an earlier submission under ``key`` opened (None: the key is new)."""
    first = CaseOpening.objects.filter(actor=actor, key=key).first()
    if first is None:
        return None
    if first.fingerprint != fingerprint:
        raise Conflict(
            "该幂等键已用于另一份申请：同一份表单只能提交一次，请重新打开表单后再申请",
            "This idempotency key was used for a different application; open a new form to apply again",
            field="key",
        )
    return list(first.cases.select_related("item", "current_step").order_by("id"))


def _opening_claim(*, actor: Account, key: str, fingerprint: str) -> CaseOpening | list[Case]:
    """Take ``key`` for this opening, or give the cases of the submission that took it first.

    The insert, not the look-up before it, decides: of two concurrent submissions the second
    waits on the unique index until the first commits, then replays its cases."""
    try:
        with transaction.atomic():
            return CaseOpening.objects.create(actor=actor, key=key, fingerprint=fingerprint, created_at=timezone.now())
    except IntegrityError:
        replay = _opening_replay(actor=actor, key=key, fingerprint=fingerprint)
        if not replay:  # pragma: no cover - the row that conflicted cannot vanish once committed
            raise
        return replay


def _idempotency_key(key: str, actor: Account | None) -> str:
    key = (key or "").strip()
    if key and not IDEMPOTENCY_KEY.fullmatch(key):
        raise InvalidInput(
            "幂等键应为 1 至 64 个可见 ASCII 字符",
            "The idempotency key is 1 to 64 visible ASCII characters",
            field="key",
        )
    if key and (actor is None or not actor.is_authenticated):
        raise NotAllowed("请先登录后申请", "Please sign in to apply")
    return key


def case_open(
    *,
    actor: Account | None,
    item_code: str,
    applicant: Applicant,
    channel: str,
    form: dict[str, Any],
    materials: Mapping[str, Any] | None = None,
    receiving_office: Office | None = None,
    phone: str = "",
    at: dt.datetime | None = None,
    key: str = "",
) -> Case:
    """Receive an application (收件). The item must be offered on this channel, at this office,
    at this hour. With every required material present the clock starts at once (day 1 is the
    next working day); otherwise the applicant is told once, in full, what is missing
    (一次性告知) and the clock waits for the supplement.

    ``key``: the submission's idempotency key (the API's ``Idempotency-Key``, the token a form
    is drawn with). The same key with the same request gives the case it opened the first time;
    with a different request it is a :class:`Conflict`. Materials: :mod:`shebao.cases.materials`."""
    key = _idempotency_key(key, actor)
    office = (
        receiving_office
        if receiving_office is not None
        else (actor.office if actor and actor.kind == Account.Kind.STAFF else None)
    )
    fingerprint = ""
    if key:
        assert actor is not None
        fingerprint = _opening_fingerprint(
            items=[item_code],
            group_code="",
            applicant=applicant,
            channel=channel,
            form=form,
            materials=materials,
            office=office,
            phone=phone,
        )
        replay = _opening_replay(actor=actor, key=key, fingerprint=fingerprint)
        if replay:
            return replay[0]
    item = item_get(code=item_code)
    item_offered(item=item, channel=channel, office=office, at=at)
    _check_may_open(actor, item, applicant, channel, office)
    with transaction.atomic():
        opening = None
        if key:
            assert actor is not None
            claimed = _opening_claim(actor=actor, key=key, fingerprint=fingerprint)
            if isinstance(claimed, list):
                return claimed[0]
            opening = claimed
        return _open_one(
            actor=actor,
            item=item,
            applicant=applicant,
            channel=channel,
            form=form,
            materials=materials or {},
            receiving_office=office,
            phone=phone,
            group_ref="",
            opening=opening,
        )


def case_open_group(
    *,
    actor: Account | None,
    group_code: str,
    item_codes: Iterable[str],
    applicant: Applicant,
    channel: str,
    form: dict[str, Any],
    materials: Mapping[str, Any] | None = None,
    receiving_office: Office | None = None,
    phone: str = "",
    at: dt.datetime | None = None,
    key: str = "",
) -> list[Case]:
    """一表通: one form opens a case for each chosen item of a form group, all or none.
    ``key`` as for :func:`case_open`: a resubmitted form gives the cases it opened."""
    key = _idempotency_key(key, actor)
    codes = list(dict.fromkeys(item_codes))
    if not codes:
        raise InvalidInput("请至少选择一个事项", "Choose at least one item", field="items")
    office = (
        receiving_office
        if receiving_office is not None
        else (actor.office if actor and actor.kind == Account.Kind.STAFF else None)
    )
    fingerprint = ""
    if key:
        assert actor is not None
        fingerprint = _opening_fingerprint(
            items=codes,
            group_code=group_code,
            applicant=applicant,
            channel=channel,
            form=form,
            materials=materials,
            office=office,
            phone=phone,
        )
        replay = _opening_replay(actor=actor, key=key, fingerprint=fingerprint)
        if replay:
            return replay
    items = [item_get(code=c) for c in codes]
    for item in items:
        if item.form_group is None or item.form_group.code != group_code:
            raise InvalidInput(
                f"事项 {item.code} 不属于该表单组", f"Item {item.code} is not in form group {group_code}", field="items"
            )
    for item in items:
        item_offered(item=item, channel=channel, office=office, at=at)
        _check_may_open(actor, item, applicant, channel, office)
    group_ref = uuid.uuid4().hex
    with transaction.atomic():
        opening = None
        if key:
            assert actor is not None
            claimed = _opening_claim(actor=actor, key=key, fingerprint=fingerprint)
            if isinstance(claimed, list):
                return claimed
            opening = claimed
        return [
            _open_one(
                actor=actor,
                item=item,
                applicant=applicant,
                channel=channel,
                form=form,
                materials=materials or {},
                receiving_office=office,
                phone=phone,
                group_ref=group_ref,
                opening=opening,
            )
            for item in items
        ]


# --- steps -----------------------------------------------------------------------------------


def _require(actor: Account | None, case: Case, action: rules.Action) -> None:
    """The rules' verdict on ``action`` by ``actor`` (state, authority, skill group,
    jurisdiction, separation of duties): raises Conflict or NotAllowed, or returns."""
    rules.require(facts.actor_facts(actor), facts.case_facts(case), action)


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


def _check_handler(actor: Account, case: Case) -> None:
    """Materials requests: the office's staff who could act on the step (separation of duties
    applies to steps, not to this)."""
    _require(actor, case, rules.Action.REQUEST_MATERIALS)


def case_request_materials(
    *, actor: Account, case_id: int, version: int, missing: list[str], note: str = "", channel: str = Channel.HALL
) -> Case:
    """补正: tell the applicant once, in full, what is missing; the clock stops until they
    supply it and restarts the day after."""
    with transaction.atomic():
        case = _claim(case_id, version)
        if case.status != Case.Status.IN_PROGRESS:
            raise Conflict("只有办理中的办件可以要求补正", "Only a case in progress can ask for materials")
        _check_handler(actor, case)
        rows = {m.material.code: m for m in case.materials.select_related("material")}
        unknown = [c for c in missing if c not in rows]
        if not missing or unknown:
            raise InvalidInput(
                "请选择需要补正的材料", f"Choose the materials to supply (unknown: {unknown})", field="missing"
            )
        for code in missing:
            rows[code].status = CaseMaterial.Status.MISSING
            rows[code].save(update_fields=["status", "updated_at"])
        _pause_clock(
            case,
            kind=CasePause.Kind.MATERIALS,
            reason=note or "补正材料",
            actor=actor,
            status=Case.Status.AWAITING_MATERIALS,
        )
        case.save()
        names = [rows[c].material.name for c in missing]
        _notify_applicant(
            case,
            event="materials",
            body=f"您的办件 {case.number} 需补正以下材料（一次性告知）：{'、'.join(names)}。{note}",
        )
        _audit(case, actor=actor, action="request_materials", channel=channel, after={"missing": missing, "note": note})
    return case


def _may_supplement(actor: Account, case: Case) -> None:
    """The applicant who filed it (a unit only what it filed: authority.applicant_owns), or the
    staff of its office or of the window that received it."""
    if authority.applicant_owns(actor, case):
        return
    if actor.kind != Account.Kind.STAFF:
        raise NotAllowed("只能办理本人（本单位）提交的办件", "You may act only on cases you filed")
    authority.require_handler(actor, case)
    if not authority.in_jurisdiction(actor, case.office_id) and actor.office_id != case.receiving_office_id:
        raise NotAllowed("该办件不属于您所在机构管辖", "This case is outside your office's jurisdiction")


def case_supplement(
    *, actor: Account, case_id: int, version: int, materials: Mapping[str, Any], channel: str = Channel.HALL
) -> Case:
    """补正: materials supplied — verified at a window (staff only), uploaded, or replaced by a
    commitment where the catalogue allows one (:mod:`shebao.cases.materials`). When every
    required one is there, the clock restarts the day after."""
    given = supplies.supplies_parse(materials)
    if not given:
        raise InvalidInput("请选择已提交的材料", "Name the materials supplied", field="materials")
    with transaction.atomic():
        case = _claim(case_id, version)
        if case.status != Case.Status.AWAITING_MATERIALS:
            raise Conflict("该办件没有待补正的材料", "The case is not waiting for materials")
        _may_supplement(actor, case)
        rows = {m.material.code: m for m in case.materials.select_related("material")}
        for code, supply in given.items():
            if code not in rows or supply.state == CaseMaterial.Status.MISSING:
                raise InvalidInput(
                    f"材料 {code} 或其状态不正确",
                    f"Unknown material or state: {code}={supply.state}",
                    field=f"materials.{code}",
                )
            upload = supplies.supply_check(actor=actor, material=rows[code].material, supply=supply)
            supplies.supply_apply(rows[code], actor=actor, supply=supply, upload=upload)
            rows[code].save(update_fields=["status", "upload", "verified_by", "updated_at"])
        still = _missing_required(case)
        if not still:
            _resume_clock(case, kind=CasePause.Kind.MATERIALS)
            _notify_applicant(
                case, event="supplemented", body=f"您的办件 {case.number} 材料已齐全，办理时限自次日起计算。"
            )
        case.save()
        _audit(
            case,
            actor=actor,
            action="supplement",
            channel=channel,
            after={
                "materials": {c: {"state": s.state, "file": s.file} if s.file else s.state for c, s in given.items()},
                "still_missing": still,
            },
        )
    return case


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
        _may_supplement(actor, case)
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


# --- re-routing ------------------------------------------------------------------------------


def case_return(*, actor: Account, case_id: int, version: int, reason: str, channel: str = Channel.HALL) -> Case:
    """退回: an office that received a dispatch that is not its own returns it, saying why,
    within 2 working days of receiving it (``rules.RETURN_WINDOW_WORKDAYS``; 12333: a wrong
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
    """移交: a reviewer (authority 2) or above of the office moves the current phase to another
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
        _record_step(case, actor=actor, action="transfer", note=f"{before.name} → {target.name}：{reason}")
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


# --- evaluation ------------------------------------------------------------------------------


def case_rate(
    *, actor: Account, case_id: int, score: int, comment: str = "", channel: str = Channel.ONLINE
) -> CaseRating:
    """好差评: the applicant rates a completed case once. A rating of 不满意 or worse opens a
    follow-up case at the office, with its own deadline."""
    if score not in CaseRating.Score.values:
        raise InvalidInput("评价等级应为1至5", "A rating is 1 to 5", field="score")
    with transaction.atomic():
        case = Case.objects.select_related("item", "office").filter(pk=case_id).first()
        if case is None:
            raise NotFound("办件不存在", "Case not found")
        if not authority.applicant_owns(actor, case):
            raise NotFound("办件不存在", "Case not found")
        if case.status != Case.Status.COMPLETED:
            raise Conflict("办件办结后才能评价", "A case can be rated once it is completed")
        try:
            with transaction.atomic():
                rating = CaseRating.objects.create(
                    case=case, score=score, comment=comment[:1000], rated_at=timezone.now()
                )
        except IntegrityError:
            raise Conflict("该办件已评价过", "This case has already been rated") from None
        if score <= CaseRating.Score.DISSATISFIED:
            item = item_get(code=FOLLOW_UP_CODE)
            follow = _open_one(
                actor=None,
                item=item,
                applicant=Applicant(
                    id_number=case.applicant_id_number,
                    name=case.applicant_name,
                    account=case.applicant_account,
                    unit_code=case.applicant_unit_code,
                ),
                channel=Channel.SYSTEM,
                form={"rated_case": case.number, "score": score, "comment": comment},
                materials={},
                receiving_office=case.office,
                phone=case.applicant_phone,
                group_ref="",
            )
            rating.follow_up = follow
            rating.save(update_fields=["follow_up"])
        _audit(
            case, actor=actor, action="rate", channel=channel, after={"score": score, "follow_up": rating.follow_up_id}
        )
    return rating
