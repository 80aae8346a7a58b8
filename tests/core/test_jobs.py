"""The jobs framework: plans, chunks done exactly once, failure and resumption, progress, CLI.

A test-only kind, ``jobtest.rows``, writes one outbox row per id (key ``jobtest:<tag>:<id>``,
unique), so a chunk run twice would raise and a chunk lost would leave a gap we can count.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from shebao.core.errors import InvalidInput
from shebao.core.jobs import (
    JobKind,
    JobKindAlreadyRegistered,
    LocalExecutor,
    UnknownJobKind,
    chunk_execute,
    job_create,
    job_kinds,
    job_progress,
    job_run,
)
from shebao.core.models import AuditEvent, Job, JobChunk, Notification
from tests.conftest import require_postgres

ROOT = Path(__file__).resolve().parents[2]
KIND = "jobtest.rows"
BLOCK_LIMIT = 60.0  # seconds a blocked chunk waits to be killed before it gives up
FAIL_AT: dict[str, int] = {}  # tag -> id whose chunk raises while the entry is present


def _block_once(marker: str) -> None:
    """The first time: leave the marker and hold the chunk's transaction open until killed.
    Once the marker exists (the resumed run), go on."""
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    threading.Event().wait(BLOCK_LIMIT)
    raise RuntimeError("the blocked chunk was not killed")


def _plan(params: dict[str, Any]) -> list[tuple[int, int]]:
    n = int(params["n"])
    return [(1, n)] if n else []


def _run_chunk(*, params: dict[str, Any], lo: int, hi: int) -> dict[str, Any]:
    tag = params["tag"]
    for i in range(lo, hi + 1):
        Notification.objects.create(
            key=f"jobtest:{tag}:{i}", channel="sms", recipient="jobtest", body=str(i), next_attempt_at=timezone.now()
        )
        if FAIL_AT.get(tag) == i:
            raise RuntimeError(f"injected failure at id {i}")
        if params.get("block_at") == i:
            _block_once(params["marker"])
    return {"created": hi - lo + 1, "pid": os.getpid()}


def jobtest_kind_register() -> JobKind:
    """Register the test-only kind (also called in subprocesses that run its chunks)."""
    return job_kinds.add(JobKind(name=KIND, title="测试 / test rows", plan=_plan, run_chunk=_run_chunk))


@pytest.fixture
def jobtest_kind():
    kind = jobtest_kind_register()
    yield kind
    job_kinds.unregister(kind.name)


@pytest.fixture
def postgres_only() -> None:
    """Named before ``transactional_db``: skips (fails under CI) on the SQLite pass before any
    database set-up, since fixtures of one scope are set up in the order they are named."""
    require_postgres()


@pytest.fixture
def tag() -> str:
    # a letter first: the CLI reads a --param value as JSON when it parses, so an all-digit
    # hex draw ("8962031721", about 1 in 110) would come back as a number
    return "t" + uuid.uuid4().hex[:10]


def written_ids(tag: str) -> list[int]:
    keys = Notification.objects.filter(key__startswith=f"jobtest:{tag}:").values_list("key", flat=True)
    return sorted(int(key.rsplit(":", 1)[1]) for key in keys)


def statuses(job: Job) -> list[str]:
    return list(JobChunk.objects.filter(job=job).order_by("index").values_list("status", flat=True))


# --- Registry and planning ------------------------------------------------------------


def test_a_kind_cannot_be_registered_twice(jobtest_kind):
    with pytest.raises(JobKindAlreadyRegistered):
        jobtest_kind_register()


def test_core_registers_its_own_kind_and_no_test_kind_leaks():
    assert "audit.verify" in job_kinds
    assert KIND not in job_kinds


def test_job_create_cuts_the_plan_into_chunks_and_audits(db, jobtest_kind, tag, clerk):
    # when
    job = job_create(kind=KIND, params={"tag": tag, "n": 25}, actor=clerk, chunk_size=10)
    # then
    chunks = list(JobChunk.objects.filter(job=job).values_list("index", "lo", "hi", "status"))
    assert chunks == [(0, 1, 10, "pending"), (1, 11, 20, "pending"), (2, 21, 25, "pending")]
    assert (job.total_chunks, job.done_chunks, job.status, job.created_by) == (3, 0, "pending", clerk)
    event = AuditEvent.objects.get(action="job.create", subject_id=str(job.pk))
    assert event.actor == clerk
    assert event.after["chunks"] == 3


def test_job_create_refuses_an_unknown_kind_and_a_bad_chunk_size(db, jobtest_kind, tag):
    with pytest.raises(UnknownJobKind) as unknown:
        job_create(kind="no.such.kind", params={})
    assert "未知" in unknown.value.message_zh
    with pytest.raises(InvalidInput):
        job_create(kind=KIND, params={"tag": tag, "n": 5}, chunk_size=0)
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("plan", "message"),
    [([(5, 4)], "lo > hi"), ([(1, 10), (10, 20)], "overlapping"), ([(1.5, 3)], "non-integer")],
)
def test_a_plan_with_bad_ranges_is_rejected_before_anything_is_written(db, plan, message):
    job_kinds.add(JobKind(name="jobtest.badplan", title="bad", plan=lambda params: plan, run_chunk=_run_chunk))
    try:
        with pytest.raises(ValueError, match=message):
            job_create(kind="jobtest.badplan", params={})
    finally:
        job_kinds.unregister("jobtest.badplan")
    assert not Job.objects.exists()


def test_an_empty_plan_gives_a_job_done_at_once(db, jobtest_kind, tag):
    job = job_create(kind=KIND, params={"tag": tag, "n": 0})
    assert (job.status, job.total_chunks) == ("done", 0)
    assert job_progress(job_id=job.pk)["percent"] == 100.0
    assert job_run(job_id=job.pk).status == "done"


# --- Running ----------------------------------------------------------------------------


def test_a_job_runs_to_done_with_each_id_processed_once(db, jobtest_kind, tag):
    # given
    job = job_create(kind=KIND, params={"tag": tag, "n": 25}, chunk_size=10)
    seen: list[dict[str, Any]] = []
    # when
    job = job_run(job_id=job.pk, executor=LocalExecutor(processes=1), on_progress=seen.append)
    # then
    assert (job.status, job.done_chunks, job.total_chunks) == ("done", 3, 3)
    assert job.started_at and job.finished_at
    assert written_ids(tag) == list(range(1, 26))
    results = list(JobChunk.objects.filter(job=job).order_by("index").values_list("result", flat=True))
    assert [r["created"] for r in results] == [10, 10, 5]
    assert [(p["done"], p["total"], p["percent"]) for p in seen] == [(1, 3, 33.3), (2, 3, 66.7), (3, 3, 100.0)]
    assert AuditEvent.objects.filter(action="job.done", subject_id=str(job.pk)).count() == 1


def test_progress_counts_done_failed_and_pending_chunks(db, jobtest_kind, tag):
    # given a job of four chunks with one done and one failed
    job = job_create(kind=KIND, params={"tag": tag, "n": 8}, chunk_size=2)
    first, second, *_ = JobChunk.objects.filter(job=job).order_by("index")
    FAIL_AT[tag] = 3
    try:
        assert chunk_execute(chunk_id=first.pk) is True
        with pytest.raises(RuntimeError, match="injected"):
            chunk_execute(chunk_id=second.pk)
    finally:
        FAIL_AT.pop(tag)
    # when
    progress = job_progress(job_id=job.pk)
    # then
    assert {k: progress[k] for k in ("status", "done", "total", "failed", "pending", "percent")} == {
        "status": "failed",
        "done": 1,
        "total": 4,
        "failed": 1,
        "pending": 2,
        "percent": 25.0,
    }


def test_a_done_chunk_is_not_executed_again(db, jobtest_kind, tag):
    # given a chunk already done
    job = job_create(kind=KIND, params={"tag": tag, "n": 4}, chunk_size=2)
    chunk = JobChunk.objects.filter(job=job).order_by("index").first()
    assert chunk_execute(chunk_id=chunk.pk) is True
    # when it is delivered again (a redelivered task, a second runner)
    again = chunk_execute(chunk_id=chunk.pk)
    # then nothing ran: no IntegrityError from a repeated row, counters unchanged
    chunk.refresh_from_db()
    job.refresh_from_db()
    assert again is False
    assert (chunk.status, chunk.attempts, job.done_chunks) == ("done", 1, 1)
    assert written_ids(tag) == [1, 2]


def test_a_failing_chunk_leaves_nothing_and_the_resumed_job_completes_without_duplicates(db, jobtest_kind, tag):
    # given a run in which the middle chunk fails after writing part of its range
    job = job_create(kind=KIND, params={"tag": tag, "n": 25}, chunk_size=10)
    FAIL_AT[tag] = 13
    try:
        job = job_run(job_id=job.pk, executor=LocalExecutor(processes=1))
    finally:
        FAIL_AT.pop(tag)
    # then the failed chunk rolled back wholly (ids 11 and 12 were written before the error)
    assert job.status == "failed"
    assert "chunk 1 failed" in job.error and "injected failure at id 13" in job.error
    assert statuses(job) == ["done", "failed", "done"]
    assert written_ids(tag) == [*range(1, 11), *range(21, 26)]
    failed = JobChunk.objects.get(job=job, index=1)
    assert failed.attempts == 1 and "RuntimeError" in failed.error
    assert AuditEvent.objects.filter(action="job.chunk_failed", subject_id=str(job.pk)).count() == 1
    # when the job is run again
    job = job_run(job_id=job.pk, executor=LocalExecutor(processes=1))
    # then only the failed chunk ran again, and every id is there exactly once
    assert (job.status, job.done_chunks, job.error) == ("done", 3, "")
    assert written_ids(tag) == list(range(1, 26))
    attempts = list(JobChunk.objects.filter(job=job).order_by("index").values_list("attempts", flat=True))
    assert attempts == [1, 2, 1]


def test_the_local_executor_runs_inline_where_workers_could_not_see_the_data(db):
    # inside the test's transaction (and on the in-memory SQLite test database) forked
    # workers would not see the rows: the executor says so and runs chunks in-process
    assert LocalExecutor(processes=4).runs_inline() is True
    assert LocalExecutor(processes=1).runs_inline() is True


# --- Core's audit.verify kind -------------------------------------------------------------


def test_audit_verify_checks_every_event_across_chunks_and_names_an_edited_one(db, clerk):
    # given a chain of events
    from shebao.core import audit

    for i in range(7):
        audit.record(actor=clerk, action="person.view", subject_id=i)
    events = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    # when verified in chunks of 3 events
    job = job_run(job_id=job_create(kind="audit.verify", chunk_size=3).pk, executor=LocalExecutor(processes=1))
    # then every event was checked once and none is bad
    results = [c.result for c in JobChunk.objects.filter(job=job).order_by("index")]
    assert job.status == "done"
    assert sum(r["checked"] for r in results) == len(events)
    assert all(r["bad_count"] == 0 for r in results)
    # given one event edited behind the application's back
    victim = events[4]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_update_delete")
        cursor.execute("UPDATE core_auditevent SET action = 'forged' WHERE id = %s", [victim])
    # when verified again
    job = job_run(job_id=job_create(kind="audit.verify", chunk_size=3).pk, executor=LocalExecutor(processes=1))
    # then exactly that event is named
    bad = [b for c in JobChunk.objects.filter(job=job) for b in c.result["bad"]]
    assert bad == [{"id": victim, "reason": "edited"}]


# --- CLI ------------------------------------------------------------------------------


def test_cli_creates_runs_shows_and_lists_a_job(db, jobtest_kind, tag):
    # when
    out = StringIO()
    call_command("jobs", "create", KIND, "--param", f"tag={tag}", "--param", "n=7", "--chunk-size", "3", stdout=out)
    job = Job.objects.get(kind=KIND)
    call_command("jobs", "run", str(job.pk), "--processes", "1", stdout=out)
    # then
    job.refresh_from_db()
    assert job.params == {"tag": tag, "n": 7}
    assert (job.status, job.done_chunks, job.total_chunks) == ("done", 3, 3)
    assert written_ids(tag) == list(range(1, 8))
    text = out.getvalue()
    assert f"Created job #{job.pk}" in text and "3/3" in text and "done" in text
    shown = StringIO()
    call_command("jobs", "show", str(job.pk), stdout=shown)
    assert "1-3" in shown.getvalue() and '"created": 1' in shown.getvalue()
    listed = StringIO()
    call_command("jobs", "list", stdout=listed)
    assert KIND in listed.getvalue()


def test_cli_maps_refusals_and_failures_to_exit_codes(db, jobtest_kind, tag):
    with pytest.raises(CommandError) as unknown:
        call_command("jobs", "create", "no.such.kind", stdout=StringIO())
    assert unknown.value.returncode == 2 and "Unknown job kind" in str(unknown.value)
    with pytest.raises(CommandError) as missing:
        call_command("jobs", "show", "999999", stdout=StringIO())
    assert missing.value.returncode == 2
    job = job_create(kind=KIND, params={"tag": tag, "n": 4}, chunk_size=2)
    FAIL_AT[tag] = 2
    try:
        with pytest.raises(CommandError) as failed:
            call_command("jobs", "run", str(job.pk), "--processes", "1", stdout=StringIO())
    finally:
        FAIL_AT.pop(tag)
    assert failed.value.returncode == 1 and "injected failure" in str(failed.value)


# --- Real processes (PostgreSQL pass) ---------------------------------------------------------

RUN_SCRIPT = """
import sys
import django
django.setup()
from tests.core.test_jobs import jobtest_kind_register
jobtest_kind_register()
from shebao.cli import main
main(["jobs", "run", sys.argv[1], "--processes", "1"])
"""


def database_url() -> str:
    """The test database (pytest-django's, not the configured one) as a URL for a subprocess."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE="shebao.settings", SHEBAO_ENV="test", DATABASE_URL=database_url(), **extra)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def wait_until(condition, *, timeout: float, what: str) -> None:
    """A bounded poll for a condition another process brings about."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.postgres
def test_a_run_killed_mid_chunk_resumes_without_duplicates_or_gaps(
    postgres_only, transactional_db, jobtest_kind, tag, tmp_path
):
    # given `shebao jobs run` in its own process, stopped dead inside chunk 2 (ids 5-6) after
    # it wrote id 5 in that chunk's open transaction
    marker = tmp_path / "blocked"
    job = job_create(kind=KIND, params={"tag": tag, "n": 10, "block_at": 5, "marker": str(marker)}, chunk_size=2)
    log = (tmp_path / "run.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-c", RUN_SCRIPT, str(job.pk)], cwd=ROOT, env=subprocess_env(), stdout=log, stderr=log
    )
    try:
        wait_until(lambda: marker.exists() or proc.poll() is not None, timeout=30, what="the chunk to block")
        assert marker.exists(), (tmp_path / "run.log").read_text()
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
    # then the two chunks before it are done and the killed one left nothing behind
    job.refresh_from_db()
    assert (job.status, job.done_chunks) == ("running", 2)
    assert statuses(job) == ["done", "done", "pending", "pending", "pending"]
    assert written_ids(tag) == [1, 2, 3, 4]
    # when the job is resumed, in worker processes this time
    job = job_run(job_id=job.pk, executor=LocalExecutor(processes=2))
    # then every id is there exactly once, and no chunk ran twice
    assert (job.status, job.done_chunks) == ("done", 5)
    assert written_ids(tag) == list(range(1, 11))
    assert set(JobChunk.objects.filter(job=job).values_list("attempts", flat=True)) == {1}


@pytest.mark.postgres
def test_the_local_executor_runs_chunks_in_worker_processes(postgres_only, transactional_db, jobtest_kind, tag):
    # given
    job = job_create(kind=KIND, params={"tag": tag, "n": 12}, chunk_size=3)
    executor = LocalExecutor(processes=2)
    assert executor.runs_inline() is False
    seen: list[int] = []
    # when
    job = job_run(job_id=job.pk, executor=executor, on_progress=lambda p: seen.append(p["done"]))
    # then the chunks ran in other processes, each exactly once
    pids = {c.result["pid"] for c in JobChunk.objects.filter(job=job)}
    assert (job.status, job.done_chunks) == ("done", 4)
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    assert written_ids(tag) == list(range(1, 13))
    assert seen[-1] == 4 and seen == sorted(seen)


def test_a_parameter_that_looks_like_a_huge_number_stays_text():
    # a random hex tag such as "82358e1276" parses as a float that overflows to Infinity,
    # which no JSON column accepts: it must stay the text it was
    from shebao.core.management.commands.jobs import _param

    assert _param("tag=82358e1276") == ("tag", "82358e1276")
    assert _param("n=7") == ("n", 7)
    assert _param("rate=0.5") == ("rate", 0.5)
