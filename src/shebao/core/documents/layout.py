"""The document builder: :class:`Document` (headings, paragraphs, key-value blocks, tables,
QR codes, drawings, page furniture) and the drawing primitives :class:`Box` and :class:`Pen`.

ReportLab keeps per-font subsetting state in module globals and is not thread-safe, so
:meth:`Document.render` holds a process-wide lock; bulk jobs scale out in processes.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.utils import timezone
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A3, A4, A5
from reportlab.lib.pagesizes import landscape as to_landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from shebao.core.documents.codes import document_code, verification_menu_url, verification_url
from shebao.core.documents.fonts import FONT_NAME, font_runs, missing_glyphs, needs_fallback, register_fonts
from shebao.core.errors import InvalidInput

log = logging.getLogger(__name__)

SHOWN_TZ = ZoneInfo("Asia/Shanghai")
PAGE_SIZES: dict[str, tuple[float, float]] = {"A3": A3, "A4": A4, "A5": A5}

INK = colors.HexColor("#1f2328")
GREY = colors.HexColor("#57606a")
RULE = colors.HexColor("#8c959f")
HEADER_FILL = colors.HexColor("#e8eef6")
ZEBRA_FILL = colors.HexColor("#f6f8fa")

_render_lock = threading.Lock()
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
Align = Literal["left", "center", "right", "justify"]


# --- Drawing primitives (posters, diagrams) ---------------------------------------------


@dataclass(frozen=True)
class Box:
    """A drawn box; its edge midpoints are where arrows attach."""

    x: float
    y: float
    w: float
    h: float

    @property
    def top(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h)

    @property
    def bottom(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y)

    @property
    def left(self) -> tuple[float, float]:
        return (self.x, self.y + self.h / 2)

    @property
    def right(self) -> tuple[float, float]:
        return (self.x + self.w, self.y + self.h / 2)

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h / 2)


class Pen:
    """Drawing on a rectangle of the page, in points, origin at its bottom-left corner.

    ``canvas`` is the raw ReportLab canvas (already translated) for anything not offered here.
    """

    def __init__(self, canvas: Canvas, width: float, height: float) -> None:
        self.canvas = canvas
        self.width = width
        self.height = height

    def text(self, x: float, y: float, text: str, *, size: float = 10, align: Align = "left", color: Any = INK) -> None:
        c = self.canvas
        c.saveState()
        c.setFillColor(color)
        c.setFont(FONT_NAME, size)
        _draw_string(c, x, y, text, size=size, align=align)
        c.restoreState()

    def _text_in(self, box: Box, text: str, *, size: float, align: Align, color: Any, inset: float) -> None:
        """Wrap ``text`` inside the box, centred vertically, shrinking the size until it fits."""
        if not text:
            return
        avail_w, avail_h = box.w - 2 * inset, box.h - 2 * inset
        while True:
            style = _style(size=size, align=align, color=color)
            para = Paragraph(_markup(text), style)
            _, used_h = para.wrap(avail_w, avail_h)
            if used_h <= avail_h or size <= 5:
                break
            size -= 0.5
        para.drawOn(self.canvas, box.x + inset, box.y + (box.h - used_h) / 2)

    def box(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        text: str = "",
        *,
        size: float = 10,
        fill: Any = None,
        stroke: Any = INK,
        line_width: float = 1,
        radius: float = 0,
        align: Align = "center",
        color: Any = INK,
    ) -> Box:
        c = self.canvas
        c.saveState()
        c.setLineWidth(line_width)
        c.setStrokeColor(stroke or colors.white)
        if fill is not None:
            c.setFillColor(fill)
        if radius:
            c.roundRect(x, y, w, h, radius, stroke=int(stroke is not None), fill=int(fill is not None))
        else:
            c.rect(x, y, w, h, stroke=int(stroke is not None), fill=int(fill is not None))
        c.restoreState()
        drawn = Box(x, y, w, h)
        self._text_in(drawn, text, size=size, align=align, color=color, inset=max(3.0, size * 0.4))
        return drawn

    def diamond(
        self, x: float, y: float, w: float, h: float, text: str = "", *, size: float = 10, fill: Any = None
    ) -> Box:
        """A decision node (判断): the text sits in the diamond's inner rectangle."""
        c = self.canvas
        c.saveState()
        c.setStrokeColor(INK)
        if fill is not None:
            c.setFillColor(fill)
        path = c.beginPath()
        path.moveTo(x + w / 2, y + h)
        path.lineTo(x + w, y + h / 2)
        path.lineTo(x + w / 2, y)
        path.lineTo(x, y + h / 2)
        path.close()
        c.drawPath(path, stroke=1, fill=int(fill is not None))
        c.restoreState()
        self._text_in(Box(x + w / 4, y + h / 4, w / 2, h / 2), text, size=size, align="center", color=INK, inset=0)
        return Box(x, y, w, h)

    def line(self, x1: float, y1: float, x2: float, y2: float, *, color: Any = INK, line_width: float = 1) -> None:
        c = self.canvas
        c.saveState()
        c.setStrokeColor(color)
        c.setLineWidth(line_width)
        c.line(x1, y1, x2, y2)
        c.restoreState()

    def arrow(
        self,
        *points: tuple[float, float],
        color: Any = INK,
        line_width: float = 1,
        head: float = 6,
        label: str = "",
        label_size: float = 8,
    ) -> None:
        """A connector through ``points`` (two or more), with a filled head at the last one."""
        if len(points) < 2:
            raise ValueError("an arrow needs at least two points")
        c = self.canvas
        c.saveState()
        c.setStrokeColor(color)
        c.setFillColor(color)
        c.setLineWidth(line_width)
        path = c.beginPath()
        path.moveTo(*points[0])
        for point in points[1:]:
            path.lineTo(*point)
        c.drawPath(path, stroke=1, fill=0)
        (x1, y1), (x2, y2) = points[-2], points[-1]
        length = max(((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5, 1e-6)
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        tip = c.beginPath()
        tip.moveTo(x2, y2)
        tip.lineTo(x2 - head * ux + head * 0.5 * uy, y2 - head * uy - head * 0.5 * ux)
        tip.lineTo(x2 - head * ux - head * 0.5 * uy, y2 - head * uy + head * 0.5 * ux)
        tip.close()
        c.drawPath(tip, stroke=0, fill=1)
        c.restoreState()
        if label:
            (ax, ay), (bx, by) = points[0], points[1]
            self.text((ax + bx) / 2 + 3, (ay + by) / 2 + 2, label, size=label_size, color=GREY)


class _DrawingFlowable(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A rectangle of the flow handed to a callback; ``height=None`` takes the rest of the frame."""

    def __init__(self, draw: Callable[[Pen], None], height: float | None) -> None:
        super().__init__()
        self._draw = draw
        self._fixed_height = height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self._fixed_height if self._fixed_height is not None else availHeight
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFont(FONT_NAME, 10)
        self._draw(Pen(self.canv, self.width, self.height))


# --- The document builder ---------------------------------------------------------------


def _markup(text: str) -> str:
    """Paragraph markup for ``text``, escaped; runs of 生僻字 the main font lacks are wrapped
    in a ``<font>`` tag naming the fallback that has them."""
    if needs_fallback(text):
        text_markup = "".join(
            escape(run) if font == FONT_NAME else f'<font face="{font}">{escape(run)}</font>'
            for font, run in font_runs(text)
        )
    else:
        text_markup = escape(text)
    return text_markup.replace("\n", "<br/>")


def _draw_string(canvas: Canvas, x: float, y: float, text: str, *, size: float, align: Align = "left") -> None:
    """One line at ``(x, y)`` in the canvas's font (the main one) at ``size``, its 生僻字 runs
    in their fallback font; ``align`` says where ``x`` is: the left, centre or right."""
    if not needs_fallback(text):
        draw = {"left": canvas.drawString, "center": canvas.drawCentredString, "right": canvas.drawRightString}
        draw.get(align, canvas.drawString)(x, y, text)
        return
    runs = font_runs(text)
    total = sum(canvas.stringWidth(run, font, size) for font, run in runs)
    # One text object, each run advancing the cursor: readers extract the line as one string.
    line = canvas.beginText(x - {"center": total / 2, "right": total}.get(align, 0.0), y)
    for font, run in runs:
        line.setFont(font, size)
        line.textOut(run)
    canvas.drawText(line)  # the canvas's font stays the main one: the text object had its own


def _style(*, size: float, align: Align = "left", color: Any = INK, leading: float | None = None) -> ParagraphStyle:
    register_fonts()  # the style names the font: it must be known before a paragraph is parsed
    return ParagraphStyle(
        name=f"shebao-{size}-{align}",
        fontName=FONT_NAME,
        fontSize=size,
        leading=leading or size * 1.5,
        alignment=_ALIGN[align],
        textColor=color,
        wordWrap="CJK",  # break between any two Han characters; 。，etc. never start a line
    )


class _FurnishedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    """Holds each finished page until the end, then draws the furniture knowing the total."""

    def __init__(self, *args: Any, furnish: Callable[[Canvas, int, int], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._furnish = furnish
        self._held_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            self._furnish(self, number, total)
            super().showPage()
        super().save()


class Document:
    """One PDF, built top to bottom, rendered once with :meth:`render`::

        doc = Document(title="社会保险个人权益记录单")
        doc.heading("社会保险个人权益记录单").key_values({"姓名": "张三", "参保地": "武汉市"})
        pdf = doc.verification(kind="statement", ref="2024-000123").render()

    Every adding method returns the document, so calls chain. Sizes are in points unless the
    argument name says ``_mm``; :data:`mm` converts. A3 posters: ``pagesize="A3"`` and
    :meth:`drawing` with no height, which hands the rest of the page to a :class:`Pen`.
    """

    def __init__(
        self,
        *,
        title: str,
        pagesize: Literal["A3", "A4", "A5"] = "A4",
        landscape: bool = False,
        issuer: str = "社会保险经办服务平台",
        printed_at: datetime | None = None,
        margin_mm: float = 18,
        furniture: bool = True,
        font_size: float = 10.5,
    ) -> None:
        if pagesize not in PAGE_SIZES:
            raise InvalidInput(f"不支持的纸张：{pagesize}", f"Unsupported page size: {pagesize}", field="pagesize")
        register_fonts()
        self.title = title
        self.issuer = issuer
        self.pagesize: tuple[float, float] = to_landscape(PAGE_SIZES[pagesize]) if landscape else PAGE_SIZES[pagesize]
        self.printed_at = printed_at or timezone.now()
        if timezone.is_naive(self.printed_at):
            raise ValueError("printed_at must be an aware datetime")
        self.furniture = furniture
        self.font_size = font_size
        self.margin: float = margin_mm * mm
        # Furniture lives in the margins; leave room for it above and below the frame.
        self._top: float = self.margin + (8 * mm if furniture else 0)
        self._bottom: float = self.margin + (10 * mm if furniture else 0)
        self.verification_code: str | None = None
        self.verification_link: str | None = None
        self.missing: set[str] = set()
        self._story: list[Flowable] = []

    # Geometry callers plan drawings with.
    @property
    def frame_width(self) -> float:
        return self.pagesize[0] - 2 * self.margin

    @property
    def frame_height(self) -> float:
        return self.pagesize[1] - self._top - self._bottom

    def _text(self, text: object) -> str:
        value = "" if text is None else str(text)
        self.missing |= missing_glyphs(value)
        return _markup(value)

    def add(self, flowable: Flowable) -> Document:
        """Any ReportLab flowable, for what the helpers do not cover (use FONT_NAME in its styles)."""
        self._story.append(flowable)
        return self

    def heading(self, text: str, *, level: Literal[1, 2, 3] = 1) -> Document:
        size, before, after = {1: (18, 0, 8), 2: (14, 8, 4), 3: (12, 6, 3)}[level]
        if before:
            self._story.append(Spacer(1, before))
        style = _style(size=size, align="center" if level == 1 else "left", leading=size * 1.35)
        self._story.append(Paragraph(self._text(text), style))
        self._story.append(Spacer(1, after))
        return self

    def paragraph(
        self,
        text: str,
        *,
        size: float | None = None,
        align: Align = "justify",
        color: Any = INK,
        indent: bool = False,
    ) -> Document:
        """Wrapped text; ``indent`` sets the two-character first-line indent (首行缩进) of letters.

        Line breaks in ``text`` are kept; other whitespace, ideographic spaces included, collapses.
        """
        style = _style(size=size or self.font_size, align=align, color=color)
        if indent:
            style.firstLineIndent = 2 * style.fontSize
        self._story.append(Paragraph(self._text(text), style))
        self._story.append(Spacer(1, 4))
        return self

    def key_values(self, pairs: Mapping[str, object] | Iterable[tuple[str, object]], *, columns: int = 2) -> Document:
        """A block of 项目: 内容 pairs, ``columns`` pairs per row (1-3)."""
        items = list(pairs.items()) if isinstance(pairs, Mapping) else list(pairs)
        columns = max(1, min(3, columns))
        key_style = _style(size=self.font_size, color=GREY)
        value_style = _style(size=self.font_size)
        rows: list[list[Paragraph | str]] = []
        for start in range(0, len(items), columns):
            row: list[Paragraph | str] = []
            for key, value in items[start : start + columns]:
                row += [Paragraph(self._text(key), key_style), Paragraph(self._text(value), value_style)]
            row += [""] * (2 * columns - len(row))
            rows.append(row)
        if not rows:
            return self
        pair_w = self.frame_width / columns
        widths = [pair_w * 0.38, pair_w * 0.62] * columns
        table = _table(
            rows,
            widths,
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d0d7de")),
            ],
        )
        self._story += [table, Spacer(1, 6)]
        return self

    def table(
        self,
        *,
        header: Sequence[str],
        rows: Iterable[Sequence[object]],
        widths: Sequence[float] | None = None,
        align: Sequence[Align] | None = None,
        size: float | None = None,
    ) -> Document:
        """A ruled table; the header row repeats at the top of every page it runs onto.

        ``widths`` are relative (``[1, 3, 1]``); ``align`` is per column (numbers: "right").
        """
        ncols = len(header)
        size = size or self.font_size - 1
        align = list(align or ["left"] * ncols)
        if len(align) != ncols or (widths is not None and len(widths) != ncols):
            raise ValueError("align and widths need one entry per column")
        head_styles = [_style(size=size, align=a) for a in align]
        cell_styles = [_style(size=size, align=a, leading=size * 1.35) for a in align]
        data: list[list[Paragraph]] = [[Paragraph(self._text(h), s) for h, s in zip(header, head_styles, strict=True)]]
        for row in rows:
            if len(row) != ncols:
                raise ValueError(f"a row has {len(row)} cells, the header {ncols}")
            data.append([Paragraph(self._text(v), s) for v, s in zip(row, cell_styles, strict=True)])
        weights = list(widths or [1] * ncols)
        col_widths = [self.frame_width * w / sum(weights) for w in weights]
        commands: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("GRID", (0, 0), (-1, -1), 0.4, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        commands += [("BACKGROUND", (0, r), (-1, r), ZEBRA_FILL) for r in range(2, len(data), 2)]
        self._story += [_table(data, col_widths, commands, repeatRows=1), Spacer(1, 6)]
        return self

    def qr(self, data: str, *, size_mm: float = 28, caption: str = "") -> Document:
        """A QR code (level M) with an optional caption to its right."""
        symbol = _qr_drawing(data, size_mm * mm)
        if not caption:
            symbol.hAlign = "LEFT"
            self._story.append(symbol)
            return self
        text = Paragraph(self._text(caption), _style(size=self.font_size - 1, color=GREY))
        widths = [size_mm * mm + 4, self.frame_width - size_mm * mm - 4]
        commands = [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, 0), 0)]
        self._story.append(_table([[symbol, text]], widths, commands))
        return self

    def verification(self, *, kind: str, ref: str, qr: bool = True) -> Document:
        """Print the code on every page's footer and, here, a QR of the verification URL."""
        self.verification_code = document_code(kind=kind, ref=ref)
        self.verification_link = verification_url(kind=kind, ref=ref, code=self.verification_code)
        if qr:
            self.qr(
                self.verification_link,
                caption=f"文件编号：{ref}　验证码：{self.verification_code}\n"
                f"扫描二维码，或访问 {verification_menu_url()}（“文件核验”）输入文件编号和验证码，"
                "可核验本文件真伪。",
            )
        return self

    def spacer(self, height_mm: float) -> Document:
        self._story.append(Spacer(1, height_mm * mm))
        return self

    def page_break(self) -> Document:
        self._story.append(PageBreak())
        return self

    def drawing(self, draw: Callable[[Pen], None], *, height_mm: float | None = None) -> Document:
        """Hand a rectangle of the page to ``draw(pen)``: the full frame width, ``height_mm`` tall
        or, when None, the rest of the current page (a poster's flowchart)."""
        self._story.append(_DrawingFlowable(draw, None if height_mm is None else height_mm * mm))
        return self

    # --- rendering ---

    def _furnish(self, canvas: Canvas, number: int, total: int) -> None:
        if not self.furniture:
            return
        width, height = self.pagesize
        left, right = self.margin, width - self.margin
        canvas.saveState()
        canvas.setFont(FONT_NAME, 8)
        canvas.setFillColor(GREY)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        head_y = height - self.margin - 4 * mm
        _draw_string(canvas, left, head_y + 1.5 * mm, self.title, size=8)
        _draw_string(canvas, right, head_y + 1.5 * mm, self.issuer, size=8, align="right")
        canvas.line(left, head_y, right, head_y)
        foot_y = self.margin + 6 * mm
        canvas.line(left, foot_y, right, foot_y)
        shown = timezone.localtime(self.printed_at, SHOWN_TZ)
        canvas.drawString(left, foot_y - 4 * mm, f"打印时间：{shown:%Y-%m-%d %H:%M}（北京时间）")
        canvas.drawRightString(right, foot_y - 4 * mm, f"第 {number} 页 / 共 {total} 页")
        if self.verification_code:
            canvas.drawString(
                left, foot_y - 8 * mm, f"验证码：{self.verification_code}　核验地址：{self.verification_link}"
            )
        canvas.restoreState()

    def render(self) -> bytes:
        """Lay out and return the PDF bytes."""
        if self.missing:
            log.warning("document %r has characters the font lacks: %s", self.title, "".join(sorted(self.missing)))
        buffer = io.BytesIO()
        template = BaseDocTemplate(
            buffer,
            pagesize=self.pagesize,
            leftMargin=self.margin,
            rightMargin=self.margin,
            topMargin=self._top,
            bottomMargin=self._bottom,
            title=self.title,
            author=self.issuer,
            creator="shebao",
            lang="zh-CN",
            initialFontName=FONT_NAME,  # else the canvas starts in Helvetica, a font not embedded
            displayDocTitle=1,
        )
        frame = Frame(
            self.margin, self._bottom, self.frame_width, self.frame_height, id="body", leftPadding=0, rightPadding=0
        )
        template.addPageTemplates([PageTemplate(id="page", frames=[frame])])

        def canvasmaker(*args: Any, **kwargs: Any) -> Canvas:
            return _FurnishedCanvas(*args, furnish=self._furnish, **kwargs)

        with _render_lock:
            template.build(list(self._story or [Spacer(1, 1)]), canvasmaker=canvasmaker)
        return buffer.getvalue()


def _table(data: list[list[Any]], widths: Sequence[float], commands: list[tuple[Any, ...]], **kwargs: Any) -> Table:
    # Table.draw sets each cell's font, even for an empty cell: default it to ours, not Helvetica.
    style = TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT_NAME), *commands])
    return Table(data, colWidths=list(widths), style=style, hAlign="LEFT", **kwargs)


def _qr_drawing(data: str, size: float) -> Drawing:
    widget = QrCodeWidget(data, barLevel="M", barWidth=size, barHeight=size)
    # Without this the renderer sets Helvetica (a font not embedded) even though it draws no text.
    drawing = Drawing(size, size, initialFontName=FONT_NAME)
    drawing.add(widget)
    return drawing
