"""The issued statement's PDF as the person downloads it: the signed figures, the code, and a
QR code that decodes to this statement's verification address under PUBLIC_URL."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
import zxingcpp
from django.test import override_settings
from PIL import Image
from pypdf import PdfReader

from shebao.statements.services import statement_issue, statement_pdf
from tests.statements.conftest import YEAR

pytestmark = pytest.mark.django_db


def page_image(pdf: bytes, *, dpi: int) -> Image.Image:
    """The first page as poppler draws it (pdftoppm), in grey."""
    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) is required"
    png = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", "-gray", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(png)).convert("L")


@override_settings(PUBLIC_URL="https://si.wuhan.example")
def test_the_pdf_prints_the_signed_record_the_code_and_a_qr_of_the_verification_address(history, citizen):
    statement = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    pdf = statement_pdf(actor=citizen, statement=statement, channel="online")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    compact = text.replace(" ", "").replace(",", "")
    assert "张三" in text and statement.code in text
    assert "15932.74" in compact and "10000.00" in compact  # closing and opening balances
    assert history.id_number not in text  # the number is masked on paper
    found = zxingcpp.read_barcodes(page_image(pdf, dpi=200))
    assert [b.text for b in found] == [f"https://si.wuhan.example/verify/statement/{statement.ref}/{statement.code}"]
