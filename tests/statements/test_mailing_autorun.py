"""A mailing run started on the web pages is carried through with nobody at a shell: the
periodic pick-up (Celery beat, or ``shebao serve``'s in-process beat) runs its job and writes
its manifest (issue 14's review: a supervisor's run stayed "pending 0/5" for good)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from shebao.core.jobs import job_run
from shebao.core.models import Job, JobChunk
from shebao.core.schedule import InProcessBeat
from shebao.statements.mailing.models import MailingItem, MailingRun
from shebao.statements.mailing.services import mailing_run_start, mailing_runs_pending_execute
from tests.statements import test_mailing as mailing_tests
from tests.statements.test_mailing_review7 import staff  # noqa: F401  # the demo's staff, a fixture
from tests.web.support import sign_in

pytestmark = pytest.mark.django_db
YEAR = mailing_tests.YEAR
_today_and_files = mailing_tests._today_and_files
people = mailing_tests.people


def _started_on_the_web(client, starter) -> MailingRun:
    sign_in(client, starter)
    response = client.post("/statements/mailing/", {"year": str(YEAR), "district": "420102"})
    assert response.status_code == 302
    run = MailingRun.objects.get()
    assert run.job is not None and run.job.status == Job.Status.PENDING
    return run


def test_the_beat_carries_a_run_started_on_the_web_through_to_its_manifest(client, staff, people):  # noqa: F811
    run = _started_on_the_web(client, staff["supervisor"])
    # the schedule's own entry, run as `shebao serve` runs it (the task from the registry)
    beat = InProcessBeat({"mailing": settings.CELERY_BEAT_SCHEDULE["statements-mailing-runs"]}, clock=lambda: 0.0)
    [outcome] = beat.tick()
    assert outcome.ok and outcome.result == [run.pk]
    run.refresh_from_db()
    assert run.job is not None and run.job.status == Job.Status.DONE
    assert MailingItem.objects.filter(run=run).count() == len(people)
    assert run.manifest_at is not None
    assert Path(run.directory, f"manifest-{YEAR}-{run.pk}.xlsx").exists()
    # the progress page offers the manifest, and the next tick has nothing to do
    page = client.get(f"/statements/mailing/{run.pk}/").content.decode()
    assert f"/statements/mailing/{run.pk}/manifest.xlsx" in page
    assert mailing_runs_pending_execute() == []


def test_a_run_another_runner_has_taken_is_left_to_it(client, staff, people):  # noqa: F811
    run = _started_on_the_web(client, staff["admin"])
    assert run.job is not None
    Job.objects.filter(pk=run.job.pk).update(status=Job.Status.RUNNING)  # a CLI or another worker took it
    assert mailing_runs_pending_execute() == []
    assert not JobChunk.objects.filter(job=run.job).exclude(status=JobChunk.Status.PENDING).exists()
    assert not MailingItem.objects.filter(run=run).exists()


def test_a_finished_run_whose_runner_stopped_before_the_manifest_gets_it(staff, people):  # noqa: F811
    run = mailing_run_start(actor=staff["admin"], year=YEAR)
    assert run.job_id is not None
    job_run(job_id=run.job_id)  # the job alone: a runner stopped before writing the manifest
    assert MailingRun.objects.get(pk=run.pk).manifest_at is None
    assert mailing_runs_pending_execute() == [run.pk]
    run.refresh_from_db()
    assert run.manifest_at is not None and Path(run.directory, f"manifest-{YEAR}-{run.pk}.csv").exists()
