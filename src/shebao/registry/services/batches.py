"""Idempotent batches for the employers' VIP batch API: a batch sent twice under the same key
is written once, and the repeat gets the first answer (``BatchSubmission``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from shebao.core.errors import Conflict, InvalidInput
from shebao.core.models import Account
from shebao.registry.models import BatchSubmission, Unit
from shebao.registry.services.common import unit_authorise


def _replay(row: BatchSubmission, *, kind: str, digest: str) -> dict[str, Any]:
    if row.kind != kind or row.digest != digest:
        raise Conflict(
            "该批次号已用于另一批内容不同的申报", "This batch key was used for a different batch", field="key"
        )
    return dict(row.result)


def batch_once(
    *,
    actor: Account,
    unit: Unit,
    key: str,
    kind: str,
    digest: str,
    run: Callable[[], tuple[dict[str, Any], bool]],
) -> tuple[dict[str, Any], bool]:
    """Run ``run`` (which returns its per-row result and whether it wrote anything) once per
    (unit, key): a batch that wrote is kept with its result in the same transaction, so a
    repeat — sequential or concurrent — returns that result (``True``: replayed) and writes
    nothing; the same key with other content is a conflict (409)."""
    unit_authorise(actor=actor, unit=unit)
    key = (key or "").strip()
    if not 1 <= len(key) <= 64:
        raise InvalidInput("批次号应为 1 至 64 个字符", "The batch key is 1-64 characters", field="key")
    first = BatchSubmission.objects.filter(unit=unit, key=key).first()
    if first is not None:
        return _replay(first, kind=kind, digest=digest), True
    try:
        with transaction.atomic():
            result, written = run()
            if written:
                BatchSubmission.objects.create(
                    unit=unit, key=key, kind=kind, digest=digest, result=result, created_by=actor
                )
    except IntegrityError:
        # the same key committed by a concurrent request between our look-up and insert
        first = BatchSubmission.objects.filter(unit=unit, key=key).first()
        if first is None:
            raise
        return _replay(first, kind=kind, digest=digest), True
    return result, False
