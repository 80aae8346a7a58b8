"""Every real catalogue item has a flowchart poster whose PDF carries the item's Chinese name,
and a flowchart whose every line (wide or for a phone, in Chinese or English) stays in its box."""

from __future__ import annotations

import io
import itertools
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from shebao.catalog import posters
from shebao.catalog.models import ServiceItem
from shebao.catalog.services import catalog_sync
from tests.web.test_guide import SVG, _overflows

pytestmark = pytest.mark.django_db


def test_every_item_has_a_poster_with_its_chinese_name_and_steps():
    catalog_sync()
    items = list(
        ServiceItem.objects.exclude(code__startswith="T-")
        .prefetch_related("phases__steps", "materials")
        .order_by("code")
    )
    assert len(items) >= 52
    for item in items:
        svg = posters.item_svg(item)
        for phase in item.phases.all():
            assert phase.name in svg, (item.code, phase.name)
        pdf = posters.item_poster_pdf(item)
        text = (PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or "").replace(" ", "").replace("\n", "")
        assert item.name.replace(" ", "") in text, item.code
        assert b"/FontFile2" in pdf


@pytest.mark.parametrize("narrow", [False, True])
@pytest.mark.parametrize("english", [False, True])
def test_every_items_flowchart_keeps_its_lines_inside_its_boxes(narrow, english):
    # given the real catalogue, whose policy bases run to several laws
    catalog_sync()
    items = ServiceItem.objects.exclude(code__startswith="T-").prefetch_related("phases__steps", "materials")
    for item in items:
        # when its flowchart is drawn wide or for a phone, in Chinese or English
        svg = ET.fromstring(posters.item_svg(item, narrow=narrow, english=english))
        # then no line leaves its box, and the policy basis is drawn whole
        assert _overflows(svg) == [], item.code
        drawn = "".join(t.text or "" for t in svg.iter(f"{SVG}text")).replace(" ", "")
        assert item.policy_basis.replace(" ", "") in drawn, item.code
        if english:
            for phase in item.phases.all():
                assert phase.name_en and phase.name_en.replace(" ", "") in drawn, (item.code, phase.name_en)
            assert item.name not in drawn, item.code


HAN_AND_LATIN = st.text(alphabet=st.sampled_from(list("社会保险法第条，。；：（）《》〔〕、 abcdefghij,.;()2024-")), max_size=120)


@settings(max_examples=300, deadline=None)
@given(text=HAN_AND_LATIN, width=st.floats(min_value=20, max_value=400), size=st.sampled_from([11.0, 13.0, 15.0]))
def test_wrapping_keeps_every_character_and_every_line_within_the_width(text, width, size):
    lines = posters.wrap(text, width, size)
    assert all(posters.text_width(line, size) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    # and where each word with a mark after it fits a line, no line opens with ，。；) etc.
    tokens = posters._TOKEN.findall(text)
    marks = posters.CANNOT_START
    punctuation_alone = all(not (a[-1] in marks and b[0] in marks) for a, b in itertools.pairwise(tokens))
    if punctuation_alone and all(posters.text_width(t + "，", size) * 2 <= width for t in tokens):
        assert [line for line in lines[1:] if line[0] in posters.CANNOT_START] == []
