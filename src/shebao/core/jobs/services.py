"""Job commands: plan a job and write it with its chunks (``job_create``), run or resume it on
an executor (``job_run``) and settle its status from its chunks."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from shebao.core import audit
from shebao.core.errors import InvalidInput
from shebao.core.jobs.chunks import _jsonable
from shebao.core.jobs.errors import JobNotFound
from shebao.core.jobs.executors import Executor, executor_from_settings
from shebao.core.jobs.kinds import Params, job_kinds
from shebao.core.jobs.selectors import job_progress
from shebao.core.models import Account, Job, JobChunk

MAX_CHUNKS = 100_000  # a plan that needs more chunks asks for a larger chunk size


ProgressCallback = Callable[[dict[str, Any]], None]


def _chunks_of(ranges: Iterable[tuple[int, int]], *, size: int, kind: str) -> list[tuple[int, int]]:
    """Check a plan's ranges and cut them into chunks of at most ``size`` ids."""
    checked: list[tuple[int, int]] = []
    for item in ranges:
        lo, hi = item
        if isinstance(lo, bool) or isinstance(hi, bool) or not isinstance(lo, int) or not isinstance(hi, int):
            raise ValueError(f"plan of job kind {kind!r} returned a non-integer range {item!r}")
        if lo > hi:
            raise ValueError(f"plan of job kind {kind!r} returned an empty range {item!r} (lo > hi)")
        checked.append((lo, hi))
    checked.sort()
    for (_, prev_hi), (lo, _) in itertools.pairwise(checked):
        if lo <= prev_hi:
            raise ValueError(f"plan of job kind {kind!r} returned overlapping ranges at id {lo}")
    count = sum(math.ceil((hi - lo + 1) / size) for lo, hi in checked)
    if count > MAX_CHUNKS:
        raise InvalidInput(
            f"分块过多（{count} 块，上限 {MAX_CHUNKS}），请加大每块的 ID 数",
            f"Too many chunks ({count}, at most {MAX_CHUNKS}): use a larger chunk size",
            field="chunk_size",
        )
    return [(start, min(start + size - 1, hi)) for lo, hi in checked for start in range(lo, hi + 1, size)]


def job_create(
    *, kind: str, params: Params | None = None, actor: Account | None = None, chunk_size: int | None = None
) -> Job:
    """Plan a job of ``kind`` and write it with its chunks, pending, in one transaction.

    A plan with no ids gives a job that is done at once (zero chunks)."""
    job_kind = job_kinds.get(kind)
    clean = _jsonable(params or {}, what="任务参数 / params")
    if not isinstance(clean, dict):
        raise InvalidInput("任务参数必须是键值对", "Job params must be a mapping", field="params")
    size = job_kind.chunk_size if chunk_size is None else chunk_size
    if size < 1:
        raise InvalidInput("每块的 ID 数至少为 1", "Chunk size must be at least 1", field="chunk_size")
    with transaction.atomic():
        chunks = _chunks_of(job_kind.plan(clean), size=size, kind=kind)
        now = timezone.now()
        job = Job.objects.create(
            kind=kind,
            params=clean,
            total_chunks=len(chunks),
            status=Job.Status.PENDING if chunks else Job.Status.DONE,
            finished_at=None if chunks else now,
            created_by=actor if actor is not None and actor.pk else None,
        )
        JobChunk.objects.bulk_create(
            [JobChunk(job=job, index=index, lo=lo, hi=hi) for index, (lo, hi) in enumerate(chunks)], batch_size=1000
        )
        audit.record(
            actor=actor,
            action="job.create",
            subject_type="core.Job",
            subject_id=job.pk,
            after={"kind": kind, "params": clean, "chunks": len(chunks), "chunk_size": size},
        )
    return job


def job_run(*, job_id: int, executor: Executor | None = None, on_progress: ProgressCallback | None = None) -> Job:
    """Run every chunk of the job that is not done (pending, or failed before: a resumption
    retries them) and return the refreshed job. ``on_progress`` receives :func:`job_progress`
    each time a chunk finishes. A job already done is returned as it is.

    Afterwards the job is done when every chunk is, failed when any chunk failed; if the run
    was cut short (timeout, crash) with chunks still pending it stays running, to be resumed.
    """
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        raise JobNotFound(job_id)
    if job.status == Job.Status.DONE:
        return job
    job_kinds.get(job.kind)  # an unknown kind fails here, not once per chunk
    executor = executor or executor_from_settings()
    with transaction.atomic():
        audit.record(
            actor=None,
            action="job.run",
            subject_type="core.Job",
            subject_id=job.pk,
            after={"executor": executor.name, "done": job.done_chunks, "total": job.total_chunks},
        )
        JobChunk.objects.filter(job_id=job.pk, status=JobChunk.Status.FAILED).update(
            status=JobChunk.Status.PENDING, error=""
        )
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, error="", finished_at=None)
        Job.objects.filter(pk=job.pk, started_at__isnull=True).update(started_at=timezone.now())
    chunk_ids = list(
        JobChunk.objects.filter(job_id=job.pk, status=JobChunk.Status.PENDING)
        .order_by("index")
        .values_list("id", flat=True)
    )

    def on_chunk() -> None:
        if on_progress is not None:
            on_progress(job_progress(job_id=job.pk))

    try:
        if chunk_ids:
            executor.run(job_id=job.pk, chunk_ids=chunk_ids, on_chunk=on_chunk)
    finally:
        _job_settle(job_id=job.pk)
    return Job.objects.get(pk=job.pk)


def _job_settle(*, job_id: int) -> None:
    """Set the job's final status from its chunks after a run."""
    counts = JobChunk.objects.filter(job_id=job_id).aggregate(
        failed=Count("id", filter=Q(status=JobChunk.Status.FAILED)),
        pending=Count("id", filter=Q(status=JobChunk.Status.PENDING)),
    )
    now = timezone.now()
    if counts["failed"]:
        Job.objects.filter(pk=job_id).exclude(status=Job.Status.DONE).update(status=Job.Status.FAILED, finished_at=now)
    elif not counts["pending"]:
        # Normally the last chunk already did this; a job whose chunks were all done before
        # the run (a resumption racing another runner) is closed here.
        Job.objects.filter(pk=job_id).exclude(status=Job.Status.DONE).update(status=Job.Status.DONE, finished_at=now)
