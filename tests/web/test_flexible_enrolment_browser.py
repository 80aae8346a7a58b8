"""A flexible worker enrols at a community window on a Saturday, end to end in Chromium: the
community clerk signs in with the second factor, fills the 一表通 for flexible enrolment with an
ID number and an address (no hukou question anywhere), receives and accepts; the risk-1 case
completes and the person is insured. An item outside the Saturday service is refused with its
message. A screenshot is kept in ``test-artifacts/``."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from shebao.catalog.services import catalog_sync
from shebao.core.calendar import calendar_seed_from_package
from shebao.core.models import Office, OpeningHours, Role, SkillGroup
from shebao.registry.models import InsuredStatus, Person
from tests.browser_fixtures import browser_page, chromium, screenshot, sign_in_staff  # noqa: F401 (chromium: the fixture)
from tests.conftest import _staff
from tests.factories import new_id_number
from tests.web.support import confirmed_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SATURDAY_10 = dt.datetime(2026, 3, 7, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def community_clerk(office):
    """A clerk of a community service centre that is a window of the 江岸区 district office,
    open on Saturdays 9:00-16:00, with the catalogue loaded."""
    catalog_sync()
    centre = Office.objects.create(
        code="CC-420102-001",
        name="江岸区百步亭社区服务中心",
        kind=Office.Kind.COMMUNITY_CENTRE,
        area=office.area,
        parent=office,
    )
    for weekday in range(5):
        OpeningHours.objects.create(office=centre, weekday=weekday, opens=dt.time(9), closes=dt.time(17))
    OpeningHours.objects.create(office=centre, weekday=5, opens=dt.time(9), closes=dt.time(16))
    clerk = _staff("community_clerk", Role.CLERK, centre, 1, full_name="社区窗口刘")
    clerk.skill_groups.add(SkillGroup.objects.get(code="register"))
    return clerk


def test_flexible_enrolment_at_a_community_window_on_saturday(chromium, live_server, district, community_clerk):  # noqa: F811
    # given the 2026 calendar and a Saturday morning at the community centre
    calendar_seed_from_package(years=range(2026, 2027))
    number = new_id_number(birth=dt.date(1988, 5, 20))
    with time_machine.travel(SATURDAY_10, tick=True):
        device = confirmed_device(community_clerk)
        with browser_page(chromium, viewport={"width": 1280, "height": 1000}) as page:
            # when the clerk signs in with password and one-time code
            sign_in_staff(page, live_server.url, "community_clerk", device)
            # then an item outside the Saturday service is refused with its message
            page.goto(f"{live_server.url}/workbench/receive/DJ-033/")  # 城乡居民: weekdays only
            assert "不在周六延时服务范围内" in page.content()
            # when they open the flexible-enrolment one-form: there is no hukou field
            page.goto(f"{live_server.url}/workbench/one-form/flexible_enrol/")
            assert "户籍" not in page.inner_text("form.receive")
            page.check('input[name="items"][value="DJ-021"]')
            page.fill("#id_applicant_id_number", number)
            page.fill("#id_applicant_name", "灵活就业者")
            page.select_option("#id_district_code", district.code)
            page.fill("#id_phone", "13812345678")
            page.fill("#id_f_address", "江岸区百步亭花园路8号")
            page.fill("#id_f_start_month", "2026-03-01")
            page.check('input[name="m_id_card"][value="received"]')
            page.check('input[name="m_address_proof"][value="commitment"]')
            page.click("form.receive button.primary")
            page.wait_for_url("**/workbench/received/**")
            # and accept the case (risk 1: accepting completes it)
            page.click('button[data-action="accept"]')
            page.wait_for_selector('button[data-action="accept"]', state="detached")
            assert "已办结" in page.inner_text("main")
            screenshot(page, "flexible-enrolment-saturday.png")
    # then the person is registered and insured in pension and medical from March, with no unit
    person = Person.objects.get(id_number=number)
    assert (person.name, person.address, person.category, person.hukou_place) == (
        "灵活就业者",
        "江岸区百步亭花园路8号",
        "flexible",
        "",
    )
    statuses = {s.insurance: (s.status, s.since, s.unit_id) for s in InsuredStatus.objects.filter(person=person)}
    assert statuses == {
        "pension": ("active", dt.date(2026, 3, 1), None),
        "medical": ("active", dt.date(2026, 3, 1), None),
    }
