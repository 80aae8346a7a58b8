"""PDFs shebao issues: embedded CJK font, layout across pages, furniture, verification codes."""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.pagesizes import A3, landscape
from reportlab.pdfbase import pdfmetrics

from shebao.core import documents
from shebao.core.documents import (
    CODE_ALPHABET,
    FONT_NAME,
    FONT_PATH,
    Document,
    Pen,
    document_code,
    document_verify,
    mm,
    verification_path,
)
from shebao.core.errors import InvalidInput
from tests.conftest import CI

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PRINTED_AT = datetime(2024, 12, 31, 16, 30, tzinfo=UTC)  # 2025-01-01 00:30 in Beijing
LONG_NOTICE = (
    "根据《中华人民共和国社会保险法》第七十四条规定，社会保险经办机构应当及时、完整、准确地记录参加社会保险的"
    "个人缴费和用人单位为其缴费，以及享受社会保险待遇等个人权益记录，定期将个人权益记录单免费寄送本人。"
) * 3
HEADER = ["费款所属期", "缴费基数", "单位缴纳", "个人缴纳"]


def _statement(*, rows: int = 80) -> Document:
    doc = Document(title="社会保险个人权益记录单", printed_at=PRINTED_AT)
    doc.heading("社会保险个人权益记录单")
    doc.key_values({"姓名": "张三", "参保地": "武汉市江岸区", "社会保障号码": "4201**********1234"})
    doc.paragraph(LONG_NOTICE)
    doc.table(
        header=HEADER,
        rows=[(f"第{i:03d}期", "4,077.00", "652.32", "326.16") for i in range(1, rows + 1)],
        align=["left", "right", "right", "right"],
    )
    doc.verification(kind="statement", ref="2024-000123")
    return doc


@pytest.fixture(scope="module")
def statement_pdf() -> bytes:
    return _statement().render()


def _pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _fonts(pdf: bytes) -> list[dict]:
    reader = PdfReader(io.BytesIO(pdf))
    found = {}
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            found[ref.idnum] = ref.get_object()
    return list(found.values())


def _png(pdf: bytes, *, page: int = 1, dpi: int = 60) -> Image.Image:
    if shutil.which("pdftoppm") is None:
        if CI:
            pytest.fail("pdftoppm (Debian poppler-utils) is missing; under CI=true it is required", pytrace=False)
        pytest.skip("pdftoppm (Debian poppler-utils) is not installed on this machine")
    out = subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(out)).convert("L")


def _dark_pixels(image: Image.Image) -> int:
    return sum(image.histogram()[:128])


# --- the font ------------------------------------------------------------------------------


def test_the_font_is_the_vendored_file_with_its_licence():
    # given the registered font
    documents.register_fonts()
    font = pdfmetrics.getFont(FONT_NAME)

    # then it was read from the package, not from a system font directory
    assert Path(font.face.filename) == FONT_PATH
    assert FONT_PATH.is_relative_to(Path(documents.__file__).parent.parent)
    assert "Apache" in (FONT_PATH.parent / "COPYRIGHT-wqy-microhei.txt").read_text()
    assert (FONT_PATH.parent / "LICENSE-Apache-2.0.txt").is_file()


def test_the_chinese_text_put_in_is_the_text_read_out(statement_pdf):
    # when the rendered PDF's text is extracted (needs the embedded font's ToUnicode map)
    text = "\n".join(_pages_text(statement_pdf))

    # then the Chinese strings come back as written
    for expected in ("社会保险个人权益记录单", "武汉市江岸区", "张三", "4201**********1234", "第七十四条"):
        assert expected in text


def test_only_an_embedded_subset_of_the_vendored_font_is_used(statement_pdf):
    # given every font the pages use
    fonts = _fonts(statement_pdf)
    assert fonts

    # then each is a subset ("ABCDEF+Name") of WenQuanYi with the glyph program embedded
    for font in fonts:
        base = str(font["/BaseFont"])
        assert re.fullmatch(r"/[A-Z]{6}\+WenQuanYiMicroHei.*", base), base
        assert "/FontFile2" in font["/FontDescriptor"]
        assert "/ToUnicode" in font
    # and no font dictionary anywhere in the file names a font outside the subset (e.g. Helvetica)
    for name in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", statement_pdf):
        assert b"+WenQuanYiMicroHei" in name, name


def test_a_drawing_and_a_qr_code_bring_in_no_other_font():
    # given a document with only a QR code and a drawing (ReportLab graphics default to Helvetica)
    doc = Document(title="二维码", printed_at=PRINTED_AT)
    doc.qr("https://example.invalid/verify", caption="扫码核验")
    doc.drawing(lambda pen: pen.box(0, 0, 100, 40, "受理"), height_mm=20)

    # when rendered
    pdf = doc.render()

    # then the only font is our subset
    assert all(b"+WenQuanYiMicroHei" in name for name in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", pdf))
    assert "受理" in _pages_text(pdf)[0]


def test_characters_the_font_lacks_are_reported(caplog):
    # given a name with a character no embedded font has (CJK Extension G; Extensions A-F are
    # drawn by the fallback fonts, see test_documents_rare_chars) beside ordinary ones
    doc = Document(title="缺字", printed_at=PRINTED_AT)
    doc.paragraph("姓名：王𰀀明")

    # when rendered
    with caplog.at_level(logging.WARNING, logger="shebao.core.documents"):
        doc.render()

    # then the missing character, and only it, is named
    assert doc.missing == {"𰀀"}
    assert "𰀀" in caplog.text


# --- layout ----------------------------------------------------------------------------------


def test_a_long_table_runs_onto_more_pages_repeating_its_header(statement_pdf):
    # given the statement with 80 table rows
    pages = _pages_text(statement_pdf)

    # then it spans pages, the header is on page 2 again, and the last row is there once
    assert len(pages) > 1
    assert all(h in pages[1] for h in HEADER)
    assert "第001期" not in pages[1]
    assert sum(p.count("第080期") for p in pages) == 1


def test_a_long_chinese_paragraph_wraps_within_the_page():
    # given a document whose only content is a paragraph with no spaces, far wider than a line
    doc = Document(title="换行", printed_at=PRINTED_AT, furniture=False)
    doc.paragraph(LONG_NOTICE)
    one_line = pdfmetrics.stringWidth(LONG_NOTICE, FONT_NAME, doc.font_size)
    assert one_line > 4 * doc.frame_width

    # when rendered
    pdf = doc.render()

    # then it was broken into lines (between Han characters: there are no spaces to break at)
    lines = [line for line in _pages_text(pdf)[0].splitlines() if line.strip()]
    assert len(lines) >= one_line // doc.frame_width
    # and no ink falls in the right margin
    image = _png(pdf)
    # (a closing mark may hang past the line end, by at most one em, as in Chinese typesetting)
    clear_px = int((doc.margin - doc.font_size) / 72 * 60)
    strip = image.crop((image.width - clear_px, 0, image.width, image.height))
    assert _dark_pixels(strip) == 0
    assert _dark_pixels(image) > 500


def test_no_line_of_a_chinese_paragraph_starts_with_closing_punctuation():
    # given the same comma-rich paragraph laid out at twenty different line widths
    starts: list[str] = []
    for tenth in range(150, 250, 5):
        doc = Document(title="避头", printed_at=PRINTED_AT, furniture=False, margin_mm=tenth / 10)
        doc.paragraph(LONG_NOTICE, align="left")

        # when rendered and read back line by line
        lines = [line.strip() for line in _pages_text(doc.render())[0].splitlines() if line.strip()]
        starts += [line[0] for line in lines]

    # then no line begins with ，。、；：）》” (GB/T 15834): they hang at the end of the line before
    assert len(starts) > 100
    assert not set(starts) & set("，。、；：？！）》”")


def test_page_furniture_shows_numbers_printed_time_in_beijing_and_the_code(statement_pdf):
    # given the three-or-more-page statement printed at 16:30 UTC on 31 December
    pages = _pages_text(statement_pdf)
    total = len(pages)
    code = document_code(kind="statement", ref="2024-000123")

    # then every page numbers itself out of the total, shows Beijing time and the verification code
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 / 共 {total} 页" in text
        assert "2025-01-01 00:30" in text
        assert code in text
        assert verification_path(kind="statement", ref="2024-000123", code=code) in text


def test_user_text_is_printed_as_written_not_read_as_markup():
    # given text that looks like ReportLab markup
    doc = Document(title="转义", printed_at=PRINTED_AT)
    doc.key_values({"单位": "<b>武汉&江岸</b>"})
    doc.table(header=["名称"], rows=[["<font size=40>大</font>"]])

    # when rendered
    text = _pages_text(doc.render())[0]

    # then it appears literally
    assert "<b>武汉&江岸</b>" in text
    assert "<font size=40>大</font>" in text


def test_a_poster_page_hands_the_rest_of_an_a3_landscape_page_to_the_drawing():
    # given an A3 landscape poster whose drawing takes the rest of the page
    seen: list[tuple[float, float]] = []

    def flowchart(pen: Pen) -> None:
        seen.append((pen.width, pen.height))
        accept = pen.box(10 * mm, pen.height - 40 * mm, 80 * mm, 25 * mm, "窗口受理", radius=6)
        check = pen.diamond(10 * mm, pen.height - 90 * mm, 80 * mm, 35 * mm, "材料齐全？")
        pen.arrow(accept.bottom, check.top, label="是")

    doc = Document(title="办事流程图", pagesize="A3", landscape=True, printed_at=PRINTED_AT)
    doc.heading("参保登记办事流程")
    doc.drawing(flowchart)

    # when rendered
    pdf = doc.render()

    # then one A3 landscape page, the drawing got the frame width and most of its height, text drawn
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == tuple(round(v) for v in landscape(A3))
    (width, height) = seen[0]
    assert width == pytest.approx(doc.frame_width)
    assert doc.frame_height * 0.8 < height < doc.frame_height
    text = reader.pages[0].extract_text()
    assert "窗口受理" in text and "材料齐全" in text


def test_the_rendered_page_is_not_blank_and_is_saved_for_a_person_to_look_at(statement_pdf):
    # when page 1 is rasterised
    image = _png(statement_pdf, dpi=80)

    # then there is a good deal of ink on it (text, rules, table), and a copy is kept
    assert _dark_pixels(image) > 5000
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "documents-statement-page1.png")


def test_the_sample_command_writes_both_samples(tmp_path):
    # when the sample command runs for the statement and the poster
    call_command("pdf_sample", tmp_path / "statement.pdf", stdout=io.StringIO())
    call_command("pdf_sample", tmp_path / "poster.pdf", "--poster", stdout=io.StringIO())

    # then both are PDFs with their Chinese text
    assert "缴费明细" in "".join(_pages_text((tmp_path / "statement.pdf").read_bytes()))
    assert "材料是否齐全" in _pages_text((tmp_path / "poster.pdf").read_bytes())[0]


# --- verification codes ----------------------------------------------------------------------


def test_a_code_is_four_readable_groups_and_verifies():
    # when a code is issued
    code = document_code(kind="statement", ref="2024-000123")

    # then it is 16 symbols without 0/O/1/I, grouped, stable, and verifies
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", code)
    assert not set(code) & set("01OI")
    assert code == document_code(kind="statement", ref="2024-000123")
    assert document_verify(kind="statement", ref="2024-000123", code=code)


def test_a_code_typed_by_a_person_verifies_regardless_of_case_and_hyphens():
    code = document_code(kind="receipt", ref="R-77")
    assert document_verify(kind="receipt", ref="R-77", code=code.replace("-", " ").lower())


def test_changing_any_one_character_of_the_code_fails():
    # given a good code
    code = document_code(kind="statement", ref="2024-000123")

    # then every single-symbol alteration, at every position, is rejected
    for position, char in enumerate(code):
        if char == "-":
            continue
        other = CODE_ALPHABET[(CODE_ALPHABET.index(char) + 1) % len(CODE_ALPHABET)]
        altered = code[:position] + other + code[position + 1 :]
        assert not document_verify(kind="statement", ref="2024-000123", code=altered), altered


def test_the_code_of_one_document_does_not_verify_another():
    code = document_code(kind="statement", ref="2024-000123")
    assert not document_verify(kind="statement", ref="2024-000124", code=code)
    assert not document_verify(kind="receipt", ref="2024-000123", code=code)


@pytest.mark.parametrize("code", ["", "ABCD", "ABCD-EFGH-JKLM-NPQ0", "武汉市武汉市武汉市武汉市武汉市武汉", None, 12345])
def test_malformed_codes_are_simply_not_valid(code):
    assert document_verify(kind="statement", ref="2024-000123", code=code) is False


def test_codes_depend_on_the_secret_and_survive_a_key_rotation():
    # given a code issued under the old key
    with override_settings(SECRET_KEY="old-key-" + "x" * 50):
        old_code = document_code(kind="statement", ref="2024-000123")

    # when the key is rotated
    with override_settings(SECRET_KEY="new-key-" + "y" * 50, SECRET_KEY_FALLBACKS=[]):
        # then codes differ and the old one no longer verifies without the fallback
        assert document_code(kind="statement", ref="2024-000123") != old_code
        assert not document_verify(kind="statement", ref="2024-000123", code=old_code)
    with override_settings(SECRET_KEY="new-key-" + "y" * 50, SECRET_KEY_FALLBACKS=["old-key-" + "x" * 50]):
        # and the old paper still verifies with the old key kept as a fallback
        assert document_verify(kind="statement", ref="2024-000123", code=old_code)


@pytest.mark.parametrize(
    ("kind", "ref"),
    [("Statement", "1"), ("statement", ""), ("statement", "../x"), ("statement", "a/b"), ("", "1"), ("s", "x" * 65)],
)
def test_a_kind_or_ref_that_cannot_sit_in_a_url_is_refused(kind, ref):
    with pytest.raises(InvalidInput):
        document_code(kind=kind, ref=ref)
    assert document_verify(kind=kind, ref=ref, code="ABCD-EFGH-JKLM-NPQR") is False


def test_the_qr_and_footer_point_at_the_verification_path():
    # given a document with verification, under a public base URL
    with override_settings(PUBLIC_URL="https://si.example.invalid/"):
        doc = Document(title="回执", printed_at=PRINTED_AT).verification(kind="receipt", ref="R-1")

    # then the link is the public URL plus /verify/<kind>/<ref>/<code>
    code = document_code(kind="receipt", ref="R-1")
    assert doc.verification_link == f"https://si.example.invalid/verify/receipt/R-1/{code}"
    assert doc.verification_link in _pages_text(doc.render())[0]


def test_the_paper_names_the_verification_menu_at_the_agencys_public_address():
    # given the agency's public address
    with override_settings(PUBLIC_URL="https://si.example.invalid"):
        doc = Document(title="回执", printed_at=PRINTED_AT).verification(kind="receipt", ref="JF202602-00000042")
        text = _pages_text(doc.render())[0]

    # then the paper says where to type its number and code (文件核验 at /verify/), and prints
    # the number to type; no local address anywhere
    flat = re.sub(r"\s+", "", text)
    assert "https://si.example.invalid/verify/" in flat
    assert "文件核验" in flat and "文件编号：JF202602-00000042" in flat
    assert "127.0.0.1" not in flat and "localhost" not in flat


@pytest.mark.parametrize("poster", [False, True])
def test_the_sample_documents_print_only_the_public_address(tmp_path, poster):
    # given a public address; when the sample statement and the sample poster are printed
    target = tmp_path / "sample.pdf"
    with override_settings(PUBLIC_URL="https://si.example.invalid"):
        call_command("pdf_sample", target, *(["--poster"] if poster else []), stdout=io.StringIO())

    # then no page names a local address; the statement names the public one
    flat = re.sub(r"\s+", "", "".join(_pages_text(target.read_bytes())))
    assert "127.0.0.1" not in flat and "localhost" not in flat
    assert poster or "https://si.example.invalid/verify/" in flat
