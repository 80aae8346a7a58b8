"""Celery tasks of pensions: a task loads by id or date and calls a service (STYLE.md)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(name="shebao.pensions.tasks.pension_payments_task", ignore_result=True)
def pension_payments_task(month: str | None = None) -> int:
    """Issue this month's pensions (or ``month``'s, YYYY-MM-DD) as a job: chunked over profile
    ids, each chunk once, a killed run resumed by ``shebao jobs run <id>``. Returns the job id."""
    from shebao.core.jobs import job_create, job_run
    from shebao.core.months import month_start
    from shebao.pensions.services import PAYMENTS_JOB

    first = month or month_start(timezone.localdate()).isoformat()
    job = job_create(kind=PAYMENTS_JOB, params={"month": first})
    job_run(job_id=job.pk)
    return job.pk
