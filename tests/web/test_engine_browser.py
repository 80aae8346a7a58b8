"""The engine's pages in a real browser (Debian's Chromium via Playwright), in real time.

A clerk signs in with TOTP, receives a flexible worker's one-form (一表通: T-G1 and T-G2 with
complete materials) and accepts both cases on the result page — the level-1 case completes
there; a reviewer completes T-G2 from the workbench; the applicant signs in and sees both
cases completed. Screenshots of the workbench and the case page go to ``test-artifacts/``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shebao.cases.models import Case
from shebao.core.calendar import calendar_seed_from_package
from shebao.core.models import OpeningException, OpeningHours, SkillGroup
from shebao.core.workdays import listed_kind
from tests.browser_fixtures import (
    browser_page,
    chromium,  # noqa: F401 (the browser fixture, found by name)
    screenshot,
    sign_in_citizen,
    sign_in_staff,
    watch_csp,
)
from tests.web.support import confirmed_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALL_DAY = (dt.time(0, 0), dt.time(23, 59))


@pytest.fixture
def open_office(office):
    """Real time, so the clerk's office is open every day, all day — even on a public holiday."""
    today = timezone.localdate()
    calendar_seed_from_package(years=range(today.year, today.year + 2))
    for weekday in range(7):
        OpeningHours.objects.create(office=office, weekday=weekday, opens=ALL_DAY[0], closes=ALL_DAY[1])
    if listed_kind(today) == "rest":
        OpeningException.objects.create(
            office=office, date=today, closed=False, opens=ALL_DAY[0], closes=ALL_DAY[1], note="测试"
        )
    return office


def test_one_form_received_accepted_reviewed_and_followed(
    chromium,  # noqa: F811
    live_server,
    catalogue,
    open_office,
    clerk,
    reviewer,
    citizen,
    district,
):
    # given a clerk and a reviewer with the enrolment skill group and authenticators
    group = SkillGroup.objects.get(code="register")
    clerk.skill_groups.add(group)
    reviewer.skill_groups.add(group)
    clerk_device, reviewer_device = confirmed_device(clerk), confirmed_device(reviewer)
    csp_errors: list[str] = []

    # when the clerk opens the workbench and the flexible-worker one-form
    with browser_page(chromium) as page:
        sign_in_staff(page, live_server.url, clerk.username, clerk_device)
        watch_csp(page, csp_errors)
        page.click("nav >> text=工作台")
        page.wait_for_url(f"{live_server.url}/workbench/")
        assert "一岗通" in page.inner_text("h1")
        page.click('a[href="/workbench/one-form/flexible_enrol/"]')
        page.check('input[name="items"][value="T-G1"]')
        page.check('input[name="items"][value="T-G2"]')
        page.fill("#id_applicant_id_number", citizen.id_number)
        page.fill("#id_applicant_name", "张三")
        page.select_option("#id_district_code", district.code)
        page.fill("#id_phone", "13800000000")
        page.fill("#id_f_address", "江岸区胜利街1号")
        page.check('input[name="m_id_card"][value="received"]')
        page.check('input[name="m_address_proof"][value="received"]')
        screenshot(page, "engine-one-form.png")
        page.click("form.receive button.primary")
        page.wait_for_url("**/workbench/received/**")
        # then both cases are on one page, one group
        g1, g2 = (Case.objects.get(item__code=code) for code in ("T-G1", "T-G2"))
        assert g1.group_ref == g2.group_ref != ""
        card1, card2 = page.locator(f"#case-{g1.number}"), page.locator(f"#case-{g2.number}")
        # when the clerk accepts the level-1 case there (htmx swaps its card in place)
        card1.locator('button[data-action="accept"]').click()
        page.wait_for_selector(f"#case-{g1.number} .status-completed")
        # and accepts the level-2 case, which now waits for a review by someone else
        card2.locator('button[data-action="accept"]').click()
        page.wait_for_selector(f"#case-{g2.number} .step-refused")
        assert "received" in page.url  # no page load: the cards were swapped
        assert "2级权限" in card2.inner_text()
        screenshot(page, "engine-one-form-received.png")
        page.goto(f"{live_server.url}/workbench/")
        screenshot(page, "engine-clerk-workbench.png")
    assert Case.objects.get(pk=g1.pk).status == Case.Status.COMPLETED
    assert Case.objects.get(pk=g2.pk).current_step.kind == "review"

    # when the reviewer opens the workbench, finds T-G2 and reviews it
    with browser_page(chromium) as page:
        sign_in_staff(page, live_server.url, reviewer.username, reviewer_device)
        watch_csp(page, csp_errors)
        page.goto(f"{live_server.url}/workbench/")
        row = page.locator("tr.queue-row", has_text=g2.number)
        assert "测试事项T-G2" in row.inner_text()
        screenshot(page, "engine-reviewer-workbench.png")
        row.locator("a").click()
        page.wait_for_url(f"**/cases/{g2.number}/")
        screenshot(page, "engine-case-page.png")
        page.click('#case-panel button[data-action="review"]')
        page.wait_for_selector("#case-panel .status-completed")
        assert "王窗口" in page.inner_text("#case-history") and "李复核" in page.inner_text("#case-history")
        screenshot(page, "engine-case-page-completed.png")
    assert Case.objects.get(pk=g2.pk).status == Case.Status.COMPLETED

    # when the applicant signs in and opens my cases
    with browser_page(chromium) as page:
        watch_csp(page, csp_errors)
        sign_in_citizen(page, live_server.url, citizen.id_number)
        page.click("nav >> text=我的办件")
        page.wait_for_url(f"{live_server.url}/my/cases/")
        # then both cases are there, completed
        for case in (g1, g2):
            row = page.locator("tr.my-case", has_text=case.number)
            assert "已办结" in row.inner_text()
        screenshot(page, "engine-my-cases.png")
    assert csp_errors == []


def test_the_public_guide_shows_the_flowchart(chromium, live_server, catalogue):  # noqa: F811
    # given the catalogue, and nobody signed in
    with browser_page(chromium) as page:
        csp_errors = watch_csp(page)
        # when a visitor searches the guide and opens the cross-province transfer
        page.goto(f"{live_server.url}/guide/")
        page.fill("#guide-search", "T-XFER")
        page.click('form[role="search"] button')
        page.click('a[href="/guide/T-XFER/"]')
        # then the flowchart is drawn inline, with the item's phases, at a readable size
        svg = page.locator("#flowchart svg.flowchart-wide")
        assert "转出地办理" in svg.text_content()
        assert svg.bounding_box()["width"] > 500
        screenshot(page, "engine-guide-item.png")
        assert csp_errors == []
