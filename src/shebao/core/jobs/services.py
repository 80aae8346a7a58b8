"""Bulk work as jobs: a plan of id ranges, run chunk by chunk, each chunk wholly or not at all.

A *job kind* is registered by the app that owns the work (from its ``AppConfig.ready()``): it
plans id ranges from the job's parameters and runs one range at a time. The core imports no
domain app; it only knows the kinds that were registered into :data:`job_kinds`.

Invariant: a chunk's work, its ``done`` mark and the job's ``done_chunks`` increment commit in
one transaction, under a row lock on the chunk. So a chunk is done exactly once: a run killed
at any point leaves each chunk either done (and never run again) or untouched, and
:func:`job_run` on the same job resumes with the rest — no duplicate, no gap.

Executors decide where chunks run: :class:`LocalExecutor` (local worker processes, the embedded
default) or :class:`CeleryExecutor` (one Celery task per chunk, on as many workers as needed).

Auditing: creating a job, each run (or resumption), a failed chunk and the job's completion are
audit events. A successful chunk is recorded in its own row (result, time, attempts); the
records a kind changes carry the kind's own audit events.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import multiprocessing
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from shebao.core import audit
from shebao.core.errors import InvalidInput, NotFound, ShebaoError
from shebao.core.models import Account, AuditEvent, Job, JobChunk
from shebao.core.registry import AlreadyRegistered, Registry

DEFAULT_CHUNK_SIZE = 1000
MAX_CHUNKS = 100_000  # a plan that needs more chunks asks for a larger chunk size
ERROR_TAIL = 4000  # characters of a failed chunk's traceback kept on its row

Params = dict[str, Any]
ProgressCallback = Callable[[dict[str, Any]], None]


# --- Registry of job kinds ------------------------------------------------------------


class ChunkRunner(Protocol):
    def __call__(self, *, params: Params, lo: int, hi: int) -> dict[str, Any]:
        """Do the work for ids ``lo``..``hi`` (inclusive) and return a JSON-able summary. Runs
        inside the chunk's transaction: write with the ORM, never commit yourself."""
        ...


@dataclass(frozen=True)
class JobKind:
    """One kind of bulk work.

    ``plan(params)`` returns the id ranges ``(lo, hi)`` (``lo <= hi``, not overlapping) that
    cover the work; :func:`job_create` cuts them into chunks of at most ``chunk_size`` ids.
    ``run_chunk`` must be idempotent over its range only in the sense the core guarantees: it
    runs inside the chunk's transaction, so it is never seen half done.
    """

    name: str
    title: str
    plan: Callable[[Params], list[tuple[int, int]]]
    run_chunk: ChunkRunner
    chunk_size: int = DEFAULT_CHUNK_SIZE


class JobKindAlreadyRegistered(AlreadyRegistered):
    """Two kinds with one name: a wiring bug, raised at start-up."""


class UnknownJobKind(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(f"未知的任务类别：{name}", f"Unknown job kind: {name}", field="kind")


class JobKindRegistry(Registry[str, JobKind]):
    """The kinds this process knows, by name. Domain apps fill it from ``AppConfig.ready()``
    with :meth:`add`; a name asked for that nobody registered is bad input (a CLI argument)."""

    def add(self, kind: JobKind) -> JobKind:
        return self.register(kind.name, kind)

    def duplicate(self, key: str) -> Exception:
        return JobKindAlreadyRegistered(self.name, key)

    def missing(self, key: str) -> Exception:
        return UnknownJobKind(key)

    def all(self) -> list[JobKind]:
        return sorted(self.values(), key=lambda kind: kind.name)


job_kinds = JobKindRegistry("job kinds")


# --- Errors ---------------------------------------------------------------------------


class ChunkNotFound(NotFound):
    def __init__(self, chunk_id: int) -> None:
        super().__init__(f"任务块 #{chunk_id} 不存在", f"Job chunk #{chunk_id} does not exist")


class JobNotFound(NotFound):
    def __init__(self, job_id: int) -> None:
        super().__init__(f"任务 #{job_id} 不存在", f"Job #{job_id} does not exist")


class JobTimedOut(ShebaoError):
    """Chunks were still pending when the executor stopped waiting; they may yet finish."""

    status = 504
    code = "job_timeout"


# --- Helpers --------------------------------------------------------------------------


def _jsonable(value: Any, *, what: str) -> Any:
    """The value as it will read back from a JSON column (Decimal and dates become text)."""
    try:
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{what}必须可以保存为 JSON", f"{what} must be JSON-serialisable: {exc}") from exc


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


def id_span(queryset: Any) -> list[tuple[int, int]]:
    """The plan most kinds need: one range from the smallest to the largest id of a queryset
    (empty when it has no rows). Gaps in the ids cost nothing: a chunk over a gap does nothing."""
    span = queryset.aggregate(lo=Min("id"), hi=Max("id"))
    return [] if span["lo"] is None else [(span["lo"], span["hi"])]


# --- Services -------------------------------------------------------------------------


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


# --- Executors ------------------------------------------------------------------------


class Executor(Protocol):
    """Where chunks run. ``run`` returns when every given chunk is done or failed, calling
    ``on_chunk()`` in the calling process after each one finishes."""

    name: str

    def run(self, *, job_id: int, chunk_ids: Sequence[int], on_chunk: Callable[[], None]) -> None: ...


def _worker_init() -> None:
    """Pool worker start-up: a forked worker already has Django; a spawned one sets it up."""
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _worker_execute(chunk_id: int) -> tuple[str, str]:
    """Run one chunk in a pool worker. Returns (outcome, error text) rather than raising, since
    domain errors do not all survive pickling back to the parent; the failure is on the row."""
    try:
        return ("done" if chunk_execute(chunk_id=chunk_id) else "skipped", "")
    except Exception as exc:
        return ("failed", f"{type(exc).__name__}: {exc}")


class LocalExecutor:
    """Chunks in local worker processes (``concurrent.futures.ProcessPoolExecutor``).

    The parent closes its database connections before the pool forks, so no worker shares a
    connection; each worker opens its own and calls :func:`chunk_execute` by id.

    It runs the chunks *inline*, one after another in the current process, when
    ``processes <= 1``, when the database is an in-memory SQLite database (the test database:
    another process cannot see it), or when the caller is inside a transaction (the workers
    could not see its uncommitted rows). :meth:`runs_inline` says which.

    Workers are forked where the platform allows (they inherit the registered job kinds and
    the settings as they are); elsewhere they are spawned and set Django up afresh, so then
    only the kinds registered by the apps' ``ready()`` exist in them.
    """

    name = "local"

    def __init__(self, *, processes: int | None = None) -> None:
        self.processes = settings.JOB_LOCAL_PROCESSES if processes is None else processes

    def runs_inline(self) -> bool:
        connection = connections[DEFAULT_DB_ALIAS]
        in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()  # type: ignore[attr-defined]  # SQLite's wrapper only
        return self.processes <= 1 or in_memory or connection.in_atomic_block

    def run(self, *, job_id: int, chunk_ids: Sequence[int], on_chunk: Callable[[], None]) -> None:
        if self.runs_inline() or len(chunk_ids) == 1:
            for chunk_id in chunk_ids:
                # A failure is recorded on the chunk's row; go on with the rest.
                with contextlib.suppress(Exception):
                    chunk_execute(chunk_id=chunk_id)
                on_chunk()
            return
        connections.close_all()
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with ProcessPoolExecutor(
            max_workers=min(self.processes, len(chunk_ids)), mp_context=context, initializer=_worker_init
        ) as pool:
            # Submitted all at once: a fork pool starts every worker at the first submit, before
            # this process opens a new connection to report progress.
            futures = [pool.submit(_worker_execute, chunk_id) for chunk_id in chunk_ids]
            for future in as_completed(futures):
                future.result()
                on_chunk()


class CeleryExecutor:
    """One Celery task per chunk (:func:`shebao.core.tasks.chunk_execute_task`), then wait,
    reading progress from the database, until every chunk is done or failed.

    Raises :class:`JobTimedOut` after ``timeout`` seconds; the tasks stay queued and the job
    can be waited on again with :func:`job_run`. Must be called outside a transaction: the
    workers read the chunk rows from their own connections.
    """

    name = "celery"

    def __init__(
        self, *, app: Any = None, queue: str | None = None, timeout: float = 3600.0, poll_interval: float = 0.25
    ) -> None:
        self.app = app
        self.queue = queue
        self.timeout = timeout
        self.poll_interval = poll_interval

    def _app(self) -> Any:
        if self.app is not None:
            return self.app
        from shebao.celery import app  # the project's app, configured from settings

        return app

    def run(self, *, job_id: int, chunk_ids: Sequence[int], on_chunk: Callable[[], None]) -> None:
        from shebao.core.tasks import CHUNK_TASK_NAME

        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            raise RuntimeError("CeleryExecutor must run outside a transaction: workers cannot see uncommitted rows")
        app = self._app()
        with app.producer_or_acquire() as producer:
            for chunk_id in chunk_ids:
                app.send_task(CHUNK_TASK_NAME, args=[chunk_id], queue=self.queue, producer=producer)
        wanted = set(chunk_ids)
        reported = 0
        deadline = time.monotonic() + self.timeout
        while True:
            pending = JobChunk.objects.filter(job_id=job_id, status=JobChunk.Status.PENDING).values_list(
                "id", flat=True
            )
            finished = len(wanted - set(pending))
            for _ in range(finished - reported):
                on_chunk()
            reported = max(reported, finished)
            if finished >= len(wanted):
                return
            if time.monotonic() >= deadline:
                raise JobTimedOut(
                    f"任务 #{job_id} 等待超时：{len(wanted) - finished} 块仍未完成",
                    f"Job #{job_id} timed out with {len(wanted) - finished} chunks still pending",
                )
            time.sleep(self.poll_interval)


def executor_from_settings(*, name: str | None = None, processes: int | None = None) -> Executor:
    """The executor named by ``JOB_EXECUTOR`` (``local`` or ``celery``), or by ``name``."""
    chosen = name or settings.JOB_EXECUTOR
    if chosen == "local":
        return LocalExecutor(processes=processes)
    if chosen == "celery":
        return CeleryExecutor()
    raise ImproperlyConfigured(f"JOB_EXECUTOR must be 'local' or 'celery', not {chosen!r}")


# --- Selectors ------------------------------------------------------------------------


def job_progress(*, job_id: int) -> dict[str, Any]:
    """Status and chunk counts of a job, for progress bars and pages."""
    job = (
        Job.objects.filter(pk=job_id)
        .values("id", "kind", "status", "done_chunks", "total_chunks", "error", "started_at", "finished_at")
        .first()
    )
    if job is None:
        raise JobNotFound(job_id)
    failed = JobChunk.objects.filter(job_id=job_id, status=JobChunk.Status.FAILED).count()
    done, total = job["done_chunks"], job["total_chunks"]
    percent = round(100 * done / total, 1) if total else (100.0 if job["status"] == Job.Status.DONE else 0.0)
    return {
        "job_id": job["id"],
        "kind": job["kind"],
        "status": job["status"],
        "done": done,
        "total": total,
        "failed": failed,
        "pending": total - done - failed,
        "percent": percent,
        "error": job["error"],
        "started_at": job["started_at"],
        "finished_at": job["finished_at"],
    }


def job_get(*, job_id: int) -> Job:
    job = Job.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None:
        raise JobNotFound(job_id)
    return job


def job_list(*, limit: int = 50) -> list[Job]:
    """The latest jobs, newest first."""
    return list(Job.objects.order_by("-id")[:limit])


def job_chunk_list(*, job_id: int) -> list[JobChunk]:
    return list(JobChunk.objects.filter(job_id=job_id).order_by("index"))


# --- Core's own kind: the audit chain verified in parallel ----------------------------


def _audit_verify_plan(params: Params) -> list[tuple[int, int]]:
    """From the first event to the last event or the last checkpoint's event, whichever is
    later (a truncated tail leaves checkpoints beyond the last event)."""
    from shebao.core.models import AuditCheckpoint

    span = id_span(AuditEvent.objects.all())
    last_seq = AuditCheckpoint.objects.aggregate(hi=Max("seq"))["hi"]
    if last_seq is None:
        return span
    lo, hi = span[0] if span else (last_seq, last_seq)
    return [(min(lo, last_seq), max(hi, last_seq))]


def _audit_verify_chunk(*, params: Params, lo: int, hi: int) -> dict[str, Any]:
    """Check the events with ids in [lo, hi]: each one's hash, and that its ``prev_hash`` is
    the hash of the event just before it (read across the chunk's lower edge), and the signed
    checkpoints of that range. Every link of the chain is checked by exactly one chunk, so the
    chunks together check the chain as the serial ``audit.verify`` does — but they report every
    bad event, not only the first."""
    expected = (
        AuditEvent.objects.filter(id__lt=lo).order_by("-id").values_list("hash", flat=True).first() or audit.GENESIS
    )
    checked = 0
    bad: list[dict[str, Any]] = []
    for event in AuditEvent.objects.filter(id__gte=lo, id__lte=hi).order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != expected:
            bad.append({"id": event.pk, "reason": "broken"})  # an event before it deleted or reordered
        elif audit.event_hash(event) != event.hash:
            bad.append({"id": event.pk, "reason": "edited"})
        expected = event.hash
        checked += 1
    bad += _audit_checkpoints_check(lo=lo, hi=hi)
    return {"checked": checked, "bad_count": len(bad), "bad": bad[:50]}


def _audit_checkpoints_check(*, lo: int, hi: int) -> list[dict[str, Any]]:
    """The signed checkpoints whose event lies in [lo, hi]: each one's signature, and that its
    event is still there with the hash it signed (a truncated tail, a rewritten chain). The
    checks of the checkpoints among themselves and against their file are ``audit.verify``'s."""
    from shebao.core.audit.anchor import Anchor
    from shebao.core.models import AuditCheckpoint

    bad: list[dict[str, Any]] = []
    checkpoints = list(AuditCheckpoint.objects.filter(seq__gte=lo, seq__lte=hi).order_by("seq"))
    hashes = dict(AuditEvent.objects.filter(id__in=[c.seq for c in checkpoints]).values_list("id", "hash"))
    for checkpoint in checkpoints:
        if not Anchor.of(checkpoint).signature_ok():
            reason = "checkpoint_forged"
        elif checkpoint.seq not in hashes:
            reason = "checkpoint_event_gone"  # truncated, or deleted under the checkpoint
        elif hashes[checkpoint.seq] != checkpoint.event_hash:
            reason = "checkpoint_rewritten"
        else:
            continue
        bad.append({"id": checkpoint.seq, "reason": reason, "checkpoint": checkpoint.pk})
    return bad


AUDIT_VERIFY = JobKind(
    name="audit.verify",
    title="审计链校验 / Audit chain verification",
    plan=_audit_verify_plan,
    run_chunk=_audit_verify_chunk,
    chunk_size=20_000,
)

# Core's own kinds are registered with the module; domain apps register in AppConfig.ready().
job_kinds.add(AUDIT_VERIFY)
