"""Celery tasks of the core: a task only loads by id and calls a service."""

from __future__ import annotations

from celery import shared_task

from shebao.core.jobs import chunk_execute

CHUNK_TASK_NAME = "shebao.core.tasks.chunk_execute_task"


@shared_task(name=CHUNK_TASK_NAME, ignore_result=True, acks_late=True)
def chunk_execute_task(chunk_id: int) -> bool:
    """Run one job chunk. Safe to deliver twice: :func:`chunk_execute` skips a done chunk, and a
    worker killed mid-chunk leaves nothing behind (the chunk's transaction never committed), so
    the broker's redelivery of an unacknowledged task simply runs it again."""
    return chunk_execute(chunk_id=chunk_id)


@shared_task(name="shebao.core.tasks.notifications_deliver_task", ignore_result=True)
def notifications_deliver_task() -> int:
    """Send the outbox's due messages (Celery beat runs it every minute)."""
    from shebao.core.notify import notifications_deliver

    return notifications_deliver().sent


@shared_task(name="shebao.core.tasks.audit_checkpoint_task", ignore_result=True)
def audit_checkpoint_task() -> int | None:
    """Sign the audit chain's head (Celery beat and ``shebao serve`` run it every ten minutes);
    returns the head's event id, or None for an empty chain."""
    from shebao.core.audit import checkpoint_write

    checkpoint, _created = checkpoint_write()
    return checkpoint.seq if checkpoint else None
