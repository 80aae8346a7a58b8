"""The page of the 社会保险个人权益记录单: where every rule, label and value sits.

The page is drawn in two layers. :func:`draw_static` draws what every statement shares (the
title, the tables' rules and shading, every label, the standard notes) once per process into a
Form XObject; :func:`draw_record` draws one statement's values over it. Both use the same
geometry (the constants below), so a value always lands in its cell.

A4 portrait, in points, origin at the bottom-left corner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from shebao.statements.record import FLAG_LABELS, FLAG_SYMBOLS, AccountBlock, MonthCell, StatementRecord
from shebao.statements.render.pdf import FixedFont, GrowingFont, text_segments

PAGE_W, PAGE_H = 595.28, 841.89
LEFT, RIGHT = 36.0, 559.28
WIDTH = RIGHT - LEFT
INSURANCE_ROWS = 5  # pension, medical, unemployment, injury, maternity
QR_SIZE = 66.0
QR_X, QR_Y = RIGHT - QR_SIZE, 752.0

INK = b"0.12 0.14 0.16"
GREY = b"0.34 0.38 0.42"
FILL = b"0.91 0.93 0.96"
ZEBRA = b"0.965 0.973 0.98"

TITLE = "社会保险个人权益记录单"
TITLE_EN = "Annual Statement of Social Insurance Rights"
SECTION = {
    "person": "一、基本信息",
    "months": "二、缴费情况",
    "pension": "三、基本养老保险个人账户",
    "medical": "四、职工基本医疗保险个人账户",
    "notes": "五、备注",
}
LEGEND = "  ".join(
    f"{FLAG_SYMBOLS[flag]} {FLAG_LABELS[flag][0]}" for flag in ("paid", "arrears", "transferred_in", "none")
)
STANDARD_NOTES = (
    "1. 本记录单所列信息仅供参考。如对记录有异议，可在线、通过App或持本人有效身份证件到参保地经办窗口申请核查更正。",
    "2. 参保人在多个单位就业的，单位名称为养老保险缴费单位；工伤保险由单位缴费，个人不缴费。",
    "3. 扫描二维码，或登录下列网址输入记录单编号和验证码，可核验本记录单的真伪和内容：",
)
# What the medical block says without figures: on a statement stored before the platform kept
# the medical account (YB-005; its notes carry NOTE_MEDICAL_OLD) that the bureau keeps it; on a
# record of today, that the person has no medical insurance at all.
MEDICAL_NOT_LISTED = "医保个人账户由医疗保障部门记载，本单不列示"
MEDICAL_NONE = "无"
NOTE_MEDICAL_OLD = "职工医疗保险个人账户由医疗保障部门记载，本单不列示；生育保险已并入职工医疗保险。"
# The medical account earns no interest: its rate cell says so (the pension's says 尚未计息 until
# the year's interest is credited).
MEDICAL_NO_INTEREST = "不计息"
# A record's notes that the page already says (standard notes 1 and 2, the medical block; the
# texts of statements.selectors' NOTE_REFERENCE, NOTE_INJURY, NOTE_MEDICAL) → what is left of
# each to print, so that a note is printed once. Stored statements keep their notes verbatim.
NOTES_SAID = {
    "本记录单所列信息仅供参考。如对记录有异议，可在线、通过App或到参保地经办窗口申请核查更正。": "",
    "工伤保险由单位缴费，个人不缴费。": "",
    NOTE_MEDICAL_OLD: "生育保险已并入职工医疗保险。",
}

# --- geometry (top-down y of each block) -----------------------------------------------------

ROW = 16.0
GRID_ROW = 12.5
PERSON_TOP = 736.0
PERSON_COLS = (LEFT, LEFT + 58, LEFT + 178, LEFT + 220, LEFT + 310, LEFT + 384, RIGHT)
PERSON_LABELS = (("姓名", "性别", "证件号码"), ("单位名称", None, "参加工作时间"), ("联系地址", None, "邮政编码"))
MONTHS_TOP = PERSON_TOP - ROW * 4 - 6
GRID_LEFT = (LEFT, LEFT + 44, LEFT + 112, LEFT + 140)
MONTH_W = (RIGHT - GRID_LEFT[3]) / 12
MONTH_X = tuple(GRID_LEFT[3] + MONTH_W * i for i in range(13))
GRID_HEAD_TOP = MONTHS_TOP - ROW
GRID_BODY_TOP = GRID_HEAD_TOP - ROW
PENSION_TOP = GRID_BODY_TOP - GRID_ROW * 2 * INSURANCE_ROWS - 6
ACCOUNT_COLS = tuple(LEFT + WIDTH / 7 * i for i in range(8))
ACCOUNT_LABEL_H = 22.0
PENSION_LABELS = (
    "截止上年末累计储存额",
    "本年账户记入本金",
    "本年账户记入利息",
    "本年记账利率",
    "累计缴费月数",
    "本年账户支出额",
    "累计储存额",
)
MEDICAL_LABELS = (
    "截止上年末账户余额",
    "本年账户划入额",
    "本年账户记入利息",
    "本年记账利率",
    "划入月数",
    "本年账户支出额",
    "本年末账户余额",
)
MEDICAL_TOP = PENSION_TOP - ROW - ACCOUNT_LABEL_H - ROW - 6
NOTES_TOP = MEDICAL_TOP - ROW - ACCOUNT_LABEL_H - ROW - 6
NOTES_LINE = 11.5
NOTES_SIZE = 7.5
FOOTER_Y = 58.0
NOTES_BOTTOM = FOOTER_Y + 26
NOTE_LINES_STANDARD = len(STANDARD_NOTES) + 1  # the verification address takes a line of its own


def fixed_text() -> str:
    """Every character the static layer draws, and those the values mostly use (digits, ASCII,
    flags, dates, the insurance names and statuses): the font built once per process."""
    words = [
        TITLE,
        TITLE_EN,
        LEGEND,
        *SECTION.values(),
        *STANDARD_NOTES,
        MEDICAL_NOT_LISTED,
        MEDICAL_NONE,
        MEDICAL_NO_INTEREST,
        # statements.selectors' NOTE_MEDICAL_ACCOUNT, on nearly every record
        "职工医保个人账户按月划入、不计利息，本年账户支出额为医疗费用报销中由个人账户支付的金额。",
        *NOTES_SAID.values(),
        *(label for row in PERSON_LABELS for label in row if label),
        *PENSION_LABELS,
        *MEDICAL_LABELS,
        "险种参保时间缴费状态项目缴费基数缴费情况月",
        "记录年度验证码记录单编号数据统计截止至打印时间单位：元第页共",
        "养老保险医疗保险失业保险工伤保险生育保险职工基本",
        "正常缴费暂停缴费（中断）未参保终止参保停止缴费已退休领取待遇中退休人员灵活就业",
        "男女年月日未建立个人账户尚未计息无以下空白续",
        "".join(FLAG_SYMBOLS.values()),
        "".join(chr(c) for c in range(0x20, 0x7F)),
        "，。、；：（）《》“”—…％·",
        "武汉市湖北省区街道路号栋单元室社会保险中心经办机构",
    ]
    return "".join(words)


class Ops:
    """Content-stream operators for one layer, with text encoded into the two fonts."""

    def __init__(self, fixed: FixedFont, growing: GrowingFont) -> None:
        self.fixed = fixed
        self.growing = growing
        self.parts: list[bytes] = []

    def content(self) -> bytes:
        return b"\n".join(self.parts)

    def width(self, text: str, size: float) -> float:
        return text_segments(text, self.fixed, self.growing)[1] * size / 1000

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = 8.0,
        align: str = "left",
        color: bytes = INK,
        fit: float = 0,
    ) -> None:
        """Draw ``text`` with its baseline at ``y``; ``align`` at ``x`` (left/center/right); with
        ``fit`` the size shrinks until the text is at most that wide."""
        if not text:
            return
        shaped = self.growing.shaped.get((text, size, fit))
        if shaped is None:
            shaped = self._shape(text, size, fit)
        width, tail = shaped
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        self.parts.append(b"BT %s rg 1 0 0 1 %.2f %.2f Tm %s" % (color, x, y, tail))

    def _shape(self, text: str, size: float, fit: float) -> tuple[float, bytes]:
        """``text`` at ``size`` (shrunk to ``fit``): its width in points and its operators after
        the text matrix (font, size, codes, ``ET``). Kept for the growing font's life (a
        character's code never changes in it), so a book formats a repeated value only once."""
        cache = self.growing.measured
        found = cache.get(text)
        if found is None:
            found = cache[text] = text_segments(text, self.fixed, self.growing)
        runs, w1000 = found
        shown = fit * 1000 / w1000 if fit and w1000 * size / 1000 > fit else size
        width = w1000 * shown / 1000
        out = [b"/F%d %.2f Tf <%s> Tj" % (font + 1, shown, codes) for font, codes in runs]
        out.append(b"ET")
        shaped = self.growing.shaped[(text, size, fit)] = (width, b" ".join(out))
        return shaped

    def rule(self, x1: float, y1: float, x2: float, y2: float, *, width: float = 0.5) -> None:
        self.parts.append(b"%.2f w %.2f %.2f m %.2f %.2f l S" % (width, x1, y1, x2, y2))

    def box(self, x: float, y: float, w: float, h: float, *, fill: bytes | None = None, stroke: bool = True) -> None:
        if fill:
            self.parts.append(b"%s rg %.2f %.2f %.2f %.2f re f" % (fill, x, y, w, h))
        if stroke:
            self.parts.append(b"0.5 w %.2f %.2f %.2f %.2f re S" % (x, y, w, h))

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        """Lines of ``text`` no wider than ``width`` (broken between any two characters, the
        way Chinese text breaks; a line never starts with closing punctuation)."""
        key = (text, width, size)
        done = self.growing.wrapped.get(key)
        if done is not None:
            return list(done)
        fixed_codes, growing_codes, growing = self.fixed.codes, self.growing.codes, self.growing
        lines: list[str] = []
        line: list[str] = []
        used = 0.0
        for char in text:
            # a character's width as text_segments gives it (fixed font first, then the growing one)
            code = fixed_codes.get(char) or growing_codes.get(char) or growing.take(char)[1]
            runs_w = (0.0 + code[1]) * size / 1000
            if line and used + runs_w > width and char not in "，。、；：）》”":
                lines.append("".join(line))
                line, used = [], 0.0
            line.append(char)
            used += runs_w
        if line:
            lines.append("".join(line))
        growing.wrapped[key] = tuple(lines)
        return lines


def _section(ops: Ops, top: float, title: str, *, right: str = "") -> None:
    ops.box(LEFT, top - ROW, WIDTH, ROW, fill=FILL)
    ops.text(LEFT + 5, top - ROW + 4.8, title, size=9)
    if right:
        ops.text(RIGHT - 5, top - ROW + 5, right, size=7.5, align="right", color=GREY)


def _account_grid(ops: Ops, top: float, labels: Sequence[str]) -> None:
    label_top = top - ROW
    bottom = label_top - ACCOUNT_LABEL_H - ROW
    ops.box(LEFT, label_top - ACCOUNT_LABEL_H, WIDTH, ACCOUNT_LABEL_H, fill=ZEBRA, stroke=False)
    ops.box(LEFT, bottom, WIDTH, ACCOUNT_LABEL_H + ROW)
    ops.rule(LEFT, label_top - ACCOUNT_LABEL_H, RIGHT, label_top - ACCOUNT_LABEL_H)
    for i, label in enumerate(labels):
        x0, x1 = ACCOUNT_COLS[i], ACCOUNT_COLS[i + 1]
        if i:
            ops.rule(x0, label_top, x0, bottom)
        lines = ops.wrap(label, x1 - x0 - 6, 7.5)
        if len(lines) > 1:  # balanced lines rather than a lone last character
            per = -(-len(label) // len(lines))
            lines = [label[i : i + per] for i in range(0, len(label), per)]
        first = label_top - ACCOUNT_LABEL_H / 2 + (len(lines) - 1) * 4.5 - 2.6
        for n, line in enumerate(lines):
            ops.text((x0 + x1) / 2, first - n * 9, line, size=7.5, align="center")


def draw_static(ops: Ops) -> None:
    """Everything the statements share: drawn once per process."""
    ops.text(PAGE_W / 2, 800, TITLE, size=18, align="center")
    ops.text(PAGE_W / 2, 786, TITLE_EN, size=7.5, align="center", color=GREY)
    ops.text(LEFT, 770, "记录年度", size=9)
    ops.text(LEFT, 756, "记录单编号", size=8, color=GREY)
    ops.text(LEFT, 744, "验证码", size=8, color=GREY)
    ops.text(QR_X - 6, 744, "单位：元", size=8, align="right", color=GREY)
    # 一、基本信息
    _section(ops, PERSON_TOP, SECTION["person"])
    top = PERSON_TOP - ROW
    ops.box(LEFT, top - 3 * ROW, WIDTH, 3 * ROW)
    for r, labels in enumerate(PERSON_LABELS):
        y = top - ROW * (r + 1)
        if r:
            ops.rule(LEFT, y + ROW, RIGHT, y + ROW)
        for c, label in enumerate(labels):
            if label is None:
                continue
            x0, x1 = PERSON_COLS[2 * c], PERSON_COLS[2 * c + 1]
            ops.box(x0, y, x1 - x0, ROW, fill=ZEBRA, stroke=False)
            ops.text(x0 + 4, y + 5, label, size=8, fit=x1 - x0 - 6)
            ops.rule(x1, y, x1, y + ROW)
            if c:
                ops.rule(x0, y, x0, y + ROW)
    # 二、缴费情况
    _section(ops, MONTHS_TOP, SECTION["months"], right=LEGEND)
    body_bottom = GRID_BODY_TOP - GRID_ROW * 2 * INSURANCE_ROWS
    ops.box(LEFT, GRID_HEAD_TOP - ROW, WIDTH, ROW, fill=ZEBRA, stroke=False)
    ops.box(LEFT, body_bottom, WIDTH, GRID_HEAD_TOP - body_bottom)
    heads = ("险种", "参保时间 / 缴费状态", "项目")
    for i, head in enumerate(heads):
        x0, x1 = GRID_LEFT[i], GRID_LEFT[i + 1]
        ops.text((x0 + x1) / 2, GRID_HEAD_TOP - ROW + 5, head, size=7.5, align="center", fit=x1 - x0 - 4)
    for i in range(12):
        ops.text((MONTH_X[i] + MONTH_X[i + 1]) / 2, GRID_HEAD_TOP - ROW + 5, f"{i + 1}月", size=7.5, align="center")
    for x in (*GRID_LEFT[1:], *MONTH_X[1:12]):
        ops.rule(x, GRID_HEAD_TOP, x, body_bottom)
    ops.rule(LEFT, GRID_BODY_TOP, RIGHT, GRID_BODY_TOP)
    for r in range(INSURANCE_ROWS):
        top = GRID_BODY_TOP - GRID_ROW * 2 * r
        if r:
            ops.rule(LEFT, top, RIGHT, top, width=0.8)
        ops.rule(GRID_LEFT[1], top - GRID_ROW, RIGHT, top - GRID_ROW, width=0.3)
        ops.text(
            GRID_LEFT[2] + 3,
            top - GRID_ROW + 3.6,
            "缴费基数",
            size=6.5,
            color=GREY,
            fit=GRID_LEFT[3] - GRID_LEFT[2] - 4,
        )
        ops.text(
            GRID_LEFT[2] + 3,
            top - 2 * GRID_ROW + 3.6,
            "缴费情况",
            size=6.5,
            color=GREY,
            fit=GRID_LEFT[3] - GRID_LEFT[2] - 4,
        )
    # 三、四、 the accounts
    _section(ops, PENSION_TOP, SECTION["pension"])
    _account_grid(ops, PENSION_TOP, PENSION_LABELS)
    _section(ops, MEDICAL_TOP, SECTION["medical"])
    _account_grid(ops, MEDICAL_TOP, MEDICAL_LABELS)
    # 五、备注
    _section(ops, NOTES_TOP, SECTION["notes"])
    ops.box(LEFT, NOTES_BOTTOM, WIDTH, NOTES_TOP - ROW - NOTES_BOTTOM)
    y = NOTES_TOP - ROW - 11
    for note in STANDARD_NOTES:
        for line in ops.wrap(note, WIDTH - 12, NOTES_SIZE):
            ops.text(LEFT + 6, y, line, size=NOTES_SIZE, color=GREY)
            y -= NOTES_LINE
    # footer
    ops.rule(LEFT, FOOTER_Y + 12, RIGHT, FOOTER_Y + 12, width=0.8)
    ops.text(LEFT, FOOTER_Y, "数据统计截止至：", size=8, color=GREY)
    ops.text(LEFT + 190, FOOTER_Y, "打印时间：", size=8, color=GREY)


def static_notes_bottom(ops: Ops) -> float:
    """The baseline under the last standard note line (where the record's own notes start)."""
    lines = sum(len(ops.wrap(note, WIDTH - 12, NOTES_SIZE)) for note in STANDARD_NOTES)
    return NOTES_TOP - ROW - 11 - NOTES_LINE * lines


# --- values ------------------------------------------------------------------------------------


_CENT = Decimal("0.01")


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value.quantize(_CENT)}"


def _grid_slots() -> tuple[tuple[tuple[float, float, float, float, float], ...], ...]:
    """For each insurance row and month: the base's right edge, baseline and fit width, the
    flag's centre and baseline (what ``draw_record`` gave ``Ops.text`` cell by cell)."""
    rows = []
    for r in range(INSURANCE_ROWS):
        top = GRID_BODY_TOP - GRID_ROW * 2 * r
        row = []
        for month in range(1, 13):
            x0, x1 = MONTH_X[month - 1], MONTH_X[month]
            row.append((x1 - 2, top - GRID_ROW + 3.6, x1 - x0 - 3, (x0 + x1) / 2, top - 2 * GRID_ROW + 3.2))
        rows.append(tuple(row))
    return tuple(rows)


_GRID_SLOTS = _grid_slots()


def _month_cells(ops: Ops, r: int, cells: Sequence[MonthCell]) -> None:
    """The twelve months of the ``r``-th insurance row: each base right-aligned in its cell
    (size 6.3, shrunk to fit), each flag centred (size 8) — the operators ``Ops.text`` writes,
    in the same order, with the book's caches read directly: a base's text and shape once per
    value, a flag's whole operator once per (row, month, flag)."""
    growing = ops.growing
    shaped, flags, moneys, parts = growing.shaped, growing.drawn, growing.money, ops.parts
    slots = _GRID_SLOTS[r]
    for cell in cells:
        month = cell.month
        base_right, base_y, base_fit, flag_x, flag_y = slots[month - 1]
        base = cell.base
        if base is not None:
            text = moneys.get(base)
            if text is None:
                text = moneys[base] = money(base)
            found = shaped.get((text, 6.3, base_fit)) or ops._shape(text, 6.3, base_fit)
            parts.append(b"BT %s rg 1 0 0 1 %.2f %.2f Tm %s" % (INK, base_right - found[0], base_y, found[1]))
        key = (r, month, cell.flag)
        op = flags.get(key)
        if op is None:
            ops.text(flag_x, flag_y, cell.symbol, size=8, align="center")
            op = flags[key] = parts[-1]
        else:
            parts.append(op)


def percent(rate: Decimal | None) -> str:
    if rate is None:
        return "尚未计息"
    shown = (rate * 100).quantize(Decimal("0.0001")).normalize()
    return f"{shown:f}%"


def day(value: dt.date | None) -> str:
    return "" if value is None else value.isoformat()


def _account_values(
    ops: Ops, top: float, block: AccountBlock | None, *, absent: str = "未建立个人账户", no_rate: str = ""
) -> None:
    """An account's seven values in its row (``absent`` centred where there is no block; a rate
    of None printed as ``no_rate`` if given, else as not yet credited)."""
    y = top - ROW - ACCOUNT_LABEL_H - ROW + 5
    if block is None:
        ops.text(PAGE_W / 2, y, absent, size=8, align="center", color=GREY)
        return
    values = (
        money(block.opening_balance),
        money(block.principal),
        money(block.interest),
        (no_rate or percent(None)) if block.rate is None else percent(block.rate),
        str(block.months),
        money(block.paid_out),
        money(block.closing_balance),
    )
    for i, value in enumerate(values):
        x0, x1 = ACCOUNT_COLS[i], ACCOUNT_COLS[i + 1]
        ops.text(x1 - 5, y, value, size=8.5, align="right", fit=x1 - x0 - 8)


def draw_record(
    ops: Ops,
    *,
    record: StatementRecord,
    ref: str,
    code: str,
    menu_url: str,
    printed_at: str,
    notes_top: float,
) -> None:
    """One statement's values over the static layer."""
    ops.text(LEFT + 42, 770, f"{record.year}年", size=9)
    ops.text(LEFT + 50, 756, ref, size=8)
    ops.text(LEFT + 50, 744, code, size=8)
    person = record.person
    values = (
        (person.name, person.sex, person.id_number_masked),
        (person.employer, None, day(person.work_start)),
        (person.address, None, person.postcode),
    )
    top = PERSON_TOP - ROW
    for r, row in enumerate(values):
        y = top - ROW * (r + 1) + 5
        for c, value in enumerate(row):
            if value is None:
                continue
            x0 = PERSON_COLS[2 * c + 1]
            # a value whose next label is None spans to the following value cell's start
            x1 = PERSON_COLS[2 * c + 2] if row[c + 1 : c + 2] != (None,) else PERSON_COLS[2 * c + 4]
            ops.text(x0 + 4, y, value, size=8.5, fit=x1 - x0 - 8)
    blocks = record.insurances
    if len(blocks) > INSURANCE_ROWS:
        raise ValueError(f"a statement has room for {INSURANCE_ROWS} insurances, the record has {len(blocks)}")
    for r, block in enumerate(blocks):
        top = GRID_BODY_TOP - GRID_ROW * 2 * r
        label_w = GRID_LEFT[1] - GRID_LEFT[0] - 4
        ops.text(
            (GRID_LEFT[0] + GRID_LEFT[1]) / 2,
            top - GRID_ROW - 2.5,
            block.label_zh,
            size=7.5,
            align="center",
            fit=label_w,
        )
        mid = (GRID_LEFT[1] + GRID_LEFT[2]) / 2
        span = GRID_LEFT[2] - GRID_LEFT[1] - 4
        ops.text(mid, top - GRID_ROW + 3.6, day(block.enrolled_on) or "—", size=6.5, align="center", fit=span)
        ops.text(mid, top - 2 * GRID_ROW + 3.6, block.status, size=6.5, align="center", fit=span)
        _month_cells(ops, r, block.months)
    _account_values(ops, PENSION_TOP, record.pension_account)
    # a stored statement from before the medical account was kept says the bureau keeps it
    absent = MEDICAL_NOT_LISTED if NOTE_MEDICAL_OLD in record.notes else MEDICAL_NONE
    _account_values(ops, MEDICAL_TOP, record.medical_account, absent=absent, no_rate=MEDICAL_NO_INTEREST)
    # the verification address under the standard notes, then the record's own notes
    y = notes_top
    ops.text(LEFT + 14, y, menu_url, size=NOTES_SIZE)
    y -= NOTES_LINE
    number = len(STANDARD_NOTES)
    lines: list[str] = []
    for note in record.notes:
        note = NOTES_SAID.get(note, note)
        if not note:
            continue
        number += 1
        lines.extend(ops.wrap(f"{number}. {note}", WIDTH - 12, NOTES_SIZE))
    room = int((y - NOTES_BOTTOM - 4) // NOTES_LINE) + 1
    if len(lines) > room:
        lines = [*lines[: room - 1], "……（其余备注请登录网上服务大厅查询本记录单）"]
    for line in lines:
        ops.text(LEFT + 6, y, line, size=NOTES_SIZE)
        y -= NOTES_LINE
    ops.text(LEFT + 64, FOOTER_Y, day(record.as_of), size=8)
    ops.text(LEFT + 230, FOOTER_Y, printed_at, size=8)


_BITS = bytes.maketrans(b"\x00\xff", b"10")


def draw_qr(ops: Ops, modules: bytes, size: int, *, x: float = QR_X, y: float = QR_Y, side: float = QR_SIZE) -> None:
    """A QR symbol (``modules``: ``size``×``size`` bytes, 0 dark) as an inline 1-bit image mask
    painted in ink, nearest-neighbour (``/I false``): sharp at any zoom, under 300 bytes."""
    row_bytes = (size + 7) // 8
    pad = b"0" * (row_bytes * 8 - size)
    packed = b"".join(
        int((modules[r * size : (r + 1) * size].translate(_BITS) + pad), 2).to_bytes(row_bytes, "big")
        for r in range(size)
    )
    ops.parts.append(
        b"q %s rg %.3f 0 0 %.3f %.3f %.3f cm BI /W %d /H %d /IM true /BPC 1 /D [1 0] /I false /F /AHx ID %s> EI Q"
        % (INK, side, side, x, y, size, size, packed.hex().encode())
    )
