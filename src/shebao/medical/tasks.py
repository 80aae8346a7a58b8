"""Background jobs of medical insurance."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="medical.cadres_move")
def cadres_move() -> dict[str, Any]:
    from shebao.medical.cadres import cadres_move_to_districts

    report = cadres_move_to_districts(actor=None)
    return {"day": report.day.isoformat(), "per_district": report.per_district, "total": report.total}


@shared_task(name="medical.payments_retry")
def payments_retry() -> int:
    from shebao.medical.services import payments_retry as retry

    return retry()
