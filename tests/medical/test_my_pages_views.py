"""The insured person's own medical pages (我的医保) for anyone else: a staff account gets a 403
page that says, Chinese first then English, that the page is the insured person's, with a link
to the window's look-up it was likely looking for — not an empty page about nobody; a unit's
account gets the 403 without the staff link; the citizen still gets their page."""

from __future__ import annotations

import pytest

from tests.web.support import sign_in

LOOKUP = "/medical/account/"


@pytest.mark.parametrize(
    ("path", "query"),
    [("/my/medical/", {}), ("/my/medical/settlements.pdf", {"from": "2026-01-01", "to": "2026-01-31"})],
)
def test_staff_on_the_insured_person_s_own_medical_page_get_a_bilingual_403_with_the_window_look_up(
    client, clerk, path, query
):
    response = sign_in(client, clerk).get(path, query)
    assert response.status_code == 403
    page = response.content.decode()
    zh, en = page.index("此页面供参保人本人使用"), page.index("This page is for the insured person")
    assert zh < en  # Chinese first
    assert f'href="{LOOKUP}"' in page and "窗口查询参保人医保个人账户" in page


def test_a_unit_account_is_refused_too_without_the_staff_look_up(client, unit_operator):
    client.force_login(unit_operator)
    response = client.get("/my/medical/")
    page = response.content.decode()
    assert response.status_code == 403 and "此页面供参保人本人使用" in page
    assert f'href="{LOOKUP}"' not in page


def test_the_citizen_still_gets_their_own_page(client, citizen):
    client.force_login(citizen)
    response = client.get("/my/medical/")
    assert response.status_code == 200 and "此页面供参保人本人使用" not in response.content.decode()
