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
from tests.web.support import employ, make_person, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
D = Decimal


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
    with browser_page(chromium, viewport=PHONE, accept_downloads=True) as page:
        csp_errors = watch_csp(page)
        sign_in_citizen(page, live_server.url, citizen.id_number)
        large_text(page)
        # when they open the statement from the navigation (behind 菜单 / Menu on a phone) and pick 2025
        nav_click(page, "我的权益记录单")
        page.click("text=2025 年度")
        # then the account and the months are the ledger's
        assert page.inner_text("#st-closing") == "6774.60"  # 12 × 560 + 54.60
        assert page.inner_text("#st-months") == "12"
        assert page.locator("#statement-grid td[data-flag=paid]").count() == 12
        # and the phone shows them as a table per insurance, a row a month
        assert page.locator("#statement-by-insurance").is_visible()
        assert page.locator("#statement-by-insurance td[data-flag=paid]").count() == 12
        assert axe_serious(page) == []
        screenshot(page, "statement-phone.png")
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
        assert axe_serious(page) == []
        assert csp_errors == []
