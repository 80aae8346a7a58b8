"""Rare characters (生僻字) in names: the fallback fonts beside WenQuanYi Micro Hei.

Citizens named 刘䶮 (U+4DAE, CJK Extension A), 𠮷野 (U+20BB7, Extension B), 王㛃 (U+36C3, A)
or 李𬌗 (U+2C317, Extension E) get letters and receipts with their names printed, not boxes.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, datetime
from itertools import combinations

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from shebao.core.documents import FONT_NAME, Document, mm, register_fonts
from shebao.core.documents.fonts import FALLBACK_FONTS, FONT_DIR, font_runs, missing_glyphs, needs_fallback
from tests.conftest import CI

PRINTED_AT = datetime(2024, 12, 31, 16, 30, tzinfo=UTC)
RARE_NAMES = {"刘䶮": "䶮", "𠮷野太郎": "𠮷", "王㛃": "㛃", "李𬌗": "𬌗"}
NO_FONT_HAS = "𰀀"  # U+30000, CJK Extension G: newer than any embedded font


def _letter(name: str) -> Document:
    doc = Document(title=f"{name}的参保证明", printed_at=PRINTED_AT)
    doc.heading(f"参保证明（{name}）")
    doc.key_values({"姓名": name, "社会保障号码": "4201**********1234"})
    doc.paragraph(f"兹证明{name}同志自2020年1月起在本市参加职工基本养老保险。", indent=True)
    doc.table(header=["姓名", "金额"], rows=[(name, "1,024.00")])
    doc.drawing(lambda pen: pen.text(0, 2, f"签收人：{name}"), height_mm=8)
    return doc


def _fonts(pdf: bytes) -> dict[str, dict]:
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            found[str(font["/BaseFont"])] = font
    return found


def _png(pdf: bytes, *, dpi: int = 72) -> Image.Image:
    if shutil.which("pdftoppm") is None:
        if CI:
            pytest.fail("pdftoppm (Debian poppler-utils) is missing; under CI=true it is required", pytrace=False)
        pytest.skip("pdftoppm (Debian poppler-utils) is not installed on this machine")
    out = subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    return Image.open(io.BytesIO(out)).convert("L")


def _one_character(char: str) -> Image.Image:
    """``char`` alone, 72 pt, on an otherwise blank page (no furniture)."""
    doc = Document(title="字", printed_at=PRINTED_AT, furniture=False, pagesize="A5")
    doc.paragraph(char, size=72, align="left")
    return _png(doc.render()).crop((0, 0, 200, 200))


# --- the fonts --------------------------------------------------------------------------------


def test_the_fallback_fonts_are_vendored_truetype_with_their_licence_and_new_names():
    licence = (FONT_DIR / "COPYRIGHT-hanazono.txt").read_text()
    assert "Hanazono Font License" in licence
    assert "SIL Open Font License" in licence
    for name, path in FALLBACK_FONTS:
        font = TTFont(path, lazy=True)
        # TrueType outlines (ReportLab cannot embed CFF), embedding allowed
        assert "glyf" in font
        assert font["OS/2"].fsType == 0
        # a modified font carries none of the names the OFL reserves for the original
        names = " ".join(record.toUnicode() for record in font["name"].names if record.nameID != 0)
        for reserved in ("Hanazono", "HanaMin", "花園"):
            assert reserved not in names
        assert font["name"].getDebugName(6) == name


# Each extension as first encoded (later Unicode versions appended a few to A, B and C).
EXTENSIONS = {
    "A": (0x3400, 0x4DB5),
    "B": (0x20000, 0x2A6D6),
    "C": (0x2A700, 0x2B734),
    "D": (0x2B740, 0x2B81D),
    "E": (0x2B820, 0x2CEA1),
    "F": (0x2CEB0, 0x2EBE0),
}


def test_with_the_fallbacks_every_character_of_extensions_a_to_f_has_a_glyph():
    register_fonts()
    covered = set(pdfmetrics.getFont(FONT_NAME).face.charToGlyph)
    for _, path in FALLBACK_FONTS:
        covered |= set(TTFont(path, lazy=True).getBestCmap())
    for extension, (first, last) in EXTENSIONS.items():
        lacking = [f"U+{code:04X}" for code in range(first, last + 1) if code not in covered]
        assert not lacking, (extension, lacking[:5])


# --- which font draws what ---------------------------------------------------------------------


def test_text_the_main_font_covers_needs_no_fallback():
    for text in ("张三", "武汉市江岸区解放大道1234号", "第 1 页 / 共 2 页", "全角　空格\n换行", ""):
        assert not needs_fallback(text)
        assert font_runs(text) == ([(FONT_NAME, text)] if text else [])


def test_a_name_is_split_into_runs_of_the_font_that_has_each_character():
    assert font_runs("刘䶮") == [(FONT_NAME, "刘"), ("ShebaoRareHanA", "䶮")]
    assert font_runs("𠮷野𬌗") == [("ShebaoRareHanB", "𠮷"), (FONT_NAME, "野"), ("ShebaoRareHanB", "𬌗")]
    # a character no font has stays in the main font (it prints as its box, and is reported)
    assert font_runs(f"王{NO_FONT_HAS}明") == [(FONT_NAME, f"王{NO_FONT_HAS}明")]


def test_missing_glyphs_reports_only_what_no_font_draws():
    for name in RARE_NAMES:
        assert missing_glyphs(name) == set()
    assert missing_glyphs(f"刘䶮{NO_FONT_HAS}😀 ") == {NO_FONT_HAS, "😀"}


# --- the PDF --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def letter_pdf() -> tuple[Document, bytes]:
    doc = _letter("刘䶮")
    doc.table(header=["曾用名", "配偶", "子女"], rows=[("𠮷野太郎", "王㛃", "李𬌗")])
    return doc, doc.render()


def test_a_rare_name_is_the_text_read_out_of_the_pdf(letter_pdf):
    doc, pdf = letter_pdf
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)

    # the name in the heading, the key-value block, the paragraph, the table, a drawing and the
    # running title; Extension B/E characters need the ToUnicode map's surrogate pairs
    for expected in (
        "参保证明（刘䶮）",
        "兹证明刘䶮同志",
        "签收人：刘䶮",
        "刘䶮的参保证明",
        "𠮷野太郎",
        "王㛃",
        "李𬌗",
    ):
        assert expected in text
    assert text.count("刘䶮") >= 6
    assert doc.missing == set()


def test_the_fallback_fonts_are_embedded_as_subsets_holding_only_the_rare_characters(letter_pdf):
    _, pdf = letter_pdf
    fonts = _fonts(pdf)
    bases = sorted(re.sub(r"^/[A-Z]{6}\+", "", base) for base in fonts)
    assert bases == ["ShebaoRareHanA", "ShebaoRareHanB", "WenQuanYiMicroHei-0"]
    drawn: dict[str, set[str]] = {}
    for base, font in fonts.items():
        assert re.fullmatch(r"/[A-Z]{6}\+\w+(-0)?", base), base
        program = TTFont(io.BytesIO(font["/FontDescriptor"]["/FontFile2"].get_data()))
        cmap = font["/ToUnicode"].get_data().decode()
        chars = {
            bytes.fromhex(hex_code).decode("utf-16-be")
            for hex_code in re.findall(r"<[0-9A-F]{2}> <([0-9A-F]{4,8})>", cmap)
        }
        drawn[base.split("+")[1]] = chars - {"\x00", " "}  # ReportLab's filler codes
        if "ShebaoRareHan" in base:
            # a subset: a handful of glyphs, not the 60,000 of the vendored file
            assert program["maxp"].numGlyphs <= 4
    assert drawn["ShebaoRareHanA"] == {"䶮", "㛃"}
    assert drawn["ShebaoRareHanB"] == {"𠮷", "𬌗"}
    assert not drawn["WenQuanYiMicroHei-0"] & {"䶮", "㛃", "𠮷", "𬌗"}


def test_each_rare_character_maps_to_a_real_outline_not_the_notdef_glyph(letter_pdf):
    _, pdf = letter_pdf
    for base, font in _fonts(pdf).items():
        if "ShebaoRareHan" not in base:
            continue
        program = TTFont(io.BytesIO(font["/FontDescriptor"]["/FontFile2"].get_data()))
        glyf = program["glyf"]
        notdef = glyf[".notdef"].getCoordinates(glyf)[0]
        codes = program["cmap"].getcmap(1, 0).cmap
        assert codes  # the codes the page draws with
        for glyph_name in codes.values():
            glyph = glyf[glyph_name]
            assert glyph.numberOfContours > 0, (base, glyph_name)
            assert glyph.getCoordinates(glyf)[0] != notdef


def test_rendered_rare_characters_are_glyphs_not_boxes():
    # given each rare character, and a character no font has (WenQuanYi's .notdef: no ink)
    box = _one_character(NO_FONT_HAS)
    rendered = {char: _one_character(char) for char in RARE_NAMES.values()}

    # then each rare character puts ink on the page, unlike the box, and unlike one another
    for char, image in rendered.items():
        assert sum(image.histogram()[:128]) > 200, char
        assert ImageChops.difference(image, box).getbbox() is not None, char
    for (a, first), (b, second) in combinations(rendered.items(), 2):
        assert ImageChops.difference(first, second).getbbox() is not None, (a, b)


def test_a_right_aligned_rare_name_ends_where_it_is_aligned():
    # given a drawing that right-aligns a name with a fallback run at x = 100 mm
    doc = Document(title="对齐", printed_at=PRINTED_AT, furniture=False, margin_mm=0)
    doc.drawing(lambda pen: pen.text(100 * mm, 10, "刘䶮𠮷", size=40, align="right"), height_mm=30)

    # when rendered at 72 dpi (a pixel a point)
    image = _png(doc.render())
    ink = image.point(lambda v: 255 if v < 128 else 0).getbbox()

    # then the ink ends at the alignment point: the runs' widths were measured in their own fonts
    assert ink is not None
    assert abs(ink[2] - 100 * mm) < 4


def test_markup_in_a_rare_name_is_printed_as_written():
    doc = Document(title="转义", printed_at=PRINTED_AT)
    doc.paragraph("刘䶮<b>&amp;</b>𠮷")
    text = PdfReader(io.BytesIO(doc.render())).pages[0].extract_text()
    assert "刘䶮<b>&amp;</b>𠮷" in text


def test_the_fallback_fonts_are_registered_under_their_names():
    font_runs("䶮")  # a rare character registers the fallbacks
    for name, path in FALLBACK_FONTS:
        assert pdfmetrics.getFont(name).face.filename == str(path)
