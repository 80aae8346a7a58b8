"""A flowchart poster whose names hold 生僻字 that WenQuanYi lacks (CJK Extension A 㐀 䶮, the
Supplementary Ideographic Plane's 𠀀 𠮷): the layout measures each line in the font the PDF
draws it in (WenQuanYi, else the rare-character fallback that has the character), so every
line stays in its box, the poster renders, and its text reads back whole."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from shebao.catalog import posters
from shebao.catalog.models import ItemPhase, ServiceItem
from shebao.catalog.selectors import item_get
from shebao.catalog.services import catalog_sync
from shebao.core.documents import FONT_NAME, font_runs, missing_glyphs, register_fonts

RARE = "㐀䶮𠀀𠮷"
NAME = "𠮷野㐀䶮𠀀" * 6 + "参保登记（生僻字姓名）"  # wider than any box: it must wrap


def drawn_width(text: str, size: float) -> float:
    """The width the PDF gives ``text``: each run in the font it is drawn in."""
    register_fonts()
    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in font_runs(text))


def test_the_rare_characters_are_drawn_by_a_fallback_not_by_wenquanyi():
    # the premise: WenQuanYi lacks them and a fallback has each (none would print as a box)
    assert {font for font, _run in font_runs(RARE)} <= {"ShebaoRareHanA", "ShebaoRareHanB"}
    assert FONT_NAME not in {font for font, _run in font_runs(RARE)}
    assert missing_glyphs(NAME) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("narrow", [False, True])
def test_a_poster_with_rare_characters_keeps_its_lines_in_their_boxes_and_renders(narrow):
    # given a real item renamed with 生僻字, and a phase of it too
    catalog_sync()
    ServiceItem.objects.filter(code="YL-003").update(name=NAME)
    ItemPhase.objects.filter(item__code="YL-003", order=1).update(name="𠀀㐀审核" * 4)
    item = item_get(code="YL-003", with_structure=True)
    # when its flowchart is laid out (wide or for a phone) and drawn as SVG and as the A3 poster
    layout = posters.item_layout(item, narrow=narrow)
    svg = posters.item_svg(item, narrow=narrow)
    pdf = posters.item_poster_pdf(item)
    # then no line is wider than its box as the PDF draws it, and every character is laid out
    too_wide = [
        (node.shape, line.text)
        for node in layout.nodes
        for line in node.lines
        if drawn_width(line.text, line.size) > node.text_width
    ]
    assert too_wide == []
    laid_out = "".join(line.text for node in layout.nodes for line in node.lines).replace(" ", "")
    assert NAME in laid_out and "𠀀㐀审核" * 4 in laid_out
    assert all(ch in svg for ch in RARE)
    # and the poster embeds the fallbacks and reads back with the rare characters
    assert b"ShebaoRareHanA" in pdf and b"ShebaoRareHanB" in pdf
    text = (PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or "").replace(" ", "").replace("\n", "")
    assert all(ch in text for ch in RARE)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from([*RARE, *"社会保险，。（）ab ,."]), max_size=80),
    width=st.floats(min_value=20, max_value=300),
    size=st.sampled_from([11.0, 13.0, 15.0]),
)
def test_wrapping_rare_characters_keeps_each_line_within_the_width_as_drawn(text, width, size):
    lines = posters.wrap(text, width, size)
    assert all(drawn_width(line, size) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
