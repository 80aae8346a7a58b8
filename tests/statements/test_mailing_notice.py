"""The retiree variant of the run: the pension information notice (养老待遇明细表) to every
retiree whose pension is determined, in a zip per chunk, listed in the manifest; no annual
statement is issued by it and the working population is left out."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from pypdf import PdfReader

from shebao.core.jobs import job_chunk_list, job_run
from shebao.core.models import Job, Role
from shebao.pensions.models import PensionDetermination
from shebao.registry.models import Person
from shebao.statements.mailing.models import MailingBatch, MailingItem
from shebao.statements.mailing.services import mailing_manifest_write, mailing_run_start
from shebao.statements.models import Statement
from tests.cases.conftest import (  # noqa: F401 (pytest finds fixtures by name)
    _register_test_items,
    at,
    catalogue,
    engine,
    skills,
    working_hours,
)
from tests.pensions.support import TOTAL, retiree
from tests.web.support import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine")]


@pytest.fixture
def city_clerk(city_office):
    from tests.conftest import _staff

    return _staff("city_clerk", Role.CLERK, city_office, 1, full_name="市中心经办员")


@pytest.fixture
def city_admin(city_office):
    from tests.conftest import _staff

    return _staff("city_admin", Role.ADMIN, city_office, 3, full_name="市级管理员")


def test_retirees_get_the_pension_notice_in_a_zip_listed_in_the_manifest(
    settings, tmp_path, district, approver, city_admin, city_clerk
):
    settings.VAR_DIR = tmp_path
    # given a retiree with a determined pension, a retiree not yet determined and a worker
    determined = retiree(district=district, approver=approver)
    Person.objects.filter(pk=determined.pk).update(
        postcode="430014", delivery_route="014-03", address="江岸区胜利街1号"
    )
    determined.refresh_from_db()  # a letter with no address goes to the needs-address list, not the post
    make_person(district=district, name="待核定", category=Person.Category.RETIREE, postcode="430010")
    make_person(district=district, name="在职", postcode="430010")
    # when the retiree variant runs for the year
    run = mailing_run_start(actor=city_admin, year=2026, variant="pension_notice")
    job = job_run(job_id=run.job_id)
    manifest = mailing_manifest_write(run=run)
    # then only the determined retiree is mailed, with the notice, and no statement is issued
    assert job.status == Job.Status.DONE
    item = MailingItem.objects.get(run=run)
    ref = PensionDetermination.objects.get(person=determined, status="approved").ref
    assert (item.person_id, item.document_ref, item.delivery, item.page, item.statement_id) == (
        determined.pk,
        ref,
        "paper",
        1,
        None,
    )
    assert Statement.objects.count() == 0
    [chunk] = job_chunk_list(job_id=job.pk)
    assert (chunk.result["paper"], chunk.result["not_determined"]) == (1, 1)
    # the batch is a zip of the notices, numbered in postal order
    batch = MailingBatch.objects.get(run=run)
    with zipfile.ZipFile(tmp_path / "statements" / "2026" / str(run.pk) / batch.file) as bundle:
        assert bundle.namelist() == [f"00001-{ref}.pdf"]
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(bundle.read(bundle.namelist()[0]))).pages)
    assert "基本养老金待遇明细表" in text.replace(" ", "") and f"{TOTAL:,.2f}" in text
    # the annual record's bulk read (the run's fast path) notes the approved pension as record_for does
    from shebao.statements.mailing.bulk import records_for_persons
    from shebao.statements.selectors import record_for

    # (from the year he retired, 2026: his 2025 statement shows him working, with no pension note)
    bulk = records_for_persons(actor=city_clerk, persons=[determined], year=2026)[determined.pk]
    assert bulk == record_for(actor=city_clerk, person=determined, year=2026)
    assert any(str(TOTAL) in note for note in bulk.notes)
    before = records_for_persons(actor=city_clerk, persons=[determined], year=2025)[determined.pk]
    assert before == record_for(actor=city_clerk, person=determined, year=2025)
    assert not any(str(TOTAL) in note for note in before.notes)
    # and the manifest lists it with its number
    with manifest.csv.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][1:8] == ["430014", "014-03", determined.name, determined.address, ref, batch.file, "1"]
