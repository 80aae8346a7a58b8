"""One Chromium per test process for the browser tests (Debian's, driven by Playwright).

Starting Playwright's driver and Chromium costs ~1.5 s of CPU; each browser test used to pay it.
The browser tests now run one after another at the very end (tests/conftest.py puts them after
the other transactional tests), so the browser started by the first serves the following ones,
each in its own context (cookies, storage and pages are per context), and the test process stops
it as soon as the next test is not a browser test (``browser_stop`` from tests/conftest.py's
``pytest_runtest_teardown``): no other test ever runs beside Playwright's event loop. While the
loop runs, Django hands the test thread other connection objects than the one the database was set
up with; tests/conftest.py keeps the serialized migrated data per database, not per connection
object, so each browser test still starts from the restored data (bca34f6 had to go back to one
Chromium per test for want of that). Measured on the PostgreSQL pass over the browser test files:
135 -> 105 CPU seconds for 49 tests, 24 of them in a browser.

Below the fixture, the steps the browser tests share, as plain functions: a page in a context of
its own (``browser_page``), signing in through the staff or the citizen form or with the test
client's session (``sign_in_staff``, ``sign_in_citizen``, ``sign_in_session``,
``hand_over_session``), large text (``large_text``, ``large_text_cookie``), the navigation that
folds into 菜单 / Menu on a narrow screen (``open_menu``, ``nav_click``), the CSP watch
(``watch_csp``), axe-core's serious findings (``axe_serious``) and screenshots in
``test-artifacts/`` (``screenshot``). Each does what the tests did inline, waits included, so a
test still fails where a step does not happen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from shebao.web.middleware import LARGE_TEXT_COOKIE
from tests.conftest import CI
from tests.factories import PASSWORD
from tests.web import support

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

_running: dict = {}  # "playwright", "browser", "async_unsafe" (the variable's value before)


def browser_start():
    if "browser" not in _running:
        from playwright.sync_api import sync_playwright

        # Playwright's sync API refuses to start inside a running event loop; Django's async
        # safety check must also let the test thread touch the database while it drives (set
        # for as long as the browser runs, and only then).
        _running["async_unsafe"] = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        _running["playwright"] = sync_playwright().start()
        _running["browser"] = _running["playwright"].chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
    return _running["browser"]


def browser_stop() -> None:
    if "browser" not in _running:
        return
    try:
        _running.pop("browser").close()
        # While Playwright's event loop runs, Django keeps this thread's database connections
        # apart (asgiref treats the thread as async): close those here, or PostgreSQL refuses
        # to drop the test database at the end of the run.
        connections.close_all()
    finally:
        _running.pop("playwright").stop()
        before = _running.pop("async_unsafe")
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before
        connections.close_all()


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests"
        if CI:
            pytest.fail(f"{message}; under CI=true this test is mandatory", pytrace=False)
        pytest.skip(message)
    browser = browser_start()
    yield browser
    for context in browser.contexts:  # a context a failed test left open
        context.close()


# --- the steps the browser tests share -------------------------------------------------------

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"  # screenshots for a person to look at
PHONE = {"width": 390, "height": 844}  # an iPhone 12's viewport: every page is tried on it
DESKTOP = {"width": 1280, "height": 900}


@contextmanager
def browser_page(browser, *, viewport: dict | None = DESKTOP, locale: str | None = "zh-CN", **options: Any) -> Iterator:
    """A page in a browser context of its own (cookies, storage), closed however the block ends.

    ``viewport=None`` and ``locale=None`` leave Playwright's defaults (1280×720, the system's
    language); ``options`` go to ``new_context`` (``is_mobile``, ``accept_downloads``, …). The
    context is ``page.context``."""
    context = browser.new_context(locale=locale, viewport=viewport, **options)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in_staff(page, base_url: str, username: str, device, *, password: str = PASSWORD) -> None:
    """Through the staff form, with the password and the authenticator's current code; returns once
    the browser is on the home page (a refused sign-in stays on the form and times out here)."""
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.fill("#id_otp_token", support.current_code(device))
    page.click("button.primary")
    page.wait_for_url(f"{base_url}/")


def sign_in_citizen(page, base_url: str, id_number: str, *, password: str = PASSWORD) -> None:
    """Through the citizen form, with the ID number and the password; returns once the browser is on
    the home page."""
    page.goto(f"{base_url}/login/citizen/")
    page.fill("#id_id_number", id_number)
    page.fill("#id_password", password)
    page.click("button.primary")
    page.wait_for_url(f"{base_url}/")


def sign_in_session(page, client, base_url: str, user, *, large_text: bool = False) -> None:
    """Sign ``user`` in through the test client (``tests.web.support.sign_in``: staff with the second
    factor verified) and give the browser that session in place of all its cookies, with large text
    on if asked: for tests about a page, not about the sign-in form."""
    client.logout()
    support.sign_in(client, user)
    page.context.clear_cookies()
    hand_over_session(page, client, base_url, large_text=large_text)


def hand_over_session(page, client, base_url: str, *, large_text: bool = False) -> None:
    """The test client's session cookie (and the large-text one if asked) into the browser, beside
    the cookies it has."""
    cookies = [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    if large_text:
        cookies.append({"name": LARGE_TEXT_COOKIE, "value": "1", "url": base_url})
    page.context.add_cookies(cookies)


def large_text(page) -> None:
    """Switch large text (大字版) on with the header's toggle; returns once the page shows it."""
    page.click("text=大字版")
    page.wait_for_selector("body.large-text")


def large_text_cookie(page, base_url: str) -> None:
    """Large text on from the next page loaded, as a returning visitor has it."""
    page.context.add_cookies([{"name": LARGE_TEXT_COOKIE, "value": "1", "url": base_url}])


def open_menu(page) -> None:
    """Open the 菜单 / Menu disclosure if the page shows its button (a screen up to 48em = 768px, or
    a browser that cannot style the details' content); on a wide screen the links are in a row
    already and nothing is clicked. Returns once the menu is open."""
    toggle = page.locator("summary.nav-toggle")
    if toggle.is_visible() and not page.locator("details.nav-menu").evaluate("d => d.open"):
        toggle.click()
        page.wait_for_selector("details.nav-menu[open]")


def nav_click(page, name: str) -> None:
    """Click the main navigation's link named ``name`` (one link only, matched as Playwright's
    accessible name: a part of it will do), opening the menu first on a narrow screen."""
    open_menu(page)
    page.locator("nav.nav").get_by_role("link", name=name).click()


def watch_csp(page, errors: list[str] | None = None) -> list[str]:
    """The console messages of the Content-Security-Policy from now on, appended to ``errors`` (a
    new list if none: pass one to watch several pages); the test asserts it stays empty."""
    found: list[str] = [] if errors is None else errors
    page.on("console", lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text else None)
    return found


def axe_serious(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def screenshot(page, name: str, *, full_page: bool = True) -> None:
    """The page into ``test-artifacts/<name>``."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)
