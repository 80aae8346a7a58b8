"""Reads of the mailing: the runs a staff member may follow, one run's progress and counts, a
person's delivery preference."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from shebao.core.errors import NotFound
from shebao.core.jobs import job_progress
from shebao.core.models import Account, Area
from shebao.registry.models import Person
from shebao.statements.mailing.models import DeliveryPreference, MailingItem, MailingRun
from shebao.statements.mailing.services import MAILING_ROLES, _staff_area


def runs_visible(*, actor: Account) -> QuerySet[MailingRun]:
    """City staff follow every run; a district's staff the city-wide runs (their district is in
    them), the runs of their district and those started from it; nobody else any."""
    area = _staff_area(actor)
    if area is None or actor.role not in MAILING_ROLES:
        return MailingRun.objects.none()
    runs = MailingRun.objects.select_related("job", "district", "created_by")
    if area.kind == Area.Kind.CITY:
        return runs
    return runs.filter(
        Q(scope=MailingRun.Scope.ALL)
        | Q(district_id=area.district_id)
        | Q(created_by__office__area__district_id=area.district_id)
    )


def run_manifest_get(*, actor: Account, run_id: int) -> MailingRun:
    """A run whose manifest (everyone's name and address) ``actor`` may take: city staff any,
    a district's staff only a run of their own district (NotFound otherwise)."""
    run = run_get(actor=actor, run_id=run_id)
    area = _staff_area(actor)
    assert area is not None  # run_get found the run, so the actor is staff
    if area.kind != Area.Kind.CITY and (run.district_id is None or run.district_id != area.district_id):
        raise NotFound("未找到该寄送批次的邮寄清单", "No manifest of this run for you")
    return run


def run_get(*, actor: Account, run_id: int) -> MailingRun:
    run = runs_visible(actor=actor).filter(pk=run_id).first()
    if run is None:
        raise NotFound("未找到该寄送批次", "No such mailing run")
    return run


def run_progress(*, run: MailingRun) -> dict[str, Any]:
    """The job's progress with the run's counts (paper, electronic, batches, returned)."""
    progress = job_progress(job_id=run.job_id) if run.job_id else {"status": "pending", "percent": 0.0}
    counts = MailingItem.objects.filter(run=run).aggregate(
        paper=Count("id", filter=Q(delivery=MailingItem.Delivery.PAPER)),
        electronic=Count("id", filter=Q(delivery=MailingItem.Delivery.ELECTRONIC)),
        returned=Count("returned"),
    )
    return {**progress, **counts, "batches": run.batches.count()}


def delivery_mode_of(*, person: Person) -> str:
    """paper (the default) or electronic."""
    mode = DeliveryPreference.objects.filter(person=person).values_list("mode", flat=True).first()
    return mode or DeliveryPreference.Mode.PAPER
