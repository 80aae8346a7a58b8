"""The transfer pages in a real browser (Chromium via Playwright) on a phone in large text: the
dashboard with its chart and the transfer's page, for staff and for the person, with no serious
accessibility violation and nothing refused by the content security policy."""

from __future__ import annotations

import pytest

from shebao.core.calendar import calendar_seed_from_package
from shebao.pensions.transfers import services
from shebao.web.middleware import LARGE_TEXT_COOKIE
from tests.pensions.transfers.conftest import person_of
from tests.pensions.transfers.test_transfer_in import apply
from tests.web.support import sign_in
from tests.web.test_browser import ARTIFACTS, chromium  # noqa: F401 (the same launch settings)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


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
    context = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    csp_errors: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
        sign_in(client, monitor)
        context.add_cookies(
            [
                {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
                {"name": LARGE_TEXT_COOKIE, "value": "1", "url": live_server.url},
            ]
        )
        # when the monitor opens the dashboard
        page.goto(f"{live_server.url}/transfers/dashboard/")
        # then the chart, the phase rates and the case waiting on the other agency
        assert page.locator("#transfers-dashboard svg[role=img]").count() == 1
        assert case.number in page.inner_text("#transfers-dashboard")
        assert _serious(page) == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "transfers-dashboard-phone.png"), full_page=True)
        # when the person opens their own transfer
        client.logout()
        sign_in(client, citizen)
        context.clear_cookies()
        context.add_cookies(
            [
                {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
                {"name": LARGE_TEXT_COOKIE, "value": "1", "url": live_server.url},
            ]
        )
        page.goto(f"{live_server.url}/transfers/{case.number}/")
        assert "转出地办理转出" in page.inner_text("#transfer")
        assert _serious(page) == []
        page.screenshot(path=str(ARTIFACTS / "transfer-mine-phone.png"), full_page=True)
        assert csp_errors == []
    finally:
        context.close()
