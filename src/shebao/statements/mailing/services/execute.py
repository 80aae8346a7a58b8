"""Carrying a run through: its job to the end, then its manifest. One path for the command line
(``shebao mailing run``) and for the periodic pick-up of the runs started on the web pages,
which nobody is at a shell to run."""

from __future__ import annotations

import logging

from shebao.core.jobs import Executor, ProgressCallback, job_run
from shebao.core.models import Job
from shebao.statements.mailing.models import MailingRun
from shebao.statements.mailing.services.manifest import Manifest, mailing_manifest_write

log = logging.getLogger("shebao.statements.mailing")


def mailing_run_execute(
    *, run: MailingRun, executor: Executor | None = None, on_progress: ProgressCallback | None = None
) -> tuple[Job, Manifest | None]:
    """Run (or resume) ``run``'s job; once every chunk is done, write the address manifest.
    A job left unfinished (a chunk failed, the runner stopped) writes no manifest (None):
    running it again resumes it."""
    if run.job_id is None:  # pragma: no cover - every run is created with its job
        raise ValueError(f"mailing run {run.pk} has no job")
    job = job_run(job_id=run.job_id, executor=executor, on_progress=on_progress)
    manifest = mailing_manifest_write(run=run) if job.status == Job.Status.DONE else None
    return job, manifest


def mailing_runs_pending_execute(*, executor: Executor | None = None) -> list[int]:
    """寄送批次自动执行: every run whose job waits (started on the web, or planned at the command
    line without ``--run``), oldest first, each taken by one runner only (the job moved from
    pending to running by a conditional update: a second beat or worker finds it taken); then
    the manifest of any run whose job finished without one (its runner stopped in between).
    The ids of the runs carried through."""
    carried = []
    for run in MailingRun.objects.filter(job__status=Job.Status.PENDING).order_by("pk"):
        claimed = Job.objects.filter(pk=run.job_id or 0, status=Job.Status.PENDING).update(status=Job.Status.RUNNING)
        if not claimed:
            continue  # another runner took it
        job, _ = mailing_run_execute(run=run, executor=executor)
        log.info("mailing run %s: job %s %s", run.pk, job.pk, job.status)
        carried.append(run.pk)
    for run in MailingRun.objects.filter(job__status=Job.Status.DONE, manifest_at__isnull=True).order_by("pk"):
        mailing_manifest_write(run=run)
        carried.append(run.pk)
    return carried
