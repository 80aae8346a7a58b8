"""The bridge between the models and the pure rules (``cases.rules``): the facts the rules take,
read from a case and an account, and a phase's clock read from and written back to its row.

Services, selectors and pages ask the rules through these, so the clock and the permissions
are computed one way everywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from shebao.cases import rules
from shebao.cases.authority import jurisdiction_offices
from shebao.cases.models import Case, CasePause, CasePhase, CaseStepRecord
from shebao.catalog.models import ItemPhase, ItemStep, Jurisdiction
from shebao.core import workdays
from shebao.core.models import Office

if TYPE_CHECKING:
    from shebao.core.models import Account

# The official working-day calendar (the module satisfies the rules' Calendar protocol).
CALENDAR: rules.Calendar = workdays

STOPPING_PAUSES = (CasePause.Kind.MATERIALS, CasePause.Kind.SUSPENSION)

# The step records of a move to another office: a transfer (移交) and a reroute (改派) alike.
MOVED_ACTION: str = rules.Action.TRANSFER


def moved_off_receiving() -> Q:
    """In a query of cases: the case was moved (transfer or reroute) at least once. Once moved,
    the office that received it has no say and no sight of it as the receiving window (see
    :func:`case_facts`); with ``office != receiving_office`` it is one more outside office."""
    return Q(Exists(CaseStepRecord.objects.filter(case_id=OuterRef("pk"), action=MOVED_ACTION)))


def receiving_office_kept(case: Case) -> int | None:
    """The case's receiving office as the rules and the reads see it: None once the case was
    moved off the office that received it (a transfer or a reroute). The receiving window's
    say (to accept, and with it to refuse, ask for materials, pause, record a supplement or a
    withdrawal) and its sight of the case are for the office that holds the case; the office it
    left is then one more office outside the case's jurisdiction."""
    received = case.receiving_office_id
    if received is None or received == case.office_id:
        return received
    if CaseStepRecord.objects.filter(case_id=case.pk, action=MOVED_ACTION).exists():
        return None
    return received


def actor_facts(actor: Account | None) -> rules.ActorFacts | None:
    """What the rules need to know of an account (None: the system)."""
    if actor is None or not actor.is_authenticated:
        return None
    staff = actor.kind == actor.Kind.STAFF
    return rules.ActorFacts(
        id=actor.pk,
        kind=actor.kind,
        role=actor.role,
        active=actor.is_active,
        authority=actor.authority_level or 0,
        skill_groups=frozenset(g.pk for g in actor.skill_groups.all()) if staff else frozenset(),
        office=actor.office_id,
        jurisdiction=frozenset(jurisdiction_offices(actor)) if staff else frozenset(),
        id_number=actor.id_number or "",
        unit_code=actor.unit_code or "",
    )


def step_facts(step: ItemStep | None) -> rules.StepFacts | None:
    if step is None:
        return None
    return rules.StepFacts(id=step.pk, kind=step.kind, min_authority=step.min_authority, name=step.name)


def first_step(case: Case) -> ItemStep | None:
    """The step a case awaiting its first materials will start at (what a refusal refuses)."""
    return ItemStep.objects.filter(phase__item_id=case.item_id).order_by("phase__order", "order").first()


def steps_by(case: Case) -> dict[int, frozenset[int]]:
    """Who did which steps of ``case``: the basis of separation of duties."""
    done: dict[int, set[int]] = {}
    rows = CaseStepRecord.objects.filter(case=case, step__isnull=False, actor__isnull=False)
    for actor_id, step_id in rows.values_list("actor_id", "step_id"):
        done.setdefault(actor_id, set()).add(step_id)
    return {a: frozenset(s) for a, s in done.items()}


def case_facts(
    case: Case, *, today: dt.date | None = None, done: dict[int, frozenset[int]] | None = None
) -> rules.CaseFacts:
    """What the rules need to know of a case now."""
    today = today or timezone.localdate()
    step = case.current_step
    if step is None and case.status == Case.Status.AWAITING_MATERIALS:
        step = first_step(case)
    phase = running_phase(case) if case.status == Case.Status.IN_PROGRESS else None
    routed_on = phase.routed_on if phase is not None else None
    return rules.CaseFacts(
        state=rules.State(case.status),
        insurance=case.item.insurance,
        skill_group=case.item.skill_group_id,
        office=case.office_id,
        receiving_office=receiving_office_kept(case),
        applicant_id_number=case.applicant_id_number,
        applicant_unit_code=case.applicant_unit_code,
        required_authority=case.required_authority,
        step=step_facts(step),
        steps_by=steps_by(case) if done is None else done,
        clock_running=case.status == Case.Status.IN_PROGRESS and case.due_date is not None,
        routed=routed_on is not None,
        returnable=rules.return_allowed(routed_on=routed_on, today=today, within=case.item.return_days, cal=CALENDAR),
        return_days=case.item.return_days,
        transfer_authority=case.item.transfer_authority,
    )


_KIND_OF_RULE = {
    Jurisdiction.APPLICANT_DISTRICT: Office.Kind.DISTRICT_OFFICE,
    Jurisdiction.CITY_CENTRE: Office.Kind.CITY_CENTRE,
    Jurisdiction.MEDICAL_CENTRE: Office.Kind.MEDICAL_CENTRE,
    Jurisdiction.CARD_CENTRE: Office.Kind.CARD_CENTRE,
}


def phase_office_kind(case: Case, row: CasePhase) -> str | None:
    """The kind of office a phase goes to: its office's, or (after a return left it without
    one) the kind its jurisdiction rule names; None when the rule is the receiving office."""
    if row.office is not None:
        return row.office.kind
    rule = row.phase.jurisdiction or case.item.jurisdiction
    if rule == Jurisdiction.RECEIVING_OFFICE:
        return case.receiving_office.kind if case.receiving_office else None
    return _KIND_OF_RULE.get(Jurisdiction(rule))


def running_phase(case: Case) -> CasePhase | None:
    """The phase whose clock runs or stands paused (at most one)."""
    return (
        case.phases.select_related("phase", "office")
        .filter(status__in=[CasePhase.Status.RUNNING, CasePhase.Status.PAUSED])
        .first()
    )


def clock_of(row: CasePhase) -> rules.Clock:
    return rules.Clock(
        status=row.status,
        limit_days=row.limit_days,
        started_on=row.started_on,
        used_days=row.used_days,
        extension_days=row.extension_days,
        due_date=row.due_date,
        finished_on=row.finished_on,
    )


CLOCK_FIELDS = ["status", "started_on", "used_days", "extension_days", "due_date", "finished_on"]


def clock_save(row: CasePhase, clock: rules.Clock) -> None:
    """Write ``clock`` into the phase's row and save it."""
    row.status = clock.status
    row.started_on = clock.started_on
    row.used_days = clock.used_days
    row.extension_days = clock.extension_days
    row.due_date = clock.due_date
    row.finished_on = clock.finished_on
    row.save(update_fields=CLOCK_FIELDS)


def case_promise(case: Case, *, phases: list[CasePhase] | None = None, today: dt.date | None = None) -> rules.Promise:
    """The item's promise for ``case`` measured across its phases (``rules.promise_measure``):
    the stops are the materials requests and suspensions, and the outside party's phases."""
    today = today or timezone.localdate()
    if case.promised_days is None or case.clock_start is None:
        return rules.Promise(days=None)
    rows = phases if phases is not None else list(case.phases.select_related("phase"))
    stops: list[tuple[dt.date, dt.date | None]] = (
        list(case.pauses.filter(kind__in=STOPPING_PAUSES).values_list("started_on", "ended_on"))
        if case.has_stops
        else []  # never stopped: no stops to read (the progress read's one query saved)
    )
    stops += [
        (row.started_on, row.finished_on)
        for row in rows
        if row.phase.party == ItemPhase.Party.OUTSIDE and row.started_on is not None
    ]
    end = timezone.localtime(case.closed_at).date() if case.closed_at else None
    return rules.promise_measure(
        promised_days=case.promised_days,
        extension_days=sum(row.extension_days for row in rows),
        start=case.clock_start,
        end=end,
        stops=stops,
        running=case.status == Case.Status.IN_PROGRESS,
        today=today,
        cal=CALENDAR,
    )
