"""The public content pages in a real browser on a phone (Chromium via Playwright, 390×844, large
text): a policy found by a Chinese word and opened, a question answered, the employment notices;
no serious accessibility violation (axe-core), no CSP error, nothing past the screen's edge."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import (
    PHONE,
    axe_serious,
    browser_page,
    chromium,  # noqa: F401 (the browser fixture, found by name)
    large_text_cookie,
    screenshot,
    watch_csp,
)
from tests.content.test_content import answer, job, policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_policy_qa_and_employment_pages_on_a_phone_in_large_text(chromium, live_server):  # noqa: F811
    # given a decision, a question and a job fair, and a visitor on a phone in large text
    decision = policy(
        "全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定",
        title_en="Decision on gradually raising the statutory retirement age",
        body="男职工法定退休年龄逐步延迟到六十三周岁。",
        summary="用十五年时间逐步延迟法定退休年龄。",
    )
    answer("社保卡丢了怎么办？", answer="拨打12333或在App办理挂失。", keywords="挂失")
    job("江岸区就业援助月专场招聘会", district="江岸区", place="江岸区人力资源市场")
    with browser_page(chromium, viewport=PHONE) as page:
        large_text_cookie(page, live_server.url)
        csp_errors = watch_csp(page)
        # when they search the policies for 退休 and open the decision
        page.goto(f"{live_server.url}/policies/")
        page.fill("#policy-q", "退休")
        page.click("form[role=search] button.primary")
        page.click(f"text={decision.title}")
        # then its text, in a page axe finds nothing serious in, that fits the screen
        assert "六十三周岁" in page.locator("main").inner_text()
        assert axe_serious(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "content-policy-phone.png")
        # when they look up 挂失 in the Q&A and open the answer
        page.goto(f"{live_server.url}/qa/?q=挂失")
        page.click("text=社保卡丢了怎么办？")
        assert page.locator(".content-answer .answer-body").first.is_visible()
        assert axe_serious(page) == []
        # and the employment notices of their district
        page.goto(f"{live_server.url}/employment/?district=江岸区")
        assert "江岸区人力资源市场" in page.locator("main").inner_text()
        assert axe_serious(page) == []
        assert csp_errors == []
