"""A retiree signs in through a real browser (Chromium via Playwright) on a phone, in large text,
opens 我的养老金 and downloads the 养老待遇明细表: the page has no serious accessibility
violation, and the PDF renders Chinese with the figures the API gives."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.factories import PASSWORD
from tests.pensions.support import TOTAL, retiree, retiree_account
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


def test_a_retiree_signs_in_and_downloads_the_statement(chromium, live_server, client, district, approver):  # noqa: F811
    # given a retiree paid since February 2026 at 2686.02
    account = retiree_account(district)
    retiree(district=district, approver=approver, account=account)
    api = sign_in(client, account).get("/api/v1/my/pension").json()
    context = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, accept_downloads=True)
    page = context.new_page()
    csp_errors: list[str] = []
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    try:
        # when they sign in on their phone and switch large text on
        page.goto(f"{live_server.url}/login/citizen/")
        page.fill("#id_id_number", account.id_number)
        page.fill("#id_password", PASSWORD)
        page.click("button.primary")
        page.wait_for_url(f"{live_server.url}/")
        page.click("text=大字版")
        page.wait_for_selector("body.large-text")
        # and open 我的养老金 from the navigation
        page.goto(f"{live_server.url}/my/pension/")
        # then the monthly amount is the API's, with its three parts
        assert page.inner_text("#pension-total") == f"¥{api['monthly']}" == f"¥{TOTAL}"
        assert "基础养老金" in page.inner_text("#pension-parts")
        assert _serious(page) == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "pension-mine-phone.png"), full_page=True)
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
    finally:
        context.close()
