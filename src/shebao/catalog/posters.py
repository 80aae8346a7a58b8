"""Flowchart posters (服务流程图) drawn from the catalogue rows themselves.

One layout — boxes, a decision and arrows computed from the item's phases, steps, materials,
channels and time limits — is rendered two ways: SVG for the public guide page and an A3 PDF
for the hall wall. Because both read the same rows the running process uses, the poster and
the process cannot disagree. The whole guide (《社会保险经办服务指南》) prints as a booklet.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal
from xml.sax.saxutils import escape

from django.utils import timezone

from shebao.catalog.models import ItemPhase, ServiceItem
from shebao.core.channels import Channel
from shebao.core.documents import Align, Document, Pen, mm
from shebao.core.models import Office

WIDTH = 720.0
BOX_W = 360.0
SIDE_W = 190.0
GAP = 26.0

Shape = Literal["title", "box", "step", "decision", "note", "end", "band"]

_AUTHORITY = {1: "一级：窗口经办", 2: "二级：复核", 3: "三级：审批"}
_JURISDICTION_ZH = {
    "applicant_district": "参保人所属区社保处",
    "city_centre": "市社会保险中心",
    "medical_centre": "市医保中心",
    "card_centre": "社会保障卡中心",
    "receiving_office": "受理机构",
}


def _zh(label: str) -> str:
    return label.split(" / ")[0]


def limit_text(days: int | None, legal: int | None = None) -> str:
    if days is None and legal is None:
        return "无固定时限"
    parts = []
    if days is not None:
        parts.append("即时办结" if days == 0 else f"承诺{days}个工作日")
    if legal is not None:
        parts.append(f"法定{legal}个工作日")
    return "，".join(parts)


@dataclass
class Node:
    shape: Shape
    x: float
    y: float  # top edge, y grows downward
    w: float
    h: float
    lines: list[str]
    dashed: bool = False


@dataclass
class Arrow:
    points: list[tuple[float, float]]
    label: str = ""


@dataclass
class Layout:
    width: float
    height: float
    nodes: list[Node] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)


def item_layout(item: ServiceItem) -> Layout:
    """Place the poster's shapes for ``item`` (prefetch phases, steps and materials)."""
    layout = Layout(width=WIDTH, height=0)
    cx = (WIDTH - BOX_W) / 2
    y = 10.0

    def add(node: Node) -> Node:
        layout.nodes.append(node)
        return node

    def down(a: Node, b: Node, label: str = "") -> None:
        layout.arrows.append(Arrow([(a.x + a.w / 2, a.y + a.h), (b.x + b.w / 2, b.y)], label))

    title = add(
        Node("title", 10, y, WIDTH - 20, 46, [item.name, f"事项编码 {item.code} · 风险等级 {item.risk_level} 级"])
    )
    y += title.h + GAP
    channels = "、".join(_zh(Channel(c).label) for c in item.channels if c in Channel.values)
    apply_lines = ["申请 / 收件", f"渠道：{channels or '—'}"]
    if item.saturday:
        apply_lines.append("周六延时服务 9:00-16:00 可办")
    apply = add(Node("box", cx, y, BOX_W, 58, apply_lines))
    down(title, apply)
    y += apply.h + GAP
    check = add(Node("decision", cx + 40, y, BOX_W - 80, 56, ["材料是否齐全？"]))
    down(apply, check)
    side = add(
        Node(
            "note",
            cx + BOX_W + 14,
            y - 2,
            WIDTH - (cx + BOX_W + 14) - 10,
            60,
            ["否：一次性告知所缺材料", "补齐后次日起计算时限"],
        )
    )
    layout.arrows.append(Arrow([(check.x + check.w, check.y + check.h / 2), (side.x, side.y + side.h / 2)], "否"))
    previous: Node = check
    y += check.h + GAP
    first = True
    for index, phase in enumerate(item.phases.all(), start=1):
        days = phase.promised_days if phase.promised_days is not None else item.promised_days
        legal = phase.legal_days if phase.legal_days is not None else item.legal_days
        office = _JURISDICTION_ZH.get(phase.jurisdiction or item.jurisdiction, "")
        outside = phase.party == ItemPhase.Party.OUTSIDE
        header = [
            f"阶段{index}：{phase.name}" + ("（外部单位办理，不计入本机构时限）" if outside else ""),
            f"{office} · {limit_text(days, legal)}",
        ]
        band = add(Node("band", 30, y, WIDTH - 60, 40, header, dashed=outside))
        down(previous, band, "是" if first else "")
        first = False
        y += band.h + 12
        previous = band
        for step in phase.steps.all():
            role = "外部单位" if step.kind == "outside" else _AUTHORITY.get(step.min_authority, "")
            node = add(Node("step", cx, y, BOX_W, 40, [step.name, role], dashed=outside))
            down(previous, node)
            previous = node
            y += node.h + 14
        y += GAP - 14
    end = add(Node("end", cx, y, BOX_W, 44, ["办结 · 告知结果", "邀请评价（好差评），差评5个工作日内回访整改"]))
    down(previous, end)
    y += end.h + 10
    materials = list(item.materials.all())
    if materials:
        lines = ["所需材料："] + [
            f"{i}. {m.name}" + ("（可告知承诺）" if m.commitment_allowed else "") + ("" if m.required else "（选交）")
            for i, m in enumerate(materials, start=1)
        ]
        box = add(Node("note", 10, y + 10, WIDTH - 20, 18 * len(lines) + 12, lines))
        y = box.y + box.h
    basis = add(Node("note", 10, y + 10, WIDTH - 20, 40, [f"政策依据：{item.policy_basis}"]))
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


def item_svg(item: ServiceItem) -> str:
    """The flowchart as a self-contained SVG (no script, no external font: the page's font)."""
    layout = item_layout(item)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {layout.width:.0f} {layout.height:.0f}" '
        f'role="img" aria-label="{escape(item.name)} 办理流程图" class="flowchart" font-family="sans-serif">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>',
    ]
    for node in layout.nodes:
        dash = ' stroke-dasharray="6 4"' if node.dashed else ""
        fill = _FILL[node.shape]
        if node.shape == "decision":
            x, y, w, h = node.x, node.y, node.w, node.h
            out.append(
                f'<polygon points="{x + w / 2},{y} {x + w},{y + h / 2} {x + w / 2},{y + h} {x},{y + h / 2}" fill="{fill}" stroke="#333"/>'
            )
        else:
            rx = 10 if node.shape in ("box", "end", "band") else 3
            out.append(
                f'<rect x="{node.x}" y="{node.y}" width="{node.w}" height="{node.h}" rx="{rx}" fill="{fill}" stroke="#333"{dash}/>'
            )
        colour = "#ffffff" if node.shape == "title" else "#1a1a1a"
        left = node.shape == "note"
        anchor = "start" if left else "middle"
        tx = node.x + 10 if left else node.x + node.w / 2
        size = 17 if node.shape == "title" else 13
        first_y = node.y + (node.h - 18 * (len(node.lines) - 1)) / 2 + 5 if not left else node.y + 20
        for i, line in enumerate(node.lines):
            weight = ' font-weight="bold"' if i == 0 and node.shape in ("title", "band", "step") else ""
            out.append(
                f'<text x="{tx}" y="{first_y + 18 * i:.1f}" text-anchor="{anchor}" font-size="{size if i == 0 else size - 2}" fill="{colour}"{weight}>{escape(line)}</text>'
            )
    for arrow in layout.arrows:
        points = " ".join(f"{x},{y}" for x, y in arrow.points)
        out.append(
            f'<polyline points="{points}" fill="none" stroke="#333" stroke-width="1.5" marker-end="url(#arrow)"/>'
        )
        if arrow.label:
            (x1, y1), (x2, y2) = arrow.points[0], arrow.points[1]
            out.append(
                f'<text x="{(x1 + x2) / 2 + 6}" y="{(y1 + y2) / 2 - 4}" font-size="12" fill="#555">{escape(arrow.label)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


# --- PDF -------------------------------------------------------------------------------------


def _draw(layout: Layout, pen: Pen) -> None:
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
        text = "\n".join(node.lines)
        size = (17 if node.shape == "title" else 12.5) * scale
        if node.shape == "decision":
            pen.diamond(x, y, w, h, text, size=size, fill=fill)
        else:
            radius = 6 * scale if node.shape in ("box", "end", "band") else 0
            align: Align = "left" if node.shape == "note" else "center"
            pen.box(x, y, w, h, text, size=size, fill=fill, radius=radius, align=align, color=text_colour)
    for arrow in layout.arrows:
        pen.arrow(*[(px(x), py(y)) for x, y in arrow.points], label=arrow.label, label_size=10 * scale)


def item_poster_pdf(item: ServiceItem, *, office: Office | None = None) -> bytes:
    """The A3 wall poster (服务流程图) of one item."""
    doc = Document(
        title=f"{item.name} 服务流程图", pagesize="A3", issuer=office.name if office else "武汉市社会保险经办服务"
    )
    layout = item_layout(item)
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
