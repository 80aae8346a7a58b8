"""The transfer pages in a real browser (Chromium via Playwright) on a phone in large text: the
dashboard with its chart and the transfer's page, for staff and for the person, with no serious
accessibility violation and nothing refused by the content security policy."""

from __future__ import annotations

import pytest

from shebao.core.calendar import calendar_seed_from_package
from shebao.pensions.transfers import services
from tests.browser_fixtures import (
    PHONE,
    axe_serious,
    browser_page,
    chromium,  # noqa: F401 (the browser fixture, found by name)
    screenshot,
    sign_in_session,
    watch_csp,
)
from tests.pensions.transfers.conftest import person_of
from tests.pensions.transfers.test_transfer_in import apply

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_dashboard_and_a_transfer_on_a_phone(
    chromium,  # noqa: F811
    live_server,
    client,
    world,
    at,
    district,
    citizen,
    clerk,
    reviewer,
    monitor,
):
    calendar_seed_from_package(years=range(2026, 2027))
    # given a transfer in whose letter went out, waiting on the other agency
    person_of(citizen, district)
    case = apply(clerk, citizen, district)
    services.transfer_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    case.refresh_from_db()
    services.transfer_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    at(2026, 3, 30, 10, 0)
    with browser_page(chromium, viewport=PHONE) as page:
        csp_errors = watch_csp(page)
        sign_in_session(page, client, live_server.url, monitor, large_text=True)
        # when the monitor opens the dashboard
        page.goto(f"{live_server.url}/transfers/dashboard/")
        # then the chart, the phase rates and the case waiting on the other agency
        assert page.locator("#transfers-dashboard svg[role=img]").count() == 1
        assert case.number in page.inner_text("#transfers-dashboard")
        assert axe_serious(page) == []
        screenshot(page, "transfers-dashboard-phone.png")
        # when the person opens their own transfer
        sign_in_session(page, client, live_server.url, citizen, large_text=True)
        page.goto(f"{live_server.url}/transfers/{case.number}/")
        assert "转出地办理转出" in page.inner_text("#transfer")
        assert axe_serious(page) == []
        screenshot(page, "transfer-mine-phone.png")
        assert csp_errors == []
