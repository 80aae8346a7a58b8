"""Documents: every PDF shebao issues, and the codes that let anyone verify one.

Owns the embedded fonts, all vendored in ``core/fonts`` (never a system font, so a machine
without CJK fonts renders the same bytes): WenQuanYi Micro Hei for nearly all text, and the
two rare-character fallbacks cut from Hanazono Mincho, ``rare-han-a.ttf`` (CJK Extension A and
the rest of the Basic Multilingual Plane's Han that WenQuanYi lacks) and ``rare-han-b.ttf``
(Extensions B-F), for the 生僻字 in names and addresses (``fonts``). Also a small builder that
the apps use for letters, receipts, annual statements, booklets and A3 flowchart posters, and
the verification code printed on each document.

Invariants:

* every glyph is drawn in a vendored TrueType font, chosen per character: WenQuanYi wherever it
  has the character, else the first fallback that has it (``fonts.font_runs``); a character
  no font has prints as WenQuanYi's box, and ``missing_glyphs`` names it beforehand;
* ReportLab embeds the subset of each font used, with a ToUnicode map (beyond U+FFFF as
  UTF-16 pairs), so the Chinese text can be searched, copied and read by screen readers;
* the fallbacks are loaded only by the first text that needs them;
* user text is escaped before it reaches ReportLab's paragraph markup (a name with ``<`` or
  ``&`` prints as written, it cannot inject markup);
* page furniture (running title, printed-at time in 北京时间, "第 n 页 / 共 N 页", the
  verification line) is drawn after layout, when the page total is known;
* a document whose figures matter is also signed over its canonical content (``signing``), and
  its code is then a digest of that signature, so an altered figure fails verification;
* a verification code is HMAC-SHA256 keyed from ``SECRET_KEY`` over (kind, ref): it proves the
  document was issued here without a table lookup; ``SECRET_KEY_FALLBACKS`` keep old paper valid
  across a key rotation;
* the addresses printed (the QR's link, the 文件核验 menu) are under ``settings.PUBLIC_URL``, the
  agency's public address, never the address a server happens to listen on.

ReportLab keeps per-font subsetting state in module globals and is not thread-safe, so
:meth:`Document.render` holds a process-wide lock; bulk jobs scale out in processes.
"""

from __future__ import annotations

from reportlab.lib.units import mm

from shebao.core.documents.codes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    document_code,
    document_verify,
    random_symbols,
    verification_menu_url,
    verification_path,
    verification_url,
)
from shebao.core.documents.fonts import (
    CHINESE_CANNOT_START,
    FONT_MONO,
    FONT_NAME,
    FONT_PATH,
    font_runs,
    missing_glyphs,
    register_fonts,
)
from shebao.core.documents.layout import (
    GREY,
    HEADER_FILL,
    INK,
    PAGE_SIZES,
    RULE,
    SHOWN_TZ,
    ZEBRA_FILL,
    Align,
    Box,
    Document,
    Pen,
)
from shebao.core.documents.signing import (
    Signed,
    canonical_json,
    document_sign,
    document_sign_canonical,
    document_verify_content,
    signature_code,
)

__all__ = [
    "CHINESE_CANNOT_START",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "FONT_MONO",
    "FONT_NAME",
    "FONT_PATH",
    "GREY",
    "HEADER_FILL",
    "INK",
    "PAGE_SIZES",
    "RULE",
    "SHOWN_TZ",
    "ZEBRA_FILL",
    "Align",
    "Box",
    "Document",
    "Pen",
    "Signed",
    "canonical_json",
    "document_code",
    "document_sign",
    "document_sign_canonical",
    "document_verify",
    "document_verify_content",
    "font_runs",
    "missing_glyphs",
    "mm",
    "random_symbols",
    "register_fonts",
    "signature_code",
    "verification_menu_url",
    "verification_path",
    "verification_url",
]
