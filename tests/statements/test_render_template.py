"""The writer's fast paths draw what the plain drawing draws: every page's content operators
and extracted text equal to those of the reference (``Ops.text`` as it formatted each value
before the book's caches, cell by cell through the month grid), and the QR code with its fixed
data mask still decodes to the verification URL from the printed page."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from decimal import Decimal

import pypdf
import zxingcpp

from shebao.statements.record import AccountBlock, InsuranceBlock, MonthCell, StatementRecord
from shebao.statements.render import StatementBook, layout
from shebao.statements.render.pdf import text_segments
from tests.statements.test_render import PRINTED, URL, make_record, page_image


def reference_text(self, x, y, text, *, size=8.0, align="left", color=layout.INK, fit=0):
    """Ops.text as it was: each call measures (cached runs only) and formats every operator."""
    if not text:
        return
    cache = self.growing.measured
    found = cache.get(text)
    if found is None:
        found = cache[text] = text_segments(text, self.fixed, self.growing)
    runs, w1000 = found
    if fit and w1000 * size / 1000 > fit:
        size = fit * 1000 / w1000
    width = w1000 * size / 1000
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    out = [b"BT %s rg 1 0 0 1 %.2f %.2f Tm" % (color, x, y)]
    for font, codes in runs:
        out.append(b"/F%d %.2f Tf <%s> Tj" % (font + 1, size, codes))
    out.append(b"ET")
    self.parts.append(b" ".join(out))


def reference_month_cells(ops, r, cells):
    """The month grid as draw_record drew it, one Ops.text call a base and a flag."""
    top = layout.GRID_BODY_TOP - layout.GRID_ROW * 2 * r
    for cell in cells:
        x0, x1 = layout.MONTH_X[cell.month - 1], layout.MONTH_X[cell.month]
        if cell.base is not None:
            ops.text(
                x1 - 2, top - layout.GRID_ROW + 3.6, layout.money(cell.base), size=6.3, align="right", fit=x1 - x0 - 3
            )
        ops.text((x0 + x1) / 2, top - 2 * layout.GRID_ROW + 3.2, cell.symbol, size=8, align="center")


def varied_records() -> list[StatementRecord]:
    """Pages that exercise every path: repeated and new bases, a base too wide for its cell,
    every flag, all five rows, names in characters outside the fixed font, long notes."""
    flags = ("paid", "arrears", "transferred_in", "none")
    records = [make_record(), make_record(name="欧阳晓燕"), make_record(name="爨龘齉", notes=("鄂渝黔滇" * 40,))]
    base = make_record()
    for i in range(6):
        rows = tuple(
            InsuranceBlock(
                code,
                label,
                dt.date(2010 + i, 1 + r, 1) if (i + r) % 3 else None,
                ("正常缴费", "欠缴", "暂停缴费（中断）", "未参保")[(i + r) % 4],
                tuple(
                    MonthCell(
                        m,
                        None if (m + i + r) % 5 == 0 else Decimal(f"{4000 + 137 * i + (m % 3) * 1000}.{m:02d}"),
                        flags[(m + r + i) % 4] if (m + i + r) % 5 else "none",
                    )
                    for m in range(1, 13)
                ),
            )
            for r, (code, label) in enumerate(
                (("pension", "养老保险"), ("medical", "医疗保险"), ("unemployment", "失业保险"), ("injury", "工伤保险"))
                + ((("maternity", "生育保险"),) if i % 2 else ())
            )
        )
        if i == 5:  # a base that must shrink to fit its month cell
            rows = (replace(rows[0], months=(MonthCell(1, Decimal("123456789.99"), "paid"),)),)
        records.append(
            StatementRecord(
                person=base.person,
                year=2026,
                insurances=rows,
                pension_account=AccountBlock(
                    Decimal("1.00") * i,
                    Decimal("2.50"),
                    Decimal("0.00"),
                    None if i % 2 else Decimal("0.0262"),
                    12 * i,
                    Decimal("0.00"),
                    Decimal("3.50") * i,
                ),
                medical_account=None,
                notes=(f"第{i}条备注：本年有 {i} 个缴费单位。",) * (i % 3),
                as_of=dt.date(2026, 11, 30),
            )
        )
    return records


def book_pages(records: list[StatementRecord]) -> list[tuple[bytes, str]]:
    book = StatementBook(printed_at=PRINTED)
    for i, record in enumerate(records):
        book.add(record=record, code=f"CODE-{i:04d}", verify_url=f"{URL}{i}")
    reader = pypdf.PdfReader(io.BytesIO(book.finish()))
    return [(page.get_contents().get_data(), page.extract_text()) for page in reader.pages]


def test_book_pages_equal_the_reference_drawing_operator_for_operator(monkeypatch):
    records = varied_records() * 2  # the second round is drawn from the book's caches
    fast = book_pages(records)
    monkeypatch.setattr(layout.Ops, "text", reference_text)
    monkeypatch.setattr(layout, "_month_cells", reference_month_cells)
    reference = book_pages(records)
    assert len(fast) == len(records)
    for n, (got, want) in enumerate(zip(fast, reference, strict=True)):
        assert got[0] == want[0], f"page {n + 1}: content operators differ"
        assert got[1] == want[1], f"page {n + 1}: extracted text differs"
    # the pages carry what they should (the comparison is not between two empty pages)
    assert "爨龘齉" in fast[2][1] and "123456789.99" in fast[8][1] and fast[3][1].count("●") >= 6


def test_the_fixed_mask_qr_decodes_to_each_pages_url_as_printed():
    from shebao.statements.render import QR_MASK

    assert QR_MASK is not None
    urls = [
        f"https://si.wuhan.example/verify/statement/ST2026-{i * 7919:08d}/{i:04d}-EFGH-JKLM-NPQR" for i in range(12)
    ]
    book = StatementBook(printed_at=PRINTED)
    for url in urls:
        book.add(record=make_record(), code="CODE", verify_url=url)
    pdf = book.finish()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for n, url in enumerate(urls):
        writer = pypdf.PdfWriter()
        writer.add_page(reader.pages[n])
        single = io.BytesIO()
        writer.write(single)
        found = zxingcpp.read_barcodes(page_image(single.getvalue(), dpi=150))
        assert [b.text for b in found] == [url], f"page {n + 1}"
