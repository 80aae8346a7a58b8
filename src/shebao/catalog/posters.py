"""Flowchart posters (服务流程图) drawn from the catalogue rows themselves.

One layout — boxes, a decision and arrows computed from the item's phases, steps, materials,
channels and time limits — is rendered two ways: SVG for the public guide page and an A3 PDF
for the hall wall. Because both read the same rows the running process uses, the poster and
the process cannot disagree. The whole guide (《社会保险经办服务指南》) prints as a booklet.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.pdfbase import pdfmetrics

from shebao.catalog.models import ItemPhase, Jurisdiction, ServiceItem
from shebao.core.channels import Channel
from shebao.core.documents import CHINESE_CANNOT_START, Align, Document, Pen, font_runs, mm, register_fonts
from shebao.core.models import Office

Shape = Literal["title", "box", "step", "decision", "note", "end", "band"]

# Text is wrapped to this share of a box's inner width: the page draws the SVG in the
# browser's CJK font, whose Latin letters may run a little wider than the poster's font.
FIT = 0.9
BOLD_WIDER = 1.08  # the font has no bold face; a browser's bold runs this much wider
PAD = 10.0  # inside a box, left and right
SVG_FONTS = (
    "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
)


@dataclass(frozen=True)
class Frame:
    """The drawing's proportions: wide for the desk and the A3 wall, narrow (top to bottom,
    one column, larger type) for a phone, where the wide drawing would shrink its text below
    12 px."""

    name: str
    width: float
    box_w: float
    title: float  # font sizes in drawing units (CSS px when the drawing is shown at 1:1)
    text: float
    small: float


WIDE = Frame("wide", width=720, box_w=360, title=17, text=13, small=12)
NARROW = Frame("narrow", width=340, box_w=320, title=17, text=15, small=14)
GAP = 26.0


@dataclass(frozen=True)
class Words:
    """The drawing's own words in one language; the catalogue's rows give the names."""

    apply: str
    channels: str
    saturday: str
    complete: str
    missing: str
    restart: str
    yes: str
    no: str
    phase: str
    outside: str
    outside_party: str
    end: str
    rating: str
    materials: str
    commitment: str
    optional: str
    basis: str
    code: str
    chart: str
    separator: str
    authority: dict[int, str]
    instant: str
    promised: str
    legal: str
    no_limit: str
    limits_separator: str


ZH = Words(
    apply="申请 / 收件",
    channels="渠道：{}",
    saturday="周六延时服务 9:00-16:00 可办",
    complete="材料是否齐全？",
    missing="否：一次性告知所缺材料",
    restart="补齐后次日起计算时限",
    yes="是",
    no="否",
    phase="阶段{n}：{name}",
    outside="（外部单位办理，不计入本机构时限）",
    outside_party="外部单位",
    end="办结 · 告知结果",
    rating="邀请评价（好差评），差评5个工作日内回访整改",
    materials="所需材料：",
    commitment="（可告知承诺）",
    optional="（选交）",
    basis="政策依据：{}",
    code="事项编码 {code} · 风险等级 {risk} 级",
    chart="{name} 办理流程图",
    separator="、",
    authority={1: "一级：窗口经办", 2: "二级：复核", 3: "三级：审批"},
    instant="即时办结",
    promised="承诺{n}个工作日",
    legal="法定{n}个工作日",
    no_limit="无固定时限",
    limits_separator="，",
)
EN = Words(
    apply="Apply / hand in",
    channels="Channels: {}",
    saturday="Saturday service 9:00-16:00",
    complete="Materials complete?",
    missing="No: every missing material is named at once",
    restart="The time limit runs from the day after they are complete",
    yes="Yes",
    no="No",
    phase="Phase {n}: {name}",
    outside=" (outside party: not counted in our time limit)",
    outside_party="Outside party",
    end="Completed · result notified",
    rating="Rate the service; a poor rating is followed up within 5 working days",
    materials="What to bring:",
    commitment=" (a signed commitment may replace it)",
    optional=" (optional)",
    basis="Policy basis: {}",
    code="Item {code} · risk level {risk}",
    chart="{name}: flowchart",
    separator=", ",
    authority={1: "Level 1: window clerk", 2: "Level 2: review", 3: "Level 3: approval"},
    instant="Instant: completed on the spot",
    promised="Promised: {n} working days",
    legal="Legal limit: {n} working days",
    no_limit="No fixed time limit",
    limits_separator="; ",
)

_JURISDICTION_ZH = {
    "applicant_district": "参保人所属区社保处",
    "city_centre": "市社会保险中心",
    "medical_centre": "市医保中心",
    "card_centre": "社会保障卡中心",
    "receiving_office": "受理机构",
}


def _zh(label: str) -> str:
    return label.split(" / ")[0]


def _half(label: str, *, english: bool) -> str:
    """ "中文 / English" → the half in the drawing's language."""
    zh, _, en = str(label).partition(" / ")
    return (en or zh) if english else zh


def _named(thing: object, *, english: bool) -> str:
    """A catalogue row's name in the drawing's language (``name_en`` where filled in)."""
    name = str(getattr(thing, "name", ""))
    return str(getattr(thing, "name_en", "") or name) if english else name


def limit_text(days: int | None, legal: int | None = None, *, english: bool = False) -> str:
    words = EN if english else ZH
    if days is None and legal is None:
        return words.no_limit
    parts = []
    if days is not None:
        parts.append(words.instant if days == 0 else words.promised.format(n=days))
    if legal is not None:
        parts.append(words.legal.format(n=legal))
    return words.limits_separator.join(parts)


# --- Measuring and wrapping ---------------------------------------------------------------

# A run of Latin letters, digits and their joiners stays whole (with the space after it);
# every other character (汉字, punctuation) is a place a line may break.
CANNOT_START = CHINESE_CANNOT_START + ",.;:!?)]}"
CANNOT_END = "（《〔【「『“‘([{"
_TOKEN = re.compile(r"[A-Za-z0-9@._%/:'’()\-–+·]+ *| +|.", re.DOTALL)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """``text``'s width at ``size`` in the fonts the PDF draws it in (the poster's own metrics):
    each run in the font ``font_runs`` gives it, WenQuanYi or a rare-character fallback, as
    ``Pen.text`` draws it."""
    register_fonts()
    width = sum(pdfmetrics.stringWidth(run, font, size) for font, run in font_runs(text))
    return float(width) * (BOLD_WIDER if bold else 1.0)


def wrap(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """``text`` broken into lines no wider than ``width`` at ``size``: between words, between
    any two Han characters, never starting a line with ，。；) etc. nor ending one with （《 etc.
    (GB/T 15834); a word longer than a line is cut."""

    def fits(line: str) -> bool:
        return text_width(line.rstrip(), size, bold=bold) <= width

    lines: list[str] = []
    current: list[str] = []  # the tokens on the line being filled
    tokens = _TOKEN.findall(text)
    while tokens:
        token = tokens.pop(0)
        line = "".join(current)
        if fits(line + token):
            current.append(token)
            continue
        if not line.strip():
            # a word wider than the line: cut it where it stops fitting
            cut = max(1, next((i for i in range(len(token), 0, -1) if fits(line + token[:i])), 1))
            lines.append((line + token[:cut]).rstrip())
            tokens.insert(0, token[cut:])
            current = []
            continue
        carry: list[str] = []
        if len(current) > 1 and (token[0] in CANNOT_START or current[-1][-1] in CANNOT_END):
            # the punctuation may not open the next line, nor the bracket close this one:
            # the word or character before the break moves down with it
            carry = [current.pop()]
            while len(current) > 1 and current[-1][-1] in CANNOT_END:
                carry.insert(0, current.pop())
        lines.append("".join(current).rstrip())
        current = carry
        if not token.isspace():
            tokens.insert(0, token.lstrip())
    if "".join(current).strip() or not lines:
        lines.append("".join(current).rstrip())
    return [line for line in lines if line] or [""]


# --- The layout ---------------------------------------------------------------------------


@dataclass
class Line:
    text: str
    size: float
    bold: bool = False

    @property
    def height(self) -> float:
        return round(self.size * 1.38)


@dataclass
class Node:
    shape: Shape
    x: float
    y: float  # top edge, y grows downward
    w: float
    h: float
    lines: list[Line]
    dashed: bool = False

    @property
    def text_width(self) -> float:
        """The width the text may take: the box less its padding; a diamond's inner rectangle."""
        return self.w / 2 if self.shape == "decision" else self.w - 2 * PAD

    def baselines(self) -> list[float]:
        block = sum(line.height for line in self.lines)
        top = self.y + (self.h - block) / 2
        out = []
        for line in self.lines:
            out.append(top + (line.height + line.size * 0.72) / 2)
            top += line.height
        return out


@dataclass
class Arrow:
    points: list[tuple[float, float]]
    label: str = ""
    label_left: bool = False


@dataclass
class Layout:
    width: float
    height: float
    frame: Frame = WIDE
    nodes: list[Node] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)


def _node(
    shape: Shape,
    x: float,
    y: float,
    w: float,
    min_h: float,
    texts: list[tuple[str, float, bool]],
    *,
    dashed: bool = False,
) -> Node:
    """A shape whose text (given as (text, size, bold) per paragraph) is wrapped to its width
    and whose height grows to hold it."""
    node = Node(shape, x, y, w, min_h, [], dashed)
    for text, size, bold in texts:
        limit = node.text_width * FIT
        node.lines += [Line(part, size, bold) for part in wrap(text, limit, size, bold=bold)]
    block = sum(line.height for line in node.lines)
    node.h = max(min_h, block * 2 + 8 if shape == "decision" else block + 16)
    return node


def item_layout(item: ServiceItem, *, narrow: bool = False, english: bool = False) -> Layout:
    """Place the poster's shapes for ``item`` (prefetch phases, steps and materials).

    ``narrow`` draws one column for a phone; ``english`` uses the catalogue's English names and
    the drawing's English words. Every line of text is wrapped to its box by the font's metrics.
    """
    f = NARROW if narrow else WIDE
    t = EN if english else ZH
    layout = Layout(width=f.width, height=0, frame=f)
    cx = (f.width - f.box_w) / 2
    spine = f.width / 2
    y = 10.0

    def add(node: Node) -> Node:
        layout.nodes.append(node)
        return node

    def down(a: Node, b: Node, label: str = "", *, label_left: bool = False) -> None:
        layout.arrows.append(Arrow([(a.x + a.w / 2, a.y + a.h), (b.x + b.w / 2, b.y)], label, label_left))

    title = add(
        _node(
            "title",
            10,
            y,
            f.width - 20,
            46,
            [
                (_named(item, english=english), f.title, True),
                (t.code.format(code=item.code, risk=item.risk_level), f.small, False),
            ],
        )
    )
    y += title.h + GAP
    channels = t.separator.join(_half(Channel(c).label, english=english) for c in item.channels if c in Channel.values)
    apply_texts = [(t.apply, f.text, False), (t.channels.format(channels or "—"), f.small, False)]
    if item.saturday:
        apply_texts.append((t.saturday, f.small, False))
    apply = add(_node("box", cx, y, f.box_w, 58, apply_texts))
    down(title, apply)
    y += apply.h + GAP
    check_w = 240.0 if narrow else f.box_w - 80
    check = add(_node("decision", spine - check_w / 2, y, check_w, 56, [(t.complete, f.text, False)]))
    down(apply, check)
    missing = [(t.missing, f.small, False), (t.restart, f.small, False)]
    if narrow:
        # below the decision, right of the spine; the "no" arrow turns down into it
        side = add(_node("note", spine + 20, check.y + check.h + 12, f.width - 10 - (spine + 20), 60, missing))
        turn = side.x + side.w - 20
        layout.arrows.append(
            Arrow([(check.x + check.w, check.y + check.h / 2), (turn, check.y + check.h / 2), (turn, side.y)], t.no)
        )
    else:
        side_x = cx + f.box_w + 14
        side = add(_node("note", side_x, y - 2, f.width - side_x - 10, 60, missing))
        layout.arrows.append(Arrow([(check.x + check.w, check.y + check.h / 2), (side.x, check.y + check.h / 2)], t.no))
    previous: Node = check
    y = max(check.y + check.h, side.y + side.h) + GAP
    first = True
    band_x = 10.0 if narrow else 30.0
    for index, phase in enumerate(item.phases.all(), start=1):
        days = phase.promised_days if phase.promised_days is not None else item.promised_days
        legal = phase.legal_days if phase.legal_days is not None else item.legal_days
        code = phase.jurisdiction or item.jurisdiction
        if english:
            office = _half(dict(Jurisdiction.choices).get(code, ""), english=True)
        else:
            office = _JURISDICTION_ZH.get(code, "")
        outside = phase.party == ItemPhase.Party.OUTSIDE
        header = [
            (
                t.phase.format(n=index, name=_named(phase, english=english)) + (t.outside if outside else ""),
                f.text,
                True,
            ),
            (f"{office} · {limit_text(days, legal, english=english)}", f.small, False),
        ]
        band = add(_node("band", band_x, y, f.width - 2 * band_x, 40, header, dashed=outside))
        down(previous, band, t.yes if first else "", label_left=narrow and first)
        first = False
        y += band.h + 12
        previous = band
        for step in phase.steps.all():
            role = t.outside_party if step.kind == "outside" else t.authority.get(step.min_authority, "")
            texts = [(_named(step, english=english), f.text, True)] + ([(role, f.small, False)] if role else [])
            node = add(_node("step", cx, y, f.box_w, 40, texts, dashed=outside))
            down(previous, node)
            previous = node
            y += node.h + 14
        y += GAP - 14
    end = add(_node("end", cx, y, f.box_w, 44, [(t.end, f.text, False), (t.rating, f.small, False)]))
    down(previous, end)
    y += end.h + 10
    materials = list(item.materials.all())
    if materials:
        texts = [(t.materials, f.text, False)] + [
            (
                f"{i}. {_named(m, english=english)}"
                + (t.commitment if m.commitment_allowed else "")
                + ("" if m.required else t.optional),
                f.small,
                False,
            )
            for i, m in enumerate(materials, start=1)
        ]
        box = add(_node("note", 10, y + 10, f.width - 20, 40, texts))
        y = box.y + box.h
    basis = add(_node("note", 10, y + 10, f.width - 20, 40, [(t.basis.format(item.policy_basis), f.small, False)]))
    layout.height = basis.y + basis.h + 10
    return layout


# --- SVG -------------------------------------------------------------------------------------

_FILL = {
    "title": "#0b4f8a",
    "box": "#eef5fc",
    "step": "#ffffff",
    "decision": "#fff6e0",
    "note": "#f7f7f7",
    "end": "#e6f4ea",
    "band": "#dde9f7",
}


def item_svg(item: ServiceItem, *, narrow: bool = False, english: bool = False) -> str:
    """The flowchart as a self-contained SVG (no script, no external font: the page's CJK font).

    Each shape and its text are one ``<g class="node">``; ``narrow`` is the one-column drawing
    for a phone (class ``flowchart-narrow``), else ``flowchart-wide``.
    """
    layout = item_layout(item, narrow=narrow, english=english)
    words = EN if english else ZH
    kind = layout.frame.name
    marker = f"arrow-{kind}"  # both drawings sit on one page: their ids must differ
    label = words.chart.format(name=_named(item, english=english))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {layout.width:.0f} {layout.height:.0f}" '
        f'role="img" aria-label="{escape(label, {chr(34): "&quot;"})}" class="flowchart flowchart-{kind}" '
        f'font-family="{SVG_FONTS}">',
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>',
    ]
    for node in layout.nodes:
        out.append(f'<g class="node node-{node.shape}">')
        dash = ' stroke-dasharray="6 4"' if node.dashed else ""
        fill = _FILL[node.shape]
        if node.shape == "decision":
            x, y, w, h = node.x, node.y, node.w, node.h
            out.append(
                f'<polygon points="{x + w / 2:g},{y:g} {x + w:g},{y + h / 2:g} {x + w / 2:g},{y + h:g} {x:g},{y + h / 2:g}" '
                f'fill="{fill}" stroke="#333"/>'
            )
        else:
            rx = 10 if node.shape in ("box", "end", "band") else 3
            out.append(
                f'<rect x="{node.x:g}" y="{node.y:g}" width="{node.w:g}" height="{node.h:g}" rx="{rx}" fill="{fill}" stroke="#333"{dash}/>'
            )
        colour = "#ffffff" if node.shape == "title" else "#1a1a1a"
        left = node.shape == "note"
        anchor = "start" if left else "middle"
        tx = node.x + PAD if left else node.x + node.w / 2
        for line, baseline in zip(node.lines, node.baselines(), strict=True):
            weight = ' font-weight="bold"' if line.bold else ""
            out.append(
                f'<text x="{tx:g}" y="{baseline:.1f}" text-anchor="{anchor}" font-size="{line.size:g}" fill="{colour}"{weight}>{escape(line.text)}</text>'
            )
        out.append("</g>")
    for arrow in layout.arrows:
        points = " ".join(f"{x:g},{y:g}" for x, y in arrow.points)
        out.append(
            f'<polyline points="{points}" fill="none" stroke="#333" stroke-width="1.5" marker-end="url(#{marker})"/>'
        )
        if arrow.label:
            (x1, y1), (x2, y2) = arrow.points[0], arrow.points[1]
            lx, anchor = ((x1 + x2) / 2 - 6, "end") if arrow.label_left else ((x1 + x2) / 2 + 6, "start")
            out.append(
                f'<text x="{lx:g}" y="{(y1 + y2) / 2 - 4:g}" text-anchor="{anchor}" font-size="{layout.frame.small:g}" fill="#555">{escape(arrow.label)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


# --- PDF -------------------------------------------------------------------------------------


def _draw(layout: Layout, pen: Pen) -> None:
    """The layout on a PDF page, scaled to fit: the same shapes and the same wrapped lines as
    the SVG, in the font those lines were measured with."""
    from reportlab.lib import colors

    scale = min(pen.width / layout.width, pen.height / layout.height)
    offset_x = (pen.width - layout.width * scale) / 2

    def px(x: float) -> float:
        return offset_x + x * scale

    def py(y: float) -> float:  # flip: layout y grows down, PDF y grows up
        return pen.height - y * scale

    for node in layout.nodes:
        fill = colors.HexColor(_FILL[node.shape])
        x, y, w, h = px(node.x), py(node.y + node.h), node.w * scale, node.h * scale
        text_colour = colors.white if node.shape == "title" else colors.black
        if node.shape == "decision":
            pen.diamond(x, y, w, h, fill=fill)
        else:
            radius = 6 * scale if node.shape in ("box", "end", "band") else 0
            pen.box(x, y, w, h, fill=fill, radius=radius)
        align: Align = "left" if node.shape == "note" else "center"
        tx = px(node.x + PAD) if align == "left" else px(node.x + node.w / 2)
        for line, baseline in zip(node.lines, node.baselines(), strict=True):
            pen.text(tx, py(baseline), line.text, size=line.size * scale, align=align, color=text_colour)
    for arrow in layout.arrows:
        pen.arrow(*[(px(x), py(y)) for x, y in arrow.points], label=arrow.label, label_size=10 * scale)


def item_poster_pdf(item: ServiceItem, *, office: Office | None = None, english: bool = False) -> bytes:
    """The A3 wall poster (服务流程图) of one item; ``english`` with the catalogue's English names."""
    title = f"{_named(item, english=True)}: service flowchart" if english else f"{item.name} 服务流程图"
    doc = Document(title=title, pagesize="A3", issuer=office.name if office else "武汉市社会保险经办服务")
    layout = item_layout(item, english=english)
    doc.drawing(lambda pen: _draw(layout, pen))
    return doc.render()


def guide_booklet_pdf(items: Iterable[ServiceItem]) -> bytes:
    """《社会保险经办服务指南》: every item's guide and flowchart, one booklet, from the catalogue."""
    items = list(items)
    doc = Document(title="社会保险经办服务指南", pagesize="A4", issuer="武汉市社会保险经办服务")
    doc.heading("社会保险经办服务指南").paragraph(
        f"本指南由服务事项目录自动生成，共 {len(items)} 个服务事项；生成时间 {timezone.localtime():%Y-%m-%d %H:%M}（北京时间）。"
    )
    doc.table(
        header=["编码", "事项名称", "险种", "风险等级", "时限"],
        rows=[
            [
                i.code,
                i.name,
                _zh(i.get_insurance_display()),
                f"{i.risk_level}级",
                limit_text(i.promised_days, i.legal_days),
            ]
            for i in items
        ],
        widths=[22 * mm, 70 * mm, 26 * mm, 18 * mm, 38 * mm],
    )
    for item in items:
        doc.page_break()
        doc.heading(f"{item.code} {item.name}", level=2)
        channels = "、".join(_zh(Channel(c).label) for c in item.channels if c in Channel.values)
        doc.key_values(
            {
                "险种": _zh(item.get_insurance_display()),
                "办理渠道": channels or "—",
                "周六延时服务": "是" if item.saturday else "否",
                "办理时限": limit_text(item.promised_days, item.legal_days),
                "风险等级": f"{item.risk_level}级",
                "管辖": _JURISDICTION_ZH.get(item.jurisdiction, ""),
            }
        )
        doc.paragraph(f"政策依据：{item.policy_basis}")
        if item.description:
            doc.paragraph(item.description)
        layout = item_layout(item)
        doc.drawing(functools.partial(_draw, layout), height_mm=min(200, layout.height * 0.3))
    return doc.render()
