"""Issue 14's second review in a real browser (Chromium via Playwright), where layout is the
point: the window print's form (each label above its own field, on a desktop, a phone and in
large text), the correction form's month and base fields in large text, and on a phone in large
text the statement's months (a short table per insurance, read without swiping sideways) and the
issued-statements table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.contributions.models import ContributionMonth
from shebao.core.calendar import calendar_seed_from_package
from shebao.statements.models import Statement
from tests.browser_fixtures import (
    DESKTOP,
    PHONE,
    browser_page,
    chromium,  # noqa: F401 (the browser fixture, found by name)
    large_text,
    screenshot,
    sign_in_citizen,
    sign_in_session,
    sign_in_staff,
)
from tests.web.support import confirmed_device, employ, make_person, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
D = Decimal
INSURANCES = ("养老保险", "医疗保险", "失业保险", "工伤保险")


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_the_window_form_puts_each_label_above_its_field(chromium, live_server, clerk):  # noqa: F811
    calendar_seed_from_package(years=range(2026, 2027))
    device = confirmed_device(clerk)
    with browser_page(chromium, viewport=DESKTOP) as page:
        sign_in_staff(page, live_server.url, "clerk", device)
        for name, viewport, large in (
            ("desktop", DESKTOP, False),
            ("phone", PHONE, False),
            ("phone-large", PHONE, True),
        ):
            page.set_viewport_size(viewport)
            if large:  # the last pass only: the switch is still off here, one click turns it on
                large_text(page)
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
            screenshot(page, f"statement-window-{name}.png")


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


def test_on_a_phone_in_large_text_the_months_read_down_the_page_and_every_field_is_styled(
    chromium,  # noqa: F811
    live_server,
    citizen,
    paid_year,
):
    with browser_page(chromium, viewport=PHONE) as page:
        sign_in_citizen(page, live_server.url, citizen.id_number)
        large_text(page)
        page.goto(f"{live_server.url}/statements/my/2025/")
        assert page.locator("body.large-text").count() == 1
        # the page never scrolls sideways: the phone shows a short table per insurance, not the wide grid
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        assert not page.locator("#statement-grid").is_visible()
        sections = page.locator("#statement-by-insurance section.insurance-months")
        assert sections.locator("h3").all_inner_texts() == list(INSURANCES)
        for index, name in enumerate(INSURANCES):
            table = sections.nth(index).locator("table")
            # each of the twelve months a row of its own, inside the card and the screen
            assert table.locator("tbody th[scope=row]").all_inner_texts() == [f"{m}月" for m in range(1, 13)]
            for row in table.locator("tbody tr").all():
                row.scroll_into_view_if_needed()
                box = row.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
        # the pension's months: each paid, at its base
        pension = sections.nth(0).locator("tbody tr")
        for month in range(12):
            row = pension.nth(month)
            assert row.locator("td[data-flag=paid]").count() == 1 and "7000" in row.inner_text(), month
        screenshot(page, "statement-months-phone-large-review8.png")
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
        screenshot(page, "statement-correction-phone-large.png")


def test_on_a_phone_in_large_text_every_month_table_fits_its_card(
    chromium,  # noqa: F811
    live_server,
    client,
    citizen,
    paid_year,
):
    # given the pension paid every month and the other three insurances with no contributions at all
    with browser_page(chromium, viewport=PHONE) as page:
        sign_in_session(page, client, live_server.url, citizen, large_text=True)
        page.goto(f"{live_server.url}/statements/my/2025/")
        tables = page.locator("#statement-by-insurance section.insurance-months table")
        assert tables.count() == len(INSURANCES)
        # then no table is wider than its card: nothing over the edge or hidden to the right
        for index, name in enumerate(INSURANCES):
            sizes = tables.nth(index).evaluate("t => ({table: t.scrollWidth, box: t.parentElement.clientWidth})")
            assert sizes["table"] <= sizes["box"], (name, sizes)
