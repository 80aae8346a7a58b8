"""Celery tasks of the mailing: a task only calls a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="shebao.statements.mailing.tasks.mailing_runs_pending_task", ignore_result=True)
def mailing_runs_pending_task() -> list[int]:
    """Carry through the mailing runs started on the web (Celery beat and ``shebao serve`` run
    it every 20 seconds): the ids of the runs run or finished."""
    from shebao.statements.mailing.services.execute import mailing_runs_pending_execute

    return mailing_runs_pending_execute()
