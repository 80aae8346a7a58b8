"""网上缴费's pages (/my/pay/, /my/bills/…) are the insured person's own: a staff or unit account
used to get a 404 that said 未找到该参保人 (no insured person found), as if the person were
missing; now, like the other /my/ pages (core.http.insured_person_page), a 403 saying in Chinese
then English that the page is the insured person's. A signed-out visitor goes to the citizen
sign-in and the citizen still gets the page."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.web.support import make_person, sign_in

NOT_YOURS_ZH, NOT_YOURS_EN = "此页面供参保人本人使用", "This page is for the insured person"
PAGES = [("get", "/my/pay/"), ("get", "/my/bills/"), ("get", "/my/bills/1/receipt.pdf"), ("post", "/my/bills/1/pay/")]


def _refused(response) -> None:
    assert response.status_code == 403
    page = response.content.decode()
    assert "未找到该参保人" not in page
    assert page.index(NOT_YOURS_ZH) < page.index(NOT_YOURS_EN)  # both, Chinese first


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_staff_on_the_pay_pages_are_told_the_page_is_the_insured_persons(client, clerk, method, path):
    _refused(getattr(sign_in(client, clerk), method)(path))


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_a_unit_account_on_the_pay_pages_is_refused_alike(client, unit_operator, method, path):
    client.force_login(unit_operator)
    _refused(getattr(client, method)(path))


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_a_signed_out_visitor_goes_to_the_citizen_sign_in(client, db, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302 and response["Location"] == f"/login/citizen/?next={quote(path)}"


def test_the_citizen_still_gets_the_pay_page(client, citizen, district):
    make_person(district=district, name="张三", account=citizen, category="flexible")
    client.force_login(citizen)
    for path in ("/my/pay/", "/my/bills/"):
        response = client.get(path)
        assert response.status_code == 200 and NOT_YOURS_ZH not in response.content.decode()
