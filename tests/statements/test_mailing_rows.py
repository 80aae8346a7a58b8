"""The manifest rows a chunk writes (``runs._items_insert``): on PostgreSQL one JSON text
expanded by the server, elsewhere ``bulk_create`` — every field as the chunk meant it."""

from __future__ import annotations

import pytest

from shebao.core.jobs import job_run
from shebao.statements.mailing.models import DeliveryPreference, MailingBatch, MailingItem
from shebao.statements.mailing.services import mailing_run_start
from shebao.statements.models import Statement
from tests.statements.test_mailing import YEAR, _today_and_files, city_clerk, people  # noqa: F401  # fixtures
from tests.web.support import make_person

pytestmark = pytest.mark.django_db


def test_every_manifest_row_carries_its_person_statement_delivery_batch_and_page(city_clerk, people, district):  # noqa: F811  # the imported fixtures
    # given six persons on paper and one who chose electronic delivery, with a quote and a
    # backslash in their address (the JSON text must carry them exactly)
    chooser = make_person(district=district, name="郑七", postcode="430010", delivery_route="010-05", phone="139")
    chooser.address = '武汉市"江岸区"\\测试路8号'
    chooser.save(update_fields=["address"])
    DeliveryPreference.objects.create(person=chooser, mode="electronic", changed_at=chooser.created_at, channel="hall")
    # when the run goes through in one chunk
    run = mailing_run_start(actor=city_clerk, year=YEAR)
    job_run(job_id=run.job_id)
    # then each person has one row with their address fields and their current statement
    batch = MailingBatch.objects.get(run=run)
    items = {item.person_id: item for item in MailingItem.objects.filter(run=run).select_related("person")}
    assert set(items) == {p.pk for p in [*people, chooser]}
    for item in items.values():
        person = item.person
        statement = Statement.objects.get(person=person, year=YEAR, superseded_at__isnull=True)
        assert (item.statement_id, item.document_ref) == (statement.pk, statement.ref)
        assert (item.postcode, item.route, item.name, item.address) == (
            person.postcode,
            person.delivery_route,
            person.name,
            person.address,
        )
    # paper rows in the batch, pages 1..6; the electronic one in none
    paper = sorted((i for i in items.values() if i.delivery == "paper"), key=lambda i: i.page)
    assert [i.page for i in paper] == [1, 2, 3, 4, 5, 6]
    assert {i.batch_id for i in paper} == {batch.pk}
    assert (items[chooser.pk].delivery, items[chooser.pk].batch_id, items[chooser.pk].page) == (
        "electronic",
        None,
        None,
    )
    assert items[chooser.pk].address == '武汉市"江岸区"\\测试路8号'
