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

By concern: ``kinds`` (the registry of job kinds), ``services`` (create and run a job),
``chunks`` (one chunk exactly once), ``executors`` (local and Celery), ``selectors``
(progress and listings), ``errors`` and ``audit_verify`` (core's own kind, registered on
import). Callers import from the package: its public names are re-exported here.
"""

from shebao.core.jobs.audit_verify import (
    AUDIT_VERIFY,
)
from shebao.core.jobs.chunks import (
    ERROR_TAIL,
    chunk_execute,
)
from shebao.core.jobs.errors import (
    ChunkNotFound,
    JobNotFound,
    JobTimedOut,
)
from shebao.core.jobs.executors import (
    CeleryExecutor,
    Executor,
    LocalExecutor,
    executor_from_settings,
)
from shebao.core.jobs.kinds import (
    DEFAULT_CHUNK_SIZE,
    ChunkRunner,
    JobKind,
    JobKindAlreadyRegistered,
    JobKindRegistry,
    Params,
    UnknownJobKind,
    id_span,
    job_kinds,
)
from shebao.core.jobs.selectors import (
    job_chunk_list,
    job_get,
    job_list,
    job_progress,
)
from shebao.core.jobs.services import (
    MAX_CHUNKS,
    ProgressCallback,
    job_create,
    job_run,
)

__all__ = [
    "AUDIT_VERIFY",
    "DEFAULT_CHUNK_SIZE",
    "ERROR_TAIL",
    "MAX_CHUNKS",
    "CeleryExecutor",
    "ChunkNotFound",
    "ChunkRunner",
    "Executor",
    "JobKind",
    "JobKindAlreadyRegistered",
    "JobKindRegistry",
    "JobNotFound",
    "JobTimedOut",
    "LocalExecutor",
    "Params",
    "ProgressCallback",
    "UnknownJobKind",
    "chunk_execute",
    "executor_from_settings",
    "id_span",
    "job_chunk_list",
    "job_create",
    "job_get",
    "job_kinds",
    "job_list",
    "job_progress",
    "job_run",
]
