"""A signed-out visitor goes to the sign-in of those the page is for and comes back after: an
insured person's own pages and the online hall to the citizen sign-in, the employer hall to the
unit sign-in, the agency's pages to the staff sign-in (before, everyone went to the staff's).
And the citizen sign-in brings the citizen back to the page they opened."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.factories import PASSWORD

CITIZEN_PAGES = [
    "/my/medical/",
    "/my/pay/",
    "/my/cases/",
    "/my/contributions/",
    "/my/pension/",
    "/online/apply/",
    "/online/messages/",
    "/statements/my/",
]
STAFF_PAGES = ["/workbench/", "/medical/account/", "/persons/search/", "/statements/window/", "/medical/cadres/"]
UNIT_PAGES = ["/unit/bills/", "/statements/unit/"]


def _login_of(response) -> str:
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.parametrize("path", CITIZEN_PAGES)
def test_a_citizen_page_sends_a_signed_out_visitor_to_the_citizen_sign_in(client, db, path):
    assert _login_of(client.get(path)) == f"/login/citizen/?next={quote(path)}"


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_a_staff_page_sends_a_signed_out_visitor_to_the_staff_sign_in(client, db, path):
    assert _login_of(client.get(path)) == f"/login/?next={quote(path)}"


@pytest.mark.parametrize("path", UNIT_PAGES)
def test_an_employer_page_sends_a_signed_out_visitor_to_the_unit_sign_in(client, db, path):
    assert _login_of(client.get(path)) == f"/login/unit/?next={quote(path)}"


def test_the_query_comes_along_and_an_expired_htmx_session_takes_the_whole_page_there(client, db):
    target = "/my/medical/settlements.pdf?from=2026-01-01&to=2026-01-31"
    assert _login_of(client.get(target)) == f"/login/citizen/?next={quote(target)}"
    response = client.post(
        "/online/messages/read-all/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/online/messages/"
    )
    assert response.status_code == 401 and response["HX-Redirect"] == "/login/citizen/?next=/online/messages/"


def test_the_citizen_sign_in_carries_next_and_brings_the_citizen_back_to_the_page(client, citizen):
    # given the citizen sent to sign in from their medical page
    sign_in_url = _login_of(client.get("/my/medical/"))
    page = client.get(sign_in_url).content.decode()
    assert 'name="next"' in page and 'value="/my/medical/"' in page
    # when they sign in there (no mobile on file: the password alone)
    response = client.post(sign_in_url, {"id_number": citizen.id_number, "password": PASSWORD})
    # then they are back on the page they opened, and it opens
    assert response.status_code == 302 and response["Location"] == "/my/medical/"
    assert client.get("/my/medical/").status_code == 200
