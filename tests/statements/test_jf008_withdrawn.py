"""JF-008 (个人权益记录更正) overlapped QY-001, which corrects the record from the statement:
JF-008 is withdrawn — kept in the catalogue for its old cases, never offered again, and the
refusal points to QY-001; ``catalog sync`` keeps it so even after an administrator reopens it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from shebao.cases.applicants import applicant_for
from shebao.cases.models import Case
from shebao.cases.services import case_open
from shebao.catalog.models import ServiceItem
from shebao.catalog.selectors import items_list
from shebao.catalog.services import catalog_sync
from shebao.core.errors import NotAllowed
from tests.statements import test_correction as correction

pytestmark = pytest.mark.django_db

_register_test_items = correction._register_test_items
at = correction.at
catalogue = correction.catalogue
skills = correction.skills
working_hours = correction.working_hours
window = correction.window


def test_jf008_is_withdrawn_and_points_to_qy001(window, clerk, office):
    history = window
    # given a JF-008 case opened before the withdrawal (its row is all that remains of it)
    item = ServiceItem.objects.get(code="JF-008")
    old = Case.objects.create(
        item=item,
        item_version=item.version,
        applicant_id_number=history.id_number,
        applicant_name=history.name,
        channel="hall",
        office=office,
        received_at=timezone.now(),
        status=Case.Status.COMPLETED,
    )
    # then the synced catalogue keeps JF-008, inactive, and lists QY-001 but not JF-008
    assert not item.is_active
    listed = set(items_list().values_list("code", flat=True))
    assert "QY-001" in listed and "JF-008" not in listed
    # opening JF-008 is refused, naming QY-001, and nothing is opened
    before = Case.objects.count()
    with pytest.raises(NotAllowed) as refused:
        case_open(
            actor=clerk,
            item_code="JF-008",
            applicant=applicant_for(id_number=history.id_number),
            channel="hall",
            form={"id_number": history.id_number, "name": history.name},
        )
    assert "QY-001" in refused.value.message_zh and "QY-001" in refused.value.message_en
    assert Case.objects.count() == before
    # an administrator's reactivation does not survive the next sync
    ServiceItem.objects.filter(code="JF-008").update(is_active=True)
    catalog_sync()
    assert not ServiceItem.objects.get(code="JF-008").is_active
    # and the old case still reads with its item
    assert Case.objects.select_related("item").get(pk=old.pk).item.name == "个人权益记录更正"
