"""A real Celery worker runs a job's chunks: one task per chunk, results in the chunk rows.

The worker is ``celery -A shebao worker --pool=solo`` in a subprocess, on its own queue, against
the PostgreSQL test database and Redis (and RabbitMQ, when it runs here). It imports this module
through ``-I`` with ``SHEBAO_JOBTEST_WORKER=1`` in its environment, which registers the
test-only job kind there.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from kombu import Exchange, Queue

from shebao.core.jobs import CeleryExecutor, JobTimedOut, job_create, job_progress, job_run
from shebao.core.models import JobChunk
from tests.conftest import require_postgres, require_service
from tests.core.test_jobs import KIND, ROOT, jobtest_kind_register, statuses, subprocess_env, written_ids

WORKER_ENV = "SHEBAO_JOBTEST_WORKER"

BROKERS = {
    "redis": ("Redis", "127.0.0.1", 6379, "redis://127.0.0.1:6379/0"),
    "rabbitmq": ("RabbitMQ", "127.0.0.1", 5672, "amqp://guest:guest@127.0.0.1:5672//"),
}

pytestmark = [pytest.mark.services, pytest.mark.postgres]


def celery_command() -> list[str]:
    script = Path(sys.executable).with_name("celery")
    return [str(script)] if script.exists() else [sys.executable, "-m", "celery"]


@contextlib.contextmanager
def celery_worker(*, broker_url: str, queue: str, log_path: Path) -> Iterator[subprocess.Popen]:
    """A worker consuming only ``queue``; stopped (and its queue deleted) on the way out."""
    log = log_path.open("w")
    command = [
        *celery_command(),
        "-A",
        "shebao",
        "worker",
        "--pool=solo",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
        "-I",
        "tests.core.test_celery_worker",
        "--without-gossip",
        "--without-mingle",
        "-l",
        "INFO",
    ]
    env = subprocess_env(CELERY_BROKER_URL=broker_url, **{WORKER_ENV: "1"})
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        yield proc
    finally:
        proc.terminate()  # warm shutdown; the broker heartbeat keeps it prompt on RabbitMQ
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def client_app(broker_url: str) -> Celery:
    return Celery("shebao-jobtest-client", broker=broker_url, set_as_current=False)


def delete_queue(app: Celery, queue: str) -> None:
    """Remove the test's queue from the broker. Declared first: a Redis channel deletes only
    the bindings it knows, and this connection is new."""
    with app.connection_for_write() as conn:
        bound = Queue(queue, Exchange(queue, type="direct"), routing_key=queue, channel=conn.default_channel)
        bound.declare()
        bound.delete()


def reachable(broker: str) -> str:
    """The broker's URL once it and PostgreSQL are known reachable: skipped on a developer's
    machine without them, failed under CI. Called from fixtures named before
    ``transactional_db``, so nothing is set up for a skipped test."""
    name, host, port, url = BROKERS[broker]
    require_service(name, host, port)
    require_postgres()
    return url


@pytest.fixture(params=sorted(BROKERS))
def broker_url(request) -> str:
    return reachable(request.param)


@pytest.fixture
def redis_url() -> str:
    return reachable("redis")


def test_a_real_celery_worker_runs_every_chunk(broker_url, transactional_db, tmp_path):
    kind = jobtest_kind_register()
    app = client_app(broker_url)
    queue = f"shebao-jobtest-{uuid.uuid4().hex[:12]}"
    try:
        # given a job of five chunks
        tag = uuid.uuid4().hex[:10]
        job = job_create(kind=KIND, params={"tag": tag, "n": 20}, chunk_size=4)
        seen: list[dict[str, Any]] = []
        # when it runs through a worker
        with celery_worker(broker_url=broker_url, queue=queue, log_path=tmp_path / "worker.log") as worker:
            executor = CeleryExecutor(app=app, queue=queue, timeout=45, poll_interval=0.1)
            try:
                job = job_run(job_id=job.pk, executor=executor, on_progress=seen.append)
            except JobTimedOut:
                pytest.fail("worker did not finish the job:\n" + (tmp_path / "worker.log").read_text())
        # then every chunk was done by the worker process, with its result recorded
        assert (job.status, job.done_chunks, job.total_chunks) == ("done", 5, 5)
        assert statuses(job) == ["done"] * 5
        results = list(JobChunk.objects.filter(job=job).order_by("index").values_list("result", flat=True))
        assert results == [{"created": 4, "pid": worker.pid}] * 5
        assert written_ids(tag) == list(range(1, 21))
        # one report per finished chunk, never going back (a poll may see several finish at once)
        done_seen = [p["done"] for p in seen]
        assert len(done_seen) == 5 and done_seen == sorted(done_seen) and done_seen[-1] == 5
        assert job_progress(job_id=job.pk)["percent"] == 100.0
    finally:
        from shebao.core.jobs import job_kinds

        job_kinds.unregister(kind.name)
        delete_queue(app, queue)


def test_the_celery_executor_gives_up_after_its_timeout_leaving_the_job_resumable(redis_url, transactional_db):
    # given a queue no worker consumes
    kind = jobtest_kind_register()
    app = client_app(redis_url)
    queue = f"shebao-jobtest-{uuid.uuid4().hex[:12]}"
    try:
        job = job_create(kind=KIND, params={"tag": uuid.uuid4().hex[:10], "n": 2}, chunk_size=1)
        # when
        with pytest.raises(JobTimedOut) as timed_out:
            job_run(job_id=job.pk, executor=CeleryExecutor(app=app, queue=queue, timeout=0.3, poll_interval=0.05))
        # then the job is still running with both chunks pending, to be waited on again
        job.refresh_from_db()
        assert "2 chunks still pending" in timed_out.value.message_en
        assert job.status == "running" and statuses(job) == ["pending", "pending"]
    finally:
        from shebao.core.jobs import job_kinds

        job_kinds.unregister(kind.name)
        delete_queue(app, queue)


if os.environ.get(WORKER_ENV) == "1":
    # Imported by the worker subprocess (``-I``): it needs the test-only kind too.
    jobtest_kind_register()
