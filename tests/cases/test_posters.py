"""Flowchart posters and the guide booklet are drawn from the catalogue rows the process runs on."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from shebao.catalog import posters
from shebao.catalog.models import ItemPhase, ServiceItem
from shebao.catalog.selectors import item_get

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_svg_shows_every_phase_step_limit_and_material(catalogue):
    item = item_get(code="T-XFER", with_structure=True)
    svg = posters.item_svg(item)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    for text in (
        "转入地审核",
        "转出地办理",
        "转入办结",
        "承诺15个工作日",
        "外部单位办理",
        "居民身份证",
        "居住证明（可告知承诺）",
        "三级：审批",
    ):
        assert text in svg, text
    assert svg.count('stroke-dasharray="6 4"') == 2  # the outside party's band and step are dashed
    assert "<script" not in svg


def test_an_administrators_change_shows_on_the_poster(catalogue):
    ItemPhase.objects.filter(item__code="T-XFER", order=1).update(promised_days=10)
    svg = posters.item_svg(item_get(code="T-XFER", with_structure=True))
    assert "承诺10个工作日" in svg


def test_a_user_supplied_name_is_escaped(catalogue):
    ServiceItem.objects.filter(code="T-L1").update(name="<b>测试&事项</b>")
    svg = posters.item_svg(item_get(code="T-L1", with_structure=True))
    assert "<b>" not in svg and "&lt;b&gt;测试&amp;事项" in svg


def test_the_a3_poster_renders_chinese_with_an_embedded_font(catalogue):
    item = item_get(code="T-XFER", with_structure=True)
    pdf = posters.item_poster_pdf(item)
    reader = PdfReader(io.BytesIO(pdf))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (842, 1191)  # A3 portrait in points
    text = _text(pdf).replace(" ", "").replace("\n", "")
    for phrase in ("服务流程图", "转出地办理", "材料是否齐全", "一次性告知"):
        assert phrase in text, phrase
    assert b"/FontFile2" in pdf
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "poster-T-XFER.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "40",
                "-singlefile",
                str(ARTIFACTS / "poster-T-XFER.pdf"),
                str(ARTIFACTS / "poster-T-XFER"),
            ],
            check=True,
        )


def test_the_guide_booklet_lists_every_item(catalogue):
    items = list(
        ServiceItem.objects.filter(code__startswith="T-")
        .prefetch_related("phases__steps", "materials")
        .order_by("code")
    )
    pdf = posters.guide_booklet_pdf(items)
    text = _text(pdf)
    assert "社会保险经办服务指南" in text
    for item in items:
        assert item.code in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= len(items) + 1


@pytest.mark.parametrize(
    ("days", "legal", "expected"),
    [(0, None, "即时办结"), (15, 60, "承诺15个工作日，法定60个工作日"), (None, None, "无固定时限")],
)
def test_limit_text(days, legal, expected):
    assert posters.limit_text(days, legal) == expected
