"""The statement's month grid in a real browser (Debian's Chromium via Playwright): on a phone,
also in large text, it reads month by month without swiping sideways; on a 1366px or 1280px
laptop, also in large text, every month through 12月 fits; the same figures and table headers for
a screen reader either way, and axe-core finds nothing serious."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.contributions.models import ContributionMonth
from tests.browser_fixtures import PHONE, axe_serious, browser_page, chromium, screenshot, sign_in_session  # noqa: F401
from tests.web.support import employ, make_person, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
D = Decimal
YEAR = 2025
INSURANCES = ("养老保险", "医疗保险", "失业保险", "工伤保险")
LAPTOPS = {"1366": {"width": 1366, "height": 768}, "1280": {"width": 1280, "height": 800}}


@pytest.fixture
def paid_year(citizen, district):
    """Four insurances, a five-digit base every month, December in arrears (the widest cells)."""
    person = make_person(district=district, account=citizen, name="张三")
    unit = make_unit(code="91420102MA4K000011", district=district, name="江岸甲公司")
    employ(person, unit, start=dt.date(YEAR, 1, 1))
    for month in range(1, 13):
        ContributionMonth.objects.create(
            person=person,
            unit=unit,
            period=dt.date(YEAR, month, 1),
            base=D("17000"),
            pension_personal=D("1360"),
            medical_personal=D("340"),
            unemployment_personal=D("50"),
            injury_employer=D("30"),
            account_credit=D("1360"),
            status="paid" if month < 12 else "arrears",
        )
    return person


def _inside(box: dict, container: dict) -> bool:
    return container["x"] - 1 <= box["x"] and box["x"] + box["width"] <= container["x"] + container["width"] + 1


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large-text"])
@pytest.mark.parametrize("laptop", sorted(LAPTOPS))
def test_on_a_laptop_every_month_through_december_fits_the_grid(
    chromium,  # noqa: F811
    live_server,
    client,
    citizen,
    paid_year,
    laptop,
    large,
):
    viewport = LAPTOPS[laptop]
    with browser_page(chromium, viewport=viewport) as page:
        sign_in_session(page, client, live_server.url, citizen, large_text=large)
        page.goto(f"{live_server.url}/statements/my/{YEAR}/")
        grid = page.locator("#statement-grid")
        assert grid.is_visible()
        wrap = page.evaluate(
            """() => { const w = document.querySelector('#statement-grid').closest('.table-wrap');
                       return {scroll: w.scrollWidth, client: w.clientWidth}; }"""
        )
        # the table does not overflow its box: nothing to scroll to
        assert wrap["scroll"] <= wrap["client"], wrap
        december = grid.locator("thead th", has_text="12月")
        december.scroll_into_view_if_needed()
        box, frame = december.bounding_box(), page.locator("#statement-months").bounding_box()
        assert box is not None and frame is not None
        assert _inside(box, frame) and box["x"] + box["width"] <= viewport["width"]
        # December's cells are there, the headers a screen reader reads are intact
        assert grid.locator("tbody td[data-flag=arrears]").count() == 4
        headers = grid.locator("thead th[scope=col]").all_inner_texts()
        assert headers[0].startswith("险种") and headers[1:] == [f"{m}月" for m in range(1, 13)]
        assert grid.locator("tbody th[scope=row]").all_inner_texts() == list(INSURANCES)
        # one layout at a time: the phone's is not also shown
        assert not page.locator("#statement-by-insurance").is_visible()
        assert axe_serious(page) == []
        screenshot(page, f"statement-grid-{laptop}-{'large' if large else 'standard'}.png")


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large-text"])
def test_on_a_phone_the_months_read_down_the_page_without_swiping(
    chromium,  # noqa: F811
    live_server,
    client,
    citizen,
    paid_year,
    large,
):
    with browser_page(chromium, viewport=PHONE) as page:
        sign_in_session(page, client, live_server.url, citizen, large_text=large)
        page.goto(f"{live_server.url}/statements/my/{YEAR}/")
        # the page never scrolls sideways, and the wide grid is not what the phone shows
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        assert not page.locator("#statement-grid").is_visible()
        sections = page.locator("#statement-by-insurance section.insurance-months")
        assert sections.count() == len(INSURANCES)
        for index, name in enumerate(INSURANCES):
            section = sections.nth(index)
            assert section.locator("h3").inner_text() == name
            table = section.locator("table")
            # a row a month, January to December, each month's row header for a screen reader
            assert table.locator("tbody th[scope=row]").all_inner_texts() == [f"{m}月" for m in range(1, 13)]
            assert table.locator("thead th[scope=col]").count() == 3
            december = table.locator("tbody tr").nth(11)
            assert "欠缴" in december.inner_text() and "17000" in december.inner_text()
            # the table fits its card: nothing hidden to the right
            sizes = table.evaluate("t => ({table: t.scrollWidth, box: t.parentElement.clientWidth})")
            assert sizes["table"] <= sizes["box"], (name, sizes)
            december.scroll_into_view_if_needed()
            box = december.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert axe_serious(page) == []
        screenshot(page, f"statement-months-phone-{'large' if large else 'standard'}.png")
