"""A clerk signs in through a real browser (Debian's Chromium via Playwright), switches large
text on, and the page shows their name and office in Chinese. A screenshot is kept in
``test-artifacts/`` for a person to look at."""

from __future__ import annotations

import pytest

from shebao.core.calendar import calendar_seed_from_package
from tests import browser_fixtures
from tests.browser_fixtures import (  # noqa: F401 (ARTIFACTS: tests/statements import it from here)
    ARTIFACTS,
    PHONE,
    browser_page,
    large_text,
    large_text_cookie,
    screenshot,
    sign_in_staff,
    watch_csp,
)
from tests.web.support import confirmed_device

# the browser fixture (one Chromium per test process), found by name; tests/statements import it from here
chromium = browser_fixtures.chromium

# transaction=True: the live server's threads must see the test's rows. pytest-django runs
# transactional tests last; their flush also empties the seeded calendar, so the test seeds
# the one year it needs itself.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_signs_in_and_switches_large_text(chromium, live_server, clerk):
    # given a clerk with an authenticator, and the 2026 holiday arrangement
    calendar_seed_from_package(years=range(2026, 2027))
    device = confirmed_device(clerk)
    with browser_page(chromium) as page:
        csp_errors = watch_csp(page)
        # when they sign in with password and the current one-time code
        sign_in_staff(page, live_server.url, "clerk", device)
        # then their workbench, with their name and office
        assert page.locator(".who-name").inner_text() == "王窗口"
        assert "江岸区社会保险管理处" in page.locator("#my-office").inner_text()
        # when they switch large text on
        large_text(page)
        # then the page is scaled up and still shows who and where
        font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert font_size >= 20
        assert "王窗口" in page.inner_text("header")
        assert "江岸区社会保险管理处" in page.inner_text("#my-office")
        # and the due-date calculator answers through htmx without leaving the page
        page.fill("#id_start", "2026-02-13")
        page.fill("#id_workdays", "1")
        page.click("#due-date button.primary")
        page.wait_for_selector('#due-date-result time[datetime="2026-02-14"]')
        assert page.url == f"{live_server.url}/"
        screenshot(page, "clerk-home-large-text.png")
        assert csp_errors == []


def test_bad_input_through_htmx_shows_the_message_in_place(chromium, live_server):
    # given the public calculators page (no sign-in), whose forms post through htmx
    calendar_seed_from_package(years=range(2026, 2027))
    with browser_page(chromium, viewport=None) as page:
        answers: list[int] = []
        page.on("response", lambda r: answers.append(r.status) if "/calculators/interest/" in r.url else None)
        page.goto(f"{live_server.url}/calculators/")
        # when a negative opening balance is submitted
        page.fill("#interest-calculator [name=opening_balance]", "-1")
        page.fill("#interest-calculator [name=year]", "2024")
        page.fill("#interest-calculator [name=monthly_credit]", "100")
        page.click("#interest-calculator button.primary")
        # then the 422 answer's message is swapped into the result box, on the same page
        page.wait_for_selector('#interest-result [role="alert"]')
        assert answers == [422]
        assert page.url == f"{live_server.url}/calculators/"
        assert page.locator("h1").count() == 1  # the fragment, not a second page inside the first


def test_large_text_on_a_phone_never_scrolls_sideways(chromium, live_server):
    # given an elderly user's phone (390 px wide) with large text on (适老化)
    calendar_seed_from_package(years=range(2026, 2027))
    with browser_page(chromium, viewport=PHONE) as page:
        large_text_cookie(page, live_server.url)
        for path in ("/welcome/", "/calculators/", "/track/", "/workdays/"):
            page.goto(f"{live_server.url}{path}")
            assert page.evaluate("document.body.classList.contains('large-text')")
            # then no page is wider than the screen (card grids of 18-20em were 418-440 px)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} is {width} px wide"
