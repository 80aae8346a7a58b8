"""The verification menu and pages after issue 14's review: the entry form in Chinese then
English, a QR address cut short a bilingual 404 (not the DEBUG URL list), a very long number
not repeated back in full."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_entry_form_reads_chinese_then_english(client):
    page = client.get("/verify/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for zh, en in (("文件编号", "Document number"), ("验证码", "Verification code"), ("核验", "Verify")):
        assert zh in page and en in page
        assert page.index(zh) < page.index(en)


@pytest.mark.parametrize("path", ["/verify/statement/", "/verify/statement/QY2024-0001/"])
def test_a_qr_address_cut_short_is_a_404_page_with_the_menu(client, path):
    answer = client.get(path)
    assert answer.status_code == 404
    page = answer.content.decode()
    assert "URLconf" not in page and 'name="code"' in page
    assert "权益记录单" in page and "Rights statement" in page


def test_a_very_long_number_is_not_repeated_back_in_full(client):
    ref = "Q" * 5000
    answer = client.get(f"/verify/statement/{ref}/ABCD-EFGH-JKLM-NPQR")
    assert answer.status_code == 404
    page = answer.content.decode()
    # the number shown beside 文件编号: its first characters and an ellipsis, not all 5000
    shown = re.search(r'<dd class="mono">(Q+)(?:…|\.\.\.)</dd>', page)
    assert shown is not None and len(shown.group(1)) < 40
