"""One chunk run exactly once: its work, its ``done`` mark and the job's count in one
transaction under the chunk's row lock; a failure recorded after that transaction rolled back."""

from __future__ import annotations

import json
import traceback
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shebao.core import audit
from shebao.core.errors import InvalidInput
from shebao.core.jobs.errors import ChunkNotFound
from shebao.core.jobs.kinds import job_kinds
from shebao.core.models import Job, JobChunk

ERROR_TAIL = 4000  # characters of a failed chunk's traceback kept on its row


def _jsonable(value: Any, *, what: str) -> Any:
    """The value as it will read back from a JSON column (Decimal and dates become text)."""
    try:
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{what}必须可以保存为 JSON", f"{what} must be JSON-serialisable: {exc}") from exc


def chunk_execute(*, chunk_id: int) -> bool:
    """Run one chunk exactly once. Returns False if it was already done (nothing is run).

    In one transaction: lock the chunk row, run the kind's ``run_chunk``, mark the chunk done
    with its result and add one to the job's ``done_chunks`` (with ``F()``, so concurrent
    chunks never lose a count); the chunk that completes the job marks it done. If the work
    raises, that transaction rolls back — nothing of the chunk remains — and a second one marks
    the chunk failed with the error, counts the attempt and marks the job failed; the original
    exception is then re-raised. A killed process simply never commits.
    """
    try:
        with transaction.atomic():
            try:
                chunk = JobChunk.objects.select_for_update().get(pk=chunk_id)
            except JobChunk.DoesNotExist:
                raise ChunkNotFound(chunk_id) from None
            if chunk.status == JobChunk.Status.DONE:
                return False
            job = Job.objects.only("id", "kind", "params", "total_chunks").get(pk=chunk.job_id)
            outcome = job_kinds.get(job.kind).run_chunk(params=job.params, lo=chunk.lo, hi=chunk.hi)
            result = _jsonable({} if outcome is None else outcome, what="任务块结果 / chunk result")
            if not isinstance(result, dict):
                raise TypeError(f"run_chunk of {job.kind!r} returned {type(outcome).__name__}, not a dict")
            now = timezone.now()
            JobChunk.objects.filter(pk=chunk.pk).update(
                status=JobChunk.Status.DONE, result=result, error="", done_at=now, attempts=F("attempts") + 1
            )
            Job.objects.filter(pk=job.pk).update(done_chunks=F("done_chunks") + 1)
            completed = (
                Job.objects.filter(pk=job.pk, done_chunks__gte=F("total_chunks"))
                .exclude(status=Job.Status.DONE)
                .update(status=Job.Status.DONE, finished_at=now, error="")
            )
            if completed:
                audit.record(
                    actor=None,
                    action="job.done",
                    subject_type="core.Job",
                    subject_id=job.pk,
                    after={"kind": job.kind, "chunks": job.total_chunks},
                )
        return True
    except ChunkNotFound:
        raise
    except Exception as exc:
        _chunk_fail(chunk_id=chunk_id, exc=exc, detail=traceback.format_exc())
        raise


def _chunk_fail(*, chunk_id: int, exc: Exception, detail: str) -> None:
    """Record a failed attempt, after the attempt's own transaction has rolled back."""
    row = JobChunk.objects.filter(pk=chunk_id).values("job_id", "index").first()
    if row is None:
        return
    message = f"{type(exc).__name__}: {exc}"[:500]
    with transaction.atomic():
        # The audit lock first, then the rows: the order a running chunk takes them in.
        audit.record(
            actor=None,
            action="job.chunk_failed",
            subject_type="core.Job",
            subject_id=row["job_id"],
            after={"chunk": row["index"], "error": message},
        )
        failed = (
            JobChunk.objects.filter(pk=chunk_id)
            .exclude(status=JobChunk.Status.DONE)
            .update(status=JobChunk.Status.FAILED, error=detail[-ERROR_TAIL:], attempts=F("attempts") + 1)
        )
        if failed:
            Job.objects.filter(pk=row["job_id"]).exclude(status=Job.Status.DONE).update(
                status=Job.Status.FAILED, error=f"第 {row['index']} 块失败 / chunk {row['index']} failed: {message}"
            )
