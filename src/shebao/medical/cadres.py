"""自主择业军转干部: who handles a cadre's medical and maternity insurance, and the move from
central to district management.

Who handles a cadre (one answer for cases, pages and the move alike, :func:`cadre_office`): the
city medical-insurance centre while the cadre is centrally managed, and always for a cadre living
in a district the rule row keeps central (新城区除外: ``CentralDistrictsRule``, corrected by an
administrator without code); otherwise their district's office once the move has split their
accounts (分户) and continued their insurance (续保) there.

The move is a ``core.jobs`` job over cadre ids: each chunk brings its cadres to the state the
rule row (fixed when the job was started) gives them, in the chunk's transaction, and reports the
count per district. A chunk is done exactly once (core.jobs), and a cadre already where the rule
puts them is not touched: a run killed halfway and resumed, or a second run, reassigns nobody
twice. In the same transaction, a cadre's open cases on the cadres' items still at the centre go
to their district office (the engine's 改派, ``case_reroute``: audited with the job's starting
actor, None when the system started it; the step shows in the case's history as a transfer).
Clock rule: the case keeps its clock, due date and the item's promise — the applicant applied to
the agency, and the agency moved the file, so the time already used counts and nothing restarts
(a restart would lengthen the wait for the agency's own reorganisation; a stop would hide it). A
case moved once is no longer at the centre: a resumed or repeated run moves it no more.

The cadres' items route by :func:`cadre_router` (registered with the case engine): a district
office receives only its own cadres' applications, the central ones go to the centre."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from shebao.cases.services.routing import RouteQuery, cases_reroute_open
from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput, NotAllowed, NotFound
from shebao.core.jobs import JobKind, LocalExecutor, Params, id_span, job_chunk_list, job_create, job_get, job_run
from shebao.core.models import Account, Area, Job, JobChunk, Office, Role
from shebao.medical.models import Cadre, CentralDistrictsRule

CITY_WIDE = frozenset({Role.MONITOR_CITY, Role.ADMIN})
MOVE_ROLES = CITY_WIDE  # who starts the move and follows it
CENTRAL = "central"
MOVE_JOB = "medical.cadres_move"
MOVE_CHUNK_SIZE = 500
# the items of a cadre's medical and maternity insurance (接续, 分户, 续保): routed by the cadre
CADRE_ITEMS = ("YB-010", "YB-012", "YB-013")


@dataclass(frozen=True)
class MoveReport:
    job_id: int
    status: str
    day: dt.date
    rule_ref: str
    per_district: dict[str, int]  # district code → cadres reassigned there; "central": kept central
    total: int
    done: int  # chunks done
    chunks: int
    cases: int = 0  # open cases moved from the centre to the cadres' district offices


def central_districts(*, day: dt.date, region: str = "wuhan") -> CentralDistrictsRule:
    """The rule row in force on ``day`` naming the districts kept central."""
    row = (
        CentralDistrictsRule.objects.filter(region=region, effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .order_by("-effective_from")
        .first()
    )
    if row is None:
        raise InvalidInput(f"{day} 没有生效的集中管理区规则", f"No central-districts rule row on {day}", field="day")
    return row


def _centre() -> Office | None:
    return Office.objects.filter(kind=Office.Kind.MEDICAL_CENTRE, is_active=True).order_by("id").first()


def _district_office(area_id: int) -> Office | None:
    return (
        Office.objects.filter(kind=Office.Kind.DISTRICT_OFFICE, area_id=area_id, is_active=True).order_by("id").first()
    )


def cadre_office(cadre: Cadre, *, day: dt.date) -> Office:
    """The office that handles ``cadre`` on ``day``: the centre unless the cadre was moved to
    their district and the rule row does not keep that district central."""
    kept = set(central_districts(day=day).district_codes)
    office = None
    if cadre.management == Cadre.Management.DISTRICT and cadre.residence_district.code not in kept:
        office = _district_office(cadre.residence_district_id)
    office = office or _centre()
    if office is None:
        raise InvalidInput("没有可以办理该事项的机构", "No office handles this item", field="office")
    return office


def cadre_router(query: RouteQuery) -> Office | None:
    """The case engine's router for the cadres' items: a cadre's case goes to the office that
    handles them, and a district office other than that one may not receive it; a person who is
    not a cadre is left to the item's jurisdiction rule."""
    cadre = (
        Cadre.objects.select_related("residence_district").filter(id_number=query.applicant.id_number.upper()).first()
    )
    if cadre is None:
        return None
    office = cadre_office(cadre, day=query.day)
    received = query.receiving_office
    if received is not None and received.kind == Office.Kind.DISTRICT_OFFICE and received.pk != office.pk:
        raise NotAllowed(
            f"该军转干部由{office.name}管理，请到该机构办理",
            f"This cadre is managed by {office.code}: apply there",
        )
    return office


# --- the move, as a job ------------------------------------------------------------------------


def _move_plan(params: Params) -> list[tuple[int, int]]:
    return id_span(Cadre.objects.all())


def _move_chunk(*, params: Params, lo: int, hi: int) -> dict[str, Any]:
    """Bring the cadres with ids ``lo``..``hi`` to where the job's rule row puts them (in the
    chunk's transaction); a cadre already there is left alone and not counted."""
    rule_ref = f"medical.CentralDistrictsRule#{params['rule']}"
    day = dt.date.fromisoformat(params["day"])
    kept = set(params["kept"])  # as the row said when the job was started: every chunk alike
    centre = _centre()
    offices = {
        o.area_id: o for o in Office.objects.filter(kind=Office.Kind.DISTRICT_OFFICE, is_active=True).order_by("-id")
    }
    counts: Counter[str] = Counter()
    districts: dict[str, Office] = {}  # ID number → the district office that handles the cadre now
    cadres = (
        Cadre.objects.select_for_update()
        .select_related("residence_district")
        .filter(pk__gte=lo, pk__lte=hi)
        .order_by("pk")
    )
    for cadre in cadres:
        code = cadre.residence_district.code
        office = offices.get(cadre.residence_district_id)
        if code in kept or office is None:
            if cadre.management == Cadre.Management.CENTRAL and centre is not None and cadre.managing_office == centre:
                continue
            cadre.management, cadre.managing_office = Cadre.Management.CENTRAL, centre
            counts[CENTRAL] += 1
        else:
            districts[cadre.id_number] = office
            if cadre.management == Cadre.Management.DISTRICT and cadre.managing_office_id == office.pk:
                continue
            cadre.management, cadre.managing_office = Cadre.Management.DISTRICT, office
            cadre.split_on = cadre.continued_on = day  # 分户 and 续保 at the district office
            counts[code] += 1
        cadre.rule_ref = rule_ref
        cadre.save(update_fields=["management", "managing_office", "split_on", "continued_on", "rule_ref"])
    cases = []
    if centre is not None and districts:
        # their open cases still at the centre follow them (also a cadre moved by an earlier run)
        starter = params.get("actor")  # absent in a job started before the cases moved too: the system
        actor = Account.objects.filter(pk=starter).first() if starter is not None else None
        cases = cases_reroute_open(
            actor=actor,
            offices=districts,
            item_codes=CADRE_ITEMS,
            from_office=centre,
            reason=f"军转干部属地化管理，移交居住区经办机构（{rule_ref}）",
            channel=Channel.SYSTEM,
        )
    return {"per_district": dict(sorted(counts.items())), "moved": sum(counts.values()), "cases": len(cases)}


MOVE_KIND = JobKind(
    name=MOVE_JOB,
    title="军转干部属地化管理 / Cadres moved to district management",
    plan=_move_plan,
    run_chunk=_move_chunk,
    chunk_size=MOVE_CHUNK_SIZE,
)


def _require_mover(actor: Account | None) -> None:
    """The city's administrators and monitors start the move and follow it (the management
    command runs as the system: ``actor`` None)."""
    if actor is None:
        return
    if not actor.is_authenticated or actor.kind != Account.Kind.STAFF or actor.role not in MOVE_ROLES:
        raise NotAllowed(
            "军转干部属地化移交须由市级管理员或监控人员发起", "The move is started by the city's administrators"
        )


def cadres_move_start(
    *, actor: Account | None, day: dt.date | None = None, chunk_size: int | None = None, channel: str = "hall"
) -> Job:
    """Plan the move as a job (not run yet: :func:`cadres_move_run`), with the rule row in force
    on ``day`` (today by default) and its districts fixed in its parameters, and one audit event for the run."""
    _require_mover(actor)
    today = timezone.localdate()
    day = day or today
    if day > today:  # every channel (the page, the command): a move is never planned on a day to come
        raise InvalidInput("移交日期不能晚于今天", "The day of the move cannot be after today", field="day")
    rule = central_districts(day=day)
    with transaction.atomic():
        job = job_create(
            kind=MOVE_JOB,
            params={
                "day": day.isoformat(),
                "rule": rule.pk,
                "kept": sorted(rule.district_codes),
                "actor": actor.pk if actor is not None else None,  # who the cases' reassignments name
            },
            actor=actor,
            chunk_size=chunk_size,
        )
        audit.record(
            actor=actor,
            action="medical.cadres_move",
            subject_type="core.Job",
            subject_id=job.pk,
            after={"day": day.isoformat(), "rule": rule.ref, "kept": list(rule.district_codes), "job": job.pk},
            channel=channel,
        )
    return job


def _move_job(job_id: int) -> Job:
    job = job_get(job_id=job_id)
    if job.kind != MOVE_JOB:
        raise NotFound("没有该移交任务", "No such move job")
    return job


def cadres_move_run(*, actor: Account | None, job_id: int) -> MoveReport:
    """Run (or resume) the move's chunks not yet done, in this process, and report."""
    _require_mover(actor)
    _move_job(job_id)
    job_run(job_id=job_id, executor=LocalExecutor(processes=1))
    return cadres_move_report(actor=actor, job_id=job_id)


def cadres_move_report(*, actor: Account | None, job_id: int) -> MoveReport:
    """The move's progress and the count per district so far (the done chunks' results)."""
    _require_mover(actor)
    job = _move_job(job_id)
    counts: Counter[str] = Counter()
    cases = 0
    for chunk in job_chunk_list(job_id=job.pk):
        if chunk.status == JobChunk.Status.DONE:
            counts.update((chunk.result or {}).get("per_district", {}))
            cases += (chunk.result or {}).get("cases", 0)
    return MoveReport(
        job_id=job.pk,
        status=job.status,
        day=dt.date.fromisoformat(job.params["day"]),
        rule_ref=f"medical.CentralDistrictsRule#{job.params.get('rule')}",
        per_district=dict(sorted(counts.items())),
        total=sum(counts.values()),
        done=job.done_chunks,
        chunks=job.total_chunks,
        cases=cases,
    )


def cadres_move_rows(report: MoveReport) -> list[tuple[str, str, int]]:
    """The report's counts as (code, district name, count), the central count last."""
    names = dict(Area.objects.filter(code__in=list(report.per_district)).values_list("code", "name"))
    rows = [(c, names.get(c, c), n) for c, n in report.per_district.items() if c != CENTRAL]
    if CENTRAL in report.per_district:
        rows.append((CENTRAL, "市医保中心集中管理 / Kept central", report.per_district[CENTRAL]))
    return rows


def cadres_move_jobs(*, actor: Account | None, limit: int = 20) -> list[Job]:
    _require_mover(actor)
    return list(Job.objects.filter(kind=MOVE_JOB).order_by("-id")[:limit])


def cadres_move_to_districts(*, actor: Account | None, day: dt.date | None = None) -> MoveReport:
    """The whole move at once (the demo, the command): plan it and run every chunk."""
    job = cadres_move_start(actor=actor, day=day)
    return cadres_move_run(actor=actor, job_id=job.pk)


# --- reads ---------------------------------------------------------------------------------------


def cadres_visible(*, actor: Account) -> QuerySet[Cadre]:
    """City-wide roles and the medical centre see every cadre; a district's staff only the
    cadres their office handles (moved to their district, not kept central by the rule row in
    force today); nobody else any."""
    none = Cadre.objects.none()
    if actor is None or not actor.is_authenticated or actor.kind != Account.Kind.STAFF or actor.office is None:
        return none
    if actor.role in CITY_WIDE or actor.office.kind == Office.Kind.MEDICAL_CENTRE:
        return Cadre.objects.all()
    area = actor.office.area
    if actor.office.kind != Office.Kind.DISTRICT_OFFICE or area.kind == Area.Kind.CITY or area.district_id is None:
        return none
    rule = central_districts(day=timezone.localdate())
    return Cadre.objects.filter(residence_district_id=area.district_id, management=Cadre.Management.DISTRICT).exclude(
        residence_district__code__in=list(rule.district_codes)
    )


def cadre_get(*, actor: Account, cadre_id: int) -> Cadre:
    cadre = (
        cadres_visible(actor=actor).select_related("residence_district", "managing_office").filter(pk=cadre_id).first()
    )
    if cadre is None:
        raise NotFound()
    audit.record(
        actor=actor,
        action="medical.cadre_view",
        subject_type="medical.Cadre",
        subject_id=cadre.pk,
        subject_person=cadre.id_number,
    )
    return cadre


def register() -> None:
    """From the medical app's ``ready()``: the move's job kind and the cadres' items' router."""
    from shebao.cases.services.routing import register_router
    from shebao.core.jobs import job_kinds

    if MOVE_JOB not in job_kinds:
        job_kinds.add(MOVE_KIND)
    for code in CADRE_ITEMS:
        register_router(code, cadre_router)
