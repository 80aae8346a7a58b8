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
