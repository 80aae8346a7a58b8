"""The app's pages on a phone in a real browser (Debian's Chromium via Playwright, 390×844):
the six tiles, no serious accessibility violation (axe-core) and no CSP error; the service
worker takes over and, with the signal gone, the guides and the last nearby result still
open from its cache; the nearby page finds the outlets from the browser's position.
Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import pytest

from shebao.catalog.models import ItemMaterial
from tests.browser_fixtures import (
    PHONE,
    axe_serious,
    browser_page,
    chromium,  # noqa: F401 (the browser fixture, found by name)
    screenshot,
    watch_csp,
)
from tests.catalog.test_outlets import HERE, _item, enquiry, outlets  # noqa: F401
from tests.mobile.test_pages import TILES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_app_opens_on_a_phone_and_keeps_the_guides_and_the_last_nearby_result_offline(
    chromium,  # noqa: F811
    live_server,
    outlets,  # noqa: F811
    enquiry,  # noqa: F811
):
    # given a guide with its material, and a phone that allows the app its position at 江汉路
    item = _item("G2", channels=["hall", "app"], kinds=["district_office"], name="社保卡挂失", saturday=True)
    ItemMaterial.objects.create(item=item, code="ID", name="居民身份证原件", name_en="ID card")
    with browser_page(
        chromium,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": HERE[0], "longitude": HERE[1]},
        permissions=["geolocation"],
    ) as page:
        csp_errors = watch_csp(page)
        # when they open the app
        page.goto(f"{live_server.url}/app/")
        # then the six tiles, nothing off the screen's edge, nothing serious for axe
        assert page.locator("#tiles .tile-name").all_inner_texts() == TILES
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert axe_serious(page) == []
        screenshot(page, "app-home-phone.png")
        # and the service worker is installed for /app/ and controls the page after a reload
        scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
        assert scope == f"{live_server.url}/app/"
        page.reload()
        page.wait_for_function("navigator.serviceWorker.controller !== null")

        # when they look for the card-loss guide and open it
        page.goto(f"{live_server.url}/app/guides/?q=挂失")
        page.click("text=社保卡挂失")
        page.wait_for_url("**/app/guides/G2/")
        assert "居民身份证原件" in page.locator("#materials").inner_text()
        assert axe_serious(page) == []

        # when they find the service points near them from their position
        page.goto(f"{live_server.url}/app/nearby/")
        page.select_option("#nearby-item", "Q1")
        page.click("#locate")
        page.wait_for_selector("#outlet-list")
        names = page.locator("#outlet-list h2").all_inner_texts()
        assert names == [outlets[c].name for c in ("BANK", "COMM", "JA", "WC")]
        assert "363 米" in page.locator("#outlet-list li").first.inner_text()
        assert axe_serious(page) == []
        screenshot(page, "app-nearby-phone.png")

        # when the signal is gone
        page.context.set_offline(True)
        # then the guides still open from the phone's cache, the list and the one they read
        page.goto(f"{live_server.url}/app/guides/")
        assert "社保卡挂失" in page.locator("#guide-list").inner_text()
        page.goto(f"{live_server.url}/app/guides/G2/")
        assert "居民身份证原件" in page.locator("#materials").inner_text()
        # and the nearby page shows the last result it found
        page.goto(f"{live_server.url}/app/nearby/?lat=30.6&lng=114.3")
        assert page.locator("#outlet-list h2").all_inner_texts() == names
        # and a page never kept says so, in both languages
        page.goto(f"{live_server.url}/app/messages/")
        assert "网络不可用" in page.locator("h1").inner_text()
        assert csp_errors == []


def test_the_kiosk_screen_is_large_without_sign_in(chromium, live_server, db):  # noqa: F811
    with browser_page(chromium, viewport={"width": 1080, "height": 1920}) as page:
        page.goto(f"{live_server.url}/app/?kiosk=1")
        assert page.locator("body.kiosk.large-text").count() == 1
        assert page.locator(".app-signin").count() == 0
        assert len(page.locator("#tiles .tile").all()) == 4
        assert float(page.evaluate("getComputedStyle(document.body).fontSize").rstrip("px")) >= 24
        assert axe_serious(page) == []
        screenshot(page, "app-kiosk.png", full_page=False)
