"""A claimant opens 我的失业保险金 in a real browser (Chromium via Playwright) on a phone, in
large text: months paid and left and the amount are there, the derivation opens, and the page
has no serious accessibility violation (axe-core) and no CSP error."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.unemployment.services import payments_issue_range
from tests.browser_fixtures import (
    PHONE,
    axe_serious,
    browser_page,
    chromium,  # noqa: F401 (the browser fixture, found by name)
    large_text,
    nav_click,
    screenshot,
    sign_in_citizen,
    watch_csp,
)
from tests.unemployment.test_payments import make_claim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_claimant_reads_their_claim_on_a_phone_in_large_text(chromium, live_server, citizen, district):  # noqa: F811
    # given a claim of 12 months from March 2026 with March and April paid
    claim = make_claim(district, 1, months=12)
    claim.person.account = citizen
    claim.person.save()
    claim.derivation = {"steps": ["2010.00 × 0.9 = 1809.00 元/月（四舍五入到分）"], "rules": []}
    claim.save()
    payments_issue_range(month=dt.date(2026, 4, 1), lo=claim.pk, hi=claim.pk)
    with browser_page(chromium, viewport=PHONE) as page:
        csp_errors = watch_csp(page)
        sign_in_citizen(page, live_server.url, citizen.id_number)
        large_text(page)
        # when they open it from the navigation (behind 菜单 / Menu on a phone)
        nav_click(page, "我的失业保险金 / My unemployment benefit")
        page.wait_for_url(f"{live_server.url}/my/unemployment/")
        # then the figures are there and the derivation opens
        assert page.inner_text("#claim-paid") == "2" and page.inner_text("#claim-left") == "10"
        assert "¥1809.00" in page.inner_text("#claim-monthly")
        page.click("#claim-derivation summary")
        assert "2010.00 × 0.9" in page.inner_text("#claim-derivation")
        assert axe_serious(page) == []
        screenshot(page, "unemployment-mine-phone.png")
        assert csp_errors == []
