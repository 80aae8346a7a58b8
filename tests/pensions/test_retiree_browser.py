"""A retiree signs in through a real browser (Chromium via Playwright) on a phone, in large text,
opens 我的养老金 and downloads the 养老待遇明细表: the page has no serious accessibility
violation, and the PDF renders Chinese with the figures the API gives."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser_fixtures import (
    PHONE,
    axe_serious,
    browser_page,
    chromium,  # noqa: F401 (the browser fixture, found by name)
    large_text,
    screenshot,
    sign_in_citizen,
    watch_csp,
)
from tests.pensions.support import TOTAL, retiree, retiree_account
from tests.web.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_retiree_signs_in_and_downloads_the_statement(chromium, live_server, client, district, approver):  # noqa: F811
    # given a retiree paid since February 2026 at 2686.02
    account = retiree_account(district)
    retiree(district=district, approver=approver, account=account)
    api = sign_in(client, account).get("/api/v1/my/pension").json()
    with browser_page(chromium, viewport=PHONE, accept_downloads=True) as page:
        csp_errors = watch_csp(page)
        # when they sign in on their phone and switch large text on
        sign_in_citizen(page, live_server.url, account.id_number)
        large_text(page)
        # and open 我的养老金 from the navigation
        page.goto(f"{live_server.url}/my/pension/")
        # then the monthly amount is the API's, with its three parts
        assert page.inner_text("#pension-total") == f"¥{api['monthly']}" == f"¥{TOTAL}"
        assert "基础养老金" in page.inner_text("#pension-parts")
        assert axe_serious(page) == []
        screenshot(page, "pension-mine-phone.png")
        # when they download the statement
        with page.expect_download() as download:
            page.click("#download-statement")
        content = Path(download.value.path()).read_bytes()
        # then it is a PDF in Chinese whose figures equal the API's
        text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages).replace(" ", "")
        assert "基本养老金待遇明细表" in text and "个人账户养老金" in text
        for part in api["components"]:
            assert part["amount"] in text
        assert f"{TOTAL:,.2f}" in text
        assert csp_errors == []
