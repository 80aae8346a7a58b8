"""Issue 14's second review in a real browser (Chromium via Playwright), where layout is the
point: the window print's form (each label above its own field, on a desktop, a phone and in
large text), the correction form's month and base fields in large text, and the statement's
month grid and issued-statements table on a phone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.contributions.models import ContributionMonth
from shebao.core.calendar import calendar_seed_from_package
from shebao.statements.models import Statement
from tests.factories import PASSWORD
from tests.web.support import confirmed_device, current_code, employ, make_person, make_unit
from tests.web.test_browser import ARTIFACTS, chromium  # noqa: F401 (the same launch settings)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
D = Decimal
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def _large_text(page) -> None:
    if not page.locator("body.large-text").count():
        page.click("text=大字版")
        page.wait_for_selector("body.large-text")


def test_the_window_form_puts_each_label_above_its_field(chromium, live_server, clerk):  # noqa: F811
    calendar_seed_from_package(years=range(2026, 2027))
    device = confirmed_device(clerk)
    context = chromium.new_context(locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "clerk")
        page.fill("#id_password", PASSWORD)
        page.fill("#id_otp_token", current_code(device))
        page.click("button.primary")
        page.wait_for_url(f"{live_server.url}/")
        for name, viewport, large in (
            ("desktop", DESKTOP, False),
            ("phone", PHONE, False),
            ("phone-large", PHONE, True),
        ):
            page.set_viewport_size(viewport)
            if large:
                _large_text(page)
            page.goto(f"{live_server.url}/statements/window/")
            form = page.locator("#window-form").bounding_box()
            pairs = [
                ("w-id", "#w-id"),
                ("w-year", "#w-year"),
                ("w-agent-id", "#w-agent-id"),
                ("w-agent-name", "#w-agent-name"),
            ]
            labels = {key: page.locator(f"label[for={key}]").bounding_box() for key, _ in pairs}
            fields = {key: page.locator(field).bounding_box() for key, field in pairs}
            fields["button"] = page.locator("#window-form button[type=submit]").bounding_box()
            fields["agent"] = page.locator("#w-agent").bounding_box()
            for key, _ in pairs:
                label, field = labels[key], fields[key]
                # the label sits right above its own field, in the same column
                assert label["y"] + label["height"] <= field["y"] + 1, (name, key)
                assert field["y"] - (label["y"] + label["height"]) < 20, (name, key)
                assert abs(label["x"] - field["x"]) < 2, (name, key)
                # a sensible width: not a sliver, not past the form
                assert 200 <= field["width"] <= form["width"] + 1, (name, key, field["width"])
                assert field["x"] + field["width"] <= form["x"] + form["width"] + 1, (name, key)
                # and no label lies over another field (the year select, the fieldset, the button)
                for other, box in fields.items():
                    if other != key and not (other == "agent" and key.startswith("w-agent")):
                        assert not _overlap(label, box), (name, key, other)
            assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"statement-window-{name}.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture
def paid_year(citizen, district):
    person = make_person(district=district, account=citizen, name="张三")
    unit = make_unit(code="91420102MA4K000011", district=district, name="江岸甲公司")
    employ(person, unit, start=dt.date(2025, 1, 1))
    for month in range(1, 13):
        ContributionMonth.objects.create(
            person=person,
            unit=unit,
            period=dt.date(2025, month, 1),
            base=D("7000"),
            pension_personal=D("560"),
            account_credit=D("560"),
            status="paid",
        )
    return person


def test_on_a_phone_in_large_text_the_grid_scrolls_in_its_box_and_every_field_is_styled(
    chromium,  # noqa: F811
    live_server,
    citizen,
    paid_year,
):
    context = chromium.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/login/citizen/")
        page.fill("#id_id_number", citizen.id_number)
        page.fill("#id_password", PASSWORD)
        page.click("button.primary")
        page.wait_for_url(f"{live_server.url}/")
        _large_text(page)
        page.goto(f"{live_server.url}/statements/my/2025/")
        grid = page.evaluate(
            """() => { const wrap = document.querySelector('#statement-grid').closest('.table-wrap');
              const card = wrap.closest('.card').getBoundingClientRect();
              const box = wrap.getBoundingClientRect();
              return {left: box.left, right: box.right, cardLeft: card.left, cardRight: card.right,
                      client: wrap.clientWidth, scroll: wrap.scrollWidth,
                      overflow: getComputedStyle(wrap).overflowX,
                      page: document.documentElement.scrollWidth}; }"""
        )
        # the grid is wider than the phone and scrolls inside its own box, not the page
        assert grid["scroll"] > grid["client"] and grid["overflow"] == "auto"
        assert grid["cardLeft"] <= grid["left"] and grid["right"] <= grid["cardRight"] <= PHONE["width"]
        assert grid["page"] <= PHONE["width"]
        # with a hint a person can see, and the insurance column kept in view while scrolling
        assert page.locator("#statement-grid-hint").is_visible()
        page.locator("#statement-grid").evaluate("t => t.closest('.table-wrap').scrollLeft = 600")
        first = page.locator("#statement-grid tbody th").first.bounding_box()
        assert grid["left"] - 1 <= first["x"] <= grid["left"] + 2
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "statement-grid-phone-large.png"), full_page=True)
        # the issued statements: the PDF link is on the screen
        page.goto(f"{live_server.url}/statements/my/")
        link = page.locator("#statements-issued a.statement-pdf").first.bounding_box()
        assert link["x"] >= 0 and link["x"] + link["width"] <= PHONE["width"] - 16
        # the correction form: the month (type=month) and the base (no type) look like the rest
        statement = Statement.objects.get(person=paid_year, year=2025)
        page.goto(f"{live_server.url}/statements/s/{statement.ref}/correction/")
        reference = page.locator("#c-what").bounding_box()
        for field in ("#c-period", "#c-period-to", "#c-base"):
            box = page.locator(field).bounding_box()
            assert box["height"] >= reference["height"] - 1, field
            assert box["width"] >= reference["width"] - 1, field
            assert page.locator(field).evaluate("e => getComputedStyle(e).borderTopWidth") == page.locator(
                "#c-what"
            ).evaluate("e => getComputedStyle(e).borderTopWidth"), field
        assert page.locator("#c-base").get_attribute("inputmode") == "decimal"
        page.screenshot(path=str(ARTIFACTS / "statement-correction-phone-large.png"), full_page=True)
    finally:
        context.close()
