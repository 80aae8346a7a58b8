"""An ID number pasted with spaces around it, in a real browser (Debian's Chromium via
Playwright): the field keeps every character pasted (its maxlength leaves room for spaces; the
server strips and checks the number), so the window clerk's and the unit operator's look-ups find
the person, and a wrong number's message quotes what was pasted, not a number cut by the browser."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser_fixtures import browser_page, chromium, sign_in_session  # noqa: F401  (chromium: the fixture)
from tests.web.support import employ, make_person, make_unit, new_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _paste(page, selector: str, text: str) -> None:
    """Text into a field as a paste puts it: one insertion, which the field's maxlength cuts."""
    page.locator(selector).fill("")
    page.locator(selector).focus()
    page.keyboard.insert_text(text)


@pytest.fixture
def insured(district):
    return make_person(district=district, name="李四", id_number=new_id_number(district.code))


def test_the_window_keeps_a_pasted_number_with_a_leading_space_and_prints(
    chromium,  # noqa: F811
    live_server,
    client,
    clerk,
    insured,
):
    pasted = f" {insured.id_number} "
    with browser_page(chromium) as page:
        sign_in_session(page, client, live_server.url, clerk)
        page.goto(f"{live_server.url}/statements/window/")
        _paste(page, "#w-id", pasted)
        # the field holds all twenty characters pasted, not the first eighteen
        assert page.locator("#w-id").input_value() == pasted
        page.click("#window-form button[type=submit]")
        page.wait_for_selector("#window-statement, #window-error")
        assert page.locator("#window-error").count() == 0
        assert page.locator("#st-name").inner_text() == "李四"


def test_the_windows_message_quotes_the_number_pasted(chromium, live_server, client, clerk, insured):  # noqa: F811
    # given a number pasted with a leading space and one digit too many (nineteen digits)
    typed = insured.id_number + "7"
    with browser_page(chromium) as page:
        sign_in_session(page, client, live_server.url, clerk)
        page.goto(f"{live_server.url}/statements/window/")
        _paste(page, "#w-id", f" {typed}")
        page.click("#window-form button[type=submit]")
        error = page.locator("#window-error").inner_text()
        # then the message counts and quotes the nineteen digits pasted, not seventeen of them
        assert "19" in error and typed in error, error
        assert page.locator("#w-id").input_value().strip() == typed
        # and the agent's number keeps its spaces too
        _paste(page, "#w-agent-id", f" {insured.id_number} ")
        assert page.locator("#w-agent-id").input_value() == f" {insured.id_number} "


def test_the_unit_page_keeps_a_pasted_number_with_a_leading_space(
    chromium,  # noqa: F811
    live_server,
    client,
    unit_operator,
    district,
    insured,
):
    unit = make_unit(code=unit_operator.unit_code, district=district, name="江岸甲公司")
    employ(insured, unit, start=dt.date(2024, 1, 1))
    pasted = f" {insured.id_number}"
    with browser_page(chromium) as page:
        sign_in_session(page, client, live_server.url, unit_operator)
        page.goto(f"{live_server.url}/statements/unit/")
        _paste(page, "#u-id", pasted)
        assert page.locator("#u-id").input_value() == pasted
        page.click("#unit-employee-months button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("#unit-error").count() == 0, page.locator("#unit-error").all_inner_texts()
        assert page.locator("#unit-grid").is_visible()
