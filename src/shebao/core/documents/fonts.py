"""The embedded fonts: WenQuanYi Micro Hei, vendored in ``core/fonts`` (never a system font,
so a machine without CJK fonts renders the same bytes), registered with ReportLab once per
process, and the Chinese line-breaking rule ReportLab lacks.

Rare characters (生僻字) that WenQuanYi lacks — CJK Extensions A to F, the newest unified
ideographs, compatibility ideographs — are drawn in two fallback fonts cut from Hanazono
Mincho (``rare-han-a.ttf``: the Basic Multilingual Plane; ``rare-han-b.ttf``: the
Supplementary Ideographic Plane). A name such as 刘䶮 or 𠮷野 is split into runs, each in the
font that has its characters (:func:`font_runs`); text entirely within WenQuanYi, nearly all
text, costs one regular-expression search and loads no fallback font.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path

from reportlab.lib import textsplit
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import paragraph as rl_paragraph

# The font files stay in core/fonts, beside the package (the package data every build ships).
FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT_PATH = FONT_DIR / "wqy-microhei.ttc"
FONT_NAME = "WQYMicroHei"  # face 0 of the collection
FONT_MONO = "WQYMicroHeiMono"  # face 1: codes and numbers that must line up

# The fallbacks, in the order they are tried: (ReportLab name, file). Each holds only the Han
# characters WenQuanYi lacks (see core/fonts/README.txt for how they were cut).
FALLBACK_FONTS: tuple[tuple[str, Path], ...] = (
    ("ShebaoRareHanA", FONT_DIR / "rare-han-a.ttf"),  # CJK Ext A, U+9FA6-9FFF, radicals, compat
    ("ShebaoRareHanB", FONT_DIR / "rare-han-b.ttf"),  # CJK Ext B-F, compat supplement
)

_font_lock = threading.Lock()
_fallbacks_loaded = False


# GB/T 15834 标点符号用法: these never begin a line. ReportLab's CJK wrap knows only the
# Japanese set (、。）」…), so a line could start with "，" or "；"; it hangs them instead.
CHINESE_CANNOT_START = "，；：！？）》〉】〕」』”’…—％"


def _teach_chinese_line_breaking() -> None:
    missing = "".join(ch for ch in CHINESE_CANNOT_START if ch not in textsplit.ALL_CANNOT_START)
    if missing:
        # Both modules hold the string (paragraph.py imported it by name): extend it in both.
        textsplit.ALL_CANNOT_START += missing
        rl_paragraph.ALL_CANNOT_START = textsplit.ALL_CANNOT_START


def _utf16_hex(code: int) -> str:
    return chr(code).encode("utf-16-be").hex().upper()


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode map, with characters beyond U+FFFF as UTF-16 surrogate pairs.

    ReportLab writes ``<%04X>``, i.e. ``<20BB7>`` for 𠮷: five hex digits, not UTF-16, so a
    reader extracting the text gets garbage for every Extension B-F character.
    """
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{_utf16_hex(code)}>" for i, code in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


def _class_of(codes: list[int]) -> str:
    """A regular-expression character class body matching exactly ``codes`` (sorted)."""
    parts: list[str] = []
    start = prev = codes[0]
    for code in [*codes[1:], -2]:
        if code == prev + 1:
            prev = code
            continue
        parts.append(re.escape(chr(start)) if start == prev else f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
        start = prev = code
    return "".join(parts)


def register_fonts() -> str:
    """Register the vendored font's two faces with ReportLab once per process; return the name."""
    with _font_lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            _teach_chinese_line_breaking()
            ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # the module looks it up by name
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0))
            pdfmetrics.registerFont(TTFont(FONT_MONO, str(FONT_PATH), subfontIndex=1))
            # The font has no bold or italic: map <b>/<i> to itself rather than fail.
            pdfmetrics.registerFontFamily(
                FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME, boldItalic=FONT_NAME
            )
    return FONT_NAME


@cache
def _outside_main() -> re.Pattern[str]:
    """Matches any character WenQuanYi cannot draw (whitespace counts as drawable)."""
    register_fonts()
    spaces = (code for code in range(0x3001) if chr(code).isspace())  # U+3000: 全角空格
    drawable = sorted({*pdfmetrics.getFont(FONT_NAME).face.charToGlyph, *spaces})
    return re.compile(f"[^{_class_of(drawable)}]")


def _register_fallbacks() -> None:
    """Load the fallback fonts, on the first text that needs them (the larger takes ~0.3 s)."""
    global _fallbacks_loaded
    with _font_lock:
        if not _fallbacks_loaded:
            for name, path in FALLBACK_FONTS:
                # asciiReadable off: the fallbacks have no ASCII, so their ToUnicode claims none
                pdfmetrics.registerFont(TTFont(name, str(path), asciiReadable=False))
                pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
            _fallbacks_loaded = True


def needs_fallback(text: str) -> bool:
    """Whether ``text`` has a character WenQuanYi lacks: one search, the common case's cost."""
    return _outside_main().search(text) is not None


def font_runs(text: str) -> list[tuple[str, str]]:
    """``text`` as (font name, run) pairs: WenQuanYi wherever it has the character, else the
    first fallback that has it; a character no font has stays in WenQuanYi (its box)."""
    if not needs_fallback(text):
        return [(FONT_NAME, text)] if text else []
    _register_fallbacks()
    outside = _outside_main()
    fallbacks = [(name, pdfmetrics.getFont(name).face.charToGlyph) for name, _ in FALLBACK_FONTS]
    runs: list[tuple[str, str]] = []
    for ch in text:
        font = FONT_NAME
        if outside.match(ch):
            font = next((name for name, cmap in fallbacks if ord(ch) in cmap), FONT_NAME)
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def missing_glyphs(text: str) -> set[str]:
    """Characters no embedded font can draw (emoji, ideographs newer than Extension F): they
    would print as boxes. 生僻字 of Extensions A-F are drawn by the fallbacks, not reported."""
    if not needs_fallback(text):
        return set()
    outside = _outside_main()
    return {ch for font, run in font_runs(text) if font == FONT_NAME for ch in outside.findall(run)}
