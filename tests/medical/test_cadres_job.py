"""The cadres' move as a core.jobs job: chunked over cadre ids, a run killed halfway (one chunk
committed, the next dying after its first cadre) and resumed reassigns each cadre exactly once
and reports the count per district; the staff page (city administrators and monitors) starts it,
shows its progress and resumes it; nobody else may. A moved cadre's open case at the centre goes
to their district office with its clock unchanged, once (a chunk that dies moves nothing; a
rerun moves nothing again)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from shebao.core.jobs import chunk_execute, job_chunk_list
from shebao.core.models import AuditEvent, Job
from shebao.medical.cadres import cadres_move_report, cadres_move_run, cadres_move_start
from shebao.medical.models import Cadre
from tests.medical.test_cadres import (  # noqa: F401  (the fixtures "cadres", "huangpi", "huangpi_office", "medical_centre")
    cadres_fixture,
    huangpi_fixture,
    huangpi_office_fixture,
    medical_centre,
)
from tests.web.support import sign_in

DAY = dt.date(2026, 12, 1)
ENGINE_DAY = dt.date(2026, 2, 10)  # the engine fixture's clock (Tue 10 Feb 2026): a move is never planned after today


class Died(Exception):
    """The process dying in the middle of a chunk."""


def test_a_move_killed_halfway_and_resumed_reassigns_each_cadre_exactly_once(cadres, monkeypatch):
    # ids of 5 cadres in chunks of 2: [0, 1] [2, 3] [4]
    job = cadres_move_start(actor=None, day=DAY, chunk_size=2)
    chunks = job_chunk_list(job_id=job.pk)
    assert [(c.lo, c.hi) for c in chunks] == [
        (cadres[0].pk, cadres[1].pk),
        (cadres[2].pk, cadres[3].pk),
        (cadres[4].pk, cadres[4].pk),
    ]
    saved: Counter[int] = Counter()
    real_save = Cadre.save
    dying = {"on": cadres[3].pk}

    def save(self, *args, **kwargs):
        if self.pk == dying["on"]:
            raise Died("killed")
        saved[self.pk] += 1
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Cadre, "save", save)
    assert chunk_execute(chunk_id=chunks[0].pk)  # the first chunk commits
    halfway = cadres_move_report(actor=None, job_id=job.pk)
    assert (halfway.per_district, halfway.done, halfway.chunks) == ({"420102": 2}, 1, 3)
    with pytest.raises(Died):
        chunk_execute(chunk_id=chunks[1].pk)  # dies after saving cadres[2]: its save is rolled back
    assert Cadre.objects.get(pk=cadres[2].pk).management == Cadre.Management.CENTRAL
    committed = Counter({cadres[0].pk: 1, cadres[1].pk: 1})
    saved.clear()

    dying["on"] = None  # the process is restarted: the run resumes
    report = cadres_move_run(actor=None, job_id=job.pk)
    # the resumption saved only the cadres of the two chunks not done, each once
    assert saved == Counter({cadres[2].pk: 1, cadres[3].pk: 1, cadres[4].pk: 1})
    assert committed + saved == Counter({c.pk: 1 for c in cadres})
    assert report.status == Job.Status.DONE and (report.done, report.chunks) == (3, 3)
    # by hand: 江岸 0, 1, 2 → 3; 武昌 3 → 1; 黄陂 4 kept central → 1
    assert report.per_district == {"420102": 3, "420106": 1, "central": 1} and report.total == 5
    assert Cadre.objects.filter(management=Cadre.Management.DISTRICT, split_on=DAY).count() == 4
    assert AuditEvent.objects.filter(action="job.chunk_failed", subject_id=job.pk).count() == 1
    # the same job run again does nothing; a new run finds nobody to reassign
    saved.clear()
    assert cadres_move_run(actor=None, job_id=job.pk).per_district == report.per_district and not saved
    again = cadres_move_start(actor=None, day=DAY + dt.timedelta(days=1), chunk_size=2)
    assert cadres_move_run(actor=None, job_id=again.pk).total == 0 and not saved


def test_the_job_keeps_the_rule_row_it_was_started_with(cadres):
    from shebao.medical.models import CentralDistrictsRule

    job = cadres_move_start(actor=None, day=DAY)
    row = CentralDistrictsRule.objects.get(region="wuhan")
    row.district_codes = [*row.district_codes, "420106"]  # changed while the job waits
    row.save()
    report = cadres_move_run(actor=None, job_id=job.pk)
    assert report.per_district == {"420102": 3, "420106": 1, "central": 1}  # 武昌 moved: the job's rule
    assert report.rule_ref == row.ref


def test_the_page_starts_the_move_shows_the_count_per_district_and_audits_the_run(client, cadres, monitor):
    sign_in(client, monitor)
    assert 'href="/medical/cadres/move/"' in client.get("/medical/cadres/").content.decode()
    assert client.get("/medical/cadres/move/").status_code == 200
    response = client.post("/medical/cadres/move/", {"day": "2026-12-01"})
    job = Job.objects.get(kind="medical.cadres_move")
    assert response.status_code == 302 and response["Location"] == f"/medical/cadres/move/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "江岸区" in page and "武昌区" in page and "done" in page
    assert '<td id="move-total">' not in page and 'id="move-total">5<' in page
    event = AuditEvent.objects.get(action="medical.cadres_move")
    assert event.actor_id == monitor.pk and event.subject_id == str(job.pk)
    listing = client.get("/medical/cadres/move/").content.decode()
    assert f"#{job.pk}" in listing


def test_the_page_refuses_a_bad_day_and_writes_nothing(client, cadres, admin_user):
    sign_in(client, admin_user)
    response = client.post("/medical/cadres/move/", {"day": "2026-13-01"})
    assert response.status_code == 422 and "YYYY-MM-DD" in response.content.decode()
    assert not Job.objects.filter(kind="medical.cadres_move").exists()


def test_the_page_refuses_a_day_after_today_and_moves_nobody(client, cadres, admin_user):
    # found on the demo: a move "on" 9999-12-31 ran at once and listed every cadre as split and
    # continued on 9999-12-31; a run happens now, so its day is today or before
    from django.utils import timezone

    before = sorted(Cadre.objects.values_list("pk", "managing_office_id", "split_on", "continued_on"))
    sign_in(client, admin_user)
    for day in (timezone.localdate() + dt.timedelta(days=1), dt.date(9999, 12, 31)):
        response = client.post("/medical/cadres/move/", {"day": day.isoformat()})
        assert response.status_code == 422
        assert "不能晚于今天" in response.content.decode() and "cannot be after today" in response.content.decode()
    assert not Job.objects.filter(kind="medical.cadres_move").exists()
    assert sorted(Cadre.objects.values_list("pk", "managing_office_id", "split_on", "continued_on")) == before


def test_a_district_clerk_may_not_start_or_follow_the_move(client, cadres, clerk):
    job = cadres_move_start(actor=None, day=DAY)
    sign_in(client, clerk)
    assert "/medical/cadres/move/" not in client.get("/medical/cadres/").content.decode()
    assert client.post("/medical/cadres/move/", {"day": "2026-12-01"}).status_code == 403
    assert client.get(f"/medical/cadres/move/{job.pk}/").status_code == 403
    assert client.post(f"/medical/cadres/move/{job.pk}/").status_code == 403
    assert Job.objects.filter(kind="medical.cadres_move").count() == 1
    assert not Cadre.objects.filter(management=Cadre.Management.DISTRICT).exists()


def test_the_page_resumes_a_run_that_stopped(client, cadres, admin_user):
    job = cadres_move_start(actor=None, day=DAY, chunk_size=2)
    chunk_execute(chunk_id=job_chunk_list(job_id=job.pk)[0].pk)
    sign_in(client, admin_user)
    page = client.get(f"/medical/cadres/move/{job.pk}/").content.decode()
    assert 'id="move-resume"' in page
    client.post(f"/medical/cadres/move/{job.pk}/")
    assert cadres_move_report(actor=None, job_id=job.pk).per_district == {"420102": 3, "420106": 1, "central": 1}


@pytest.fixture
def centre_open(medical_centre):  # noqa: F811
    """The centre's window open on weekdays 9-17 and Saturdays 9-16, to receive the cadres' cases."""
    from shebao.core.models import OpeningHours

    for weekday in range(6):
        OpeningHours.objects.get_or_create(
            office=medical_centre, weekday=weekday, opens=dt.time(9), closes=dt.time(17 if weekday < 5 else 16)
        )
    return medical_centre


def test_a_moved_cadres_open_case_at_the_centre_follows_them_to_their_district_once(
    cadres, centre_staff, clerk, office, centre_open, admin_user
):
    from shebao.cases import selectors, services
    from shebao.cases.models import Case, CasePhase
    from shebao.catalog.definitions import Applicant
    from shebao.core.errors import NotFound

    centre_clerk = centre_staff[0]
    centre = centre_open
    jiangan, kept = cadres[0], cadres[4]  # 江岸's (moved) and 黄陂's (kept central)

    def split(cadre):  # YB-012 分户, received by the centre while the cadre is central
        return services.case_open(
            actor=centre_clerk,
            item_code="YB-012",
            applicant=Applicant(cadre.id_number, cadre.name, cadre.residence_district, None),
            channel="hall",
            form={"id_number": cadre.id_number, "name": cadre.name, "phone": "13800138000"},
            materials={"id_card": "received"},
        )

    open_case, kept_case, done_case = split(jiangan), split(kept), split(cadres[1])
    Case.objects.filter(pk=done_case.pk).update(status=Case.Status.COMPLETED)  # finished at the centre
    assert {open_case.office, kept_case.office} == {centre}
    clock = CasePhase.objects.filter(case=open_case).values_list("started_on", "limit_days", "due_date").get()
    with pytest.raises(NotFound):  # 江岸's clerk may not see the centre's case yet
        selectors.case_get(actor=clerk, number=open_case.number)

    job = cadres_move_start(actor=admin_user, day=ENGINE_DAY, chunk_size=2)
    report = cadres_move_run(actor=admin_user, job_id=job.pk)
    assert report.per_district == {"420102": 3, "420106": 1, "central": 1} and report.cases == 1
    open_case.refresh_from_db()
    assert open_case.office == office and open_case.version == 2  # claimed once, by the move
    # the clock rule: unchanged (same start, limit, due date)
    assert CasePhase.objects.filter(case=open_case).values_list("started_on", "limit_days", "due_date").get() == clock
    # the district clerk sees it and acts on it; the kept cadre's and the finished case stay at the centre
    assert selectors.case_get(actor=clerk, number=open_case.number).office == office
    accepted = services.case_act(actor=clerk, case_id=open_case.pk, version=open_case.version, action="accept")
    assert accepted.office == office
    assert Case.objects.get(pk=kept_case.pk).office == centre
    assert Case.objects.get(pk=done_case.pk).office == centre
    event = AuditEvent.objects.get(action="case.reroute", subject_id=str(open_case.pk))
    assert event.actor_id == admin_user.pk and event.after["office"] == office.code
    # a rerun (the same job resumed, or a new run) moves nothing
    assert cadres_move_run(actor=admin_user, job_id=job.pk).cases == 1
    again = cadres_move_start(actor=admin_user, day=ENGINE_DAY, chunk_size=2)
    assert cadres_move_run(actor=admin_user, job_id=again.pk).cases == 0
    assert AuditEvent.objects.filter(action="case.reroute").count() == 1


def test_a_move_chunk_that_dies_leaves_the_case_at_the_centre_and_the_resumption_moves_it_once(
    cadres, centre_staff, office, centre_open, monkeypatch
):
    from shebao.cases import services
    from shebao.cases.models import Case
    from shebao.catalog.definitions import Applicant

    centre = centre_open
    jiangan = cadres[1]  # in the first chunk of two
    case = services.case_open(
        actor=centre_staff[0],
        item_code="YB-012",
        applicant=Applicant(jiangan.id_number, jiangan.name, jiangan.residence_district, None),
        channel="hall",
        form={"id_number": jiangan.id_number, "name": jiangan.name, "phone": "13800138000"},
        materials={"id_card": "received"},
    )
    job = cadres_move_start(actor=None, day=ENGINE_DAY, chunk_size=2)
    first = job_chunk_list(job_id=job.pk)[0]
    import shebao.medical.cadres as module

    real = module.cases_reroute_open

    def dying(**kwargs):
        real(**kwargs)  # the case is moved in the chunk's transaction…
        raise Died("killed")  # …and the process dies before the chunk commits

    monkeypatch.setattr(module, "cases_reroute_open", dying)
    with pytest.raises(Died):
        chunk_execute(chunk_id=first.pk)
    assert Case.objects.get(pk=case.pk).office == centre  # rolled back with the cadres
    assert Cadre.objects.get(pk=jiangan.pk).management == Cadre.Management.CENTRAL
    monkeypatch.setattr(module, "cases_reroute_open", real)
    report = cadres_move_run(actor=None, job_id=job.pk)
    assert report.cases == 1 and Case.objects.get(pk=case.pk).office == office
    assert AuditEvent.objects.filter(action="case.reroute", actor__isnull=True).count() == 1


def test_the_service_refuses_a_day_after_today_on_every_channel(cadres):
    # the command line reached cadres_move_start without the page's check: the service holds it
    from django.utils import timezone

    from shebao.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        cadres_move_start(actor=None, day=timezone.localdate() + dt.timedelta(days=1))
    assert refused.value.field == "day"
    assert not Job.objects.filter(kind="medical.cadres_move").exists()
