"""TrueType subsets built by hand, fast: the font tables are read once per process and a subset
of a few dozen glyphs is put together from byte slices.

ReportLab subsets the whole font for every document (about 6 ms a page for a CJK page); this
module keeps the parsed tables in memory and builds a subset with the glyphs renumbered from 1
in the order asked (glyph 0 is .notdef), so the PDF's CIDs are the subset's glyph ids
(``/CIDToGIDMap /Identity``). Composite glyphs bring their components along (appended after the
asked glyphs, their references rewritten). The hinting tables (``cvt``, ``fpgm``, ``prep``) and
``OS/2``/``name`` are copied as they are, so the glyphs' instructions stay valid.

The font is the one every shebao document embeds (``shebao.core.documents.FONT_PATH``, face 0);
nothing here knows Django.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["FontFace", "Subset", "face_load"]

# Composite glyph flags (OpenType 'glyf' table).
_ARG_1_AND_2_ARE_WORDS = 0x0001
_WE_HAVE_A_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_WE_HAVE_AN_X_AND_Y_SCALE = 0x0040
_WE_HAVE_A_TWO_BY_TWO = 0x0080

# Tables copied verbatim into every subset (when the face has them).
_VERBATIM = (b"OS/2", b"cvt ", b"fpgm", b"name", b"prep")
# A 'post' table of format 3 (no glyph names) and an empty (3,1) format 4 'cmap': a CID font
# reaches its glyphs through the PDF's CIDs, but some readers want both tables present.
_POST3 = b"\x00\x03\x00\x00" + b"\x00" * 28
_CMAP_EMPTY = struct.pack(">HHHHI", 0, 1, 3, 1, 12) + struct.pack(">12H", 4, 24, 0, 2, 2, 0, 0, 0xFFFF, 0, 0xFFFF, 1, 0)


def _checksum(data: bytes) -> int:
    padded = data + b"\x00" * (-len(data) % 4)
    words = array("I", padded)
    if words.itemsize != 4:  # pragma: no cover - every platform CPython runs on has a 4-byte I
        return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF
    words.byteswap()  # the table is big-endian; the array reads native (little-endian) order
    return sum(words) & 0xFFFFFFFF


@dataclass(frozen=True)
class Subset:
    """A subset font: the TrueType bytes and, per subset glyph id, the original glyph id."""

    data: bytes
    glyphs: tuple[int, ...]


class FontFace:
    """One face of a TrueType font or collection, parsed once.

    ``glyph_of(char)`` the glyph id of a character (0 when the font cannot draw it);
    ``advance(gid)`` its advance width in thousandths of the em (what a PDF ``/W`` array takes).
    """

    def __init__(self, data: bytes, *, face_index: int = 0) -> None:
        self.data = data
        offset = 0
        if data[:4] == b"ttcf":
            (count,) = struct.unpack_from(">I", data, 8)
            if not 0 <= face_index < count:
                raise ValueError(f"font collection has {count} faces, not {face_index + 1}")
            (offset,) = struct.unpack_from(">I", data, 12 + 4 * face_index)
        (num_tables,) = struct.unpack_from(">H", data, offset + 4)
        self.tables: dict[bytes, tuple[int, int]] = {}
        for i in range(num_tables):
            tag, _, start, length = struct.unpack_from(">4sIII", data, offset + 12 + 16 * i)
            self.tables[tag] = (start, length)
        head = self.table(b"head")
        self.units_per_em: int = struct.unpack_from(">H", head, 18)[0]
        self.bbox: tuple[int, int, int, int] = struct.unpack_from(">hhhh", head, 36)
        long_loca = struct.unpack_from(">h", head, 50)[0] == 1
        self.num_glyphs: int = struct.unpack_from(">H", self.table(b"maxp"), 4)[0]
        hhea = self.table(b"hhea")
        self.ascent: int = struct.unpack_from(">h", hhea, 4)[0]
        self.descent: int = struct.unpack_from(">h", hhea, 6)[0]
        self.num_hmetrics: int = struct.unpack_from(">H", hhea, 34)[0]
        os2 = self.table(b"OS/2")
        self.cap_height = struct.unpack_from(">h", os2, 88)[0] if len(os2) >= 90 else self.ascent
        loca = self.table(b"loca")
        if long_loca:
            self._loca = list(struct.unpack_from(f">{self.num_glyphs + 1}I", loca))
        else:
            self._loca = [2 * v for v in struct.unpack_from(f">{self.num_glyphs + 1}H", loca)]
        self._glyf_start = self.tables[b"glyf"][0]
        hmtx = self.table(b"hmtx")
        self._hmetrics = struct.unpack_from(">" + "Hh" * self.num_hmetrics, hmtx)
        self._lsb_tail = struct.unpack_from(f">{self.num_glyphs - self.num_hmetrics}h", hmtx, 4 * self.num_hmetrics)
        self.cmap = self._read_cmap()
        self._verbatim = {tag: self.table(tag) for tag in _VERBATIM if tag in self.tables}
        self._head = head
        self._hhea = hhea
        self._maxp = self.table(b"maxp")
        self._scale = 1000.0 / self.units_per_em

    def table(self, tag: bytes) -> bytes:
        start, length = self.tables[tag]
        return self.data[start : start + length]

    # --- characters and metrics -----------------------------------------------------------

    def _read_cmap(self) -> dict[int, int]:
        """Unicode → glyph id from the (3,10) format 12 or the (3,1) format 4 subtable."""
        cmap = self.table(b"cmap")
        (count,) = struct.unpack_from(">H", cmap, 2)
        found: dict[tuple[int, int], int] = {}
        for i in range(count):
            platform, encoding, offset = struct.unpack_from(">HHI", cmap, 4 + 8 * i)
            found[(platform, encoding)] = offset
        mapping: dict[int, int] = {}
        if (3, 10) in found and struct.unpack_from(">H", cmap, found[(3, 10)])[0] == 12:
            base = found[(3, 10)]
            (groups,) = struct.unpack_from(">I", cmap, base + 12)
            for g in range(groups):
                start, end, glyph = struct.unpack_from(">III", cmap, base + 16 + 12 * g)
                for code in range(start, end + 1):
                    mapping[code] = glyph + code - start
            return mapping
        base = found[(3, 1)]
        if struct.unpack_from(">H", cmap, base)[0] != 4:
            raise ValueError("the font has no Unicode cmap of format 4 or 12")
        seg2 = struct.unpack_from(">H", cmap, base + 6)[0]
        segs = seg2 // 2
        ends = struct.unpack_from(f">{segs}H", cmap, base + 14)
        starts = struct.unpack_from(f">{segs}H", cmap, base + 16 + seg2)
        deltas = struct.unpack_from(f">{segs}h", cmap, base + 16 + 2 * seg2)
        range_base = base + 16 + 3 * seg2
        offsets = struct.unpack_from(f">{segs}H", cmap, range_base)
        for s in range(segs):
            for code in range(starts[s], ends[s] + 1):
                if code == 0xFFFF:
                    continue
                if offsets[s] == 0:
                    glyph = (code + deltas[s]) & 0xFFFF
                else:
                    at = range_base + 2 * s + offsets[s] + 2 * (code - starts[s])
                    glyph = struct.unpack_from(">H", cmap, at)[0]
                    if glyph:
                        glyph = (glyph + deltas[s]) & 0xFFFF
                if glyph:
                    mapping[code] = glyph
        return mapping

    def glyph_of(self, char: str) -> int:
        return self.cmap.get(ord(char), 0)

    def _metrics(self, gid: int) -> tuple[int, int]:
        if gid < self.num_hmetrics:
            return self._hmetrics[2 * gid], self._hmetrics[2 * gid + 1]
        return self._hmetrics[2 * self.num_hmetrics - 2], self._lsb_tail[gid - self.num_hmetrics]

    def advance(self, gid: int) -> float:
        """Advance width of a glyph in thousandths of the em."""
        return self._metrics(gid)[0] * self._scale

    def to_pdf_units(self, value: int) -> int:
        return round(value * self._scale)

    # --- glyph outlines ---------------------------------------------------------------------

    def _glyph(self, gid: int) -> bytes:
        start, end = self._loca[gid], self._loca[gid + 1]
        return self.data[self._glyf_start + start : self._glyf_start + end]

    @staticmethod
    def _components(glyph: bytes) -> list[tuple[int, int]]:
        """(byte offset of the glyph index, glyph index) of each component of a composite glyph."""
        found = []
        at = 10
        while True:
            flags, index = struct.unpack_from(">HH", glyph, at)
            found.append((at + 2, index))
            at += 4 + (4 if flags & _ARG_1_AND_2_ARE_WORDS else 2)
            if flags & _WE_HAVE_A_SCALE:
                at += 2
            elif flags & _WE_HAVE_AN_X_AND_Y_SCALE:
                at += 4
            elif flags & _WE_HAVE_A_TWO_BY_TWO:
                at += 8
            if not flags & _MORE_COMPONENTS:
                return found

    def subset(self, glyphs: Sequence[int]) -> Subset:
        """A TrueType font holding ``.notdef`` and ``glyphs`` as glyph ids 1, 2, … in that order
        (components of composite glyphs follow after them)."""
        order = [0, *glyphs]
        new_id = {gid: i for i, gid in enumerate(order)}
        bodies: list[bytes] = []
        i = 0
        while i < len(order):  # the list grows while composites bring their components
            body = self._glyph(order[i])
            if len(body) >= 10 and struct.unpack_from(">h", body, 0)[0] < 0:
                patched = bytearray(body)
                for at, component in self._components(body):
                    if component not in new_id:
                        new_id[component] = len(order)
                        order.append(component)
                    struct.pack_into(">H", patched, at, new_id[component])
                body = bytes(patched)
            bodies.append(body + b"\x00" * (-len(body) % 4))
            i += 1
        count = len(order)
        loca = array("I", [0]) * (count + 1)
        offset = 0
        for n, body in enumerate(bodies):
            offset += len(body)
            loca[n + 1] = offset
        loca.byteswap()
        hmtx = b"".join(struct.pack(">Hh", *self._metrics(gid)) for gid in order)
        head = bytearray(self._head)
        struct.pack_into(">I", head, 8, 0)  # checkSumAdjustment, set below
        struct.pack_into(">h", head, 50, 1)  # long loca offsets
        hhea = bytearray(self._hhea)
        struct.pack_into(">H", hhea, 34, count)
        maxp = bytearray(self._maxp)
        struct.pack_into(">H", maxp, 4, count)
        tables = {
            **self._verbatim,
            b"cmap": _CMAP_EMPTY,
            b"glyf": b"".join(bodies),
            b"head": bytes(head),
            b"hhea": bytes(hhea),
            b"hmtx": hmtx,
            b"loca": loca.tobytes(),
            b"maxp": bytes(maxp),
            b"post": _POST3,
        }
        data = _assemble(tables)
        return Subset(data=data, glyphs=tuple(order))


def _assemble(tables: dict[bytes, bytes]) -> bytes:
    """An sfnt file from its tables (sorted by tag, 4-byte aligned, checksums and the head's
    checkSumAdjustment set)."""
    tags = sorted(tables)
    count = len(tags)
    power = 1
    while power * 2 <= count:
        power *= 2
    header = struct.pack(">IHHHH", 0x00010000, count, power * 16, (power.bit_length() - 1), count * 16 - power * 16)
    offset = 12 + 16 * count
    directory = []
    body = []
    head_at = 0
    for tag in tags:
        data = tables[tag]
        if tag == b"head":
            head_at = offset
        directory.append(struct.pack(">4sIII", tag, _checksum(data), offset, len(data)))
        padded = data + b"\x00" * (-len(data) % 4)
        body.append(padded)
        offset += len(padded)
    font = bytearray(header + b"".join(directory) + b"".join(body))
    struct.pack_into(">I", font, head_at + 8, (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)


@cache
def face_load(path: str, face_index: int = 0) -> FontFace:
    """The face, parsed once per process."""
    return FontFace(Path(path).read_bytes(), face_index=face_index)


def glyphs_for(face: FontFace, text: Iterable[str]) -> list[int]:
    """The distinct glyph ids of ``text``'s characters, in first-seen order (0 left out)."""
    seen: dict[int, None] = {}
    for char in text:
        gid = face.glyph_of(char)
        if gid:
            seen.setdefault(gid, None)
    return list(seen)
