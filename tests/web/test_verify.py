"""A printed document's QR code opens a page that says whether shebao issued it."""

from __future__ import annotations

import pytest

from shebao.core.documents import document_code, verification_path

pytestmark = pytest.mark.django_db


def test_a_genuine_receipt_verifies(client):
    path = verification_path(kind="receipt", ref="JF202602-00000042")
    response = client.get(path)
    assert response.status_code == 200
    assert "核验通过" in response.content.decode()


def test_an_altered_code_or_number_does_not(client):
    code = document_code(kind="receipt", ref="JF202602-00000042")
    forged = ("B" if code[0] != "B" else "C") + code[1:]
    assert client.get(f"/verify/receipt/JF202602-00000042/{forged}").status_code == 404
    assert client.get(f"/verify/receipt/JF202602-00000043/{code}").status_code == 404


# --- 文件核验: the menu the paper names -----------------------------------------------------------

RECEIPT = "JF202602-00000042"


def test_the_menu_is_in_the_public_navigation_under_the_papers_name(client):
    # given anyone on the landing page; then the navigation leads to the menu by the paper's words
    page = client.get("/welcome/").content.decode()
    assert 'href="/verify/"' in page and "文件核验" in page


def test_a_citizen_reaches_the_menu_from_their_navigation(client, citizen):
    client.force_login(citizen)
    assert 'href="/verify/"' in client.get("/").content.decode()


def test_the_menu_asks_for_the_number_and_code_as_printed(client):
    response = client.get("/verify/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="ref"' in page and 'name="code"' in page
    assert "文件编号" in page and "验证码" in page  # the words printed beside them on the paper


def test_typing_a_documents_number_and_code_verifies_it(client):
    # given a receipt's code as a person types it: lower case, spaces instead of hyphens
    typed = document_code(kind="receipt", ref=RECEIPT).lower().replace("-", " ")

    # when they type it into the menu
    response = client.get("/verify/", {"ref": RECEIPT, "code": typed})

    # then it is genuine, and the page says what the document is
    assert response.status_code == 200
    page = response.content.decode()
    assert "核验通过" in page and "缴费凭证" in page


def test_a_code_that_belongs_to_another_number_is_not_verified(client):
    code = document_code(kind="receipt", ref=RECEIPT)
    response = client.get("/verify/", {"ref": "JF202602-00000043", "code": code})
    assert response.status_code == 404
    assert "核验未通过" in response.content.decode()


@pytest.mark.parametrize("query", [{"ref": RECEIPT}, {"code": "ABCD-EFGH-JKLM-NPQR"}, {"ref": "x" * 65, "code": "A"}])
def test_a_missing_or_overlong_entry_is_a_422_on_the_form(client, query):
    response = client.get("/verify/", query)
    assert response.status_code == 422
    assert 'class="field has-error"' in response.content.decode()


def test_the_menu_the_paper_names_is_this_page():
    from django.test import override_settings
    from django.urls import resolve

    from shebao.core.documents import verification_menu_url

    with override_settings(PUBLIC_URL="https://si.example.invalid"):
        printed = verification_menu_url()
    assert printed == "https://si.example.invalid/verify/"
    assert resolve(printed.removeprefix("https://si.example.invalid")).url_name == "verify_menu"
