"""The app's home-screen icons, drawn here with Pillow (no image file shipped, nothing fetched):
a rounded square in the house blue with 社 in the embedded CJK font. A maskable icon keeps the
mark inside the central 80 % "safe zone" that Android's masks never crop."""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageDraw, ImageFont

from shebao.core.documents.fonts import FONT_PATH

SIZES = (192, 512)
BLUE = (11, 79, 138)  # the house 政务蓝 (--accent)
WHITE = (255, 255, 255)


@functools.lru_cache(maxsize=8)
def icon_png(*, size: int, maskable: bool = False) -> bytes:
    """A square PNG of ``size`` pixels (a full-bleed square when ``maskable``)."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, size, size), fill=BLUE)
        glyph = int(size * 0.45)
    else:
        draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 6, fill=BLUE)
        glyph = int(size * 0.62)
    font = ImageFont.truetype(str(FONT_PATH), glyph, index=0)
    draw.text((size / 2, size / 2), "社", font=font, fill=WHITE, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
