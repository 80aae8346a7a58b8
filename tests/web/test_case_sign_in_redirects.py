"""A signed-out visitor of the case pages only an applicant uses — the rating (好差评,
/cases/<n>/rate/) and the online supply of a material (补正, /cases/<n>/materials/) — goes to the
citizen sign-in with next, not the staff's (core.http.CITIZEN_CASE_PAGES). Both take POST only: a
form sent after the session expired comes back to the page it was on (the Referer), not to an
address that would answer 405. The case page itself, and the staff's pages under /cases/, keep the
staff sign-in."""

from __future__ import annotations

from urllib.parse import quote

import pytest

CASE = "26021000000001"
CITIZEN_CASE_PAGES = [f"/cases/{CASE}/rate/", f"/cases/{CASE}/materials/"]


def _login_of(response) -> str:
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.parametrize("path", CITIZEN_CASE_PAGES)
def test_a_citizen_case_page_sends_a_signed_out_visitor_to_the_citizen_sign_in(client, db, path):
    assert _login_of(client.post(path)) == f"/login/citizen/?next={quote(path)}"


@pytest.mark.parametrize("path", CITIZEN_CASE_PAGES)
def test_a_form_sent_after_the_session_expired_comes_back_to_the_page_it_was_on(client, db, path):
    page = f"/cases/{CASE}/"
    response = client.post(path, HTTP_REFERER=f"http://testserver{page}")
    assert _login_of(response) == f"/login/citizen/?next={quote(page)}"


@pytest.mark.parametrize("path", CITIZEN_CASE_PAGES)
def test_another_sites_referer_is_not_followed(client, db, path):
    response = client.post(path, HTTP_REFERER="https://evil.example/cases/1/")
    assert _login_of(response) == f"/login/citizen/?next={quote(path)}"


@pytest.mark.parametrize("path", CITIZEN_CASE_PAGES)
def test_an_expired_htmx_session_takes_the_whole_page_to_the_citizen_sign_in(client, db, path):
    page = f"/cases/{CASE}/"
    response = client.post(path, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{page}")
    assert response.status_code == 401 and response["HX-Redirect"] == f"/login/citizen/?next={quote(page)}"


@pytest.mark.parametrize("path", [f"/cases/{CASE}/", f"/cases/{CASE}/materials/id_card/file/"])
def test_the_shared_and_staff_case_pages_keep_the_staff_sign_in(client, db, path):
    assert _login_of(client.get(path)) == f"/login/?next={quote(path)}"
