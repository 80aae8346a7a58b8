"""An insured person opens 我的权益记录单 in a real browser (Chromium via Playwright) on a phone,
in large text: the year's table, the PDF download, and the public verification page the
statement names; no serious accessibility violation on either page."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from shebao.contributions.accounts import account_credit_paid, account_interest_credit
from shebao.contributions.models import ContributionMonth
from shebao.statements.models import Statement
from tests.factories import PASSWORD
from tests.web.support import employ, make_person, make_unit
from tests.web.test_browser import ARTIFACTS, chromium  # noqa: F401 (the same launch settings)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
D = Decimal


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def test_the_person_reads_downloads_and_verifies_their_statement(chromium, live_server, citizen, district):  # noqa: F811
    # given 2025 paid month by month at 7000 through one employer, 560 a month to the account
    person = make_person(district=district, account=citizen, name="张三")
    unit = make_unit(code="91420102MA4K000011", district=district, name="江岸甲公司")
    employ(person, unit, start=dt.date(2025, 1, 1))
    for month in range(1, 13):
        ContributionMonth.objects.create(
            person=person,
            unit=unit,
            period=dt.date(2025, month, 1),
            base=D("7000"),
            pension_personal=D("560"),
            account_credit=D("560"),
            status="paid",
        )
    account_credit_paid(person=person)
    account_interest_credit(person=person, year=2025)  # 560 × 78 × 1.50% / 12 = 54.60
    context = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, accept_downloads=True)
    page = context.new_page()
    csp_errors: list[str] = []
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    try:
        page.goto(f"{live_server.url}/login/citizen/")
        page.fill("#id_id_number", citizen.id_number)
        page.fill("#id_password", PASSWORD)
        page.click("button.primary")
        page.wait_for_url(f"{live_server.url}/")
        page.click("text=大字版")
        page.wait_for_selector("body.large-text")
        # when they open the statement from the navigation and pick 2025
        page.click("text=我的权益记录单")
        page.click("text=2025 年度")
        # then the account and the months are the ledger's
        assert page.inner_text("#st-closing") == "6774.60"  # 12 × 560 + 54.60
        assert page.inner_text("#st-months") == "12"
        assert page.locator("#statement-grid td[data-flag=paid]").count() == 12
        assert _serious(page) == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "statement-phone.png"), full_page=True)
        # when they download the PDF, it carries the same figures and the code
        statement = Statement.objects.get(person=person, year=2025)
        with page.expect_download() as download:
            page.click("#st-pdf")
        text = "".join(
            p.extract_text() or "" for p in PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages
        )
        assert statement.code in text and "6774.60" in text.replace(",", "").replace(" ", "")
        # and the verification page the statement names says it is genuine and current
        page.click("text=核验 / Verify")
        assert "真实有效" in page.inner_text("#verify-result")
        assert _serious(page) == []
        assert csp_errors == []
    finally:
        context.close()
