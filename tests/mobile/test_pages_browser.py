"""The app's pages on a phone in a real browser (Debian's Chromium via Playwright, 390×844):
the six tiles, no serious accessibility violation (axe-core) and no CSP error; the service
worker takes over and, with the signal gone, the guides and the last nearby result still
open from its cache; the nearby page finds the outlets from the browser's position.
Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import pytest

from shebao.catalog.models import ItemMaterial
from tests.catalog.test_outlets import HERE, _item, enquiry, outlets  # noqa: F401
from tests.mobile.test_pages import TILES
from tests.pensions.test_retiree_browser import _serious
from tests.web.test_browser import ARTIFACTS, chromium  # noqa: F401 (the same launch settings)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _phone(chromium, **extra):  # noqa: F811
    return chromium.new_context(
        locale="zh-CN", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, **extra
    )


def test_the_app_opens_on_a_phone_and_keeps_the_guides_and_the_last_nearby_result_offline(
    chromium,  # noqa: F811
    live_server,
    outlets,  # noqa: F811
    enquiry,  # noqa: F811
):
    # given a guide with its material, and a phone that allows the app its position at 江汉路
    item = _item("G2", channels=["hall", "app"], kinds=["district_office"], name="社保卡挂失", saturday=True)
    ItemMaterial.objects.create(item=item, code="ID", name="居民身份证原件", name_en="ID card")
    context = _phone(chromium, geolocation={"latitude": HERE[0], "longitude": HERE[1]}, permissions=["geolocation"])
    page = context.new_page()
    csp_errors: list[str] = []
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    try:
        # when they open the app
        page.goto(f"{live_server.url}/app/")
        # then the six tiles, nothing off the screen's edge, nothing serious for axe
        assert page.locator("#tiles .tile-name").all_inner_texts() == TILES
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert _serious(page) == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "app-home-phone.png"), full_page=True)
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
        assert _serious(page) == []

        # when they find the service points near them from their position
        page.goto(f"{live_server.url}/app/nearby/")
        page.select_option("#nearby-item", "Q1")
        page.click("#locate")
        page.wait_for_selector("#outlet-list")
        names = page.locator("#outlet-list h2").all_inner_texts()
        assert names == [outlets[c].name for c in ("BANK", "COMM", "JA", "WC")]
        assert "363 米" in page.locator("#outlet-list li").first.inner_text()
        assert _serious(page) == []
        page.screenshot(path=str(ARTIFACTS / "app-nearby-phone.png"), full_page=True)

        # when the signal is gone
        context.set_offline(True)
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
    finally:
        context.close()


def test_the_kiosk_screen_is_large_without_sign_in(chromium, live_server, db):  # noqa: F811
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1080, "height": 1920})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/app/?kiosk=1")
        assert page.locator("body.kiosk.large-text").count() == 1
        assert page.locator(".app-signin").count() == 0
        assert len(page.locator("#tiles .tile").all()) == 4
        assert float(page.evaluate("getComputedStyle(document.body).fontSize").rstrip("px")) >= 24
        assert _serious(page) == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "app-kiosk.png"))
    finally:
        context.close()
