"""The Saturday service (周六延时服务): the sets the agency published, complete and at their
places; what a counter offers on a 调休 working Saturday (everything, at weekday hours) and on an
ordinary Saturday (the set, 9:00-16:00); the workbench listing only what may be received now;
and the demo's centres having the hours and the staff to work their sets."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from shebao.catalog.definitions import SATURDAY_EVERYWHERE, SATURDAY_SETS, registered_specs
from shebao.catalog.models import ServiceItem
from shebao.catalog.selectors import item_offered
from shebao.catalog.services import catalog_sync
from shebao.core.errors import NotAllowed
from shebao.core.models import Office, OpeningHours, Role, SkillGroup
from tests.factories import AccountFactory, new_id_number

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
T = dt.time
WORKING_SATURDAY = dt.date(2026, 2, 14)  # worked for the Spring Festival (调休)
ORDINARY_SATURDAY = dt.date(2026, 12, 12)
PUBLISHED_SIZES = {"district_office": 9, "community_centre": 9, "medical_centre": 8, "card_centre": 6}
COUNTER = {"district_office": "hall", "community_centre": "community", "medical_centre": "hall", "card_centre": "hall"}

pytestmark = pytest.mark.django_db


def real_items():
    """The catalogue's items, without the engine tests' T- items (registered once a session)."""
    return ServiceItem.objects.filter(is_active=True).exclude(code__startswith="T-")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, T(hour, minute), tzinfo=SHANGHAI)


def saturday_codes(specs, kind: str) -> set[str]:
    return {s.code for s in specs if s.saturday and kind in s.office_kinds} - set(SATURDAY_EVERYWHERE)


# --- the sets ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(PUBLISHED_SIZES))
def test_each_place_offers_exactly_its_published_saturday_set(kind):
    # given the items the domain apps declare
    specs = [s for s in registered_specs().values() if not s.code.startswith("T-")]
    (published,) = [s for s in SATURDAY_SETS if kind in s.office_kinds]
    # then the items flagged for Saturdays at that kind of place are the published set, whole
    assert saturday_codes(specs, kind) == set(published.codes)
    assert len(published.codes) == PUBLISHED_SIZES[kind]
    # and each can be received at that place's counter
    by_code = registered_specs()
    for code in published.codes:
        assert COUNTER[kind] in by_code[code].channels, code


def test_the_synced_catalogue_carries_the_sets():
    catalog_sync()
    for published in SATURDAY_SETS:
        flagged = set(
            ServiceItem.objects.filter(code__in=published.codes, saturday=True).values_list("code", flat=True)
        )
        assert flagged == set(published.codes)
    assert not ServiceItem.objects.filter(code="DJ-031", saturday=True).exists()  # not a flexible workers' item


# --- what a counter offers -------------------------------------------------------------------


@pytest.fixture
def places(city, district):
    """One office of each kind that runs a Saturday set, weekday hours with a lunch break and
    the Saturday service 9:00-16:00, with the catalogue loaded."""
    catalog_sync()
    offices = {}
    for code, kind, area in (
        ("SI-T", Office.Kind.DISTRICT_OFFICE, district),
        ("CC-T", Office.Kind.COMMUNITY_CENTRE, district),
        ("MED-T", Office.Kind.MEDICAL_CENTRE, city),
        ("CARD-T", Office.Kind.CARD_CENTRE, city),
    ):
        office = Office.objects.create(code=code, name=f"测试{code}", kind=kind, area=area)
        for weekday in range(5):
            OpeningHours.objects.create(office=office, weekday=weekday, opens=T(9), closes=T(12))
            OpeningHours.objects.create(office=office, weekday=weekday, opens=T(13, 30), closes=T(17))
        OpeningHours.objects.create(office=office, weekday=5, opens=T(9), closes=T(16))
        offices[str(kind)] = office
    return offices


def offered(item: ServiceItem, office: Office, when: dt.datetime) -> bool:
    try:
        item_offered(item=item, channel=COUNTER[office.kind], office=office, at=when)
    except NotAllowed:
        return False
    return True


def test_a_working_saturday_offers_every_weekday_item_at_weekday_hours(places):
    # given the 调休 Saturday 2026-02-14, at each place
    for kind, office in places.items():
        items = [i for i in real_items() if kind in i.office_kinds]
        weekday_only = [i for i in items if not i.saturday and COUNTER[kind] in i.channels]
        assert weekday_only, kind
        for item in weekday_only:
            # then an item outside the Saturday set is offered, at weekday hours: open at
            # 16:30 (the Saturday service would have closed), closed for lunch at 12:30
            assert offered(item, office, at(WORKING_SATURDAY, 10)), item.code
            assert offered(item, office, at(WORKING_SATURDAY, 16, 30)), item.code
            assert not offered(item, office, at(WORKING_SATURDAY, 12, 30)), item.code


def test_an_ordinary_saturday_offers_the_set_from_9_to_16_and_refuses_the_rest_with_the_reason(places):
    for published in SATURDAY_SETS:
        for kind in published.office_kinds:
            office = places[kind]
            for item in real_items():
                if kind not in item.office_kinds or COUNTER[kind] not in item.channels:
                    continue
                in_set = item.code in published.codes or item.code in SATURDAY_EVERYWHERE
                assert offered(item, office, at(ORDINARY_SATURDAY, 12, 30)) is in_set, (kind, item.code)
                assert not offered(item, office, at(ORDINARY_SATURDAY, 16, 30)), (kind, item.code)
    with pytest.raises(NotAllowed, match="不在周六延时服务范围内"):
        item_offered(
            item=ServiceItem.objects.get(code="YL-001"),
            channel="hall",
            office=places["district_office"],
            at=at(ORDINARY_SATURDAY, 10),
        )


# --- the workbench lists what may be received now ---------------------------------------------


@pytest.fixture
def community_clerk(places):
    account = AccountFactory(
        username="clerk_cc_t",
        role=Role.CLERK,
        office=places["community_centre"],
        authority_level=1,
        id_number=new_id_number(),
        full_name="郑社区",
    )
    account.skill_groups.set(SkillGroup.objects.all())
    return account


def listed(client, clerk, when: dt.datetime) -> tuple[set[str], set[str], str]:
    from tests.web.support import sign_in

    with time_machine.travel(when, tick=False):
        sign_in(client, clerk)  # a session of that day
        html = client.get(reverse("web:workbench")).content.decode()
    items = set(re.findall(r'href="/workbench/receive/([A-Z]{2}-\d{3})/"', html))
    groups = set(re.findall(r'href="/workbench/one-form/([a-z_]+)/"', html))
    return items, groups, html


def test_the_workbench_lists_only_what_may_be_received_there_now(client, community_clerk):
    (flexible,) = [s for s in SATURDAY_SETS if "community_centre" in s.office_kinds]
    community_items = {
        i.code for i in real_items() if "community_centre" in i.office_kinds and "community" in i.channels
    }
    # on a weekday: everything the community window does
    weekday, weekday_groups, _ = listed(client, community_clerk, at(dt.date(2026, 12, 9), 10))
    assert weekday == community_items and "unemployment" in weekday_groups
    # on an ordinary Saturday: the flexible workers' set and the consultation, nothing else
    saturday, saturday_groups, html = listed(client, community_clerk, at(ORDINARY_SATURDAY, 10))
    assert saturday == set(flexible.codes) | set(SATURDAY_EVERYWHERE)
    assert saturday_groups == {"flexible_enrol"}  # every item of it is in the set
    assert "周六延时服务" in html
    # on the 调休 Saturday: the weekday list again
    assert listed(client, community_clerk, at(WORKING_SATURDAY, 10))[0] == community_items
    # after 16:00 on a Saturday: nothing, and the page says why
    late, late_groups, html = listed(client, community_clerk, at(ORDINARY_SATURDAY, 16, 5))
    assert late == set() and late_groups == set() and "当前不在办公时间" in html


def test_a_one_form_group_outside_the_saturday_set_is_refused_before_the_form(client, community_clerk):
    from tests.web.support import sign_in

    with time_machine.travel(at(ORDINARY_SATURDAY, 10), tick=False):
        sign_in(client, community_clerk)
        response = client.get(reverse("web:one_form", args=["unemployment"]))
        enrol = client.get(reverse("web:one_form", args=["flexible_enrol"]))
    assert response.status_code == 403 and "周六延时服务" in response.content.decode()
    assert enrol.status_code == 200


# --- the demo's centres -------------------------------------------------------------------------


def test_the_demo_gives_each_saturday_place_its_hours_and_the_staff_for_its_set():
    from shebao.devtools.seed.org import plan_org
    from shebao.devtools.seed.staff import STAFF

    plan = plan_org(seed=1)
    kinds = {o.code: o.kind for o in plan.offices}
    specs = registered_specs()
    for published in SATURDAY_SETS:
        for kind in published.office_kinds:
            places = [code for code, k in kinds.items() if k == kind]
            saturday = {(h.office, h.opens, h.closes) for h in plan.hours if h.weekday == 5}
            assert all((code, T(9), T(16)) in saturday for code in places), kind
            # someone at a place of that kind can receive every item of the set
            clerks = [s for s in STAFF if s.role == Role.CLERK and kinds.get(s.office) == kind]
            assert clerks, kind
            for code in published.codes:
                assert any(specs[code].skill_group in c.skill_groups for c in clerks), (kind, code)
