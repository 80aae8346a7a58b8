"""Reads of jobs: a job's progress (for progress bars, pages and the CLI), one job, the latest
jobs, a job's chunks."""

from __future__ import annotations

from typing import Any

from shebao.core.jobs.errors import JobNotFound
from shebao.core.models import Job, JobChunk


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
