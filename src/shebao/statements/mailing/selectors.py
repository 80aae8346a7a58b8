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
from shebao.statements.mailing.services.common import run_starter_area, run_watcher_area

# the job's status as the progress page shows it (not the raw "done")
STATUS_LABELS = {
    "pending": "排队中 / Pending",
    "running": "运行中 / Running",
    "done": "已完成 / Done",
    "failed": "失败 / Failed",
}


def runs_visible(*, actor: Account) -> QuerySet[MailingRun]:
    """Those who start runs and the monitors (``common.run_watcher_area``): city level every
    run; a district's the city-wide runs (their district is in them), the runs of their district
    and those started from it; nobody else any (a window clerk, the card or medical centre)."""
    area = run_watcher_area(actor)
    if area is None:
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
    """A run whose manifest (everyone's name and address) ``actor`` may take: those who start
    runs (not the monitors, who watch the progress only); the city administrator any, a
    district's supervisor only a run of their own district (NotFound otherwise)."""
    run = run_get(actor=actor, run_id=run_id)
    area = run_starter_area(actor)
    if area is None:
        raise NotFound("未找到该寄送批次的邮寄清单", "No manifest of this run for you")
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
    status = str(progress.get("status", ""))
    return {**progress, **counts, "batches": run.batches.count(), "status_label": STATUS_LABELS.get(status, status)}


def delivery_mode_of(*, person: Person) -> str:
    """paper (the default) or electronic."""
    mode = DeliveryPreference.objects.filter(person=person).values_list("mode", flat=True).first()
    return mode or DeliveryPreference.Mode.PAPER
