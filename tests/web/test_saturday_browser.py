"""Saturdays at the counter, in Chromium with the server's clock frozen (time-machine):

- on 2026-02-14, a Saturday worked for the Spring Festival (调休), a district clerk receives and
  completes an item outside the Saturday set, as on any weekday (it was refused before);
- on an ordinary Saturday (2026-12-12) the community window's workbench lists the Saturday
  items only and says so, and the receive area after 16:00 lists nothing and says why.

Screenshots are kept in ``test-artifacts/``."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine

from shebao.catalog.definitions import SATURDAY_EVERYWHERE, SATURDAY_SETS
from shebao.catalog.services import catalog_sync
from shebao.core.calendar import calendar_seed_from_package
from shebao.core.models import Office, OpeningHours, Role, SkillGroup
from shebao.registry.models import Person
from tests.browser_fixtures import browser_page, chromium, screenshot, sign_in_staff  # noqa: F401 (chromium: the fixture)
from tests.conftest import _staff
from tests.factories import new_id_number
from tests.web.support import confirmed_device, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
WORKING_SATURDAY_10 = dt.datetime(2026, 2, 14, 10, 0, tzinfo=SHANGHAI)
ORDINARY_SATURDAY_10 = dt.datetime(2026, 12, 12, 10, 0, tzinfo=SHANGHAI)
T = dt.time
COUNTER = {"width": 1280, "height": 1000}


def _open(office: Office) -> None:
    """Weekday hours with a lunch break, and the Saturday service 9:00-16:00."""
    for weekday in range(5):
        OpeningHours.objects.create(office=office, weekday=weekday, opens=T(9), closes=T(12))
        OpeningHours.objects.create(office=office, weekday=weekday, opens=T(13, 30), closes=T(17))
    OpeningHours.objects.create(office=office, weekday=5, opens=T(9), closes=T(16))


@pytest.fixture
def loaded():
    catalog_sync()
    calendar_seed_from_package(years=range(2026, 2027))


def listed_codes(page) -> set[str]:
    hrefs = page.eval_on_selector_all("#receive .item-list a", "links => links.map(a => a.getAttribute('href'))")
    return {m.group(1) for h in hrefs if (m := re.search(r"/workbench/receive/([A-Z]{2}-\d{3})/", h))}


def test_on_a_working_saturday_a_clerk_receives_a_weekday_item(chromium, live_server, loaded, office, district):  # noqa: F811
    # given a district office open on weekdays and for the Saturday service, its clerk, and a
    # person whose address changes (DJ-031 is not in the Saturday set)
    _open(office)
    clerk = _staff("sat_clerk", Role.CLERK, office, 1, full_name="周六窗口王")
    clerk.skill_groups.add(SkillGroup.objects.get(code="register"))
    person = make_person(district=district, name="调休日来办", id_number=new_id_number(district.code))
    with time_machine.travel(WORKING_SATURDAY_10, tick=True):
        device = confirmed_device(clerk)
        with browser_page(chromium, viewport=COUNTER) as page:
            sign_in_staff(page, live_server.url, "sat_clerk", device)
            # then the home page shows the weekday hours, as the counter keeps them
            assert "13:30–17:00" in page.inner_text(".hours")
            assert "09:00–16:00" not in page.inner_text(".hours")
            # and the workbench offers the weekday item
            page.goto(f"{live_server.url}/workbench/")
            assert "DJ-031" in listed_codes(page)
            # when the clerk opens it: no refusal, and receives and accepts it
            page.click('#receive a[href$="/workbench/receive/DJ-031/"]')
            assert "周六延时服务" not in page.inner_text("main")
            page.fill("#id_applicant_id_number", person.id_number)
            page.fill("#id_applicant_name", person.name)
            page.select_option("#id_district_code", district.code)
            page.fill("#id_phone", "13812345678")
            page.select_option("#id_f_change_item", "address")
            page.fill("#id_f_new_value", "江岸区胜利街1号")
            page.check('input[name="m_id_card"][value="received"]')
            page.click("#receive-accept")
            page.wait_for_url("**/cases/**")
            # then the instant item is completed on that Saturday
            assert "已办结" in page.inner_text("main")
            screenshot(page, "working-saturday-receive.png")
    person.refresh_from_db()
    assert person.address == "江岸区胜利街1号"
    assert Person.objects.filter(pk=person.pk).exists()


def test_on_an_ordinary_saturday_the_community_window_offers_only_the_saturday_items(
    chromium,  # noqa: F811
    live_server,
    loaded,
    office,
):
    # given a community window of every skill group, open for the Saturday service
    centre = Office.objects.create(
        code="CC-420102-009",
        name="江岸区测试社区服务中心",
        kind=Office.Kind.COMMUNITY_CENTRE,
        area=office.area,
        parent=office,
    )
    _open(centre)
    clerk = _staff("sat_cc", Role.CLERK, centre, 1, full_name="社区周六刘")
    clerk.skill_groups.set(SkillGroup.objects.all())
    (flexible,) = [s for s in SATURDAY_SETS if "community_centre" in s.office_kinds]
    with time_machine.travel(ORDINARY_SATURDAY_10, tick=True):
        device = confirmed_device(clerk)
        with browser_page(chromium, viewport=COUNTER) as page:
            sign_in_staff(page, live_server.url, "sat_cc", device)
            page.goto(f"{live_server.url}/workbench/")
            # then the receive list is the Saturday set (and the consultation), and says so
            assert listed_codes(page) == set(flexible.codes) | set(SATURDAY_EVERYWHERE)
            assert "周六延时服务" in page.inner_text("#offering-note")
            one_forms = page.eval_on_selector_all("#receive .one-forms a", "links => links.map(a => a.textContent)")
            assert one_forms == ["灵活就业人员参保一表通"]
            screenshot(page, "saturday-community-workbench.png")
    # after the Saturday service's hours nothing is offered, and the page says why
    after_hours = ORDINARY_SATURDAY_10.replace(hour=16, minute=5)
    with time_machine.travel(after_hours, tick=True), browser_page(chromium, viewport=COUNTER) as page:
        sign_in_staff(page, live_server.url, "sat_cc", device)
        page.goto(f"{live_server.url}/workbench/")
        assert listed_codes(page) == set()
        assert "当前不在办公时间" in page.inner_text("#offering-note")
