"""Celery tasks of contributions."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(name="shebao.contributions.tasks.arrears_mark_task", ignore_result=True)
def arrears_mark_task() -> int:
    """Mark months of bills past due as arrears (Celery beat: daily)."""
    from shebao.contributions.services import arrears_mark

    return arrears_mark(as_of=timezone.localdate())
