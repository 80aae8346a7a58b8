"""Where chunks run: in local worker processes (``LocalExecutor``, the embedded default) or one
Celery task per chunk (``CeleryExecutor``); ``JOB_EXECUTOR`` chooses."""

from __future__ import annotations

import contextlib
import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections

from shebao.core.jobs.chunks import chunk_execute
from shebao.core.jobs.errors import JobTimedOut
from shebao.core.models import JobChunk


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
