"""Issue 14 review, the mailing: a paper letter with no postcode (or no address) does not go on
the post's manifest; it goes on a 待补地址 list beside it, counted."""

from __future__ import annotations

import csv

import pytest

from shebao.registry.models import Person
from shebao.statements.mailing.services import mailing_run_start
from shebao.statements.mailing.services.manifest import mailing_manifest_write, mailing_unaddressed_count
from tests.statements import test_mailing as mailing_tests
from tests.web.support import sign_in

pytestmark = pytest.mark.django_db

_today_and_files = mailing_tests._today_and_files
city_clerk = mailing_tests.city_clerk
people = mailing_tests.people


def test_a_letter_with_no_postcode_goes_on_the_needs_address_list_and_is_counted(client, city_clerk, people):
    # given 赵一 has no postcode, 钱二 neither a postcode nor a delivery route, 孙三 no route only
    Person.objects.filter(name="赵一").update(postcode="")
    Person.objects.filter(name="钱二").update(postcode="", delivery_route="")
    Person.objects.filter(name="孙三").update(delivery_route="")
    run = mailing_run_start(actor=city_clerk, year=mailing_tests.YEAR, chunk_size=3)
    mailing_tests._run(run)
    manifest = mailing_manifest_write(run=run)
    # then the manifest holds the four others only (a route only sorts the post)
    with manifest.csv.open(encoding="utf-8-sig") as handle:
        names = [r[3] for r in list(csv.reader(handle))[1:]]
    assert sorted(names) == sorted(["孙三", "李四", "周五", "吴六"]) and manifest.rows == 4
    # and the two wait on the needs-address list beside it, counted
    assert manifest.needs_address is not None and manifest.needs_address.parent == manifest.csv.parent
    with manifest.needs_address.open(encoding="utf-8-sig") as handle:
        listed = [r[1] for r in list(csv.reader(handle))[1:]]
    assert sorted(listed) == sorted(["赵一", "钱二"])
    assert manifest.unaddressed == 2 == mailing_unaddressed_count(run=run)
    # and the run's progress page counts them
    sign_in(client, city_clerk)
    page = client.get(f"/statements/mailing/{run.pk}/").content.decode()
    assert '<dd id="mailing-unaddressed">2 ' in page and "Needs an address" in page
