"""The statement PDF writer: the one writer behind the download, the window print and the bulk
mailing run (社会保险个人权益记录单, one A4 page per statement).

Speed is the point (a million statements a year): the static page — rules, shading, every
label, the standard notes — is drawn once per process into a Form XObject, in a font subset
(WenQuanYi Micro Hei, TrueType outlines, embedded) built once for its characters and for
those the values mostly use (digits, dates, statuses). A statement then writes only its values
and its QR code; characters not yet covered (names, employers, addresses) go into a second
subset that grows page by page and is written once at the end of the file. So a book of a
thousand statements (one mailing batch) carries the static page and both fonts once.

Invariants:

* every glyph is embedded (never a non-embedded CID font, which prints blank on a device
  without a Chinese font); both fonts carry a ToUnicode map, so the text can be searched,
  copied, read aloud and extracted by pypdf;
* the QR code carries the verification URL exactly as given; the code and the statement's
  reference are printed beside it, with the address of the 文件核验 page for typing them in;
* times are printed in Asia/Shanghai.

:func:`statement_pdf` writes one statement; :class:`StatementBook` writes many into one file.
Neither touches the database: they read a :class:`~shebao.statements.record.StatementRecord`.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

import zxingcpp

from shebao.core.documents import FONT_PATH
from shebao.core.documents.fonts import FALLBACK_FONTS
from shebao.statements.record import StatementRecord
from shebao.statements.render.layout import (
    PAGE_H,
    PAGE_W,
    TITLE,
    Ops,
    draw_qr,
    draw_record,
    draw_static,
    fixed_text,
    static_notes_bottom,
)
from shebao.statements.render.pdf import OBJECTS_PER_FONT, FixedFont, GrowingFont, PdfFile, pdf_string
from shebao.statements.render.truetype import FontFace, face_load

__all__ = ["StatementBook", "qr_modules", "statement_pdf"]

SHOWN_TZ = ZoneInfo("Asia/Shanghai")

# zlib level of each page's own content (~12 KB of operators): 3 deflates at less than half of
# level 6's time for ~9 % more bytes (1,640 against 1,500 a page, measured on 1,000 records);
# the shared objects (static page, fonts) are written once a book and keep level 6.
PAGE_COMPRESSION = 3

# Object numbers every file uses for the shared objects; pages follow from FIRST_PAGE.
CATALOG, PAGES, INFO, FIXED_FONT, STATIC_PAGE = 1, 2, 3, 4, 4 + OBJECTS_PER_FONT
GROWING_FONT = STATIC_PAGE + 1
FIRST_FREE = GROWING_FONT + OBJECTS_PER_FONT


@dataclass(frozen=True)
class _Static:
    """What a process builds once: the font for fixed text and the static page."""

    face: FontFace
    fixed: FixedFont
    page: bytes  # the Form XObject's deflated content
    notes_top: float


@cache
def _static() -> _Static:
    face = face_load(str(FONT_PATH), 0)
    fixed = FixedFont(face, fixed_text(), tag="SBSTAT")
    probe = GrowingFont(face)
    ops = Ops(fixed, probe)
    draw_static(ops)
    if probe.chars:  # a label drawn in a character the fixed font lacks: fixed_text() is wrong
        raise RuntimeError(f"static page uses characters outside the fixed font: {''.join(probe.chars)!r}")
    return _Static(face=face, fixed=fixed, page=zlib.compress(ops.content(), 6), notes_top=static_notes_bottom(ops))


# The QR code's data mask, fixed: choosing it (zxing-cpp scores all eight by ISO 18004's penalty
# rules) was 85 % of the encoding's time, ~0.3 ms a statement. Every mask is a valid symbol that
# decoders read (the mask is in the format information); 6 is the one the penalty picks most
# often for the verification URLs (169 of 300 sampled). None: let the encoder choose.
QR_MASK: int | None = 6


def qr_modules(text: str) -> tuple[bytes, int]:
    """The QR symbol of ``text`` (error correction M) as ``size``×``size`` bytes, 0 for dark."""
    if QR_MASK is None:
        symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    else:
        symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M", data_mask=QR_MASK)
    image = symbol.to_image(scale=1, add_quiet_zones=False)
    view = memoryview(image)  # type: ignore[arg-type]  # zxingcpp.Image has the buffer protocol; its stub does not say so
    return view.tobytes(), image.shape[0]


def _menu_url(verify_url: str) -> str:
    """The 文件核验 page's address: the verification URL up to and including ``/verify/``."""
    head, sep, _ = verify_url.partition("/verify/")
    return head + sep if sep else verify_url


def _ref_of(verify_url: str) -> str:
    """The statement's reference as the verification URL carries it (``…/verify/<kind>/<ref>/<code>``)."""
    parts = verify_url.rstrip("/").split("/")
    return parts[-2] if len(parts) >= 3 else ""


def _fallbacks() -> list[GrowingFont]:
    """A book's fonts for the 生僻字 WenQuanYi lacks (faces parsed once per process)."""
    return [GrowingFont(face_load(str(path)), base=name.encode()) for name, path in FALLBACK_FONTS]


class StatementBook:
    """Statements written one page each into one PDF file (a mailing batch, or a single one).

    ``add`` draws a page; ``finish`` returns the file's bytes. The shared objects (static page,
    fixed font) are written once; the growing font once, at the end, with every character the
    pages used beyond the fixed ones.
    """

    def __init__(self, *, title: str = TITLE, printed_at: dt.datetime | None = None) -> None:
        self._static = _static()
        self._pdf = PdfFile()
        self._pdf.reserve(FIRST_FREE - 1)
        self._growing = GrowingFont(self._static.face, fallbacks=_fallbacks)
        self._fallback_objects: list[int] = []  # object numbers of the fallbacks used so far
        self._pages: list[int] = []
        self._title = title
        moment = printed_at or dt.datetime.now(tz=dt.UTC)
        self._printed_at = moment.astimezone(SHOWN_TZ).strftime("%Y-%m-%d %H:%M")
        static = self._static
        static.fixed.objects(FIXED_FONT).write(self._pdf, FIXED_FONT)
        self._pdf.stream(
            STATIC_PAGE,
            static.page,
            extra=b"/Type /XObject /Subtype /Form /BBox [0 0 %.2f %.2f] /Resources << /Font << /F1 %d 0 R >> >> "
            % (PAGE_W, PAGE_H, FIXED_FONT),
            compressed=True,
        )

    def __len__(self) -> int:
        return len(self._pages)

    def add(self, *, record: StatementRecord, code: str, verify_url: str, ref: str | None = None) -> int:
        """Draw ``record`` as the next page; returns its page number (from 1). ``ref``, the
        statement's number printed beside the code, defaults to the one in ``verify_url``."""
        ops = Ops(self._static.fixed, self._growing)
        ops.parts.append(b"q /S Do Q")
        draw_record(
            ops,
            record=record,
            ref=_ref_of(verify_url) if ref is None else ref,
            code=code,
            menu_url=_menu_url(verify_url),
            printed_at=self._printed_at,
            notes_top=self._static.notes_top,
        )
        modules, size = qr_modules(verify_url)
        draw_qr(ops, modules, size)
        # the first page with a 生僻字 reserves the fallbacks' object numbers; it and every later
        # page name them (the growing font's caches may hand a later page the same operators)
        fallbacks = self._growing.fallbacks
        if not self._fallback_objects and any(fallback.chars for fallback in fallbacks):
            self._fallback_objects = [self._pdf.reserve(OBJECTS_PER_FONT) for _ in fallbacks]
        rare = b"".join(b" /F%d %d 0 R" % (i, first) for i, first in enumerate(self._fallback_objects, start=3))
        page = self._pdf.reserve(2)
        content = page + 1
        self._pdf.stream(content, zlib.compress(ops.content(), PAGE_COMPRESSION), compressed=True)
        self._pdf.obj(
            page,
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /Font << /F1 %d 0 R /F2 %d 0 R%s >>"
            b" /XObject << /S %d 0 R >> >> /Contents %d 0 R >>"
            % (PAGES, PAGE_W, PAGE_H, FIXED_FONT, GROWING_FONT, rare, STATIC_PAGE, content),
        )
        self._pages.append(page)
        return len(self._pages)

    def finish(self) -> bytes:
        pdf = self._pdf
        self._growing.objects(GROWING_FONT).write(pdf, GROWING_FONT)
        for fallback, first in zip(self._growing.fallbacks, self._fallback_objects, strict=False):
            fallback.objects(first).write(pdf, first)
        kids = b" ".join(b"%d 0 R" % page for page in self._pages)
        pdf.obj(PAGES, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(self._pages)))
        pdf.obj(CATALOG, b"<< /Type /Catalog /Pages %d 0 R /Lang (zh-CN) >>" % PAGES)
        title = self._title.encode("utf-16-be").hex().upper().encode()
        pdf.obj(INFO, b"<< /Title <FEFF%s> /Producer %s >>" % (title, pdf_string("shebao statements")))
        return pdf.finish(root=CATALOG, info=INFO)


def statement_pdf(
    *,
    record: StatementRecord,
    code: str,
    verify_url: str,
    ref: str | None = None,
    printed_at: dt.datetime | None = None,
) -> bytes:
    """社会保险个人权益记录单: one A4 page for ``record``, with the verification ``code`` and a
    QR code carrying ``verify_url`` (the public verification page of this statement)."""
    book = StatementBook(title=f"{TITLE}（{record.year}年度）", printed_at=printed_at)
    book.add(record=record, code=code, verify_url=verify_url, ref=ref)
    return book.finish()
