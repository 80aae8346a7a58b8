"""Celery tasks of the pension transfers: the platform job, as ``shebao transfers tick``."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="shebao.pensions.transfers.tasks.platform_tick_task", ignore_result=True)
def platform_tick_task() -> dict[str, int]:
    """Catch up, send the outbox, let the simulated counterpart answer (Celery beat: hourly)."""
    from shebao.pensions.transfers.services import platform_tick

    return platform_tick()
