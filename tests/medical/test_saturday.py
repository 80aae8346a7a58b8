"""The medical centre's Saturday set (周六延时服务) really served on a Saturday: on an ordinary
Saturday every item of the set is offered at the centre's counter, an emergency referral filing
(YB-001) is received and recorded there, the account balance (YB-005) is looked up at its
window and the settlement list (YB-006) prints; an item outside the set is refused. On a
Saturday that is a holiday of the calendar (国庆, 3 October 2026) the counter is closed — the
set too — while the same filing online is still received."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.cases import services
from shebao.catalog.definitions import SATURDAY_SETS
from shebao.catalog.models import ServiceItem
from shebao.catalog.selectors import item_offered
from shebao.core.errors import NotAllowed
from shebao.medical.models import CareAuthorisation
from tests.web.support import make_person, sign_in

ORDINARY_SATURDAY = (2026, 12, 12)
HOLIDAY_SATURDAY = (2026, 10, 3)  # 国庆节 (1-7 October 2026 off)
FILING = {
    "filing_type": "emergency",
    "place": "广东省广州市",
    "hospital": "中山大学附属第一医院",
    "valid_from": "2026-12-05",
}


def medical_set() -> tuple[str, ...]:
    (published,) = [s for s in SATURDAY_SETS if "medical_centre" in s.office_kinds]
    return published.codes


def file_emergency(actor, applicant, citizen, channel="hall"):
    form = {"id_number": citizen.id_number, "name": citizen.full_name, "phone": "13800138000", **FILING}
    materials = {"id_card": "received"} if channel == "hall" else {}
    return services.case_open(
        actor=actor, item_code="YB-001", applicant=applicant, channel=channel, form=form, materials=materials
    )


def test_on_an_ordinary_saturday_the_centre_serves_its_set_and_only_it(
    client, engine, citizen, applicant, district, centre_staff, medical_centre
):
    centre_clerk, _, _ = centre_staff
    engine(*ORDINARY_SATURDAY, 10, 0)
    # every item of the published set is offered at the centre's counter, and YB-004 is not
    for code in medical_set():
        item_offered(item=ServiceItem.objects.get(code=code), channel="hall", office=medical_centre)
    with pytest.raises(NotAllowed):
        item_offered(item=ServiceItem.objects.get(code="YB-004"), channel="hall", office=medical_centre)
    # the emergency filing is received at the counter and recorded at once (即时办结)
    case = file_emergency(centre_clerk, applicant, citizen)
    case = services.case_act(actor=centre_clerk, case_id=case.pk, version=case.version, action="accept")
    assert case.status == "completed" and case.office == medical_centre
    row = CareAuthorisation.objects.get(case_number=case.number)
    assert (row.kind, row.valid_from, row.valid_to) == ("emergency", dt.date(2026, 12, 5), dt.date(2027, 6, 4))
    # the account balance at the centre's window (YB-005) and the settlement list (YB-006)
    make_person(district=district, account=citizen, name=citizen.full_name)
    sign_in(client, centre_clerk)
    window = client.get("/medical/account/", {"id_number": citizen.id_number})
    assert window.status_code == 200 and 'id="account-balance">¥0.00' in window.content.decode()
    sign_in(client, citizen)
    pdf = client.get("/my/medical/settlements.pdf", {"from": "2026-01-01", "to": "2026-12-12"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # after 16:00 the Saturday service is over
    engine(*ORDINARY_SATURDAY, 16, 30)
    with pytest.raises(NotAllowed):
        file_emergency(centre_clerk, applicant, citizen)


def test_on_a_holiday_saturday_the_counter_is_closed_and_online_still_receives(
    engine, citizen, applicant, centre_staff, medical_centre
):
    centre_clerk, _, _ = centre_staff
    engine(*HOLIDAY_SATURDAY, 10, 0)
    for code in medical_set():
        with pytest.raises(NotAllowed):
            item_offered(item=ServiceItem.objects.get(code=code), channel="hall", office=medical_centre)
    with pytest.raises(NotAllowed):
        file_emergency(centre_clerk, applicant, citizen)
    case = file_emergency(citizen, applicant, citizen, channel="online")
    assert case.item.code == "YB-001" and case.channel == "online"
