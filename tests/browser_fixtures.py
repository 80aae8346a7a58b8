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
135 -> 105 CPU seconds for 49 tests, 24 of them in a browser."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connections

from tests.conftest import CI

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
