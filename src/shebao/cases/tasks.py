"""Celery tasks of the engine."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="shebao.cases.tasks.sla_scan_task", ignore_result=True)
def sla_scan_task() -> dict[str, int]:
    """Warn of cases due soon and escalate overdue ones (Celery beat: every working hour)."""
    from shebao.cases.services import cases_sla_scan

    return cases_sla_scan()
