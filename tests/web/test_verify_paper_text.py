"""文件核验 reads a number and code as a person types them from paper: lower case, full-width
characters and spaces inside are the printed number all the same (a bank typing a genuine
statement's number in lower case must not be told it is fake)."""

from __future__ import annotations

import pytest

from shebao.core.documents import document_code
from shebao.statements.services import statement_issue
from shebao.web.verify import paper_text
from tests.statements.conftest import YEAR, history, today, unit_a, unit_b  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

RECEIPT = "JF202602-00000042"


def _full_width(text: str) -> str:
    """What an input method in full-width mode types: ＡＢ１２－ for AB12-."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("2025-ac8bgn4yvd5g", "2025-AC8BGN4YVD5G"),
        ("  2025-AC8BGN4YVD5G \n", "2025-AC8BGN4YVD5G"),
        ("2025 - AC8B GN4Y VD5G", "2025-AC8BGN4YVD5G"),
        ("２０２５－ａｃ８ｂｇｎ４ｙｖｄ５ｇ", "2025-AC8BGN4YVD5G"),
        ("2025\u3000AC8B\u2014GN4Y", "2025AC8B-GN4Y"),
        ("abcd efgh-jkmn pqrs", "ABCDEFGH-JKMNPQRS"),
    ],
)
def test_paper_text_is_the_number_as_printed(typed, printed):
    assert paper_text(typed) == printed


@pytest.fixture
def statement(history, citizen):  # noqa: F811
    return statement_issue(actor=citizen, person=history, year=YEAR, channel="online")


def _typings(text: str) -> list[str]:
    return [text.lower(), _full_width(text.lower()), " " + text[:4] + " " + text[4:].lower() + " "]


def test_a_statements_number_typed_in_lower_case_full_width_or_with_spaces_verifies(client, statement):
    # given a genuine statement; when a bank types its number as it reads it off the paper
    for typed in _typings(statement.ref):
        response = client.get("/verify/", {"ref": typed, "code": statement.code.lower()})
        # then it is genuine, with the number shown as printed
        assert response.status_code == 200, typed
        page = response.content.decode()
        assert "真实有效" in page and statement.ref in page


def test_a_statements_code_typed_full_width_verifies(client, statement):
    response = client.get("/verify/", {"ref": statement.ref, "code": _full_width(statement.code.lower())})
    assert response.status_code == 200


def test_a_qr_address_typed_by_hand_in_lower_case_verifies(client, statement):
    response = client.get(f"/verify/statement/{statement.ref.lower()}/{statement.code.lower()}")
    assert response.status_code == 200
    assert "真实有效" in response.content.decode()


def test_a_receipts_number_typed_in_lower_case_verifies(client):
    code = document_code(kind="receipt", ref=RECEIPT)
    response = client.get("/verify/", {"ref": f" {RECEIPT.lower()} ", "code": code})
    assert response.status_code == 200
    assert "缴费凭证" in response.content.decode()


def test_normalising_does_not_make_a_wrong_number_genuine(client, statement):
    # a different number in any case is still not the statement
    other = statement.ref[:-1] + ("A" if statement.ref[-1] != "A" else "B")
    response = client.get("/verify/", {"ref": other.lower(), "code": statement.code})
    assert response.status_code == 404
    assert "真实有效" not in response.content.decode()


def test_a_statements_number_typed_with_a_space_or_nothing_for_its_dash_verifies(client, statement):
    year, symbols = statement.ref.split("-")
    for typed in (f"{year} {symbols}", f"{year}{symbols.lower()}", f"{year} {symbols[:6]} {symbols[6:]}"):
        response = client.get("/verify/", {"ref": typed, "code": statement.code})
        assert response.status_code == 200, typed
        assert statement.ref in response.content.decode()  # shown as printed, with its dash
    # the dash is put back for a statement's shape only: a wrong number is still not genuine
    wrong = client.get("/verify/", {"ref": f"{year}{symbols[::-1]}", "code": statement.code})
    assert wrong.status_code == 404
    page = wrong.content.decode()
    assert page.index("核验未通过") < page.index("Not verified")  # both languages, Chinese first


@pytest.mark.parametrize(
    ("typed", "read"),
    [("2025SH8PVVVRMTQV", "2025-SH8PVVVRMTQV"), ("JF202602-00000042", "JF202602-00000042"), ("2025SH8", "2025SH8")],
)
def test_statement_ref_typed_puts_back_only_a_statements_dash(typed, read):
    from shebao.web.verify import statement_ref_typed

    assert statement_ref_typed(typed) == read
