"""The run's letters laid out in postal order when it starts (MailingSlot): every chunk a full
batch of consecutive letters by postcode and route, a district's run as dense as the city's,
and a run started before the layout still runs by its person-id ranges."""

from __future__ import annotations

import pytest

from shebao.core.jobs import job_create, job_run
from shebao.core.models import Job
from shebao.statements.mailing.models import MailingBatch, MailingItem, MailingRun, MailingSlot
from shebao.statements.mailing.services import JOB_KIND, mailing_run_start
from shebao.statements.mailing.services.runs import _run_directory
from tests.statements import test_mailing as mailing_tests
from tests.web.support import make_person

pytestmark = pytest.mark.django_db
YEAR = mailing_tests.YEAR
_today_and_files = mailing_tests._today_and_files
people = mailing_tests.people
city_clerk = mailing_tests.city_clerk


def test_a_district_run_takes_full_chunks_of_its_own_persons_in_postal_order(
    city_clerk, people, district, other_district
):
    # given the district's six people with people of another district between their ids
    others = [
        make_person(district=other_district, name=f"外区{i}", postcode="430070", delivery_route="070-01")
        for i in range(4)
    ]
    late = make_person(district=district, name="郑七", postcode="430001", delivery_route="001-01")
    # when the district's run starts, two letters a chunk
    run = mailing_run_start(actor=city_clerk, year=YEAR, district_code=district.code, chunk_size=2)
    # then its seven persons are numbered by postcode and route, in four chunks (not one per id pair)
    assert run.postal_order and run.job is not None and run.job.total_chunks == 4
    slots = list(MailingSlot.objects.filter(run=run).order_by("position").values_list("position", "person__name"))
    assert slots == [(1, "郑七"), (2, "吴六"), (3, "李四"), (4, "周五"), (5, "钱二"), (6, "孙三"), (7, "赵一")]
    assert not MailingSlot.objects.filter(run=run, person__in=others).exists()
    # and once run, each batch holds consecutive letters: 2, 2, 2 and 1 pages
    assert job_run(job_id=run.job.pk).status == Job.Status.DONE
    batches = MailingBatch.objects.filter(run=run).order_by("first_id")
    assert [(b.first_id, b.last_id, b.pages) for b in batches] == [(1, 2, 2), (3, 4, 2), (5, 6, 2), (7, 7, 1)]
    assert MailingItem.objects.get(run=run, person=late).batch == batches[0]


def test_a_run_started_before_the_layout_still_runs_by_person_ids(city_clerk, people):
    # given a run as the platform made them before (no slots: chunks are person-id ranges)
    run = MailingRun.objects.create(
        year=YEAR, scope=MailingRun.Scope.ALL, created_by=city_clerk, directory="", postal_order=False
    )
    run.directory = str(_run_directory(year=YEAR, run_id=run.pk))
    run.job = job_create(kind=JOB_KIND, params={"run": run.pk}, actor=city_clerk, chunk_size=3)
    run.save(update_fields=["directory", "job"])
    ids = sorted(p.pk for p in people)
    assert [(c.lo, c.hi) for c in run.job.chunks.order_by("index")] == [(ids[0], ids[0] + 2), (ids[0] + 3, ids[-1])]
    assert not MailingSlot.objects.filter(run=run).exists()
    # when it runs, everyone is mailed once, by id ranges
    assert job_run(job_id=run.job.pk).status == Job.Status.DONE
    assert MailingItem.objects.filter(run=run).count() == len(people)
    assert sorted(MailingBatch.objects.filter(run=run).values_list("first_id", flat=True)) == [ids[0], ids[0] + 3]
