"""The one embedded font: WenQuanYi Micro Hei, vendored in ``core/fonts`` (never a system font,
so a machine without CJK fonts renders the same bytes), registered with ReportLab once per
process, and the Chinese line-breaking rule ReportLab lacks.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.lib import textsplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import paragraph as rl_paragraph

# The font files stay in core/fonts, beside the package (the package data every build ships).
FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "wqy-microhei.ttc"
FONT_NAME = "WQYMicroHei"  # face 0 of the collection
FONT_MONO = "WQYMicroHeiMono"  # face 1: codes and numbers that must line up

_font_lock = threading.Lock()


# GB/T 15834 标点符号用法: these never begin a line. ReportLab's CJK wrap knows only the
# Japanese set (、。）」…), so a line could start with "，" or "；"; it hangs them instead.
CHINESE_CANNOT_START = "，；：！？）》〉】〕」』”’…—％"


def _teach_chinese_line_breaking() -> None:
    missing = "".join(ch for ch in CHINESE_CANNOT_START if ch not in textsplit.ALL_CANNOT_START)
    if missing:
        # Both modules hold the string (paragraph.py imported it by name): extend it in both.
        textsplit.ALL_CANNOT_START += missing
        rl_paragraph.ALL_CANNOT_START = textsplit.ALL_CANNOT_START


def register_fonts() -> str:
    """Register the vendored font's two faces with ReportLab once per process; return the name."""
    with _font_lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            _teach_chinese_line_breaking()
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0))
            pdfmetrics.registerFont(TTFont(FONT_MONO, str(FONT_PATH), subfontIndex=1))
            # The font has no bold or italic: map <b>/<i> to itself rather than fail.
            pdfmetrics.registerFontFamily(
                FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME, boldItalic=FONT_NAME
            )
    return FONT_NAME


def missing_glyphs(text: str) -> set[str]:
    """Characters the font cannot draw (rare 生僻字 outside GBK, emoji): they would print as boxes."""
    register_fonts()
    cmap = pdfmetrics.getFont(FONT_NAME).face.charToGlyph
    return {ch for ch in text if ord(ch) not in cmap and not ch.isspace()}
