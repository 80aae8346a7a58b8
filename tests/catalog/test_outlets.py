"""catalog.outlets: the nearest offices that offer an item, open now or next (known points in
Wuhan; distances hand-checked with the haversine formula, mean Earth radius 6371.0088 km)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shebao.catalog.models import ItemMaterial, ServiceItem
from shebao.catalog.outlets import LOOKAHEAD_DAYS, guides_search, haversine_m, outlets_nearby
from shebao.core import workdays
from shebao.core.models import Office, OpeningException, OpeningHours, SkillGroup
from shebao.core.org import office_day, office_hours_book

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
HERE = (30.5800, 114.2900)  # 江汉路步行街, WGS-84
TUESDAY = dt.datetime(2026, 2, 10, 10, 0, tzinfo=SHANGHAI)  # an ordinary working day
SATURDAY = dt.datetime(2026, 3, 7, 10, 0, tzinfo=SHANGHAI)  # an ordinary Saturday
NATIONAL_DAY = dt.datetime(2026, 10, 1, 10, 0, tzinfo=SHANGHAI)  # 国庆节, rest until 7 October
WEEKDAYS = range(5)


def _office(city, code: str, kind: str, lat: str, lng: str, *, saturday: bool = False, weekend: bool = False):
    office = Office.objects.create(
        code=code, name=f"网点{code}", kind=kind, area=city, latitude=Decimal(lat), longitude=Decimal(lng)
    )
    days = [*WEEKDAYS, *([5] if saturday or weekend else []), *([6] if weekend else [])]
    for weekday in days:
        closes = dt.time(16) if weekday == 5 and not weekend else dt.time(17)
        OpeningHours.objects.create(office=office, weekday=weekday, opens=dt.time(9), closes=closes)
    return office


@pytest.fixture
def outlets(city):
    """Five service points around 江汉路 (distances from HERE, hand-computed):
    BANK 363 m, COMM 385 m, JA 1,923 m, KIOSK 2,421 m, WC 4,714 m; and one without coordinates."""
    return {
        "JA": _office(city, "JA", Office.Kind.DISTRICT_OFFICE, "30.595000", "114.300000", saturday=True),
        "COMM": _office(city, "COMM", Office.Kind.COMMUNITY_CENTRE, "30.583000", "114.292000"),
        "BANK": _office(city, "BANK", Office.Kind.BANK_OUTLET, "30.578000", "114.287000", weekend=True),
        "KIOSK": _office(city, "KIOSK", Office.Kind.KIOSK, "30.560000", "114.300000", weekend=True),
        "WC": _office(city, "WC", Office.Kind.DISTRICT_OFFICE, "30.544000", "114.316000", saturday=True),
        "NOWHERE": Office.objects.create(code="NOWHERE", name="无坐标", kind=Office.Kind.DISTRICT_OFFICE, area=city),
    }


def _item(code: str, *, channels, kinds, saturday: bool = False, **kw) -> ServiceItem:
    group, _ = SkillGroup.objects.get_or_create(code="G", defaults={"name": "综合"})
    return ServiceItem.objects.create(
        code=code,
        name=kw.pop("name", f"事项{code}"),
        name_en=code,
        insurance="pension",
        policy_basis="测试",
        skill_group=group,
        risk_level=1,
        jurisdiction="receiving_office",
        channels=channels,
        office_kinds=kinds,
        saturday=saturday,
        handler="test",
        promised_days=0,
        **kw,
    )


@pytest.fixture
def enquiry(db) -> ServiceItem:
    """Offered at the halls, community windows and bank outlets; not part of the Saturday service."""
    return _item(
        "Q1", channels=["hall", "community", "bank"], kinds=["district_office", "community_centre", "bank_outlet"]
    )


@pytest.fixture
def card_loss(db) -> ServiceItem:
    """Offered at the halls (Saturday service included) and at kiosks."""
    return _item("C1", channels=["hall", "kiosk"], kinds=["district_office", "kiosk"], saturday=True)


def test_haversine_matches_the_hand_computed_distances():
    assert round(haversine_m(*HERE, 30.578, 114.287)) == 363
    assert round(haversine_m(*HERE, 30.595, 114.300)) == 1923
    assert round(haversine_m(*HERE, 30.544, 114.316)) == 4714


def test_the_nearest_offices_offering_the_item_in_order_of_distance(outlets, enquiry):
    found = outlets_nearby(lat=HERE[0], lng=HERE[1], item=enquiry, at=TUESDAY)
    # the kiosk does not offer it, the office without coordinates cannot be placed
    assert [(o.office.code, o.distance_m) for o in found] == [("BANK", 363), ("COMM", 385), ("JA", 1923), ("WC", 4714)]
    assert all(o.open_now and o.next_opening is None and o.waiting is None for o in found)
    assert found[0].day.spans == ((dt.time(9), dt.time(17)),)


def test_limit_keeps_the_nearest_and_the_box_does_not_hide_a_nearer_one(outlets, enquiry):
    assert [o.office.code for o in outlets_nearby(lat=HERE[0], lng=HERE[1], item=enquiry, limit=2)] == ["BANK", "COMM"]
    # from the 武昌 office the nearest is itself, then the bank outlet across the river (4,691 m;
    # the community centre is 4,908 m): outside the first 3 km box, found by widening it
    found = outlets_nearby(lat=30.5440, lng=114.3160, item=enquiry, limit=2, at=TUESDAY)
    assert [(o.office.code, o.distance_m) for o in found] == [("WC", 0), ("BANK", 4691)]


def test_an_item_names_which_kinds_of_office(outlets, card_loss):
    found = outlets_nearby(lat=HERE[0], lng=HERE[1], item=card_loss, at=TUESDAY)
    assert [o.office.code for o in found] == ["JA", "KIOSK", "WC"]


def test_before_opening_the_next_opening_is_today_at_nine(outlets, enquiry):
    early = TUESDAY.replace(hour=7, minute=30)
    found = outlets_nearby(lat=HERE[0], lng=HERE[1], item=enquiry, at=early, limit=1)
    assert not found[0].open_now
    assert found[0].next_opening == dt.datetime(2026, 2, 10, 9, 0, tzinfo=SHANGHAI)


def test_on_a_saturday_only_saturday_service_items_are_open_at_the_halls(outlets, enquiry, card_loss):
    assert not workdays.is_workday(SATURDAY.date()) and workdays.listed_kind(SATURDAY.date()) is None
    # the enquiry is not in the Saturday set: the halls are open but do not receive it; the bank
    # outlet keeps its own weekend hours; the community centre is closed on Saturdays
    by_code = {o.office.code: o for o in outlets_nearby(lat=HERE[0], lng=HERE[1], item=enquiry, at=SATURDAY)}
    assert by_code["BANK"].open_now
    assert not by_code["COMM"].open_now and not by_code["JA"].open_now and not by_code["WC"].open_now
    monday_nine = dt.datetime(2026, 3, 9, 9, 0, tzinfo=SHANGHAI)
    assert by_code["JA"].next_opening == by_code["COMM"].next_opening == monday_nine
    # card loss is in the Saturday set: the district halls serve it 9:00-16:00
    card = {o.office.code: o for o in outlets_nearby(lat=HERE[0], lng=HERE[1], item=card_loss, at=SATURDAY)}
    assert card["JA"].open_now and card["JA"].day.spans == ((dt.time(9), dt.time(16)),)
    assert card["KIOSK"].open_now


def test_on_a_holiday_nothing_is_open_and_the_next_opening_is_after_it(outlets, enquiry):
    assert workdays.listed_kind(NATIONAL_DAY.date()) == "rest"
    found = outlets_nearby(lat=HERE[0], lng=HERE[1], item=enquiry, at=NATIONAL_DAY)
    assert found and not any(o.open_now for o in found)
    assert {o.next_opening for o in found} == {dt.datetime(2026, 10, 8, 9, 0, tzinfo=SHANGHAI)}
    assert all(o.day.spans == () for o in found)


def test_an_office_closed_by_exception_is_not_open(outlets, enquiry):
    OpeningException.objects.create(office=outlets["BANK"], date=TUESDAY.date(), closed=True, note="系统升级")
    bank = outlets_nearby(lat=HERE[0], lng=HERE[1], item=enquiry, at=TUESDAY, limit=1)[0]
    assert bank.office.code == "BANK" and not bank.open_now
    assert bank.next_opening == dt.datetime(2026, 2, 11, 9, 0, tzinfo=SHANGHAI)


def test_an_inactive_office_is_not_listed(outlets, enquiry):
    Office.objects.filter(code="BANK").update(is_active=False)
    assert "BANK" not in [o.office.code for o in outlets_nearby(lat=HERE[0], lng=HERE[1], item=enquiry)]


def test_guides_search_finds_chinese_substrings_in_names_descriptions_and_materials(db):
    first = _item("G1", channels=["online"], kinds=[], name="灵活就业人员参保登记", description="个体户与灵活就业")
    second = _item("G2", channels=["hall"], kinds=["district_office"], name="社保卡挂失")
    ItemMaterial.objects.create(item=second, code="ID", name="居民身份证原件")
    assert [i.code for i in guides_search(query="灵活就业")] == ["G1"]
    assert [i.code for i in guides_search(query="身份证")] == ["G2"]
    assert [i.code for i in guides_search(query="")] == ["G1", "G2"]
    ServiceItem.objects.filter(pk=first.pk).update(is_active=False)
    assert guides_search(query="灵活就业") == []


# --- the hours read once for the whole list (the N+1 of _status) -----------------------------
# The number of queries does not grow with the number of outlets (before, two queries an office
# a day looked at: ~21 for a list of ten on a working day, more on a holiday when each office
# looks ahead a week), and the hours read at once are office_day's answer, exceptions included.


def _queries(**kw) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as captured:
        found = outlets_nearby(lat=HERE[0], lng=HERE[1], **kw)
    return len(captured.captured_queries), found


def test_the_queries_do_not_grow_with_the_number_of_outlets(outlets, enquiry):
    for at in (TUESDAY, SATURDAY, NATIONAL_DAY):  # the holiday: every office looks ahead a week
        outlets_nearby(lat=HERE[0], lng=HERE[1], item=enquiry, at=at)  # the calendar's year cached
        one, found_one = _queries(item=enquiry, at=at, limit=1)
        three, found_three = _queries(item=enquiry, at=at, limit=3)
        assert (len(found_one), len(found_three)) == (1, 3)  # all three inside the first box
        # the box search, the exceptions and the hours: three queries, for one outlet or three
        assert one == three == 3, (at, one, three)


def test_the_hours_read_at_once_are_office_day_s_answer(outlets):
    ja = outlets["JA"]
    OpeningException.objects.create(office=ja, date=dt.date(2026, 2, 12), closed=True, note="设备检修")
    OpeningException.objects.create(
        office=ja, date=dt.date(2026, 2, 13), closed=False, opens=dt.time(10), closes=dt.time(12)
    )
    first = TUESDAY.date()
    offices = list(outlets.values())
    book = office_hours_book(offices=offices, first=first, last=first + dt.timedelta(days=LOOKAHEAD_DAYS))
    for office in offices:
        for offset in range(-1, LOOKAHEAD_DAYS + 2):  # and a day on either side of the span read
            day = first + dt.timedelta(days=offset)
            assert book.day(office=office, day=day) == office_day(office=office, day=day), (office.code, day)


def test_an_exception_closes_the_outlet_in_the_list_as_on_its_own(outlets, enquiry):
    OpeningException.objects.create(office=outlets["BANK"], date=TUESDAY.date(), closed=True, note="系统升级")
    by_code = {o.office.code: o for o in outlets_nearby(lat=HERE[0], lng=HERE[1], item=enquiry, at=TUESDAY)}
    assert not by_code["BANK"].open_now and by_code["BANK"].day.note == "系统升级"
    assert by_code["BANK"].next_opening == dt.datetime.combine(
        TUESDAY.date() + dt.timedelta(days=1), dt.time(9), TUESDAY.tzinfo
    )
    assert by_code["COMM"].open_now
