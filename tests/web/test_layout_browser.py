"""The page shell on a phone and a laptop, in a real browser (Debian's Chromium via Playwright):
on a narrow screen the navigation folds into a 菜单 / Menu disclosure, so the page's own content
starts within the first screen; the menu opens and closes from the keyboard and says whether it
is open; on a 1366×768 laptop the links are in view without it. axe-core finds nothing serious."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import (  # noqa: F401  (chromium: the fixture)
    PHONE,
    axe_serious,
    browser_page,
    chromium,
    screenshot,
    sign_in_session,
    watch_csp,
)
from tests.web.support import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
LAPTOP = {"width": 1366, "height": 768}


def _heading(page) -> dict:
    """The page's own heading's box, in CSS pixels from the top of the first screen."""
    box = page.locator("main h1").first.bounding_box()
    assert box is not None
    return box


@pytest.fixture
def person(citizen, district):
    return make_person(district=district, account=citizen, name="张三")


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large-text"])
@pytest.mark.parametrize("path", ["/", "/statements/my/"])
def test_on_a_phone_the_menu_folds_and_the_page_starts_on_the_first_screen(
    chromium,  # noqa: F811
    live_server,
    client,
    citizen,
    person,
    path,
    large,
):
    with browser_page(chromium, viewport=PHONE) as page:
        csp = watch_csp(page)
        sign_in_session(page, client, live_server.url, citizen, large_text=large)
        page.goto(f"{live_server.url}{path}")
        links = page.locator("nav.nav a")
        assert links.count() > 5  # a citizen's navigation: many links
        # the links are folded away; the page's heading is on the first screen, in its upper half
        assert not links.first.is_visible()
        heading = _heading(page)
        assert heading["y"] <= PHONE["height"] / 2 and heading["y"] + heading["height"] <= PHONE["height"], heading
        toggle = page.locator("summary.nav-toggle")
        assert toggle.is_visible() and "菜单" in toggle.inner_text() and "Menu" in toggle.inner_text()
        # from the keyboard: Tab to the button, Enter opens it, the links are there, Enter closes
        page.locator("a.brand").focus()
        page.keyboard.press("Tab")
        while page.evaluate("() => !document.activeElement.matches('summary.nav-toggle')"):
            assert page.evaluate("() => document.activeElement.closest('header') !== null")
            page.keyboard.press("Tab")  # past the language and text-size switches
        # a native disclosure (<details>): its expanded state is the element's open state
        assert not page.locator("details.nav-menu").evaluate("d => d.open")
        page.keyboard.press("Enter")
        assert links.first.is_visible() and links.last.is_visible()
        assert page.locator("details.nav-menu").evaluate("d => d.open")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        assert axe_serious(page) == []
        screenshot(page, f"menu-phone-open{'-large' if large else ''}.png", full_page=False)
        page.keyboard.press("Space")
        assert not links.first.is_visible()
        assert axe_serious(page) == []
        assert csp == []


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large-text"])
def test_on_a_laptop_the_links_show_without_a_menu_button(chromium, live_server, client, citizen, large):  # noqa: F811
    with browser_page(chromium, viewport=LAPTOP) as page:
        sign_in_session(page, client, live_server.url, citizen, large_text=large)
        page.goto(f"{live_server.url}/")
        links = page.locator("nav.nav a")
        assert not page.locator("summary.nav-toggle").is_visible()
        for index in range(links.count()):
            assert links.nth(index).is_visible(), links.nth(index).inner_text()
        # reachable by Tab as before, and the content still starts on the first screen
        links.first.focus()
        assert page.evaluate("() => document.activeElement.closest('nav') !== null")
        heading = _heading(page)
        assert heading["y"] + heading["height"] <= LAPTOP["height"], heading
        assert axe_serious(page) == []
        screenshot(page, f"menu-laptop{'-large' if large else ''}.png", full_page=False)
