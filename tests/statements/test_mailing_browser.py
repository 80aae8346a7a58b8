"""The mailing pages in a real browser (Chromium via Playwright) on a phone in large text: the
runs, a run's progress and returned mail for staff, the delivery choice for the person, with no
serious accessibility violation and nothing refused by the content security policy."""

from __future__ import annotations

import pytest

from shebao.core.models import Role
from shebao.statements.mailing.services import mailing_run_start
from tests.browser_fixtures import (
    PHONE,
    axe_serious,
    browser_page,
    chromium,  # noqa: F401 (the browser fixture, found by name)
    screenshot,
    sign_in_session,
    watch_csp,
)
from tests.web.support import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_mailing_pages_on_a_phone(
    chromium,  # noqa: F811
    live_server,
    client,
    settings,
    tmp_path,
    district,
    city_office,
    citizen,
):
    from tests.conftest import _staff

    settings.VAR_DIR = tmp_path
    city_clerk = _staff("city_admin", Role.ADMIN, city_office, 3, full_name="市级管理员")  # starts runs
    make_person(district=district, name="本人", account=citizen, postcode="430010")
    run = mailing_run_start(actor=city_clerk, year=2024)
    with browser_page(chromium, viewport=PHONE) as page:
        csp_errors = watch_csp(page)
        sign_in_session(page, client, live_server.url, city_clerk, large_text=True)
        for path, marker in (
            ("/statements/mailing/", "#mailing-run-list"),
            (f"/statements/mailing/{run.pk}/", "#mailing-progress"),
            ("/statements/mailing/returns/", "#resend-list"),
        ):
            page.goto(f"{live_server.url}{path}")
            assert page.locator(marker).count() == 1, path
            assert axe_serious(page) == [], path
        screenshot(page, "mailing-run-phone.png")
        # the person chooses electronic statements
        sign_in_session(page, client, live_server.url, citizen, large_text=True)
        page.goto(f"{live_server.url}/statements/my/delivery/")
        assert axe_serious(page) == []
        page.check("#mode-electronic")
        page.click("#statement-delivery button[type=submit]")
        assert page.locator("#delivery-saved").count() == 1
        assert page.is_checked("#mode-electronic")
    assert csp_errors == []
