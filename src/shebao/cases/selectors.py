"""Case reads, always scoped by the actor: the applicant sees their own cases (a unit those filed
for it, never a person's own filing that names it), staff the cases of their jurisdiction,
anyone a case's progress by number plus the ID number's last six."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from shebao.cases import authority, facts, rules
from shebao.cases.models import Case, CaseMaterial, CasePause, CasePhase, CaseStepRecord
from shebao.catalog.models import ItemPhase, ServiceItem
from shebao.core import throttle, workdays
from shebao.core.errors import InvalidInput, NotFound, TooManyAttempts
from shebao.core.http import citizen_id_number
from shebao.core.identifiers import mask_id_number
from shebao.core.models import Account, Role

CITY_WIDE_ROLES = frozenset({Role.MONITOR_CITY, Role.ADMIN})


def _visible(actor: Account) -> Q:
    if not actor.is_authenticated:
        return Q(pk__in=[])
    if actor.kind == Account.Kind.CITIZEN:
        return Q(applicant_id_number=citizen_id_number(actor))  # the grantor's while acting (代办)
    if actor.kind == Account.Kind.UNIT:
        # an account without a unit sees nothing (an empty code would match every citizen's case);
        # a person's own filing that names the unit is theirs, not the unit's
        if not actor.unit_code:
            return Q(pk__in=[])
        return Q(applicant_unit_code=actor.unit_code) & ~Q(filer=Case.Filer.CITIZEN)
    if actor.role in CITY_WIDE_ROLES:
        return Q()
    if actor.office_id is None:
        return Q(pk__in=[])
    offices = authority.jurisdiction_offices(actor)
    received = Q(receiving_office_id=actor.office_id)
    if actor.role != Role.MONITOR_DISTRICT:
        # a case moved off the window that received it (改派, 移交) is no longer that window's
        # (facts.receiving_office_kept); a monitor still watches what its offices received
        received &= ~facts.moved_off_receiving()
    q = Q(office_id__in=offices) | received
    if actor.role == Role.BANK_AGENT:
        q &= Q(item__insurance="card")
    return q


def case_get(*, actor: Account, number: str | None = None, case_id: int | None = None) -> Case:
    """The only way pages and the API load a case; not visible and not there look alike."""
    qs = Case.objects.select_related(
        "item", "item__skill_group", "office", "receiving_office", "current_step", "current_step__phase"
    )
    qs = qs.filter(_visible(actor))
    if number is not None:
        case = qs.filter(number=number).first()
    else:
        case = qs.filter(pk=case_id).first() if case_id is not None else None
    if case is None:
        raise _case_not_found()
    return case


def _case_not_found() -> NotFound:
    return NotFound("办件不存在或无权查看", "Case not found")


# What a case's progress reads of the case, its item and its current step (case_progress):
# the JSON form, the result and the item's long texts and schema stay in the database.
PROGRESS_FIELDS = (
    "number",
    "status",
    "due_date",
    "due_provisional",
    "promised_days",
    "clock_start",
    "has_stops",
    "received_at",
    "closed_at",
    "rejection_reasons",
    "version",
    "item__code",
    "item__name",
    "item__name_en",
    "current_step__name",
    "current_step__name_en",
)


def case_progress_get(*, actor: Account, number: str) -> dict[str, Any]:
    """A case's progress by number for ``actor``: what ``case_get`` then ``case_progress`` give,
    loading only the columns the progress shows (the API's most frequent read)."""
    case = (
        Case.objects.select_related("item", "current_step")
        .only(*PROGRESS_FIELDS)
        .filter(_visible(actor), number=number)
        .first()
    )
    if case is None:
        raise _case_not_found()
    return case_progress(case=case)


def cases_of_applicant(*, actor: Account, limit: int = 50) -> QuerySet[Case]:
    """An applicant's cases (a person's, or a unit's), newest first."""
    return Case.objects.filter(_visible(actor)).select_related("item").order_by("-received_at", "-id")[:limit]


def cases_mine(*, actor: Account, limit: int = 50) -> QuerySet[Case]:
    """我的办件, newest first: an applicant's own cases; for staff the cases they received or
    acted on (a step, a pause, an extension) — not their jurisdiction's queue — and only while
    they can still see them."""
    if actor.is_authenticated and actor.kind == Account.Kind.STAFF:
        acted = CaseStepRecord.objects.filter(case_id=OuterRef("pk"), actor_id=actor.pk)
        paused = CasePause.objects.filter(case_id=OuterRef("pk"), actor_id=actor.pk)
        own = Q(received_by_id=actor.pk) | Exists(acted) | Exists(paused)
        return (
            Case.objects.filter(_visible(actor))
            .filter(own)
            .select_related("item")
            .order_by("-received_at", "-id")[:limit]
        )
    return cases_of_applicant(actor=actor, limit=limit)


# Neither the queue API nor the workbench page shows these; loading them would decode the JSON
# and long-text columns for every row of every page.
QUEUE_DEFERRED = (
    "form_data",
    "result",
    "rejection_reasons",
    "outcome_note",
    "item__form_schema",
    "item__policy_basis",
    "item__description",
    "item__channels",
    "item__office_kinds",
)


QUEUE_MAX_OFFSET = 100_000  # deeper than any office's backlog; beyond it a page is empty, not an overflow


def queue_items(*, actor: Account) -> QuerySet[ServiceItem]:
    """一岗通: the items a staff member's queues hold, those of all their skill groups; a bank
    agent's only the card items (a bank outlet does card services, nothing else)."""
    items = ServiceItem.objects.filter(skill_group__staff=actor)
    if actor.role == Role.BANK_AGENT:
        items = items.filter(insurance="card")
    return items


def queue_cases(*, actor: Account, items: Iterable[int] | QuerySet[Any]) -> QuerySet[Case]:
    """The cases a staff member's queues may show, in any state and at any office: of one of
    ``items`` (:func:`queue_items`, as ids or as a subquery of them), within their authority
    level, never about themselves. The caller adds the states and the offices (the
    jurisdiction, ``authority.jurisdiction_offices``); the workbench queue and the materials to
    verify (``cases.verify_queue``) share this scope so that they cannot drift apart."""
    cases = Case.objects.filter(item_id__in=items, required_authority__lte=actor.authority_level)
    if actor.id_number:
        cases = cases.exclude(applicant_id_number=actor.id_number)
    return cases


def workbench_queue(*, actor: Account, limit: int = 50, offset: int = 0) -> QuerySet[Case]:
    """一岗通: every case the clerk may act on now, across the items of all their skill groups,
    soonest due first. Cases the clerk already did a step of, or that concern the clerk, are
    left out (someone else must do the next step).

    The two halves — the clerk's own offices, and applications received at their window but
    handled elsewhere (only the acceptance is theirs) — are asked separately, each an index
    range in due-date order over the partial indexes of open cases that stops after
    ``offset + limit`` rows; one query by primary key then loads the page. An OR of the two
    made PostgreSQL walk every open case of the city (bench/README.md).

    Only case-handling staff have a queue (authority.require_workbench): the page and the API
    refuse a monitor or an administrator alike."""
    authority.require_workbench(actor)
    if actor.office_id is None:
        return Case.objects.none()
    # the item ids read first: each half below is then a plain index range
    item_ids = list(queue_items(actor=actor).values_list("pk", flat=True))
    offices = authority.jurisdiction_offices(actor)
    done_by_me = CaseStepRecord.objects.filter(case_id=OuterRef("pk"), actor_id=actor.pk, step__isnull=False)
    base = (
        queue_cases(actor=actor, items=item_ids)
        .filter(status=Case.Status.IN_PROGRESS, current_step__min_authority__lte=actor.authority_level)
        .filter(~Exists(done_by_me))
    )
    offset = max(0, min(offset, QUEUE_MAX_OFFSET))
    end = offset + limit
    mine = base.filter(office_id__in=offices).order_by("due_date", "id").values_list("due_date", "id")[:end]
    received = (
        base.filter(receiving_office_id=actor.office_id, current_step__kind="accept")
        .exclude(office=F("receiving_office"))  # the partial index's predicate, verbatim
        .exclude(office_id__in=offices)
        .filter(~facts.moved_off_receiving())  # moved on (改派, 移交): no longer this window's to accept
        .order_by("due_date", "id")
        .values_list("due_date", "id")[:end]
    )
    # PostgreSQL runs both halves in one UNION ALL; SQLite cannot limit inside a compound
    # statement, so there they are two queries.
    both = list(mine.union(received, all=True)) if connection.vendor == "postgresql" else [*mine, *received]
    rows = sorted(both, key=lambda row: (row[0] is None, row[0] or dt.date.min, row[1]))
    page = [pk for _due, pk in rows[offset:end]]
    return (
        Case.objects.filter(pk__in=page)
        .select_related("item", "current_step")
        .defer(*QUEUE_DEFERRED)
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def case_countdown(case: Case) -> int | None:
    """Working days left until the due date (negative: overdue)."""
    return days_left(case.due_date)


def days_left(due_date: dt.date | None) -> int | None:
    """Working days from today (Asia/Shanghai) until ``due_date``; negative when overdue."""
    if due_date is None:
        return None
    from django.utils import timezone

    return workdays.workdays_between(start=timezone.localdate(), end=due_date)


QUEUE_ROW_FIELDS = (
    "number",
    "item__code",
    "item__name",
    "item__name_en",
    "applicant_id_number",
    "applicant_name",
    "current_step__name",
    "current_step__name_en",
    "due_date",
    "due_provisional",
    "escalation_level",
    "version",
)


def workbench_queue_rows(*, actor: Account, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """The queue as plain rows (the API and the workbench page): the same cases in the same order as
    :func:`workbench_queue`, read as values rather than model instances (a page of 50 cases
    with their items and steps was 150 objects to build per request)."""
    rows = list(workbench_queue(actor=actor, limit=limit, offset=offset).values(*QUEUE_ROW_FIELDS))
    for row in rows:
        row["workdays_left"] = days_left(row["due_date"])
    return rows


STEP_RECORD_ACTIONS = frozenset(rules.STEP_ACTIONS)


def case_offers(
    *, actor: Account, case: Case, done: dict[int, frozenset[int]] | None = None
) -> dict[rules.Action, rules.Refusal | None]:
    """What staff member ``actor`` may do on ``case`` now, each with why not (``rules.offers``):
    what the case page and the API show. ``case`` was loaded for the actor (``case_get``);
    ``done``: who did which steps, when the caller has read them already."""
    return rules.offers(facts.actor_facts(actor), facts.case_facts(case, done=done))


def case_status_shown(case: Case, *, today: dt.date | None = None) -> str:
    """The status a list shows for ``case`` ("中文 / English"): a case in progress past its
    due date is overdue, never plainly in progress (``rules.shown_state``)."""
    state = rules.State(case.status)
    overdue = 0
    if state == rules.State.IN_PROGRESS:
        overdue = rules.overdue_days(case.due_date, today=today or timezone.localdate(), cal=facts.CALENDAR)
    key, zh, en = rules.shown_state(state, overdue=overdue)
    return case.get_status_display() if key == case.status else f"{zh} / {en}"


def _phase_on_time(cp: CasePhase, *, today: dt.date) -> bool | None:
    """A phase of ours kept its own clock: not overdue in working days when it finished (or
    today, while it runs). None for a phase that has not run or has no limit."""
    if cp.due_date is None or cp.phase.party != ItemPhase.Party.AGENCY or cp.status == CasePhase.Status.PENDING:
        return None
    until = cp.finished_on or today
    return rules.overdue_days(cp.due_date, today=until, cal=facts.CALENDAR) == 0


def case_progress(*, case: Case, today: dt.date | None = None) -> dict[str, Any]:
    """Phases, steps done and to do, materials missing, due date, and whether the case is on
    time: each phase against its own clock and the item's promise measured across all of
    them (``cases.rules``). A case is on time only when both hold; a case whose clock ran out
    shows as overdue, never plainly "in progress"; a refused case shows its refused step and
    its reasons, never "all steps done"."""
    today = today or timezone.localdate()
    phases = list(
        case.phases.select_related("phase", "office").prefetch_related("phase__steps").order_by("phase__order")
    )
    records = list(case.step_records.select_related("step").order_by("at", "id"))
    done_steps = {r.step_id for r in records if r.step_id and r.action in STEP_RECORD_ACTIONS}
    refused_steps = {r.step_id for r in records if r.step_id and r.action == rules.Action.REJECT}
    # required as this case requires them (CaseMaterial.is_required): a material the handler
    # found not needed here is listed as optional and never missing
    materials = list(case.materials.select_related("material").order_by("material_id"))
    missing = [m.material.name for m in materials if m.is_required and m.status == CaseMaterial.Status.MISSING]
    state = rules.State(case.status)
    overdue = rules.overdue_days(case.due_date, today=today, cal=facts.CALENDAR) if state in rules.OPEN else 0
    shown, shown_zh, shown_en = rules.shown_state(state, overdue=overdue)
    promise = facts.case_promise(case, phases=phases, today=today)
    phase_rows = []
    for cp in phases:
        phase_rows.append(
            {
                "name": cp.phase.name,
                "name_en": cp.phase.name_en,
                "party": cp.phase.party,
                "office": cp.office.name if cp.office else "",
                "status": cp.status,
                "limit_days": cp.limit_days,
                "due_date": cp.due_date,
                "used_days": rules.clock_used(facts.clock_of(cp), today=today, cal=facts.CALENDAR),
                "on_time": _phase_on_time(cp, today=today),
                "steps": [
                    {
                        "name": s.name,
                        "name_en": s.name_en,
                        "kind": s.kind,
                        "done": s.pk in done_steps,
                        "current": case.current_step_id == s.pk,
                        "rejected": s.pk in refused_steps,
                    }
                    for s in sorted(cp.phase.steps.all(), key=lambda s: s.order)
                ],
            }
        )
    timed = [row["on_time"] for row in phase_rows if row["on_time"] is not None]
    on_time: bool | None = None
    if state not in (rules.State.REJECTED, rules.State.WITHDRAWN) and (timed or promise.kept is not None):
        on_time = all(timed) and promise.kept is not False
    return {
        "number": case.number,
        "item_code": case.item.code,
        "item": case.item.name,
        "item_en": case.item.name_en,
        "status": case.status,
        "status_label": case.get_status_display() if shown == case.status else f"{shown_zh} / {shown_en}",
        "shown_status": shown,
        "overdue_days": overdue,
        "on_time": on_time,
        "promise": {
            "days": promise.days,
            "used": promise.used,
            "left": promise.left,
            "due_date": promise.due_date,
            "kept": promise.kept,
        },
        "due_date": case.due_date,
        "due_provisional": case.due_provisional,
        "received_at": case.received_at,
        "closed_at": case.closed_at,
        "current_step": case.current_step.name if case.current_step else None,
        "current_step_en": case.current_step.name_en if case.current_step else None,
        "missing_materials": missing,
        "materials": [
            {
                "code": m.material.code,
                "name": m.material.name,
                "name_en": m.material.name_en,
                "required": m.is_required,
                "status": m.status,
            }
            for m in materials
        ],
        "rejection_reasons": case.rejection_reasons,
        "version": case.version,
        "phases": phase_rows,
        "history": [
            {"at": r.at, "action": r.action, "step": r.step.name if r.step else "", "note": r.note} for r in records
        ],
    }


# Wrong pairs allowed per hour: at one case number (a suffix has ~31,000 likely values, so
# ten guesses find it with a chance of 1 in 3,000) and from one client address (scanning).
LOOKUP_FAILURES_PER_NUMBER = 10
LOOKUP_FAILURES_PER_CLIENT = 30
LOOKUP_WINDOW_SECONDS = 3600


def case_lookup_public(*, number: str, id_suffix: str, client: str = "") -> dict[str, Any]:
    """Anyone may follow a case by its number and the last six characters of the applicant's
    ID number. A wrong pair and a missing case give the same answer; after too many wrong
    pairs at one number or from one client (``client``: its address) the look-up is refused
    for an hour, the right pair included (the applicant can still sign in)."""
    suffix = (id_suffix or "").strip().upper()
    if len(suffix) != 6 or not suffix.isascii():
        raise InvalidInput(
            "请输入身份证号码后六位", "Enter the last six characters of the ID number", field="id_suffix"
        )
    number = (number or "").strip()
    limits = {f"lookup:number:{number}": LOOKUP_FAILURES_PER_NUMBER}
    if client:
        limits[f"lookup:client:{client}"] = LOOKUP_FAILURES_PER_CLIENT
    if any(throttle.failures(key) >= limit for key, limit in limits.items()):
        raise TooManyAttempts(
            "查询错误次数过多，请一小时后再试，或登录后查看本人办件",
            "Too many wrong look-ups: try again in an hour, or sign in to see your own cases",
        )
    case = Case.objects.select_related("item", "current_step").filter(number=number).first()
    if case is None or not hmac.compare_digest(case.applicant_id_number[-6:], suffix):
        for key in limits:
            throttle.failure_record(key, window=LOOKUP_WINDOW_SECONDS)
        raise NotFound("未找到该办件，请核对办件编号和身份证号码后六位", "No case matches that number and ID suffix")
    progress = case_progress(case=case)
    progress["applicant"] = mask_id_number(case.applicant_id_number)
    progress.pop("history")
    return progress


def phases_running() -> QuerySet[CasePhase]:
    return CasePhase.objects.filter(status=CasePhase.Status.RUNNING)
