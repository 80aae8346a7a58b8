"""A small PDF writer: numbered objects, Flate streams, the cross-reference table, and CID fonts
(Type0, Identity-H) over hand-built TrueType subsets with a ToUnicode map.

Two kinds of font: a :class:`FixedFont` whose characters are known in advance (built and
compressed once per process, its objects' bytes reused in every file) and a
:class:`GrowingFont` that gives a character a CID the first time a page uses it and is written
once, at the end of the file, holding exactly the glyphs the file's pages used.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from shebao.statements.render.truetype import FontFace

__all__ = ["OBJECTS_PER_FONT", "FixedFont", "FontObjects", "GrowingFont", "PdfFile", "pdf_string", "text_segments"]

_COMPRESSION = 6


def pdf_string(text: str) -> bytes:
    """A PDF literal string for ASCII metadata (Info dictionary): parentheses and backslashes escaped."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("latin-1", "replace") + b")"


class PdfFile:
    """Objects written in any order; :meth:`finish` adds the xref table and trailer."""

    def __init__(self) -> None:
        self._parts: list[bytes] = [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"]
        self._position = len(self._parts[0])
        self._offsets: dict[int, int] = {}
        self._next = 1

    def reserve(self, count: int = 1) -> int:
        """Reserve ``count`` consecutive object numbers; returns the first."""
        first = self._next
        self._next += count
        return first

    def obj(self, number: int, body: bytes) -> None:
        chunk = b"%d 0 obj\n%s\nendobj\n" % (number, body)
        self._offsets[number] = self._position
        self._parts.append(chunk)
        self._position += len(chunk)

    def stream(self, number: int, data: bytes, *, extra: bytes = b"", compressed: bool = False) -> None:
        """A Flate stream (``data`` already deflated when ``compressed``)."""
        packed = data if compressed else zlib.compress(data, _COMPRESSION)
        self.obj(
            number, b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n%s\nendstream" % (len(packed), extra, packed)
        )

    def finish(self, *, root: int, info: int | None = None) -> bytes:
        count = self._next
        xref = [b"xref\n0 %d\n0000000000 65535 f \n" % count]
        for number in range(1, count):
            offset = self._offsets.get(number)
            xref.append(b"%010d 00000 n \n" % offset if offset is not None else b"0000000000 65535 f \n")
        trailer = b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
            count,
            root,
            b" /Info %d 0 R" % info if info else b"",
            self._position,
        )
        return b"".join(self._parts) + b"".join(xref) + trailer


def _to_unicode(cids: Iterable[tuple[int, str]]) -> bytes:
    """A ToUnicode CMap (CID → UTF-16BE), so the text can be searched, copied and read aloud."""
    lines = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    pairs = list(cids)
    for start in range(0, len(pairs), 100):  # at most 100 entries per bfchar block
        block = pairs[start : start + 100]
        lines.append(b"%d beginbfchar" % len(block))
        lines.extend(b"<%04X> <%s>" % (cid, char.encode("utf-16-be").hex().upper().encode()) for cid, char in block)
        lines.append(b"endbfchar")
    lines.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    return b"\n".join(lines)


@dataclass(frozen=True)
class FontObjects:
    """The bodies of a font's five objects, in the order of their numbers: Type0, CIDFont,
    FontDescriptor, FontFile2 (compressed), ToUnicode (compressed)."""

    type0: bytes
    cid_font: bytes
    descriptor: bytes
    font_file: tuple[bytes, bytes]  # (deflated data, extra dictionary entries)
    to_unicode: bytes  # deflated

    def write(self, pdf: PdfFile, first: int) -> None:
        pdf.obj(first, self.type0)
        pdf.obj(first + 1, self.cid_font)
        pdf.obj(first + 2, self.descriptor)
        pdf.stream(first + 3, self.font_file[0], extra=self.font_file[1], compressed=True)
        pdf.stream(first + 4, self.to_unicode, compressed=True)


OBJECTS_PER_FONT = 5


def _font_objects(
    face: FontFace, *, first: int, tag: str, chars: list[str], glyphs: list[int], base: bytes = b"WenQuanYiMicroHei"
) -> FontObjects:
    """The objects of a font whose CID n (from 1) draws ``chars[n-1]`` with glyph ``glyphs[n-1]``."""
    subset = face.subset(glyphs)
    name = b"/%s+%s" % (tag.encode(), base)
    widths = b" ".join(b"%d" % round(face.advance(gid)) for gid in subset.glyphs[: len(chars) + 1])
    x0, y0, x1, y1 = (face.to_pdf_units(v) for v in face.bbox)
    type0 = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont %s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>"
        % (
            name,
            first + 1,
            first + 4,
        )
    )
    cid_font = (
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont %s /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity)"
        b" /Supplement 0 >> /FontDescriptor %d 0 R /CIDToGIDMap /Identity /DW 1000 /W [0 [%s]] >>"
        % (name, first + 2, widths)
    )
    descriptor = (
        b"<< /Type /FontDescriptor /FontName %s /Flags 4 /FontBBox [%d %d %d %d] /ItalicAngle 0 /Ascent %d"
        b" /Descent %d /CapHeight %d /StemV 80 /FontFile2 %d 0 R >>"
        % (
            name,
            x0,
            y0,
            x1,
            y1,
            face.to_pdf_units(face.ascent),
            face.to_pdf_units(face.descent),
            face.to_pdf_units(face.cap_height),
            first + 3,
        )
    )
    return FontObjects(
        type0=type0,
        cid_font=cid_font,
        descriptor=descriptor,
        font_file=(zlib.compress(subset.data, _COMPRESSION), b"/Length1 %d " % len(subset.data)),
        to_unicode=zlib.compress(_to_unicode((i + 1, char) for i, char in enumerate(chars)), _COMPRESSION),
    )


class FixedFont:
    """A font over a character set known in advance; its objects are built once and written
    into every file at the object numbers the file gives."""

    def __init__(self, face: FontFace, text: str, *, tag: str) -> None:
        self.face = face
        self.tag = tag
        chars: list[str] = []
        glyphs: list[int] = []
        seen: set[str] = set()
        for char in text:
            gid = face.glyph_of(char)
            if char in seen or not gid:
                continue
            seen.add(char)
            chars.append(char)
            glyphs.append(gid)
        self.chars = chars
        # char → (2-byte code as hex, advance in 1/1000 em)
        self.codes: dict[str, tuple[bytes, float]] = {
            char: (b"%04X" % (i + 1), face.advance(gid))
            for i, (char, gid) in enumerate(zip(chars, glyphs, strict=True))
        }
        self._glyphs = glyphs
        self._objects: dict[int, FontObjects] = {}

    def objects(self, first: int) -> FontObjects:
        """The objects for a file that puts this font at numbers ``first`` … ``first + 4``."""
        if first not in self._objects:
            self._objects[first] = _font_objects(
                self.face, first=first, tag=self.tag, chars=self.chars, glyphs=self._glyphs
            )
        return self._objects[first]


class GrowingFont:
    """A font that takes each new character as a page uses it; written once, at the file's end.

    A character the face lacks (a 生僻字 of CJK Extension A-F in a name) goes to the first of
    the ``fallbacks`` that has it, font index 2, 3, … (PDF resources /F3, /F4, …), and is kept in
    :attr:`rare_codes`; ``fallbacks`` are made on the first such character (they load ~0.3 s).
    """

    def __init__(
        self,
        face: FontFace,
        *,
        base: bytes = b"WenQuanYiMicroHei",
        fallbacks: Callable[[], list[GrowingFont]] | None = None,
    ) -> None:
        self.face = face
        self.base = base
        self._make_fallbacks = fallbacks
        self.fallbacks: list[GrowingFont] = []
        # char → (font index 2, 3, …, its code in that fallback)
        self.rare_codes: dict[str, tuple[int, tuple[bytes, float]]] = {}
        self.chars: list[str] = []
        self.glyphs: list[int] = []
        self.codes: dict[str, tuple[bytes, float]] = {}
        # text → its runs and width, for the strings a book draws again and again (bases, flags,
        # dates): valid for this font's life, since a character's code never changes in it
        self.measured: dict[str, tuple[list[tuple[int, bytes]], float]] = {}
        # (text, width, size) → its wrapped lines (the notes and labels every page repeats): valid
        # for the same reason, and the first wrapping has added the characters already
        self.wrapped: dict[tuple[str, float, float], tuple[str, ...]] = {}
        # (text, size, fit) → its width in points and its operators after the text matrix (the
        # layout's Ops.text): valid for the same reason
        self.shaped: dict[tuple[str, float, float], tuple[float, bytes]] = {}
        # the layout's month grid: (row, month, flag) → the flag's whole operator, and a base
        # amount → its printed text
        self.drawn: dict[tuple[int, int, str], bytes] = {}
        self.money: dict[Decimal, str] = {}

    def take(self, char: str) -> tuple[int, tuple[bytes, float]]:
        """``char``'s font index (1: this font, 2…: a fallback) and code, adding it where new."""
        code = self.codes.get(char)
        if code is not None:
            return 1, code
        found = self.rare_codes.get(char)
        if found is not None:
            return found
        if not self.face.glyph_of(char) and self._make_fallbacks is not None:
            if not self.fallbacks:
                self.fallbacks = self._make_fallbacks()
            for index, fallback in enumerate(self.fallbacks, start=2):
                if fallback.face.glyph_of(char):
                    found = self.rare_codes[char] = (index, fallback.add(char))
                    return found
        return 1, self.add(char)

    def add(self, char: str) -> tuple[bytes, float]:
        gid = self.face.glyph_of(char)  # 0 (.notdef, a box) where the font has no glyph
        self.chars.append(char)
        self.glyphs.append(gid)
        code = (b"%04X" % len(self.chars), self.face.advance(gid))
        self.codes[char] = code
        return code

    def objects(self, first: int) -> FontObjects:
        digest = hashlib.blake2b("".join(self.chars).encode(), digest_size=6).digest()
        tag = "".join(chr(65 + b % 26) for b in digest)
        return _font_objects(self.face, first=first, tag=tag, chars=self.chars, glyphs=self.glyphs, base=self.base)


def text_segments(text: str, fixed: FixedFont, growing: GrowingFont) -> tuple[list[tuple[int, bytes]], float]:
    """``text`` as runs of (font index 0 fixed / 1 growing / 2… a growing font's fallback, hex
    codes), and its width in 1/1000 em."""
    fixed_codes = fixed.codes
    try:  # the common case (digits, dates, flags, statuses): every character in the fixed font
        codes = [fixed_codes[char] for char in text]
    except KeyError:
        pass
    else:
        width = 0.0
        for _, advance in codes:
            width += advance
        return ([(0, b"".join([hex_code for hex_code, _ in codes]))] if codes else []), width
    runs: list[tuple[int, bytes]] = []
    width = 0.0
    current = -1
    buffer: list[bytes] = []
    growing_codes = growing.codes
    for char in text:
        code = fixed_codes.get(char)
        font = 0
        if code is None:
            font = 1
            code = growing_codes.get(char)
            if code is None:
                font, code = growing.take(char)
        if font != current:
            if buffer:
                runs.append((current, b"".join(buffer)))
            buffer = []
            current = font
        buffer.append(code[0])
        width += code[1]
    if buffer:
        runs.append((current, b"".join(buffer)))
    return runs, width
